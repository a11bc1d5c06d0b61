#include "tenet/model/builder.h"

#include "tenet/model/interner.h"

#include <algorithm>

namespace tenet {

ProvId ModelBuilder::prov(SourceLoc loc, ValueState state, std::span<const std::string> refs,
                          std::string_view pointer) {
    Provenance p;
    p.loc = loc;
    p.state = state;
    // Pointers are nearly all distinct and only ever printed: the model's arena keeps them,
    // the process-wide interner would only grow by them.
    if (!pointer.empty()) p.pointer = model_.arena.make_string(pointer);
    p.refs_begin = static_cast<uint32_t>(model_.ref_pool.size());
    for (const std::string& r : refs) model_.ref_pool.push_back(intern(r));
    p.refs_count = static_cast<uint32_t>(refs.size());
    return model_.add_provenance(p);
}

ProvId ModelBuilder::prov_interned(SourceLoc loc, ValueState state,
                                   std::span<const StrObj* const> refs, std::string_view pointer) {
    Provenance p;
    p.loc = loc;
    p.state = state;
    if (!pointer.empty()) p.pointer = model_.arena.make_string(pointer);
    p.refs_begin = static_cast<uint32_t>(model_.ref_pool.size());
    model_.ref_pool.insert(model_.ref_pool.end(), refs.begin(), refs.end());
    p.refs_count = static_cast<uint32_t>(refs.size());
    return model_.add_provenance(p);
}

ProvId ModelBuilder::prov_sharing_refs(ProvId refs_of, SourceLoc loc, ValueState state,
                                       std::string_view pointer) {
    Provenance p;
    p.loc = loc;
    p.state = state;
    if (!pointer.empty()) p.pointer = model_.arena.make_string(pointer);
    const Provenance& from = model_.prov(refs_of);
    p.refs_begin = from.refs_begin;
    p.refs_count = from.refs_count;
    return model_.add_provenance(p);
}

const StrObj* ModelBuilder::key(std::string_view s) {
    auto it = keys_.find(s);
    if (it != keys_.end()) return it->second;
    const StrObj* k = intern(s);
    keys_.emplace(k->view(), k);
    return k;
}

Value ModelBuilder::str(std::string_view s, ProvId p) {
    return Value::string(intern(s), p);
}

Value ModelBuilder::list(std::span<const Value> items, ProvId p) {
    if (items.empty()) return Value::list(empty_list(), p);
    return Value::list(model_.arena.make_list(items), p);
}

Value ModelBuilder::map(const std::vector<std::pair<std::string, Value>>& entries, ProvId p) {
    std::vector<MapEntry> e;
    e.reserve(entries.size());
    for (auto& [k, v] : entries) e.push_back({intern(k), v});
    return map(e, p);
}

Value ModelBuilder::map(std::vector<MapEntry>& entries, ProvId p) {
    if (entries.empty()) return Value::map(empty_map(), p);
    return Value::map(model_.arena.make_map(entries), p);
}

Value ModelBuilder::unknown(std::string_view subject, std::string_view reason, ProvId p) {
    // Reasons name their place ("<address>.<path>: ..."), so nearly all are distinct and
    // only ever printed: the model's arena keeps them (nothing compares them by pointer;
    // the VM interns one when it persists it), the process-wide interner would only grow.
    std::string text;
    text.reserve(subject.size() + reason.size() + 2);
    text.append(subject).append(": ").append(reason);
    return Value::unknown(model_.arena.make_string(text), p);
}

uint32_t ModelBuilder::add_resource(Resource r) {
    model_.resources.push_back(r);
    return static_cast<uint32_t>(model_.resources.size() - 1);
}

void ModelBuilder::add_reference(uint32_t from, std::string_view attribute,
                                 std::string_view target) {
    pending_.push_back({from, intern(attribute), std::string(target)});
}

size_t ModelBuilder::resolve_references() {
    model_.index_addresses();
    size_t unresolved = 0;
    for (const Pending& p : pending_) {
        // The whole target, else its longest prefix cut before a `.` or `[`.
        int64_t found = model_.resolve_reference(p.target);
        if (found < 0 || static_cast<uint32_t>(found) == p.from) {
            unresolved += found < 0;
            continue;
        }
        model_.edges.push_back({p.from, p.attribute, static_cast<uint32_t>(found)});
    }
    pending_.clear();
    std::sort(model_.edges.begin(), model_.edges.end(),
              [](const ReferenceEdge& a, const ReferenceEdge& b) {
                  if (a.from != b.from) return a.from < b.from;
                  if (a.to != b.to) return a.to < b.to;
                  return a.attribute->view() < b.attribute->view();
              });
    model_.edges.erase(std::unique(model_.edges.begin(), model_.edges.end(),
                                   [](const ReferenceEdge& a, const ReferenceEdge& b) {
                                       return a.from == b.from && a.to == b.to &&
                                              a.attribute == b.attribute;
                                   }),
                       model_.edges.end());
    model_.finalize();
    return unresolved;
}

void ModelBuilder::stack_entry(std::string_view section, std::string_view name, Value value) {
    auto it = std::find_if(sections_.begin(), sections_.end(),
                           [&](auto& s) { return s.first == section; });
    if (it == sections_.end()) {
        sections_.push_back({std::string(section), {}});
        section_index_.emplace_back();
        it = sections_.end() - 1;
    }
    auto& index = section_index_[static_cast<size_t>(it - sections_.begin())];
    auto [pos, added] = index.try_emplace(std::string(name), it->second.size());
    if (!added) {
        it->second[pos->second].second = value;
        return;
    }
    it->second.push_back({std::string(name), value});
}

void ModelBuilder::stack_field(std::string_view name, Value value) {
    for (auto& f : fields_)
        if (f.first == name) {
            f.second = value;
            return;
        }
    fields_.push_back({std::string(name), value});
}

void ModelBuilder::build_stack() {
    std::vector<std::pair<std::string, Value>> top = fields_;
    for (const char* s : {"variables", "parameters", "outputs", "providers", "modules"}) {
        auto it =
            std::find_if(sections_.begin(), sections_.end(), [&](auto& x) { return x.first == s; });
        top.push_back({s, it == sections_.end() ? map(std::vector<std::pair<std::string, Value>>{})
                                                : map(it->second)});
    }
    for (auto& [name, entries] : sections_) {
        bool standard = false;
        for (const char* s : {"variables", "parameters", "outputs", "providers", "modules"})
            standard |= name == s;
        if (!standard) top.push_back({name, map(entries)});
    }
    model_.stack = map(top);
}

} // namespace tenet
