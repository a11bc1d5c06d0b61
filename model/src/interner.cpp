#include "tenet/model/interner.h"

#include "tenet/model/arena.h"

#include <mutex>
#include <shared_mutex>
#include <vector>

namespace tenet {

// Open addressing with linear probing: one slot (the hash and the string) per probe,
// no node per string. The capacity is a power of two and at most half of it is used.
struct Interner::Impl {
    struct Slot {
        uint32_t hash = 0;
        const StrObj* str = nullptr;
    };
    mutable std::shared_mutex mutex;
    Arena arena{1 << 20};
    std::vector<Slot> slots = std::vector<Slot>(size_t{1} << kInitialBits);
    unsigned bits = kInitialBits;
    size_t count = 0;
    static constexpr unsigned kInitialBits = 12;

    size_t home(uint32_t hash) const {
        return static_cast<size_t>((uint64_t{hash} * 0x9E3779B97F4A7C15ull) >> (64 - bits));
    }
    const StrObj* find(std::string_view s, uint32_t hash) const {
        size_t mask = slots.size() - 1;
        for (size_t i = home(hash);; i = (i + 1) & mask) {
            const Slot& slot = slots[i];
            if (!slot.str) return nullptr;
            if (slot.hash == hash && slot.str->view() == s) return slot.str;
        }
    }
    void place(const StrObj* str) {
        size_t mask = slots.size() - 1;
        size_t i = home(str->hash);
        while (slots[i].str) i = (i + 1) & mask;
        slots[i] = Slot{str->hash, str};
    }
    void insert(const StrObj* str) {
        if ((count + 1) * 2 > slots.size()) {
            std::vector<Slot> old(slots.size() * 2);
            old.swap(slots);
            ++bits;
            for (const Slot& slot : old)
                if (slot.str) place(slot.str);
        }
        place(str);
        ++count;
    }
};

Interner::Interner() : impl_(new Impl) {}

Interner& Interner::global() {
    static Interner* instance = new Interner(); // never destroyed: strings outlive everything
    return *instance;
}

const StrObj* Interner::intern(std::string_view s) {
    uint32_t hash = hash_bytes(s);
    {
        std::shared_lock lock(impl_->mutex);
        if (const StrObj* found = impl_->find(s, hash)) return found;
    }
    std::unique_lock lock(impl_->mutex);
    if (const StrObj* found = impl_->find(s, hash)) return found;
    auto* obj = const_cast<StrObj*>(impl_->arena.make_string(s, hash));
    obj->interned = 1;
    impl_->insert(obj);
    return obj;
}

const StrObj* Interner::find(std::string_view s) const {
    uint32_t hash = hash_bytes(s);
    std::shared_lock lock(impl_->mutex);
    return impl_->find(s, hash);
}

size_t Interner::size() const {
    std::shared_lock lock(impl_->mutex);
    return impl_->count;
}

} // namespace tenet
