// ChunkedVector: an append-only sequence in fixed-size chunks, for the model's tables
// that grow by one record per value (provenance). Growing never moves what is stored:
// a vector would copy the whole table into one twice its size, and for a moment hold
// both, at the very time a load's memory peaks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace tenet {

template <class T, size_t kChunkBits = 11> class ChunkedVector {
  public:
    static constexpr size_t kChunk = size_t{1} << kChunkBits;

    void push_back(const T& v) {
        if ((size_ & (kChunk - 1)) == 0) chunks_.push_back(std::make_unique<T[]>(kChunk));
        chunks_.back()[size_ & (kChunk - 1)] = v;
        ++size_;
    }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const T& operator[](size_t i) const { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
    T& operator[](size_t i) { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }

  private:
    std::vector<std::unique_ptr<T[]>> chunks_;
    size_t size_ = 0;
};

} // namespace tenet
