// data "aws_iam_policy_document": the JSON policy the provider renders from the
// statement blocks, so that policies written with it read like jsonencode'd ones.
// Single-element lists render as a string, as the provider does.
#include "tf_functions.h"
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
        if ((*ids)->is(VKind::List))
            all.insert(all.end(), (*ids)->items.begin(), (*ids)->items.end());
        else
            all.push_back(*ids);
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

// An unknown value the document's shape depends on: a merged document (it must be
// parsed), the statement blocks themselves (a dynamic block over an unknown collection),
// a principal type, or a condition operator or key. An unknown anywhere else is a leaf.
const Val* shape_unknown(const ValPtr& attrs) {
    for (const char* name :
         {"source_policy_documents", "override_policy_documents", "source_json", "override_json"})
        if (const ValPtr* v = field(attrs, name))
            if (const Val* u = find_unknown(*v)) return u;
    const ValPtr* list = field(attrs, "statement");
    if (!list) return nullptr;
    if ((*list)->unknown()) return list->get();
    for (const ValPtr& st : (*list)->items) {
        if (st->unknown()) return st.get();
        for (const char* name : {"principals", "not_principals", "condition"}) {
            const ValPtr* blocks = field(st, name);
            if (!blocks) continue;
            if ((*blocks)->unknown()) return blocks->get();
            for (const ValPtr& b : (*blocks)->items) {
                if (b->unknown()) return b.get();
                for (const char* key : {"type", "test", "variable"})
                    if (const ValPtr* k = field(b, key); k && (*k)->unknown()) return k->get();
            }
        }
    }
    return nullptr;
}

} // namespace

ValPtr iam_policy_document_json(const ValPtr& attrs, SourceLoc loc) {
    Refs refs;
    collect_refs(attrs, refs);
    if (const Val* u = shape_unknown(attrs)) return v_unknown(u->text, loc, refs);
    // Values known only after apply in the statements (an ARN, an identifier) leave the
    // document unrendered as text; it is kept as a structure, as jsonencode keeps one, so
    // its statements stay readable and each unknown leaf says why.
    bool unknown_leaves = find_unknown(attrs) != nullptr;
    // Statements of other documents: source ones first (this document's statements replace
    // those with the same Sid), override ones last (replacing this document's by Sid).
    std::vector<ValPtr> source, overrides;
    auto documents = [&](const char* name, std::vector<ValPtr>& out) -> ValPtr {
        const ValPtr* list = field(attrs, name);
        if (!list) return nullptr;
        std::vector<ValPtr> texts =
            (*list)->is(VKind::List) ? (*list)->items : std::vector<ValPtr>{*list};
        for (const ValPtr& t : texts) {
            std::string text, error;
            if (!to_text(*t, text)) continue;
            ValPtr doc = parse_json_value(text, error);
            if (!doc)
                return v_unknown(std::string(name) + " holds a document that is not JSON: " + error,
                                 loc, refs);
            const ValPtr* st = doc->find("Statement");
            if (!st) continue;
            if ((*st)->is(VKind::List))
                out.insert(out.end(), (*st)->items.begin(), (*st)->items.end());
            else
                out.push_back(*st);
        }
        return nullptr;
    };
    if (ValPtr bad = documents("source_policy_documents", source)) return bad;
    if (ValPtr bad = documents("override_policy_documents", overrides)) return bad;
    for (const char* legacy : {"source_json", "override_json"})
        if (field(attrs, legacy))
            return v_unknown(std::string("the policy document merges ") + legacy +
                                 ", which Tenet does not render",
                             loc, refs);
    auto sid_of = [](const ValPtr& st) {
        std::string sid;
        if (const ValPtr* s = st->find("Sid")) to_text(**s, sid);
        return sid;
    };
    // Replaces the statement with the same (non-empty) Sid, or appends.
    auto put = [&](std::vector<ValPtr>& into, const ValPtr& st) {
        std::string sid = sid_of(st);
        for (ValPtr& existing : into)
            if (!sid.empty() && sid_of(existing) == sid) {
                existing = st;
                return;
            }
        into.push_back(st);
    };
    Members doc;
    const ValPtr* version = field(attrs, "version");
    doc.emplace_back("Version", version ? *version : v_str("2012-10-17"));
    if (const ValPtr* id = field(attrs, "policy_id")) doc.emplace_back("Id", *id);
    std::vector<ValPtr> statements = source;
    if (const ValPtr* list = field(attrs, "statement")) {
        for (const ValPtr& st : (*list)->items) {
            Members s;
            const ValPtr* effect = field(st, "effect");
            s.emplace_back("Effect", effect ? *effect : v_str("Allow"));
            if (const ValPtr* sid = field(st, "sid")) s.emplace_back("Sid", *sid);
            static const std::pair<const char*, const char*> lists[] = {
                {"actions", "Action"},
                {"not_actions", "NotAction"},
                {"resources", "Resource"},
                {"not_resources", "NotResource"}};
            for (auto [from, to] : lists)
                if (const ValPtr* v = field(st, from)) s.emplace_back(to, string_or_list(*v));
            if (const ValPtr* p = field(st, "principals"))
                s.emplace_back("Principal", principals(*p));
            if (const ValPtr* p = field(st, "not_principals"))
                s.emplace_back("NotPrincipal", principals(*p));
            if (const ValPtr* c = field(st, "condition"))
                s.emplace_back("Condition", conditions(*c));
            put(statements, v_map(s));
        }
    }
    for (const ValPtr& st : overrides) put(statements, st);
    doc.emplace_back("Statement", v_list(statements));
    if (unknown_leaves) {
        auto out = new_val(*v_map(doc, loc));
        out->computed = true;
        out->refs = refs;
        return out;
    }
    std::string text;
    to_json(*v_map(doc), text);
    auto out = new_val(*v_str(text, loc));
    out->computed = true;
    out->refs = refs;
    return out;
}

} // namespace tenet::tf
