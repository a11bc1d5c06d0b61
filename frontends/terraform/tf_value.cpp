#include "tf_value.h"

#include "tenet/common/json.h"
#include "tenet/model/interner.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tenet::tf {

const ValPtr* Val::find(std::string_view key) const {
    auto it = std::lower_bound(members.begin(), members.end(), key,
                               [](const auto& m, std::string_view k) { return m.first < k; });
    if (it == members.end() || it->first != key) return nullptr;
    return &it->second;
}

namespace {

// Values are made and dropped by the hundred thousand per load, all of one size (a Val
// with its shared_ptr control block): a free list of such blocks, carved from 64 KB
// chunks, costs a few instructions where malloc and free cost a hundred each, and no
// per-block header. Each thread has its own (values never cross threads); the chunks go
// back to the system when the thread's last value is released.
class BlockPool {
  public:
    void* allocate(size_t size) {
        if (size != block_) {
            if (block_ != 0 || size < sizeof(void*)) return ::operator new(size);
            block_ = size;
        }
        ++live_;
        if (!free_) refill();
        Free* f = free_;
        free_ = f->next;
        return f;
    }
    void deallocate(void* p, size_t size) {
        if (size != block_) {
            ::operator delete(p);
            return;
        }
        auto* f = static_cast<Free*>(p);
        f->next = free_;
        free_ = f;
        if (--live_ == 0 && chunks_.size() > 1) {
            chunks_.clear();
            free_ = nullptr;
        }
    }

  private:
    struct Free {
        Free* next;
    };
    static constexpr size_t kChunk = 64 * 1024;
    void refill() {
        size_t n = kChunk / block_;
        chunks_.push_back(std::unique_ptr<char[]>(new char[n * block_]));
        char* c = chunks_.back().get();
        for (size_t i = n; i-- > 0;) {
            auto* f = reinterpret_cast<Free*>(c + i * block_);
            f->next = free_;
            free_ = f;
        }
    }
    size_t block_ = 0;
    size_t live_ = 0;
    Free* free_ = nullptr;
    std::vector<std::unique_ptr<char[]>> chunks_;
};

BlockPool& pool() {
    static thread_local BlockPool p;
    return p;
}

template <class T> struct PoolAllocator {
    using value_type = T;
    PoolAllocator() = default;
    template <class U> PoolAllocator(const PoolAllocator<U>&) {}
    T* allocate(size_t n) { return static_cast<T*>(pool().allocate(n * sizeof(T))); }
    void deallocate(T* p, size_t n) { pool().deallocate(p, n * sizeof(T)); }
    template <class U> bool operator==(const PoolAllocator<U>&) const { return true; }
};

// A fresh value (only the caller holds it) can be changed in place instead of copied.
Val* sole(const ValPtr& v) {
    return v.use_count() == 1 ? const_cast<Val*>(v.get()) : nullptr;
}

std::shared_ptr<Val> make(VKind k, SourceLoc loc) {
    auto v = new_val();
    v->kind = k;
    v->loc = loc;
    return v;
}
} // namespace

std::shared_ptr<Val> new_val() {
    return std::allocate_shared<Val>(PoolAllocator<Val>());
}
std::shared_ptr<Val> new_val(const Val& copy) {
    return std::allocate_shared<Val>(PoolAllocator<Val>(), copy);
}

ValPtr v_null(SourceLoc loc) {
    return make(VKind::Null, loc);
}
ValPtr v_bool(bool b, SourceLoc loc) {
    auto v = make(VKind::Bool, loc);
    v->boolean = b;
    return v;
}
ValPtr v_num(double n, SourceLoc loc) {
    auto v = make(VKind::Number, loc);
    v->number = n;
    return v;
}
ValPtr v_str(std::string s, SourceLoc loc) {
    auto v = make(VKind::String, loc);
    v->text = std::move(s);
    return v;
}
ValPtr v_list(std::vector<ValPtr> items, SourceLoc loc) {
    auto v = make(VKind::List, loc);
    v->items = std::move(items);
    return v;
}
ValPtr v_map(Members members, SourceLoc loc) {
    auto v = make(VKind::Map, loc);
    sort_members(members);
    v->members = std::move(members);
    return v;
}

