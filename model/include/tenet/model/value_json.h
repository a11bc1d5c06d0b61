// Conversions between JSON text and Values (for json_decode/json_encode, parameter
// overrides, and reports).
#pragma once

#include "tenet/model/arena.h"
#include "tenet/model/value.h"

#include <string>
#include <string_view>

namespace tenet {

// Parses JSON text into a Value whose strings, lists and maps live in `arena`
// (strings interned when `intern_strings`, as the model and program constants need).
// Returns false with a message ("1:14: expected ...") on invalid JSON or when the
// arena's cap is exceeded.
bool json_to_value(std::string_view text, Arena& arena, Value& out, std::string& error,
                   bool intern_strings = false);

// Serializes a Value as compact JSON with map keys sorted by name. Unknown becomes
// {"$unknown": reason}; a resource becomes {"$resource": index}.
std::string value_to_json(const Value& v);

// Human-readable form used in messages and explanations: strings unquoted at top
// level, lists and maps as JSON, unknown as "unknown (reason)".
std::string value_to_display(const Value& v);

} // namespace tenet
