// General builtins: len, has, type_of, is_unknown, default, to_string; and what the model
// knows beyond a value: referenced, native_type, attributes, value_state, refs.
#include "builtins_internal.h"
#include "tenet/model/interner.h"
#include "tenet/model/model.h"

#include <algorithm>
#include <vector>

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

Value builtin_unknown(BuiltinContext& ctx, std::span<const Value> args) {
    // The reason is what a verdict resting on this value will say: it must be text.
    if (!args[0].is(Kind::String)) return fail_type(ctx, "unknown", "a string", args[0]);
    return Value::unknown(args[0].as_string());
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

namespace {

// Calls `f` with every reference in the provenance of `v` and of the values inside it
// (in order, repeats included). Provenance is static, so an unknown value still names
// its sources.
template <typename F> void for_each_ref(const Model& model, const Value& v, F&& f, int depth = 0) {
    if (v.prov() != 0 && v.prov() < model.provenance.size())
        for (const StrObj* ref : model.refs(model.prov(v.prov()))) f(ref);
    if (depth > 64) return;
    if (v.is(Kind::List))
        for (const Value& e : v.as_list()->span()) for_each_ref(model, e, f, depth + 1);
    if (v.is(Kind::Map))
        for (const MapEntry& e : v.as_map()->span()) for_each_ref(model, e.value, f, depth + 1);
}

// The model's record of a resource value; null for null (no resource), and after
// reporting an error for anything else.
const Resource* resource_of(BuiltinContext& ctx, const char* fn, const Value& v) {
    const Model* model = ctx.model();
    if (v.is_null()) return nullptr;
    if (!v.is(Kind::Resource)) {
        fail_type(ctx, fn, "a resource", v);
        return nullptr;
    }
    if (!model || v.resource_index() >= model->resources.size()) {
        ctx.fail(std::string(fn) + ": a resource outside the model");
        return nullptr;
    }
    return &model->resources[v.resource_index()];
}

} // namespace

Value builtin_referenced(BuiltinContext& ctx, std::span<const Value> args) {
    std::vector<std::string_view> types;
    for (const Value& t : args.subspan(1)) {
        if (t.is_unknown()) return t;
        if (!t.is(Kind::String)) return fail_type(ctx, "referenced", "a type name", t);
        types.push_back(t.as_view());
    }
    const Model* model = ctx.model();
    std::vector<uint32_t> found;
    if (model)
        for_each_ref(*model, args[0], [&](const StrObj* ref) {
            int64_t r = model->resolve_reference(ref->view());
            if (r >= 0) found.push_back(static_cast<uint32_t>(r));
        });
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    std::vector<Value> items;
    for (uint32_t i : found) {
        const Resource& r = model->resources[i];
        std::string_view native = r.native_type ? r.native_type->view() : std::string_view();
        std::string_view canonical =
            r.canonical_type ? r.canonical_type->view() : std::string_view();
        // Seen through the canonical view when that is the type asked for (or, with no
        // type given, when the resource has one), as relations do.
        bool as_canonical = types.empty() ? r.canonical.is(Kind::Map) : false;
        bool wanted = types.empty();
        for (std::string_view t : types) {
            if (!canonical.empty() && t == canonical) {
                wanted = as_canonical = true;
                break;
            }
            if (t == native) wanted = true;
        }
        if (wanted)
            items.push_back(Value::resource(i, as_canonical ? View::Canonical : View::Native));
    }
    return make_list_value(ctx, items);
}

// Every resource of native or canonical type T (a list of types: of any of them), seen
// through the canonical view when T is its canonical type; in model order.
Value builtin_resources_of(BuiltinContext& ctx, std::span<const Value> args) {
    const Model* model = ctx.model();
    std::vector<uint32_t> found;
    std::vector<const StrObj*> types;
    for (const Value& t : args) {
        if (!t.is(Kind::String)) return fail_type(ctx, "resources_of", "a type name", t);
        // Model types are interned: a name never interned names no resource.
        if (const StrObj* key = Interner::global().find(t.as_view())) types.push_back(key);
    }
    if (model)
        for (const StrObj* t : types)
            for (uint32_t i : model->of_type(t)) found.push_back(i);
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    std::vector<Value> items;
    for (uint32_t i : found) {
        const Resource& r = model->resources[i];
        bool canonical = std::find(types.begin(), types.end(), r.canonical_type) != types.end() &&
                         r.canonical.is(Kind::Map);
        items.push_back(Value::resource(i, canonical ? View::Canonical : View::Native));
    }
    return make_list_value(ctx, items);
}

Value builtin_native_type(BuiltinContext& ctx, std::span<const Value> args) {
    const Resource* r = resource_of(ctx, "native_type", args[0]);
    if (!r) return Value::null();
    return r->native_type ? Value::string(r->native_type) : Value::null();
}

// The native attributes, whichever view the resource value is in: a rule over every
// resource sees a mapped resource through its canonical view.
Value builtin_attributes(BuiltinContext& ctx, std::span<const Value> args) {
    const Resource* r = resource_of(ctx, "attributes", args[0]);
    if (!r) return Value::null();
    return r->native.is(Kind::Map) ? r->native : Value::null();
}

// How the value came to be, from its provenance: "explicit", "default" (the provider's
// or tool's default), "computed", "unknown"; null when the model records nothing (a value
// the policy built itself).
Value builtin_value_state(BuiltinContext& ctx, std::span<const Value> args) {
    const Value& v = args[0];
    const Model* model = ctx.model();
    if (model && v.prov() != 0 && v.prov() < model->provenance.size())
        return make_string_value(ctx, value_state_name(model->prov(v.prov()).state));
    return v.is_unknown() ? make_string_value(ctx, "unknown") : Value::null();
}

// What the value derives from, as the model writes it ("var.env", "param.Env",
// "aws_kms_key.k.arn", "DataKey.Arn", a Pulumi URN): each reference once, in order.
Value builtin_refs(BuiltinContext& ctx, std::span<const Value> args) {
    std::vector<Value> items;
    if (const Model* model = ctx.model())
        for_each_ref(*model, args[0], [&](const StrObj* ref) {
            for (const Value& seen : items)
                if (seen.as_string() == ref) return;
            items.push_back(Value::string(ref));
        });
    return make_list_value(ctx, items);
}

} // namespace tenet