void sort_members(Members& members) {
    auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (members.size() <= 32) {
        // A body's few members: a stable insertion sort, without the temporary buffer
        // std::stable_sort allocates.
        for (size_t i = 1; i < members.size(); ++i) {
            if (!by_key(members[i], members[i - 1])) continue;
            auto moving = std::move(members[i]);
            size_t j = i;
            for (; j > 0 && by_key(moving, members[j - 1]); --j)
                members[j] = std::move(members[j - 1]);
            members[j] = std::move(moving);
        }
    } else if (!std::is_sorted(members.begin(), members.end(), by_key)) {
        std::stable_sort(members.begin(), members.end(), by_key);
    }
    // Keep the last of equal keys.
    size_t out = 0;
    for (size_t i = 0; i < members.size(); ++i) {
        if (out > 0 && members[out - 1].first == members[i].first)
            members[out - 1] = std::move(members[i]);
        else if (out != i)
            members[out++] = std::move(members[i]);
        else
            ++out;
    }
    members.resize(out);
}

ValPtr v_unknown(std::string reason, SourceLoc loc, Refs refs) {
    auto v = make(VKind::Unknown, loc);
    v->text = std::move(reason);
    v->refs = std::move(refs);
    return v;
}
ValPtr v_error(std::string reason, SourceLoc loc) {
    auto v = make(VKind::Unknown, loc);
    v->text = std::move(reason);
    v->error = true;
    return v;
}

ValPtr with_refs(const ValPtr& v, const Refs& extra) {
    if (extra.empty() || std::includes(v->refs.begin(), v->refs.end(), extra.begin(), extra.end()))
        return v;
    if (Val* own = sole(v)) {
        merge_refs(own->refs, extra);
        return v;
    }
    auto c = new_val(*v);
    merge_refs(c->refs, extra);
    return c;
}

ValPtr with_loc(const ValPtr& v, SourceLoc loc) {
    if (!loc.valid() ||
        (v->loc.file == loc.file && v->loc.line == loc.line && v->loc.column == loc.column))
        return v;
    if (Val* own = sole(v)) {
        own->loc = loc;
        return v;
    }
    auto c = new_val(*v);
    c->loc = loc;
    return c;
}

ValPtr as_computed(const ValPtr& v, SourceLoc loc, const Refs& refs) {
    if (Val* own = sole(v)) {
        own->loc = loc;
        own->computed = true;
        merge_refs(own->refs, refs);
        return v;
    }
    auto c = new_val(*v);
    c->loc = loc;
    c->computed = true;
    merge_refs(c->refs, refs);
    return c;
}

namespace {

// Whether every ref of `some` is in `all` (both sorted and unique).
bool refs_include(const Refs& all, const Refs& some) {
    // Refs are interned: a few are looked up by pointer, without comparing their text.
    if (all.size() * some.size() <= 32) {
        for (const Ref& r : some)
            if (std::find(all.begin(), all.end(), r) == all.end()) return false;
        return true;
    }
    return std::includes(all.begin(), all.end(), some.begin(), some.end());
}

} // namespace

void merge_refs(Refs& into, const Refs& from) {
    if (from.empty()) return;
    if (into.empty()) {
        into = from;
        return;
    }
    // Most merges add nothing new (the same refs again) or one ref: no new vector then.
    if (refs_include(into, from)) return;
    if (from.size() == 1) {
        into.insert(std::lower_bound(into.begin(), into.end(), from[0]), from[0]);
        return;
    }
    Refs out;
    out.reserve(into.size() + from.size());
    std::set_union(into.begin(), into.end(), from.begin(), from.end(), std::back_inserter(out));
    into = std::move(out);
}

void Refs::grow(size_t n) {
    Ref* heap = new Ref[n];
    const Ref* old = data();
    for (uint32_t i = 0; i < size_; ++i) heap[i] = old[i];
    if (cap_ > kInline) delete[] u_.heap;
    u_.heap = heap;
    cap_ = static_cast<uint32_t>(n);
}

