// The VM's value operations: fields, indexing, comparisons, arithmetic, membership,
// regular expressions, templates, relations and references. Semantics (and error
// texts) follow the team's shared semantics, which the reference evaluator implements
// independently; the differential check holds the two together.
#include "builtins_internal.h"
#include "tenet/common/json.h"
#include "tenet/model/interner.h"
#include "tenet/runtime/bytecode.h"
#include "vm.h"
#include "vm_code.h"

#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <re2/re2.h>
#include <string>

namespace tenet {

namespace {

// `var.X` / `param.X` names compare ignoring case, `_` and `-`.
std::string loose_name(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != '_' && c != '-')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

re2::StringPiece piece(std::string_view s) {
    return re2::StringPiece(s.data(), s.size());
}

} // namespace

bool Vm::out_of_memory() {
    fail(fmt::format("memory cap of {} bytes exceeded", limits_.memory_cap));
    return false;
}

bool Vm::truth_error(const Value& v) {
    fail("expected a boolean, found " + kind_phrase(v.kind()));
    return false;
}

bool Vm::field(const Value& obj, const StrObj* name, Value& out) {
    const Value* attrs = &obj;
    switch (obj.kind()) {
    case Kind::Null:
    case Kind::Unknown:
        out = obj;
        return true;
    case Kind::Map:
        break;
    case Kind::Resource: {
        if (!model_ || obj.resource_index() >= model_->resources.size()) {
            fail("internal: a resource outside the model");
            return false;
        }
        const Resource& r = model_->resources[obj.resource_index()];
        attrs = obj.resource_view() == View::Canonical ? &r.canonical : &r.native;
        if (!attrs->is(Kind::Map)) {
            out = Value::null();
            return true;
        }
        break;
    }
    default:
        fail(fmt::format("cannot read field `{}` of {}", name->view(), kind_phrase(obj.kind())));
        return false;
    }
    const MapObj* m = attrs->as_map();
    // Model and program keys are interned, so a small map usually holds `name` itself:
    // a pointer scan finds it without touching the other keys' bytes.
    if (m->size <= 8)
        for (const MapEntry& e : m->span())
            if (e.key == name) return out = e.value, true;
    const Value* v = m->find(name);
    out = v ? *v : Value::null();
    return true;
}

bool Vm::index(const Value& obj, const Value& key, Value& out) {
    if (obj.is_unknown()) return out = obj, true;
    if (key.is_unknown()) return out = key, true;
    if (obj.is_null()) return out = Value::null(), true;
    if (obj.is(Kind::List) && key.is(Kind::Number)) {
        double n = key.as_number();
        if (n < 0 || n != std::floor(n)) {
            std::string text;
            json::append_number(text, n);
            fail("invalid list index " + text);
            return false;
        }
        out = n >= obj.as_list()->size ? Value::null()
                                       : obj.as_list()->items()[static_cast<size_t>(n)];
        return true;
    }
    if (obj.is(Kind::Map) && key.is(Kind::String)) {
        const Value* v = obj.as_map()->find(key.as_string());
        out = v ? *v : Value::null();
        return true;
    }
    fail("cannot index " + kind_phrase(obj.kind()) + " with " + kind_phrase(key.kind()));
    return false;
}

bool Vm::map_values(const Value& coll, Value& out) {
    if (coll.is_null() || coll.is_unknown() || coll.is(Kind::List)) return out = coll, true;
    if (!coll.is(Kind::Map)) {
        fail("cannot iterate over " + kind_phrase(coll.kind()));
        return false;
    }
    std::vector<Value> values;
    values.reserve(coll.as_map()->size);
    for (const MapEntry* e : entries_by_key(coll.as_map())) values.push_back(e->value);
    return make_list(values, out);
}

bool Vm::compare(int op, const Value& a, const Value& b, Value& out) {
    if (a.is_unknown()) return out = a, true;
    if (b.is_unknown()) return out = b, true;
    Op o = static_cast<Op>(op);
    if (o == Op::EQ || o == Op::NE) {
        out = Value::boolean(values_equal(a, b) == (o == Op::EQ));
        return true;
    }
    int c = 0;
    if (a.is(Kind::Number) && b.is(Kind::Number))
        return number_op(o, a.as_number(), b.as_number(), out);
    if (!a.is(Kind::String) || !b.is(Kind::String)) {
        fail("cannot compare " + kind_phrase(a.kind()) + " with " + kind_phrase(b.kind()));
        return false;
    }
    c = a.as_view().compare(b.as_view());
    out = Value::boolean(o == Op::LT ? c < 0 : o == Op::LE ? c <= 0 : o == Op::GT ? c > 0 : c >= 0);
    return true;
}

bool Vm::arith(int op, const Value& a, const Value& b, Value& out) {
    if (a.is_unknown()) return out = a, true;
    if (b.is_unknown()) return out = b, true;
    Op o = static_cast<Op>(op);
    if (a.is(Kind::Number) && b.is(Kind::Number)) {
        double x = a.as_number(), y = b.as_number();
        if (number_op(o, x, y, out)) return true; // ADD, SUB, MUL
        if (y != 0) {
            out = Value::number(o == Op::DIV ? x / y : std::fmod(x, y));
            return true;
        }
        fail(o == Op::DIV ? "division by zero" : "modulo by zero");
        return false;
    }
    if (o == Op::ADD && a.is(Kind::String) && b.is(Kind::String)) {
        std::string s(a.as_view());
        s += b.as_view();
        const StrObj* obj = arena_.make_string(s);
        if (!obj) return out_of_memory();
        out = Value::string(obj);
        return true;
    }
    if (o == Op::ADD && a.is(Kind::List) && b.is(Kind::List)) {
        std::vector<Value> items(a.as_list()->items(), a.as_list()->items() + a.as_list()->size);
        items.insert(items.end(), b.as_list()->items(), b.as_list()->items() + b.as_list()->size);
        return make_list(items, out);
    }
    const char* sym = o == Op::ADD   ? "+"
                      : o == Op::SUB ? "-"
                      : o == Op::MUL ? "*"
                      : o == Op::DIV ? "/"
                                     : "%";
    fail(fmt::format("cannot apply `{}` to {} and {}", sym, kind_phrase(a.kind()),
                     kind_phrase(b.kind())));
    return false;
}

bool Vm::negate(const Value& a, Value& out) {
    if (a.is_unknown()) return out = a, true;
    if (!a.is(Kind::Number)) {
        fail("cannot negate " + kind_phrase(a.kind()));
        return false;
    }
    out = Value::number(-a.as_number());
    return true;
}

bool Vm::in(const Value& x, const Value& coll, Value& out) {
    if (x.is_unknown()) return out = x, true;
    if (coll.is_unknown()) return out = coll, true;
    switch (coll.kind()) {
    case Kind::Null:
        out = Value::boolean(false);
        return true;
    case Kind::List: {
        const Value* unknown = nullptr;
        for (const Value& v : coll.as_list()->span()) {
            if (v.is_unknown()) {
                if (!unknown) unknown = &v;
            } else if (values_equal(x, v)) {
                out = Value::boolean(true);
                return true;
            }
        }
        out = unknown ? *unknown : Value::boolean(false);
        return true;
    }
    case Kind::Map:
        if (!x.is(Kind::String)) break;
        out = Value::boolean(coll.as_map()->find(x.as_string()) != nullptr);
        return true;
    case Kind::String:
        if (!x.is(Kind::String)) break;
        out = Value::boolean(coll.as_view().find(x.as_view()) != std::string_view::npos);
        return true;
    default:
        fail("cannot test membership in " + kind_phrase(coll.kind()));
        return false;
    }
    fail("cannot look up " + kind_phrase(x.kind()) +
         (coll.is(Kind::Map) ? " in the keys of a map" : " in a string"));
    return false;
}

bool Vm::match(const Value& s, const re2::RE2& re, Value& out) {
    if (s.is_unknown()) return out = s, true;
    if (s.is_null()) return out = Value::boolean(false), true;
    if (!s.is(Kind::String)) {
        fail("cannot match " + kind_phrase(s.kind()) + " against a regular expression");
        return false;
    }
    out = Value::boolean(RE2::PartialMatch(piece(s.as_view()), re));
    return true;
}

bool Vm::match_dynamic(const Value& s, const Value& pattern, Value& out) {
    if (s.is_unknown()) return out = s, true;
    if (pattern.is_unknown()) return out = pattern, true;
    if (!pattern.is(Kind::String)) {
        fail("a regular expression must be a string, found " + kind_phrase(pattern.kind()));
        return false;
    }
    std::string error;
    const re2::RE2* re = cached_regex(pattern.as_view(), error);
    if (!re) {
        fail(error);
        return false;
    }
    return match(s, *re, out);
}

bool Vm::concat(std::span<const Value> parts, Value& out) {
    if (const Value* u = first_unknown(parts)) return out = *u, true;
    std::string& text = text_buffer_; // reused: templates run for every failing resource
    text.clear();
    for (const Value& p : parts) append_string_form(text, p, model_);
    const StrObj* s = arena_.make_string(text);
    if (!s) return out_of_memory();
    out = Value::string(s);
    return true;
}

bool Vm::make_list(std::span<const Value> items, Value& out) {
    const ListObj* l = arena_.make_list(items);
    if (!l) return out_of_memory();
    out = Value::list(l);
    return true;
}

bool Vm::make_map(std::span<const Value> pairs, Value& out) {
    std::vector<MapEntry> entries;
    entries.reserve(pairs.size() / 2);
    for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
        if (!pairs[i].is(Kind::String)) {
            fail("map keys must be strings, found " + kind_phrase(pairs[i].kind()));
            return false;
        }
        entries.push_back({pairs[i].as_string(), pairs[i + 1]});
    }
    const MapObj* m = arena_.make_map(entries);
    if (!m) return out_of_memory();
    out = Value::map(m);
    return true;
}

