// Arena: bump allocation for immutable heap objects (strings, lists, maps).
// Freed all at once by reset() or destruction. An optional byte cap makes an
// evaluation that allocates too much fail cleanly instead of exhausting memory.
#pragma once

#include "tenet/model/value.h"

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace tenet {

class Arena {
  public:
    explicit Arena(size_t chunk_size = 64 * 1024) : chunk_size_(chunk_size) {}
    Arena(const Arena&) = delete;
    Arena& operator=(const Arena&) = delete;
    Arena(Arena&&) = default;
    Arena& operator=(Arena&&) = default;

    // Returns nullptr when the cap would be exceeded (see set_cap).
    void* allocate(size_t bytes, size_t align = 16);
    void reset();
    // 0 = no cap.
    void set_cap(size_t bytes) { cap_ = bytes; }
    size_t used() const { return used_; }
    bool over_cap() const { return over_cap_; }

    // Builders. All return nullptr when the cap is exceeded.
    const StrObj* make_string(std::string_view s);
    // The same, with `hash` already computed (it must be hash_bytes(s)).
    const StrObj* make_string(std::string_view s, uint32_t hash);
    const ListObj* make_list(std::span<const Value> items);
    // Sorts entries and drops duplicate keys (the last one wins).
    const MapObj* make_map(std::span<const MapEntry> entries);

  private:
    struct Chunk {
        std::unique_ptr<std::byte[]> data;
        size_t size;
    };
    std::vector<Chunk> chunks_;
    size_t chunk_size_;
    size_t offset_ = 0;
    size_t used_ = 0;
    size_t cap_ = 0;
    bool over_cap_ = false;
};

// The empty list and map, shared by everyone.
const ListObj* empty_list();
const MapObj* empty_map();

} // namespace tenet
