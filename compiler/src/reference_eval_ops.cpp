// The reference evaluator's value operations, written from the shared semantics
// (fields, indexing, comparisons, membership, arithmetic, templates, references,
// relations), independently of the VM's implementation.
#include "reference_eval_internal.h"
#include "tenet/common/json.h"
#include "tenet/model/interner.h"
#include "tenet/model/value_json.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <re2/re2.h>

namespace tenet::refeval {

namespace {

[[noreturn]] void fail(std::string message) {
    throw EvalError{std::move(message)};
}

// `var.X` / `param.X` names compare ignoring case, `_` and `-`.
std::string loose_name(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != '_' && c != '-')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_stack_input(std::string_view kind) {
    return kind == "var" || kind == "param";
}

} // namespace

std::vector<const MapEntry*> sorted_entries(const MapObj* m) {
    std::vector<const MapEntry*> out;
    for (const MapEntry& e : m->span()) out.push_back(&e);
    std::sort(out.begin(), out.end(),
              [](const MapEntry* a, const MapEntry* b) { return a->key->view() < b->key->view(); });
    return out;
}

std::vector<Value> elements(const Value& coll) {
    std::vector<Value> out;
    if (coll.is(Kind::List))
        for (const Value& v : coll.as_list()->span()) out.push_back(v);
    else if (coll.is(Kind::Map))
        for (const MapEntry* e : sorted_entries(coll.as_map())) out.push_back(e->value);
    return out;
}

void Ops::out_of_memory() const {
    fail("memory cap of " + std::to_string(cap_) + " bytes exceeded");
}

const StrObj* Ops::make_string(std::string_view s) const {
    const StrObj* out = arena_->make_string(s);
    if (!out) out_of_memory();
    return out;
}

Value Ops::make_list(const std::vector<Value>& items) const {
    const ListObj* l = arena_->make_list(items);
    if (!l) out_of_memory();
    return Value::list(l);
}

Value Ops::make_map(const std::vector<MapEntry>& entries) const {
    const MapObj* m = arena_->make_map(entries);
    if (!m) out_of_memory();
    return Value::map(m);
}

Value Ops::field(const Value& obj, std::string_view name) const {
    switch (obj.kind()) {
    case Kind::Null:
        return Value::null();
    case Kind::Unknown:
        return obj;
    case Kind::Map: {
        const Value* v = obj.as_map()->find(name);
        return v ? *v : Value::null();
    }
    case Kind::Resource: {
        const Resource& r = model_.resources[obj.resource_index()];
        const Value& attrs = obj.resource_view() == View::Canonical ? r.canonical : r.native;
        if (!attrs.is(Kind::Map)) return Value::null();
        const Value* v = attrs.as_map()->find(name);
        return v ? *v : Value::null();
    }
    default:
        fail("cannot read field `" + std::string(name) + "` of " + kind_phrase(obj.kind()));
    }
}

Value Ops::index(const Value& obj, const Value& key) const {
    if (obj.is_unknown()) return obj;
    if (key.is_unknown()) return key;
    if (obj.is_null()) return Value::null();
    if (obj.is(Kind::List) && key.is(Kind::Number)) {
        double n = key.as_number();
        if (n < 0 || n != std::floor(n))
            fail("invalid list index " + [&] {
                std::string s;
                json::append_number(s, n);
                return s;
            }());
        if (n >= obj.as_list()->size) return Value::null();
        return obj.as_list()->items()[static_cast<size_t>(n)];
    }
    if (obj.is(Kind::Map) && key.is(Kind::String)) {
        const Value* v = obj.as_map()->find(key.as_view());
        return v ? *v : Value::null();
    }
    fail("cannot index " + kind_phrase(obj.kind()) + " with " + kind_phrase(key.kind()));
}

Value Ops::compare(BinOp op, const Value& a, const Value& b) const {
    if (a.is_unknown()) return a;
    if (b.is_unknown()) return b;
    if (op == BinOp::Eq) return Value::boolean(values_equal(a, b));
    if (op == BinOp::Ne) return Value::boolean(!values_equal(a, b));
    if (a.is(Kind::Number) && b.is(Kind::Number)) {
        double x = a.as_number(), y = b.as_number();
        return Value::boolean(op == BinOp::Lt   ? x < y
                              : op == BinOp::Le ? x <= y
                              : op == BinOp::Gt ? x > y
                                                : x >= y);
    }
    if (!a.is(Kind::String) || !b.is(Kind::String))
        fail("cannot compare " + kind_phrase(a.kind()) + " with " + kind_phrase(b.kind()));
    int c = a.as_view().compare(b.as_view()); // bytewise
    return Value::boolean(op == BinOp::Lt   ? c < 0
                          : op == BinOp::Le ? c <= 0
                          : op == BinOp::Gt ? c > 0
                                            : c >= 0);
}

Value Ops::arith(BinOp op, const Value& a, const Value& b) const {
    if (a.is_unknown()) return a;
    if (b.is_unknown()) return b;
    const char* sym = op == BinOp::Add   ? "+"
                      : op == BinOp::Sub ? "-"
                      : op == BinOp::Mul ? "*"
                      : op == BinOp::Div ? "/"
                                         : "%";
    if (a.is(Kind::Number) && b.is(Kind::Number)) {
        double x = a.as_number(), y = b.as_number();
        switch (op) {
        case BinOp::Add:
            return Value::number(x + y);
        case BinOp::Sub:
            return Value::number(x - y);
        case BinOp::Mul:
            return Value::number(x * y);
        case BinOp::Div:
            if (y == 0) fail("division by zero");
            return Value::number(x / y);
        case BinOp::Mod:
            if (y == 0) fail("modulo by zero");
            return Value::number(std::fmod(x, y));
        default:
            break;
        }
    }
    if (op == BinOp::Add && a.is(Kind::String) && b.is(Kind::String)) {
        std::string s(a.as_view());
        s += b.as_view();
        return Value::string(make_string(s));
    }
    if (op == BinOp::Add && a.is(Kind::List) && b.is(Kind::List)) {
        std::vector<Value> items;
        for (const Value& v : a.as_list()->span()) items.push_back(v);
        for (const Value& v : b.as_list()->span()) items.push_back(v);
        return make_list(items);
    }
    fail(std::string("cannot apply `") + sym + "` to " + kind_phrase(a.kind()) + " and " +
         kind_phrase(b.kind()));
}

Value Ops::negate(const Value& a) const {
    if (a.is_unknown()) return a;
    if (!a.is(Kind::Number)) fail("cannot negate " + kind_phrase(a.kind()));
    return Value::number(-a.as_number());
}

Value Ops::in(const Value& x, const Value& coll) const {
    if (x.is_unknown()) return x;
    if (coll.is_unknown()) return coll;
    switch (coll.kind()) {
    case Kind::Null:
        return Value::boolean(false);
    case Kind::List: {
        const Value* unknown = nullptr;
        for (const Value& v : coll.as_list()->span()) {
            if (v.is_unknown()) {
                if (!unknown) unknown = &v;
                continue;
            }
            if (values_equal(x, v)) return Value::boolean(true);
        }
        return unknown ? *unknown : Value::boolean(false);
    }
    case Kind::Map:
        if (!x.is(Kind::String))
            fail("cannot look up " + kind_phrase(x.kind()) + " in the keys of a map");
        return Value::boolean(coll.as_map()->find(x.as_view()) != nullptr);
    case Kind::String:
        if (!x.is(Kind::String)) fail("cannot look up " + kind_phrase(x.kind()) + " in a string");
        return Value::boolean(coll.as_view().find(x.as_view()) != std::string_view::npos);
    default:
        fail("cannot test membership in " + kind_phrase(coll.kind()));
    }
}

Value Ops::matches(const Value& s, const Value& pattern) const {
    if (s.is_unknown()) return s;
    if (pattern.is_unknown()) return pattern;
    if (!pattern.is(Kind::String))
        fail("a regular expression must be a string, found " + kind_phrase(pattern.kind()));
    RE2::Options opts;
    opts.set_log_errors(false);
    RE2 re(re2::StringPiece(pattern.as_view().data(), pattern.as_view().size()), opts);
    if (!re.ok())
        fail("invalid regular expression `" + std::string(pattern.as_view()) + "`: " + re.error());
    if (s.is_null()) return Value::boolean(false);
    if (!s.is(Kind::String))
        fail("cannot match " + kind_phrase(s.kind()) + " against a regular expression");
    return Value::boolean(
        RE2::PartialMatch(re2::StringPiece(s.as_view().data(), s.as_view().size()), re));
}

Value Ops::concat(const std::vector<Value>& parts) const {
    for (const Value& p : parts)
        if (p.is_unknown()) return p;
    std::string out;
    for (const Value& p : parts) {
        switch (p.kind()) {
        case Kind::String:
            out += p.as_view();
            break;
        case Kind::Number:
            json::append_number(out, p.as_number());
            break;
        case Kind::Bool:
            out += p.as_bool() ? "true" : "false";
            break;
        case Kind::Null:
            out += "null";
            break;
        case Kind::Resource:
            out += model_.resources[p.resource_index()].address->view();
            break;
        default:
            out += value_to_json(p);
            break;
        }
    }
    return Value::string(make_string(out));
}

bool Ops::refs_match(const Value& v, std::string_view kind, std::string_view name,
                     int depth) const {
    if (v.prov() != 0 && v.prov() < model_.provenance.size()) {
        for (const StrObj* ref : model_.refs(model_.prov(v.prov()))) {
            std::string_view r = ref->view();
            if (is_stack_input(kind)) {
                for (std::string_view head : {"var.", "param."})
                    if (r.substr(0, head.size()) == head &&
                        loose_name(r.substr(head.size())) == loose_name(name))
                        return true;
            } else {
                std::string target = std::string(kind) + "." + std::string(name);
                if (r == target) return true;
                if (r.size() > target.size() && r.substr(0, target.size()) == target &&
                    (r[target.size()] == '.' || r[target.size()] == '['))
                    return true;
            }
        }
    }
    if (depth > 64) return false;
    if (v.is(Kind::List))
        for (const Value& e : v.as_list()->span())
            if (refs_match(e, kind, name, depth + 1)) return true;
    if (v.is(Kind::Map))
        for (const MapEntry& e : v.as_map()->span())
            if (refs_match(e.value, kind, name, depth + 1)) return true;
    return false;
}

Value Ops::references(const Value& v, std::string_view target_kind, std::string_view target) const {
    if (!model_visible) return Value::boolean(false);
    std::string_view name = target.substr(target.find('.') + 1);
    return Value::boolean(refs_match(v, target_kind, name, 0));
}

Value Ops::relation(const Value& r, const std::string& type, const std::string& attribute) const {
    if (r.is_unknown()) return r;
    if (r.is_null()) return make_list({});
    if (!r.is(Kind::Resource)) fail("cannot follow references to " + kind_phrase(r.kind()));
    if (!model_visible) return make_list({});
    const StrObj* t = intern(type);
    std::vector<Value> out;
    for (uint32_t i : model_.relations.incoming(r.resource_index(), t, intern(attribute))) {
        const Resource& src = model_.resources[i];
        out.push_back(Value::resource(i, src.canonical_type == t ? View::Canonical : View::Native));
    }
    return make_list(out);
}

} // namespace tenet::refeval