bool Vm::relation(const Value& r, const StrObj* type, const StrObj* attribute, Value& out) {
    if (r.is_unknown()) return out = r, true;
    if (r.is_null()) return out = Value::list(empty_list()), true;
    if (!r.is(Kind::Resource)) {
        fail("cannot follow references to " + kind_phrase(r.kind()));
        return false;
    }
    if (!model_) return out = Value::list(empty_list()), true;
    // The index is keyed by interned pointers; bundle constants are interned on load,
    // but a string that was never interned cannot name anything in the model.
    if (!type->interned) type = Interner::global().find(type->view());
    if (attribute && !attribute->interned) attribute = Interner::global().find(attribute->view());
    if (!type || !attribute) return out = Value::list(empty_list()), true;
    std::vector<Value> items;
    for (uint32_t i : model_->relations.incoming(r.resource_index(), type, attribute)) {
        const Resource& src = model_->resources[i];
        items.push_back(
            Value::resource(i, src.canonical_type == type ? View::Canonical : View::Native));
    }
    return make_list(items, out);
}

namespace {

bool refs_match(const Model& model, const Value& v, std::string_view kind, std::string_view name,
                const std::string& loose, int depth) {
    if (v.prov() != 0 && v.prov() < model.provenance.size()) {
        bool stack_input = kind == "var" || kind == "param";
        for (const StrObj* ref : model.refs(model.prov(v.prov()))) {
            std::string_view r = ref->view();
            if (stack_input) {
                for (std::string_view head : {"var.", "param."})
                    if (r.starts_with(head) && loose_name(r.substr(head.size())) == loose)
                        return true;
            } else {
                size_t n = kind.size() + 1 + name.size();
                if (r.size() >= n && r.substr(0, kind.size()) == kind && r[kind.size()] == '.' &&
                    r.substr(kind.size() + 1, name.size()) == name &&
                    (r.size() == n || r[n] == '.' || r[n] == '['))
                    return true;
            }
        }
    }
    if (depth > 64) return false;
    if (v.is(Kind::List))
        for (const Value& e : v.as_list()->span())
            if (refs_match(model, e, kind, name, loose, depth + 1)) return true;
    if (v.is(Kind::Map))
        for (const MapEntry& e : v.as_map()->span())
            if (refs_match(model, e.value, kind, name, loose, depth + 1)) return true;
    return false;
}

} // namespace

