#include "tenet/model/arena.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <vector>

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
    return make_string(s, hash_bytes(s));
}

const StrObj* Arena::make_string(std::string_view s, uint32_t hash) {
    void* p = allocate(sizeof(StrObj) + s.size() + 1);
    if (!p) return nullptr;
    auto* obj = static_cast<StrObj*>(p);
    obj->size = static_cast<uint32_t>(s.size());
    obj->hash = hash;
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

namespace {

bool map_key_before(const MapEntry& a, const MapEntry& b) {
    if (a.key->hash != b.key->hash) return a.key->hash < b.key->hash;
    return a.key->view() < b.key->view();
}

// Sorts by key (stable: among duplicate keys the last written stays last), then keeps the
// last entry of each key; returns how many are left at the front.
size_t sort_unique(MapEntry* e, size_t n) {
    if (n <= 16) {
        for (size_t i = 1; i < n; ++i) { // insertion sort: stable, no buffer
            MapEntry x = e[i];
            size_t j = i;
            for (; j > 0 && map_key_before(x, e[j - 1]); --j) e[j] = e[j - 1];
            e[j] = x;
        }
    } else {
        std::stable_sort(e, e + n, map_key_before);
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i) {
        if (kept > 0 && e[kept - 1].key->view() == e[i].key->view())
            e[kept - 1] = e[i];
        else
            e[kept++] = e[i];
    }
    return kept;
}

} // namespace

const MapObj* Arena::make_map(std::span<const MapEntry> entries) {
    if (entries.empty()) return empty_map();
    std::vector<MapEntry> near_cap;
    if (cap_ != 0 && used_ + sizeof(MapObj) + entries.size() * sizeof(MapEntry) > cap_) {
        // Near the cap only the unique entries' size counts against it, as it always did.
        near_cap.assign(entries.begin(), entries.end());
        near_cap.resize(sort_unique(near_cap.data(), near_cap.size()));
        entries = near_cap;
    }
    // Sorted and made unique where they are stored (no temporary vectors); the bytes that
    // repeated keys leave unused at the end are given back at once.
    void* p = allocate(sizeof(MapObj) + entries.size() * sizeof(MapEntry));
    if (!p) return nullptr;
    auto* obj = static_cast<MapObj*>(p);
    auto* slots = reinterpret_cast<MapEntry*>(obj + 1);
    std::memcpy(static_cast<void*>(slots), entries.data(), entries.size() * sizeof(MapEntry));
    size_t kept = sort_unique(slots, entries.size());
    size_t unused = (entries.size() - kept) * sizeof(MapEntry);
    offset_ -= unused;
    used_ -= unused;
    obj->size = static_cast<uint32_t>(kept);
    obj->pad_ = 0;
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