Ref::Ref(std::string_view text) : s(intern(text)) {}

void add_ref(Refs& into, std::string_view text) {
    Ref ref(text);
    auto it = std::lower_bound(into.begin(), into.end(), ref);
    if (it == into.end() || !(*it == ref)) into.insert(it, ref);
}

void collect_refs(const ValPtr& v, Refs& out) {
    merge_refs(out, v->refs);
    for (const ValPtr& i : v->items) collect_refs(i, out);
    for (const auto& m : v->members) collect_refs(m.second, out);
}

const Val* find_unknown(const ValPtr& v) {
    if (v->unknown()) return v.get();
    for (const ValPtr& i : v->items)
        if (const Val* u = find_unknown(i)) return u;
    for (const auto& m : v->members)
        if (const Val* u = find_unknown(m.second)) return u;
    return nullptr;
}

bool equal(const Val& a, const Val& b) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
    case VKind::Null:
        return true;
    case VKind::Bool:
        return a.boolean == b.boolean;
    case VKind::Number:
        return a.number == b.number;
    case VKind::String:
        return a.text == b.text;
    case VKind::List:
        if (a.items.size() != b.items.size()) return false;
        for (size_t i = 0; i < a.items.size(); ++i)
            if (!equal(*a.items[i], *b.items[i])) return false;
        return true;
    case VKind::Map:
        if (a.members.size() != b.members.size()) return false;
        for (size_t i = 0; i < a.members.size(); ++i)
            if (a.members[i].first != b.members[i].first ||
                !equal(*a.members[i].second, *b.members[i].second))
                return false;
        return true;
    case VKind::Unknown:
        return false;
    }
    return false;
}

const char* type_name(const Val& v) {
    switch (v.kind) {
    case VKind::Null:
        return "null";
    case VKind::Bool:
        return "bool";
    case VKind::Number:
        return "number";
    case VKind::String:
        return "string";
    case VKind::List:
        return "list";
    case VKind::Map:
        return "object";
    case VKind::Unknown:
        return "unknown";
    }
    return "?";
}

bool to_text(const Val& v, std::string& out) {
    switch (v.kind) {
    case VKind::String:
        out += v.text;
        return true;
    case VKind::Number:
        json::append_number(out, v.number);
        return true;
    case VKind::Bool:
        out += v.boolean ? "true" : "false";
        return true;
    default:
        return false;
    }
}

void to_json(const Val& v, std::string& out) {
    switch (v.kind) {
    case VKind::Null:
    case VKind::Unknown:
        out += "null";
        return;
    case VKind::Bool:
        out += v.boolean ? "true" : "false";
        return;
    case VKind::Number:
        json::append_number(out, v.number);
        return;
    case VKind::String:
        json::append_quoted(out, v.text);
        return;
    case VKind::List:
        out += '[';
        for (size_t i = 0; i < v.items.size(); ++i) {
            if (i) out += ',';
            to_json(*v.items[i], out);
        }
        out += ']';
        return;
    case VKind::Map:
        out += '{';
        for (size_t i = 0; i < v.members.size(); ++i) {
            if (i) out += ',';
            json::append_quoted(out, v.members[i].first);
            out += ':';
            to_json(*v.members[i].second, out);
        }
        out += '}';
        return;
    }
}

std::string display(const Val& v) {
    if (v.unknown()) return "unknown (" + v.text + ")";
    std::string s;
    to_json(v, s);
    return s;
}

bool to_number(const Val& v, double& out) {
    if (v.is(VKind::Number)) {
        out = v.number;
        return true;
    }
    if (v.is(VKind::String) && !v.text.empty()) {
        char* end = nullptr;
        out = std::strtod(v.text.c_str(), &end);
        return end && *end == '\0' && std::isfinite(out);
    }
    return false;
}

bool to_bool(const Val& v, bool& out) {
    if (v.is(VKind::Bool)) {
        out = v.boolean;
        return true;
    }
    if (v.is(VKind::String) && (v.text == "true" || v.text == "false")) {
        out = v.text == "true";
        return true;
    }
    return false;
}

} // namespace tenet::tf
