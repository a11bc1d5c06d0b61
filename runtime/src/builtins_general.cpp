// General builtins: len, has, type_of, is_unknown, default, to_string.
#include "builtins_internal.h"
#include "tenet/model/model.h"

namespace tenet {

namespace {

// Characters of UTF-8 text: bytes that do not continue a sequence.
size_t utf8_length(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

} // namespace

Value builtin_len(BuiltinContext& ctx, std::span<const Value> args) {
    const Value& v = args[0];
    switch (v.kind()) {
    case Kind::Null:
        return Value::number(0);
    case Kind::String:
        return Value::number(static_cast<double>(utf8_length(v.as_view())));
    case Kind::List:
        return Value::number(v.as_list()->size);
    case Kind::Map:
        return Value::number(v.as_map()->size);
    default:
        return fail_type(ctx, "len", "a list, map or string", v);
    }
}

Value builtin_has(BuiltinContext&, std::span<const Value> args) {
    return Value::boolean(!args[0].is_null());
}

Value builtin_type_of(BuiltinContext& ctx, std::span<const Value> args) {
    return make_string_value(ctx, kind_name(args[0].kind()));
}

Value builtin_is_unknown(BuiltinContext&, std::span<const Value> args) {
    return Value::boolean(args[0].is_unknown());
}

Value builtin_default(BuiltinContext&, std::span<const Value> args) {
    // Like `??`: an unknown first argument is not null, so it stays.
    return args[0].is_null() ? args[1] : args[0];
}

Value builtin_to_string(BuiltinContext& ctx, std::span<const Value> args) {
    if (args[0].is(Kind::String)) return args[0];
    // A resource's text is its (interned) address: no copy. This is every message's `{resource}`.
    const Model* model = ctx.model();
    if (args[0].is(Kind::Resource) && model && args[0].resource_index() < model->resources.size() &&
        model->resources[args[0].resource_index()].address)
        return Value::string(model->resources[args[0].resource_index()].address);
    if (const Value* u = deep_unknown(args[0]))
        return *u; // a list holding an unknown is not known text
    std::string out;
    append_string_form(out, args[0], ctx.model());
    return make_string_value(ctx, out, args[0].prov());
}

} // namespace tenet