bool Vm::references(const Value& v, std::string_view target, Value& out) {
    // Provenance is static: an unknown value still says what it derives from.
    size_t dot = target.find('.');
    if (!model_ || dot == std::string_view::npos) return out = Value::boolean(false), true;
    std::string_view kind = target.substr(0, dot), name = target.substr(dot + 1);
    out = Value::boolean(refs_match(*model_, v, kind, name, loose_name(name), 0));
    return true;
}

bool Vm::call_builtin(uint16_t index, std::span<const Value> args, Value& out) {
    if (index >= builtin_count()) {
        fail("internal: no builtin " + std::to_string(index));
        return false;
    }
    const BuiltinInfo& info = builtin_info(index);
    if (args.size() < info.min_args || args.size() > info.max_args) {
        fail(fmt::format("internal: {} called with {} arguments", info.name, args.size()));
        return false;
    }
    if (info.propagate_unknown)
        if (const Value* u = first_unknown(args)) return out = *u, true;
    out = info.fn(*this, args);
    // A builtin that hit the cap has said so itself ("memory cap exceeded"); the
    // reference evaluator reports the builtin's message first too.
    if (arena_.over_cap()) return out_of_memory();
    return !failed_;
}

bool persist_value(const Value& v, Arena& arena, Value& out) {
    switch (v.kind()) {
    case Kind::String:
        out = v.as_string()->interned ? v : Value::string(intern(v.as_view()), v.prov());
        return true;
    case Kind::Unknown:
        out = Value::unknown(intern(v.unknown_reason()->view()), v.prov());
        return true;
    case Kind::List: {
        std::vector<Value> items(v.as_list()->size);
        for (size_t i = 0; i < items.size(); ++i)
            if (!persist_value(v.as_list()->items()[i], arena, items[i])) return false;
        const ListObj* l = arena.make_list(items);
        if (!l) return false;
        out = Value::list(l, v.prov());
        return true;
    }
    case Kind::Map: {
        std::vector<MapEntry> entries(v.as_map()->size);
        for (size_t i = 0; i < entries.size(); ++i) {
            const MapEntry& e = v.as_map()->entries()[i];
            entries[i].key = e.key->interned ? e.key : intern(e.key->view());
            if (!persist_value(e.value, arena, entries[i].value)) return false;
        }
        const MapObj* m = arena.make_map(entries);
        if (!m) return false;
        out = Value::map(m, v.prov());
        return true;
    }
    default:
        out = v;
        return true;
    }
}

} // namespace tenet
