// ChunkedVector: an append-only sequence in fixed-size chunks, for the model's tables
// that grow by one record per value (provenance). Growing never moves what is stored:
// a vector would copy the whole table into one twice its size, and for a moment hold
// both, at the very time a load's memory peaks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace tenet {

// Records are constructed as they are added (a chunk is not filled with default ones
// first) and never destroyed one by one: T must be trivially destructible.
template <class T, size_t kChunkBits = 11> class ChunkedVector {
    static_assert(std::is_trivially_destructible_v<T>);

  public:
    static constexpr size_t kChunk = size_t{1} << kChunkBits;

    void push_back(const T& v) {
        if ((size_ & (kChunk - 1)) == 0) chunks_.emplace_back(new Slot[kChunk]);
        new (chunks_.back()[size_ & (kChunk - 1)].bytes) T(v);
        ++size_;
    }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const T& operator[](size_t i) const { return *slot(i); }
    T& operator[](size_t i) { return *const_cast<T*>(slot(i)); }

  private:
    struct Slot {
        alignas(T) std::byte bytes[sizeof(T)];
    };
    const T* slot(size_t i) const {
        return std::launder(
            reinterpret_cast<const T*>(chunks_[i >> kChunkBits][i & (kChunk - 1)].bytes));
    }
    std::vector<std::unique_ptr<Slot[]>> chunks_;
    size_t size_ = 0;
};

} // namespace tenet
