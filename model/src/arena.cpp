#include "tenet/model/arena.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace tenet {

void* Arena::allocate(size_t bytes, size_t align) {
    if (cap_ != 0 && used_ + bytes > cap_) {
        over_cap_ = true;
        return nullptr;
    }
    size_t aligned = (offset_ + align - 1) & ~(align - 1);
    if (chunks_.empty() || aligned + bytes > chunks_.back().size) {
        size_t size = std::max(chunk_size_, bytes + align);
        chunks_.push_back(Chunk{std::unique_ptr<std::byte[]>(new std::byte[size]), size});
        aligned = 0;
    }
    offset_ = aligned + bytes;
    used_ += bytes;
    return chunks_.back().data.get() + aligned;
}

void Arena::reset() {
    // Keep the first chunk to avoid churn for per-evaluation arenas.
    if (chunks_.size() > 1) chunks_.resize(1);
    offset_ = 0;
    used_ = 0;
    over_cap_ = false;
}

const StrObj* Arena::make_string(std::string_view s) {
    void* p = allocate(sizeof(StrObj) + s.size() + 1);
    if (!p) return nullptr;
    auto* obj = static_cast<StrObj*>(p);
    obj->size = static_cast<uint32_t>(s.size());
    obj->hash = hash_bytes(s);
    obj->interned = 0;
    obj->pad_ = 0;
    char* data = reinterpret_cast<char*>(obj + 1);
    if (!s.empty()) std::memcpy(data, s.data(), s.size());
    data[s.size()] = '\0';
    return obj;
}

const ListObj* Arena::make_list(std::span<const Value> items) {
    if (items.empty()) return empty_list();
    void* p = allocate(sizeof(ListObj) + items.size() * sizeof(Value));
    if (!p) return nullptr;
    auto* obj = static_cast<ListObj*>(p);
    obj->size = static_cast<uint32_t>(items.size());
    obj->pad_ = 0;
    std::memcpy(static_cast<void*>(obj + 1), items.data(), items.size() * sizeof(Value));
    return obj;
}

const MapObj* Arena::make_map(std::span<const MapEntry> entries) {
    if (entries.empty()) return empty_map();
    std::vector<MapEntry> sorted(entries.begin(), entries.end());
    // Stable so that among duplicate keys the last written stays last.
    std::stable_sort(sorted.begin(), sorted.end(), [](const MapEntry& a, const MapEntry& b) {
        if (a.key->hash != b.key->hash) return a.key->hash < b.key->hash;
        return a.key->view() < b.key->view();
    });
    std::vector<MapEntry> unique;
    unique.reserve(sorted.size());
    for (auto& e : sorted) {
        if (!unique.empty() && unique.back().key->view() == e.key->view())
            unique.back() = e;
        else
            unique.push_back(e);
    }
    void* p = allocate(sizeof(MapObj) + unique.size() * sizeof(MapEntry));
    if (!p) return nullptr;
    auto* obj = static_cast<MapObj*>(p);
    obj->size = static_cast<uint32_t>(unique.size());
    obj->pad_ = 0;
    std::memcpy(static_cast<void*>(obj + 1), unique.data(), unique.size() * sizeof(MapEntry));
    return obj;
}

const ListObj* empty_list() {
    alignas(16) static const ListObj obj{0, 0};
    return &obj;
}

const MapObj* empty_map() {
    alignas(16) static const MapObj obj{0, 0};
    return &obj;
}

} // namespace tenet
