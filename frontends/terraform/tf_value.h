// Values of the Terraform evaluator: immutable trees shared by pointer, each node with
// where it was written and what it derives from (refs: "var.env", "local.x",
// "aws_kms_key.main.arn"). Unknown values carry the reason; an unknown that stands
// for an evaluation error (a missing key, a type mismatch) is flagged so that try()
// and can() can tell it from a value that is merely known after apply.
#pragma once

#include "tenet/common/source.h"
#include "tenet/model/value.h"

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tenet::tf {

enum class VKind : uint8_t { Null, Bool, Number, String, List, Map, Unknown };

struct Val;
using ValPtr = std::shared_ptr<const Val>;

// What a value derives from ("var.env", "aws_kms_key.main.arn"): interned text, so that
// refs are copied, merged and compared without allocating; ordered by the text.
struct Ref {
    const StrObj* s = nullptr;
    Ref() = default;
    explicit Ref(std::string_view text);
    std::string_view view() const { return s->view(); }
    bool operator==(const Ref& o) const { return s == o.s; }
    bool operator<(const Ref& o) const { return s != o.s && view() < o.view(); }
};

// Sorted, unique refs. Most values have none or one or two, so up to two are held in
// place (copying a value's refs then allocates nothing); more go to the heap. The
// same 24 bytes as a std::vector.
class Refs {
  public:
    using value_type = Ref;
    using iterator = Ref*;
    using const_iterator = const Ref*;

    Refs() {}
    Refs(std::initializer_list<Ref> refs) { assign(refs.begin(), refs.size()); }
    Refs(const Refs& o) { assign(o.data(), o.size_); }
    Refs(Refs&& o) noexcept { take(o); }
    Refs& operator=(const Refs& o) {
        if (this != &o) {
            size_ = 0;
            assign(o.data(), o.size_);
        }
        return *this;
    }
    Refs& operator=(Refs&& o) noexcept {
        if (this != &o) {
            release();
            take(o);
        }
        return *this;
    }
    ~Refs() { release(); }

    bool empty() const { return size_ == 0; }
    size_t size() const { return size_; }
    Ref* data() { return cap_ > kInline ? u_.heap : u_.in; }
    const Ref* data() const { return cap_ > kInline ? u_.heap : u_.in; }
    Ref* begin() { return data(); }
    Ref* end() { return data() + size_; }
    const Ref* begin() const { return data(); }
    const Ref* end() const { return data() + size_; }
    Ref& operator[](size_t i) { return data()[i]; }
    const Ref& operator[](size_t i) const { return data()[i]; }
    void clear() { size_ = 0; }
    void reserve(size_t n) {
        if (n > cap_) grow(n);
    }
    void push_back(const Ref& r) {
        if (size_ == cap_) grow(size_t{cap_} * 2);
        data()[size_++] = r;
    }
    // Inserts before `pos` (a pointer into this), returns the new element.
    Ref* insert(const Ref* pos, const Ref& r) {
        size_t at = static_cast<size_t>(pos - data());
        if (size_ == cap_) grow(size_t{cap_} * 2);
        Ref* d = data();
        for (size_t i = size_; i > at; --i) d[i] = d[i - 1];
        d[at] = r;
        ++size_;
        return d + at;
    }
    bool operator==(const Refs& o) const {
        if (size_ != o.size_) return false;
        for (uint32_t i = 0; i < size_; ++i)
            if (!(data()[i] == o.data()[i])) return false;
        return true;
    }

  private:
    static constexpr uint32_t kInline = 2;
    void assign(const Ref* from, size_t n) {
        reserve(n);
        Ref* d = data();
        for (size_t i = 0; i < n; ++i) d[i] = from[i];
        size_ = static_cast<uint32_t>(n);
    }
    void grow(size_t n);
    void release() {
        if (cap_ > kInline) delete[] u_.heap;
        cap_ = kInline;
        size_ = 0;
    }
    void take(Refs& o) {
        size_ = o.size_;
        cap_ = o.cap_;
        if (o.cap_ > kInline) {
            u_.heap = o.u_.heap;
        } else {
            u_.in[0] = o.u_.in[0];
            u_.in[1] = o.u_.in[1];
        }
        o.size_ = 0;
        o.cap_ = kInline;
    }

    uint32_t size_ = 0;
    uint32_t cap_ = kInline;
    union U {
        Ref in[kInline];
        Ref* heap;
        U() {}
    } u_;
};
static_assert(sizeof(Refs) == 24);
using Members = std::vector<std::pair<std::string, ValPtr>>; // sorted by key, unique

struct Val {
    VKind kind = VKind::Null;
    bool boolean = false;
    bool computed = false; // derived by an operator, function or template rather than written
    bool error = false;    // Unknown: an evaluation error, not a value known later
    SourceLoc loc;         // here, beside the flags, it takes no padding
    double number = 0;
    std::string text; // String; Unknown: the reason
    std::vector<ValPtr> items;
    Members members;
    Refs refs;
    // A resource's attributes (and its nested blocks): a missing attribute is known
    // after apply rather than an error. Holds the address prefix ("aws_s3_bucket.b"),
    // shared by the copies with_refs and with_loc make. Null for every other value.
    std::shared_ptr<const std::string> open;

    bool is(VKind k) const { return kind == k; }
    bool unknown() const { return kind == VKind::Unknown; }
    const ValPtr* find(std::string_view key) const;
};

// A new value node (from the thread's pool of value blocks), empty or a copy.
std::shared_ptr<Val> new_val();
std::shared_ptr<Val> new_val(const Val& copy);

ValPtr v_null(SourceLoc loc = {});
ValPtr v_bool(bool b, SourceLoc loc = {});
ValPtr v_num(double n, SourceLoc loc = {});
ValPtr v_str(std::string s, SourceLoc loc = {});
ValPtr v_list(std::vector<ValPtr> items, SourceLoc loc = {});
// Sorts by key; a repeated key keeps the last value.
ValPtr v_map(Members members, SourceLoc loc = {});
// What v_map does to its members: sorted by key, the last of equal keys kept.
void sort_members(Members& members);
ValPtr v_unknown(std::string reason, SourceLoc loc = {}, Refs refs = {});
ValPtr v_error(std::string reason, SourceLoc loc = {});

// A shallow copy with changes (children are shared).
ValPtr with_refs(const ValPtr& v, const Refs& extra);
ValPtr with_loc(const ValPtr& v, SourceLoc loc);
ValPtr as_computed(const ValPtr& v, SourceLoc loc, const Refs& refs);

void merge_refs(Refs& into, const Refs& from);
void add_ref(Refs& into, std::string_view ref);
// Every ref in the tree.
void collect_refs(const ValPtr& v, Refs& out);
// The first unknown anywhere in the tree, or nullptr.
const Val* find_unknown(const ValPtr& v);

bool equal(const Val& a, const Val& b); // structural; callers handle unknown first
const char* type_name(const Val& v);    // "string", "number", "list", "object", ...

// Template text of a primitive: numbers shortest round-trip, bools true/false.
// False for null, collections and unknown.
bool to_text(const Val& v, std::string& out);
// Compact JSON (jsonencode): keys sorted. Unknown never reaches it (callers check).
void to_json(const Val& v, std::string& out);
// Human-readable, for messages.
std::string display(const Val& v);

// Conversions used by functions and the type constraints of variables.
bool to_number(const Val& v, double& out);
bool to_bool(const Val& v, bool& out);

} // namespace tenet::tf
