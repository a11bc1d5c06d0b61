// JSON builtins: json_decode, json_encode.
#include "builtins_internal.h"
#include "tenet/model/value_json.h"

#include <fmt/format.h>

namespace tenet {

Value builtin_json_decode(BuiltinContext& ctx, std::span<const Value> args) {
    if (args[0].is_null()) return Value::null();
    if (!args[0].is(Kind::String)) return fail_type(ctx, "json_decode", "a string", args[0]);
    Value out;
    std::string error;
    if (!decode_json_value(ctx, args[0].as_view(), out, error)) {
        ctx.fail(ctx.arena().over_cap() ? std::string(kOutOfMemory)
                                        : fmt::format("json_decode: invalid JSON: {}", error));
        return Value::null();
    }
    // Decoded values derive from the text they came from.
    return out.with_prov(args[0].prov());
}

Value builtin_json_encode(BuiltinContext& ctx, std::span<const Value> args) {
    // The text of a value with an unknown part is not known either.
    if (const Value* u = deep_unknown(args[0])) return *u;
    if (args[0].is(Kind::Resource)) return fail_type(ctx, "json_encode", "a plain value", args[0]);
    return make_string_value(ctx, value_to_json(args[0]));
}

} // namespace tenet
