// Resources and data sources: count / for_each expansion into instance addresses,
// block bodies into values (a nested block type becomes a list of maps, as in plan
// JSON), dynamic blocks expanded.
#include "tenet/common/json.h"
#include "tenet/model/interner.h"
#include "tf_instance.h"

#include <algorithm>

namespace tenet::tf {

namespace {

bool is_meta_attribute(std::string_view n) {
    return n == "count" || n == "for_each" || n == "depends_on" || n == "provider";
}
bool is_meta_block(std::string_view n) {
    return n == "lifecycle" || n == "provisioner" || n == "connection";
}

std::string key_suffix(const std::string& key) {
    std::string s = "[";
    json::append_quoted(s, key);
    return s + "]";
}

std::shared_ptr<Val> open_map(Members m, SourceLoc loc, std::shared_ptr<const std::string> open,
                              const Refs& refs = {}) {
    auto v = new_val();
    v->kind = VKind::Map;
    v->loc = loc;
    sort_members(m);
    v->members = std::move(m);
    v->open = std::move(open);
    v->refs = refs;
    return v;
}

std::shared_ptr<Val> open_map(Members m, SourceLoc loc, const std::string& open,
                              const Refs& refs = {}) {
    return open_map(std::move(m), loc,
                    open.empty() ? nullptr : std::make_shared<const std::string>(open), refs);
}

} // namespace

ModuleInstance::Expansion ModuleInstance::expand(const hcl::Body& body, const std::string& what) {
    Expansion ex;
    const hcl::Attribute* count = body.attribute("count");
    const hcl::Attribute* for_each = body.attribute("for_each");
    auto one = [&](const char* name, Members scope_value, const Refs& refs) {
        std::vector<Scope> scope{
            Scope{nullptr, name, with_refs(v_map(std::move(scope_value)), refs)}};
        ex.instances.push_back({"", std::move(scope)});
    };
    if (count) {
        ValPtr n = ev_.eval(count->expr, nullptr);
        Refs refs;
        collect_refs(n, refs);
        long long k = 0;
        double d;
        bool ok = !n->unknown() && to_number(*n, d) && d >= 0 &&
                  d == static_cast<double>(static_cast<long long>(d));
        if (!ok) {
            std::string reason =
                n->unknown() ? n->text : "count must be a whole number, not " + display(*n);
            ex.unknown = v_unknown("the count of " + what + " is unknown: " + reason,
                                   count->expr->loc, refs);
            one("count", {{"index", ex.unknown}}, refs);
            return ex;
        }
        k = static_cast<long long>(d);
        ex.counted = true;
        for (long long i = 0; i < k; ++i) {
            std::vector<Scope> scope{
                Scope{nullptr, "count", with_refs(v_map({{"index", v_num(double(i))}}), refs)}};
            ex.instances.push_back({"[" + std::to_string(i) + "]", std::move(scope)});
        }
        return ex;
    }
    if (!for_each) {
        ex.instances.push_back({"", {}});
        return ex;
    }
    ValPtr coll = ev_.eval(for_each->expr, nullptr);
    Refs refs;
    collect_refs(coll, refs);
    std::vector<std::pair<std::string, ValPtr>> items;
    std::string problem;
    if (coll->unknown()) {
        problem = coll->text;
    } else if (coll->is(VKind::Map)) {
        for (const auto& m : coll->members) items.push_back({m.first, m.second});
    } else if (coll->is(VKind::List)) {
        for (const ValPtr& i : coll->items) {
            std::string k;
            if (i->unknown()) {
                problem = i->text;
                break;
            }
            if (!to_text(*i, k)) {
                problem = "for_each needs a map or a set of strings";
                break;
            }
            items.push_back({k, i});
        }
    } else {
        problem =
            std::string("for_each needs a map or a set of strings, not a ") + type_name(*coll);
    }
    if (!problem.empty()) {
        ex.unknown = v_unknown("the for_each of " + what + " is unknown: " + problem,
                               for_each->expr->loc, refs);
        one("each", {{"key", ex.unknown}, {"value", ex.unknown}}, refs);
        return ex;
    }
    ex.keyed = true;
    for (auto& [k, v] : items) {
        std::vector<Scope> scope{
            Scope{nullptr, "each",
                  with_refs(v_map({{"key", v_str(k)}, {"value", with_refs(v, refs)}}), refs)}};
        ex.instances.push_back({key_suffix(k), std::move(scope)});
    }
    return ex;
}

ValPtr ModuleInstance::resource(const std::string& key) {
    const ResourceDecl* d = cfg_.resource(key);
    if (!d) return nullptr;
    if (const ValPtr* v = done(resources_, key)) return *v;
    return memo(resources_, "", key, d->block->loc, [&]() -> ValPtr {
        std::string address = prefix_ + key;
        Expansion ex = expand(d->block->body, address);
        std::vector<ResourceInstance>& list = instances_[key];
        list.clear();
        std::vector<ValPtr> items;
        // The same for every instance of the declaration.
        const StrObj* native_type = d->data ? intern("data." + d->type) : intern(d->type);
        const StrObj* provider = intern(std::string_view(d->type).substr(0, d->type.find('_')));
        list.reserve(ex.instances.size());
        items.reserve(ex.instances.size());
        for (auto& [suffix, scope] : ex.instances) {
            std::string instance_address = address + suffix;
            Ref self(instance_address);
            ValPtr attrs =
                instance_value(*d, instance_address, self, scope.empty() ? nullptr : &scope[0]);
            if (ex.unknown) {
                // The one instance stands for an unknown number of them: say so in its attributes.
                Members m = attrs->members;
                m.emplace_back(ex.counted || d->block->body.attribute("count") ? "count"
                                                                               : "for_each",
                               ex.unknown);
                attrs = open_map(std::move(m), attrs->loc, attrs->open);
            }
            list.push_back({std::move(instance_address), d, attrs, d->block->body.json_comment_path,
                            native_type, provider, d->block->loc, self.s});
            items.push_back(attrs);
        }
        if (ex.unknown) return ex.unknown;
        Refs refs{Ref(address)};
        if (ex.keyed) {
            // The suffixes hold the keys JSON-quoted; each.key holds them as they are.
            Members m;
            for (size_t i = 0; i < ex.instances.size(); ++i) {
                std::string k;
                to_text(**ex.instances[i].second[0].value->find("key"), k);
                m.emplace_back(k, items[i]);
            }
            return with_refs(v_map(std::move(m), d->block->loc), refs);
        }
        if (ex.counted) return with_refs(v_list(std::move(items), d->block->loc), refs);
        return items.empty() ? v_null(d->block->loc) : items[0];
    });
}

ValPtr ModuleInstance::instance_value(const ResourceDecl& d, const std::string& address,
                                      const Ref& self, const Scope* s) {
    if (!d.data || d.type != "aws_iam_policy_document")
        return body_value(d.block->body, s, address, true, Refs{self});
    ValPtr attrs = body_value(d.block->body, s, address, true);
    Members m = attrs->members;
    ValPtr json = iam_policy_document_json(attrs, d.block->loc);
    m.emplace_back("json", json);
    m.emplace_back("minified_json", json);
    return with_refs(open_map(std::move(m), attrs->loc, address), Refs{self});
}

ValPtr ModuleInstance::body_value(const hcl::Body& body, const Scope* s, const std::string& open,
                                  bool skip_meta, const Refs& refs) {
    Members m;
    m.reserve(body.attributes.size() + body.blocks.size()); // at most one member each
    for (const hcl::Attribute& a : body.attributes) {
        if (skip_meta && is_meta_attribute(a.name)) continue;
        m.emplace_back(a.name, with_loc(ev_.eval(a.expr, s), a.expr->loc));
    }
    std::vector<std::pair<std::string, std::vector<ValPtr>>> groups;
    std::map<std::string, ValPtr> unknown_groups;
    auto group = [&](std::string_view type) -> std::vector<ValPtr>& {
        for (auto& g : groups)
            if (g.first == type) return g.second;
        groups.push_back({std::string(type), {}});
        return groups.back().second;
    };
    auto path = [&](std::string_view type, size_t i) {
        std::string p = open;
        p.append(".").append(type).append("[").append(std::to_string(i)).append("]");
        return p;
    };
    for (const hcl::Block& b : body.blocks) {
        if (skip_meta && is_meta_block(b.type)) continue;
        if (b.type != "dynamic" || b.labels.size() != 1) {
            auto& items = group(b.type);
            items.push_back(body_value(b.body, s, path(b.type, items.size()), false));
            continue;
        }
        const std::string& type = b.labels[0];
        auto& items = group(type);
        std::string_view iterator = type;
        if (const hcl::Attribute* it = b.body.attribute("iterator"))
            if (it->expr->kind == hcl::ExprKind::Variable) iterator = it->expr->name;
        const hcl::Block* content = nullptr;
        for (const hcl::Block& c : b.body.blocks)
            if (c.type == "content") content = &c;
        const hcl::Attribute* fe = b.body.attribute("for_each");
        if (!content || !fe) continue;
        ValPtr coll = ev_.eval(fe->expr, s);
        Refs refs;
        collect_refs(coll, refs);
        auto each = [&](ValPtr k, ValPtr v) {
            Scope scope{s, iterator,
                        with_refs(v_map({{"key", k}, {"value", with_refs(v, refs)}}), refs)};
            items.push_back(body_value(content->body, &scope, path(type, items.size()), false));
        };
        if (coll->unknown()) {
            unknown_groups[type] =
                v_unknown("the dynamic \"" + type + "\" blocks are unknown: " + coll->text,
                          fe->expr->loc, refs);
        } else if (coll->is(VKind::List)) {
            for (size_t i = 0; i < coll->items.size(); ++i) each(v_num(double(i)), coll->items[i]);
        } else if (coll->is(VKind::Map)) {
            for (const auto& [k, v] : coll->members) each(v_str(k), v);
        } else if (!coll->is(VKind::Null)) {
            unknown_groups[type] =
                v_error(std::string("dynamic \"") + type +
                            "\": for_each needs a collection, not a " + type_name(*coll),
                        fe->expr->loc);
        }
    }
    for (auto& [type, items] : groups) {
        auto u = unknown_groups.find(type);
        if (u != unknown_groups.end())
            m.emplace_back(type, u->second);
        else if (!std::any_of(m.begin(), m.end(), [&](auto& e) { return e.first == type; })) {
            SourceLoc loc = items.empty() ? body.loc : items[0]->loc;
            m.emplace_back(type, v_list(std::move(items), loc));
        }
    }
    return open_map(std::move(m), body.loc, open, refs);
}

} // namespace tenet::tf
