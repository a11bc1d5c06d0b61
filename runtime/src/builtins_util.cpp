// Helpers shared by the builtin families and the VM: typed failures, string forms,
// key-ordered map iteration, structural hashing.
#include "builtins_internal.h"
#include "tenet/common/json.h"
#include "tenet/model/model.h"
#include "tenet/model/value_json.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>

namespace tenet {

Value fail_type(BuiltinContext& ctx, const char* fn, const char* want, const Value& got) {
    ctx.fail(fmt::format("{}: expected {}, found {}", fn, want, kind_phrase(got.kind())));
    return Value::null();
}

Value make_string_value(BuiltinContext& ctx, std::string_view s, ProvId prov) {
    const StrObj* obj = ctx.make_string(s);
    if (!obj) {
        ctx.fail(kOutOfMemory);
        return Value::null();
    }
    return Value::string(obj, prov);
}

Value make_list_value(BuiltinContext& ctx, std::span<const Value> items, ProvId prov) {
    const ListObj* l = ctx.arena().make_list(items);
    if (!l) {
        ctx.fail(kOutOfMemory);
        return Value::null();
    }
    return Value::list(l, prov);
}

bool integral_value(const Value& v, int64_t& out) {
    if (!v.is(Kind::Number)) return false;
    double n = v.as_number();
    if (!(n >= -9007199254740992.0 && n <= 9007199254740992.0) || std::floor(n) != n) return false;
    out = static_cast<int64_t>(n);
    return true;
}

const Value* first_unknown(std::span<const Value> items) {
    for (const Value& v : items)
        if (v.is_unknown()) return &v;
    return nullptr;
}

const Value* deep_unknown(const Value& v, int depth) {
    if (v.is_unknown()) return &v;
    if (depth > 256) return nullptr; // deeper than any loader or builder produces
    if (v.is(Kind::List)) {
        for (const Value& e : v.as_list()->span())
            if (const Value* u = deep_unknown(e, depth + 1)) return u;
    } else if (v.is(Kind::Map)) {
        for (const MapEntry* e : entries_by_key(v.as_map()))
            if (const Value* u = deep_unknown(e->value, depth + 1)) return u;
    }
    return nullptr;
}

std::vector<const MapEntry*> entries_by_key(const MapObj* m) {
    std::vector<const MapEntry*> out;
    out.reserve(m->size);
    for (const MapEntry& e : m->span()) out.push_back(&e);
    std::sort(out.begin(), out.end(),
              [](const MapEntry* a, const MapEntry* b) { return a->key->view() < b->key->view(); });
    return out;
}

size_t value_hash(const Value& v) {
    size_t h = static_cast<size_t>(v.kind()) * 0x9E3779B97F4A7C15ull;
    auto mix = [&h](size_t x) { h ^= x + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2); };
    switch (v.kind()) {
    case Kind::Null:
    case Kind::Unknown:
        break;
    case Kind::Bool:
        mix(v.as_bool());
        break;
    case Kind::Number: {
        double n = v.as_number();
        mix(n == 0 ? 0 : std::hash<double>()(n)); // -0 == 0
        break;
    }
    case Kind::String:
        mix(v.as_string()->hash);
        break;
    case Kind::List:
        for (const Value& e : v.as_list()->span()) mix(value_hash(e));
        break;
    case Kind::Map:
        // Entry order is the same for equal maps (sorted by hash, then bytes).
        for (const MapEntry& e : v.as_map()->span()) {
            mix(e.key->hash);
            mix(value_hash(e.value));
        }
        break;
    case Kind::Resource:
        mix(v.resource_index() * 2 + static_cast<uint32_t>(v.resource_view()));
        break;
    }
    return h;
}

std::string format_number(double n) {
    std::string out;
    json::append_number(out, n); // the same text as JSON output and the reference evaluator
    return out;
}

void append_string_form(std::string& out, const Value& v, const Model* model) {
    switch (v.kind()) {
    case Kind::Null:
        out += "null";
        break;
    case Kind::Bool:
        out += v.as_bool() ? "true" : "false";
        break;
    case Kind::Number:
        out += format_number(v.as_number());
        break;
    case Kind::String:
        out += v.as_view();
        break;
    case Kind::Resource:
        if (model && v.resource_index() < model->resources.size() &&
            model->resources[v.resource_index()].address) {
            out += model->resources[v.resource_index()].address->view();
            break;
        }
        out += value_to_json(v);
        break;
    case Kind::Unknown:
        out += "unknown";
        break;
    case Kind::List:
    case Kind::Map:
        out += value_to_json(v);
        break;
    }
}

bool decode_json_value(BuiltinContext& ctx, std::string_view text, Value& out, std::string& error) {
    return json_to_value(text, ctx.arena(), out, error, false);
}

} // namespace tenet
