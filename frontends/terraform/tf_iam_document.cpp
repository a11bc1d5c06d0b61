// data "aws_iam_policy_document": the JSON policy the provider renders from the
// statement blocks, so that policies written with it read like jsonencode'd ones.
// Single-element lists render as a string, as the provider does.
#include "tf_instance.h"

namespace tenet::tf {

namespace {

ValPtr string_or_list(const ValPtr& v) {
    if (v->is(VKind::List) && v->items.size() == 1) return v->items[0];
    return v;
}

const ValPtr* field(const ValPtr& m, const char* name) {
    const ValPtr* v = m->find(name);
    return v && !(*v)->is(VKind::Null) ? v : nullptr;
}

// principals { type = "AWS", identifiers = [...] } blocks into {"AWS": [...]}.
ValPtr principals(const ValPtr& blocks) {
    Members by_type;
    for (const ValPtr& p : blocks->items) {
        const ValPtr* type = field(p, "type");
        const ValPtr* ids = field(p, "identifiers");
        if (!type || !ids) continue;
        std::string t;
        to_text(**type, t);
        if (t == "*") return v_str("*");
        std::vector<ValPtr> all;
        for (auto& m : by_type)
            if (m.first == t) all = m.second->items;
        if ((*ids)->is(VKind::List)) all.insert(all.end(), (*ids)->items.begin(), (*ids)->items.end());
        else all.push_back(*ids);
        std::erase_if(by_type, [&](auto& m) { return m.first == t; });
        by_type.emplace_back(t, v_list(all));
    }
    for (auto& m : by_type) m.second = string_or_list(m.second);
    return v_map(by_type);
}

// condition { test, variable, values } blocks into {"test": {"variable": values}}.
ValPtr conditions(const ValPtr& blocks) {
    std::vector<std::pair<std::string, Members>> tests;
    for (const ValPtr& c : blocks->items) {
        const ValPtr* test = field(c, "test");
        const ValPtr* var = field(c, "variable");
        const ValPtr* values = field(c, "values");
        if (!test || !var || !values) continue;
        std::string t, v;
        to_text(**test, t);
        to_text(**var, v);
        auto it = std::find_if(tests.begin(), tests.end(), [&](auto& x) { return x.first == t; });
        if (it == tests.end()) {
            tests.push_back({t, {}});
            it = tests.end() - 1;
        }
        it->second.emplace_back(v, string_or_list(*values));
    }
    Members out;
    for (auto& [t, m] : tests) out.emplace_back(t, v_map(m));
    return v_map(out);
}

} // namespace

ValPtr iam_policy_document_json(const ValPtr& attrs, SourceLoc loc) {
    Refs refs;
    collect_refs(attrs, refs);
    if (const Val* u = find_unknown(attrs)) return v_unknown(u->text, loc, refs);
    for (const char* merged : {"source_policy_documents", "override_policy_documents", "source_json", "override_json"})
        if (field(attrs, merged))
            return v_unknown(std::string("the policy document merges ") + merged + ", which Tenet does not render", loc,
                             refs);
    Members doc;
    const ValPtr* version = field(attrs, "version");
    doc.emplace_back("Version", version ? *version : v_str("2012-10-17"));
    if (const ValPtr* id = field(attrs, "policy_id")) doc.emplace_back("Id", *id);
    std::vector<ValPtr> statements;
    if (const ValPtr* list = field(attrs, "statement")) {
        for (const ValPtr& st : (*list)->items) {
            Members s;
            const ValPtr* effect = field(st, "effect");
            s.emplace_back("Effect", effect ? *effect : v_str("Allow"));
            if (const ValPtr* sid = field(st, "sid")) s.emplace_back("Sid", *sid);
            static const std::pair<const char*, const char*> lists[] = {
                {"actions", "Action"}, {"not_actions", "NotAction"}, {"resources", "Resource"}, {"not_resources", "NotResource"}};
            for (auto [from, to] : lists)
                if (const ValPtr* v = field(st, from)) s.emplace_back(to, string_or_list(*v));
            if (const ValPtr* p = field(st, "principals")) s.emplace_back("Principal", principals(*p));
            if (const ValPtr* p = field(st, "not_principals")) s.emplace_back("NotPrincipal", principals(*p));
            if (const ValPtr* c = field(st, "condition")) s.emplace_back("Condition", conditions(*c));
            statements.push_back(v_map(s));
        }
    }
    doc.emplace_back("Statement", v_list(statements));
    std::string text;
    to_json(*v_map(doc), text);
    auto out = std::make_shared<Val>(*v_str(text, loc));
    out->computed = true;
    out->refs = refs;
    return out;
}

} // namespace tenet::tf
