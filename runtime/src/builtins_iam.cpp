// iam_document(doc): normalizes an IAM policy document to std.iam's iam_policy shape,
// whatever its source wrote: a JSON string (jsonencode, heredoc, Pulumi), an object
// (CloudFormation, plan JSON), a single statement or a list, Action as a string or a
// list, Principal as "*" or {"AWS": ..., "Service": ...}.
//
//   {statements: [{sid, effect, actions, not_actions, resources, not_resources,
//                  principals, condition}]}
//
// Principals become "TYPE:value" strings ("AWS:arn:...", "Service:cloudfront.amazonaws.com")
// and a bare "*" stays "*". Conditions are kept as written. Leaf values keep their
// provenance, so a finding can still point at the statement that decided it.
#include "builtins_internal.h"
#include "tenet/model/arena.h"
#include "tenet/model/interner.h"

#include <string>
#include <vector>

namespace tenet {

namespace {

const StrObj* key(std::string_view s) {
    return intern(s);
}

// A string or list of strings as a list; other values are kept as single elements so
// that an unknown action list stays visible as unknown.
Value as_list(BuiltinContext& ctx, const Value* v) {
    if (!v || v->is_null()) return Value::list(empty_list());
    if (v->is(Kind::List)) return *v;
    const ListObj* l = ctx.arena().make_list(std::span<const Value>(v, 1));
    return l ? Value::list(l, v->prov()) : Value();
}

void add_principals(BuiltinContext& ctx, const Value* p, std::vector<Value>& out) {
    if (!p || p->is_null()) return;
    if (p->is(Kind::String) || p->is_unknown()) {
        out.push_back(*p);
        return;
    }
    if (!p->is(Kind::Map)) return;
    for (const MapEntry* entry : entries_by_key(p->as_map())) { // key order: "AWS" before "Service"
        const MapEntry& e = *entry;
        Value values = as_list(ctx, &e.value);
        if (!values.is(Kind::List)) continue;
        for (const Value& v : values.as_list()->span()) {
            if (!v.is(Kind::String)) {
                out.push_back(v);
                continue;
            }
            std::string text = std::string(e.key->view()) + ":" + std::string(v.as_view());
            const StrObj* s = ctx.make_string(text);
            if (s) out.push_back(Value::string(s, v.prov()));
        }
    }
}

Value normalize_statement(BuiltinContext& ctx, const Value& st) {
    if (!st.is(Kind::Map)) return st; // unknown or malformed: kept for the policy to see
    const MapObj* m = st.as_map();
    std::vector<Value> principals;
    add_principals(ctx, m->find("Principal"), principals);
    const ListObj* plist = ctx.arena().make_list(principals);
    auto field = [&](const char* name) {
        const Value* v = m->find(name);
        return v ? *v : Value::null();
    };
    MapEntry entries[] = {
        {key("sid"), field("Sid")},
        {key("effect"), field("Effect")},
        {key("actions"), as_list(ctx, m->find("Action"))},
        {key("not_actions"), as_list(ctx, m->find("NotAction"))},
        {key("resources"), as_list(ctx, m->find("Resource"))},
        {key("not_resources"), as_list(ctx, m->find("NotResource"))},
        {key("principals"), plist ? Value::list(plist) : Value()},
        {key("condition"), field("Condition")},
    };
    const MapObj* out = ctx.arena().make_map(entries);
    return out ? Value::map(out, st.prov()) : Value();
}

} // namespace

Value builtin_iam_document(BuiltinContext& ctx, std::span<const Value> args) {
    Value doc = args[0];
    if (doc.is(Kind::String)) {
        std::string error;
        Value parsed;
        if (!decode_json_value(ctx, doc.as_view(), parsed, error)) {
            ctx.fail("iam_document: the policy is not valid JSON: " + error);
            return Value();
        }
        doc = parsed.with_prov(doc.prov());
    }
    if (doc.is_null() || doc.is_unknown()) return doc;
    if (!doc.is(Kind::Map)) {
        ctx.fail(std::string("iam_document: expected a policy document, found ") +
                 kind_name(doc.kind()));
        return Value();
    }
    const Value* statements = doc.as_map()->find("Statement");
    if (statements && statements->is_unknown()) {
        MapEntry e[] = {{key("statements"), *statements}};
        const MapObj* m = ctx.arena().make_map(e);
        return m ? Value::map(m, doc.prov()) : Value();
    }
    Value list = as_list(ctx, statements);
    std::vector<Value> normalized;
    if (list.is(Kind::List))
        for (const Value& st : list.as_list()->span())
            normalized.push_back(normalize_statement(ctx, st));
    const ListObj* l = ctx.arena().make_list(normalized);
    if (!l) return Value();
    MapEntry e[] = {{key("statements"), Value::list(l, statements ? statements->prov() : 0)}};
    const MapObj* m = ctx.arena().make_map(e);
    return m ? Value::map(m, doc.prov()) : Value();
}

} // namespace tenet
