// Shared helpers of the builtin families (builtins_*.cpp) and the VM.
//
// Conventions every builtin follows:
// - Unknown arguments never reach a builtin with propagate_unknown (the caller returns
//   the first unknown argument); builtins that look inside lists return the first
//   unknown element they meet instead of a result.
// - Null in a position that wants a string, number or CIDR gives null (an absent
//   attribute stays absent, and counts as false in a boolean position); collection
//   builtins treat null as the empty collection, like quantifiers do.
// - Any other wrong kind is an evaluation error "NAME: expected a string, found a number".
// - Maps are visited in key order (bytewise), so results never depend on hashing.
#pragma once

#include "tenet/model/arena.h"
#include "tenet/model/value.h"
#include "tenet/runtime/builtins.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace tenet {

// ---- results and errors ----------------------------------------------------------

// Reports "NAME: expected WANT, found a KIND" and returns null.
Value fail_type(BuiltinContext& ctx, const char* fn, const char* want, const Value& got);
// A string result; reports the memory cap when the arena is full.
Value make_string_value(BuiltinContext& ctx, std::string_view s, ProvId prov = 0);
Value make_list_value(BuiltinContext& ctx, std::span<const Value> items, ProvId prov = 0);
// The message builtins and the VM use when an arena allocation fails.
inline constexpr const char* kOutOfMemory = "memory cap exceeded";

// ---- inspection ------------------------------------------------------------------

// Integral number in [-2^53, 2^53]; false otherwise.
bool integral_value(const Value& v, int64_t& out);
// The first Unknown among `items`, or nullptr.
const Value* first_unknown(std::span<const Value> items);
// Deep search (lists and map values) for an Unknown, or nullptr.
const Value* deep_unknown(const Value& v, int depth = 0);
// Map entries in bytewise key order (the order every builtin and the VM iterate in).
std::vector<const MapEntry*> entries_by_key(const MapObj* m);
// Structural hash consistent with values_equal.
size_t value_hash(const Value& v);

// ---- string forms ----------------------------------------------------------------

// Shortest round-trip form; integers print without ".0".
std::string format_number(double n);
// The template/to_string form of a value: strings raw, numbers by format_number,
// bools, "null", lists and maps as compact JSON, a resource as its address (when
// `model` is known). Unknown is the caller's business (it propagates).
void append_string_form(std::string& out, const Value& v, const class Model* model);

// ---- regex and JSON --------------------------------------------------------------

// A compiled pattern from a per-thread cache; nullptr with `error` set when invalid.
const re2::RE2* cached_regex(std::string_view pattern, std::string& error);
// JSON text to a Value in the context's arena (not interned).
bool decode_json_value(BuiltinContext& ctx, std::string_view text, Value& out, std::string& error);

// ---- implementations, one family a file --------------------------------------------

#define TENET_BUILTIN(fn_name) Value fn_name(BuiltinContext& ctx, std::span<const Value> args)

// builtins_general.cpp
TENET_BUILTIN(builtin_len);
TENET_BUILTIN(builtin_has);
TENET_BUILTIN(builtin_type_of);
TENET_BUILTIN(builtin_is_unknown);
TENET_BUILTIN(builtin_unknown);
TENET_BUILTIN(builtin_default);
TENET_BUILTIN(builtin_to_string);
TENET_BUILTIN(builtin_referenced);
TENET_BUILTIN(builtin_native_type);
TENET_BUILTIN(builtin_attributes);
TENET_BUILTIN(builtin_value_state);
TENET_BUILTIN(builtin_refs);
TENET_BUILTIN(builtin_resources_of);
// builtins_string.cpp
TENET_BUILTIN(builtin_lower);
TENET_BUILTIN(builtin_upper);
TENET_BUILTIN(builtin_trim);
TENET_BUILTIN(builtin_starts_with);
TENET_BUILTIN(builtin_ends_with);
TENET_BUILTIN(builtin_contains);
TENET_BUILTIN(builtin_split);
TENET_BUILTIN(builtin_join);
TENET_BUILTIN(builtin_replace);
TENET_BUILTIN(builtin_substr);
TENET_BUILTIN(builtin_format);
// builtins_regex.cpp
TENET_BUILTIN(builtin_matches);
TENET_BUILTIN(builtin_regex_find);
TENET_BUILTIN(builtin_regex_replace);
// builtins_number.cpp
TENET_BUILTIN(builtin_abs);
TENET_BUILTIN(builtin_min);
TENET_BUILTIN(builtin_max);
TENET_BUILTIN(builtin_floor);
TENET_BUILTIN(builtin_ceil);
TENET_BUILTIN(builtin_to_number);
// builtins_list.cpp
TENET_BUILTIN(builtin_keys);
TENET_BUILTIN(builtin_regex_find_all);
TENET_BUILTIN(builtin_from_entries);
TENET_BUILTIN(builtin_values);
TENET_BUILTIN(builtin_flatten);
TENET_BUILTIN(builtin_distinct);
TENET_BUILTIN(builtin_sort);
TENET_BUILTIN(builtin_first);
TENET_BUILTIN(builtin_last);
TENET_BUILTIN(builtin_sum);
TENET_BUILTIN(builtin_any_true);
TENET_BUILTIN(builtin_all_true);
// builtins_json.cpp
TENET_BUILTIN(builtin_json_decode);
TENET_BUILTIN(builtin_json_encode);
// builtins_net.cpp
TENET_BUILTIN(builtin_cidr_contains);
TENET_BUILTIN(builtin_cidr_is_public);
TENET_BUILTIN(builtin_cidr_prefix);
TENET_BUILTIN(builtin_is_ip);
TENET_BUILTIN(builtin_is_cidr);
TENET_BUILTIN(builtin_port_in_range);
// builtins_iam.cpp
TENET_BUILTIN(builtin_iam_document);

#undef TENET_BUILTIN

} // namespace tenet
