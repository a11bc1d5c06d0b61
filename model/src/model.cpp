// Model bookkeeping: provenance storage, the type index, the address index and the
// relation index that answers "who refers to this resource" without scanning pairs.
#include "tenet/model/model.h"

#include "tenet/model/interner.h"

#include <algorithm>

namespace tenet {

const char* value_state_name(ValueState s) {
    switch (s) {
    case ValueState::Explicit:
        return "explicit";
    case ValueState::Default:
        return "default";
    case ValueState::Unknown:
        return "unknown";
    case ValueState::Computed:
        return "computed";
    }
    return "?";
}

size_t RelationIndex::KeyHash::operator()(const Key& k) const {
    size_t h = std::hash<uint32_t>()(k.to);
    h = h * 1000003u ^ std::hash<const void*>()(k.type);
    h = h * 1000003u ^ std::hash<const void*>()(k.attribute);
    return h;
}

void RelationIndex::build(const std::vector<Resource>& resources,
                          const std::vector<ReferenceEdge>& edges) {
    map_.clear();
    for (const ReferenceEdge& e : edges) {
        if (e.from >= resources.size() || e.to >= resources.size()) continue;
        const Resource& src = resources[e.from];
        // A source is found under its native type and, once mapped, its canonical type.
        for (const StrObj* type : {src.native_type, src.canonical_type}) {
            if (!type) continue;
            map_[Key{e.to, type, e.attribute}].push_back(e.from);
            if (src.canonical_type == src.native_type) break;
        }
    }
    for (auto& [key, list] : map_) {
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
    }
}

std::span<const uint32_t> RelationIndex::incoming(uint32_t to, const StrObj* type,
                                                  const StrObj* attribute) const {
    auto it = map_.find(Key{to, type, attribute});
    if (it == map_.end()) return {};
    return it->second;
}

Model::Model() {
    provenance.push_back(Provenance{}); // id 0: no provenance
}

ProvId Model::add_provenance(const Provenance& p) {
    provenance.push_back(p);
    return static_cast<ProvId>(provenance.size() - 1);
}

std::span<const uint32_t> Model::of_type(const StrObj* type) const {
    auto it = by_type_.find(type);
    if (it == by_type_.end()) return {};
    return it->second;
}

void Model::finalize() {
    by_type_.clear();
    for (uint32_t i = 0; i < resources.size(); ++i) {
        const Resource& r = resources[i];
        if (r.native_type) by_type_[r.native_type].push_back(i);
        if (r.canonical_type && r.canonical_type != r.native_type)
            by_type_[r.canonical_type].push_back(i);
    }
    index_addresses();
    relations.build(resources, edges);
}

void Model::index_addresses() {
    by_address_.clear();
    for (uint32_t i = 0; i < resources.size(); ++i)
        if (const StrObj* address = resources[i].address)
            by_address_.emplace(address, i); // the first resource with an address wins
}

int64_t Model::find_address(std::string_view address) const {
    // Addresses are interned, so a string never interned cannot be an address.
    const StrObj* key = Interner::global().find(address);
    if (!key) return -1;
    auto it = by_address_.find(key);
    return it == by_address_.end() ? -1 : static_cast<int64_t>(it->second);
}

int64_t Model::resolve_reference(std::string_view ref) const {
    size_t end = ref.size();
    while (true) {
        int64_t found = find_address(ref.substr(0, end));
        if (found >= 0) return found;
        size_t cut = ref.find_last_of(".[", end - 1);
        if (cut == std::string_view::npos || cut == 0) return -1;
        end = cut;
    }
}

} // namespace tenet
