#include "plan_common.h"

#include "json_values.h"

#include <algorithm>
#include <functional>

namespace tenet::plan {

namespace {
constexpr int kMaxModuleDepth = 64;
}

std::string string_member(const json::Elem& n, std::string_view key) {
    const json::Elem* v = n.get(key);
    return v ? std::string(v->str()) : std::string();
}

bool parse_json_object(const SourceManager& sm, FileId file, std::string_view what, json::Doc& doc,
                       std::vector<ModelError>& errors) {
    json::ParseError err;
    json::ParseOptions opts;
    opts.key_locations = false; // the loaders locate values, never keys
    if (!json::parse(sm.text(file), file, doc, err, opts)) {
        errors.push_back({err.loc, "invalid " + std::string(what) + " JSON: " + err.message});
        return false;
    }
    if (!doc.root().is(json::Type::Object)) {
        errors.push_back({doc.root().loc, "a " + std::string(what) + " must be a JSON object"});
        return false;
    }
    return true;
}

void for_each_resource(
    const json::Elem& module, const std::string& pointer,
    const std::function<void(const json::Elem&, const std::string&, const std::string&)>& visit,
    const std::string& module_address, int depth) {
    if (!module.is(json::Type::Object) || depth > kMaxModuleDepth) return;
    if (const json::Elem* res = module.get("resources"))
        for (size_t i = 0; i < res->items().size(); ++i)
            visit(res->items()[i], pointer + "/resources/" + std::to_string(i), module_address);
    if (const json::Elem* kids = module.get("child_modules"))
        for (size_t i = 0; i < kids->items().size(); ++i) {
            const json::Elem& child = kids->items()[i];
            std::string address = string_member(child, "address");
            for_each_resource(child, pointer + "/child_modules/" + std::to_string(i), visit,
                              address, depth + 1);
        }
}

std::string base_address(const std::string& address) {
    if (address.empty() || address.back() != ']') return address;
    // Find the `[` that opens the trailing key, skipping brackets inside a quoted key.
    bool quoted = false;
    for (size_t i = address.size() - 1; i-- > 0;) {
        char c = address[i];
        if (c == '"' && (i == 0 || address[i - 1] != '\\')) quoted = !quoted;
        if (c == '[' && !quoted) return address.substr(0, i);
    }
    return address;
}

std::string instance_key_text(const json::Elem* index_key) {
    if (!index_key) return {};
    if (index_key->is(json::Type::Number)) {
        std::string s;
        json::append_number(s, index_key->number());
        return "[" + s + "]";
    }
    if (index_key->is(json::Type::String)) {
        std::string s = "[";
        json::append_quoted(s, index_key->str());
        return s + "]";
    }
    return {};
}

std::string provider_short_name(const std::string& provider_name, const std::string& type) {
    std::string p = provider_name;
    // Raw state: provider["registry.terraform.io/hashicorp/aws"] with an optional .alias
    if (size_t open = p.find("[\""); open != std::string::npos) {
        size_t close = p.find("\"]", open);
        p = p.substr(open + 2, close == std::string::npos ? std::string::npos : close - open - 2);
    }
    if (size_t slash = p.rfind('/'); slash != std::string::npos) p = p.substr(slash + 1);
    if (!p.empty()) return p;
    size_t us = type.find('_');
    return type.substr(0, us);
}

std::map<std::string, std::vector<std::string>>
IdentityIndex::match(const json::Elem& values, const std::vector<std::string>& deps,
                     const std::set<std::string>& skip) const {
    std::map<std::string, std::vector<std::string>> out;
    if (!values.is(json::Type::Object) || deps.empty()) return out;
    auto refs_of = [&](std::string_view value) {
        std::vector<std::string> refs;
        for (auto& dep : deps) {
            auto it = identities_.find(dep);
            if (it == identities_.end()) continue;
            for (auto& [identity, ref] : it->second)
                if (identity == value && std::find(refs.begin(), refs.end(), ref) == refs.end())
                    refs.push_back(ref);
        }
        return refs;
    };
    // Every string leaf, at any depth (kms_master_key_id sits in rule[0]...[0]).
    std::function<void(const json::Elem&, const std::string&, int)> visit =
        [&](const json::Elem& v, const std::string& path, int depth) {
            if (depth > kMaxModuleDepth) return;
            if (v.is(json::Type::String)) {
                if (auto refs = refs_of(v.str()); !refs.empty()) out[path] = std::move(refs);
            } else if (v.is(json::Type::Array)) {
                for (size_t i = 0; i < v.items().size(); ++i) {
                    std::string p = path;
                    append_path_index(p, i);
                    visit(v.items()[i], p, depth + 1);
                }
            } else if (v.is(json::Type::Object)) {
                for (auto& [key, child] : v.members()) {
                    std::string p = path;
                    append_path_key(p, key);
                    visit(child, p, depth + 1);
                }
            }
        };
    for (auto& [key, v] : values.members()) {
        if (skip.count(std::string(key))) continue;
        std::string path;
        append_path_key(path, key);
        visit(v, path, 0);
    }
    return out;
}

void PendingReferences::flush(ModelBuilder& b) {
    for (auto& p : pending_) {
        // The longest prefix (cut before `.` or `[`) that is an instance or a whole resource.
        const std::string& t = p.target;
        bool added = false;
        for (size_t end = t.size(); end > 0 && !added;) {
            std::string prefix = t.substr(0, end);
            if (addresses_.count(prefix)) {
                b.add_reference(p.from, p.attribute, t);
                added = true;
            } else if (auto it = instances_.find(prefix);
                       it != instances_.end() && it->second.size() > 0 &&
                       !(it->second.size() == 1 && it->second[0] == prefix)) {
                for (auto& instance : it->second)
                    b.add_reference(p.from, p.attribute, instance + t.substr(end));
                added = true;
            }
            if (added) break;
            size_t cut = t.find_last_of(".[", end - 1);
            if (cut == std::string::npos || cut == 0) break;
            end = cut;
        }
        // Names no resource of this document: left to the builder (another file may declare it).
        if (!added) b.add_reference(p.from, p.attribute, t);
    }
    pending_.clear();
}

} // namespace tenet::plan
