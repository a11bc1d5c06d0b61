#include "tenet/model/interner.h"

#include "tenet/model/arena.h"

#include <mutex>
#include <shared_mutex>
#include <unordered_set>

namespace tenet {

namespace {
struct ViewHash {
    using is_transparent = void;
    size_t operator()(const StrObj* s) const { return s->hash; }
    size_t operator()(std::string_view s) const { return hash_bytes(s); }
};
struct ViewEq {
    using is_transparent = void;
    static std::string_view v(const StrObj* s) { return s->view(); }
    static std::string_view v(std::string_view s) { return s; }
    template <typename A, typename B> bool operator()(const A& a, const B& b) const {
        return v(a) == v(b);
    }
};
} // namespace

struct Interner::Impl {
    mutable std::shared_mutex mutex;
    Arena arena{1 << 20};
    std::unordered_set<const StrObj*, ViewHash, ViewEq> set;
};

Interner::Interner() : impl_(new Impl) {}

Interner& Interner::global() {
    static Interner* instance = new Interner(); // never destroyed: strings outlive everything
    return *instance;
}

const StrObj* Interner::intern(std::string_view s) {
    {
        std::shared_lock lock(impl_->mutex);
        auto it = impl_->set.find(s);
        if (it != impl_->set.end()) return *it;
    }
    std::unique_lock lock(impl_->mutex);
    auto it = impl_->set.find(s);
    if (it != impl_->set.end()) return *it;
    auto* obj = const_cast<StrObj*>(impl_->arena.make_string(s));
    obj->interned = 1;
    impl_->set.insert(obj);
    return obj;
}

const StrObj* Interner::find(std::string_view s) const {
    std::shared_lock lock(impl_->mutex);
    auto it = impl_->set.find(s);
    return it == impl_->set.end() ? nullptr : *it;
}

size_t Interner::size() const {
    std::shared_lock lock(impl_->mutex);
    return impl_->set.size();
}

} // namespace tenet
