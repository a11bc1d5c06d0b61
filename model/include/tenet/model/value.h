// Value: the 16-byte tagged value shared by the model, the compiler's constants
// and the VM.
//
// Layout: kind (1 byte), flags (1), spare (2), provenance id (4), payload (8).
// Heap objects (strings, lists, maps) are immutable once built and live in an Arena
// owned by whoever built them: the Model (loaded data), the Program (constants) or
// an evaluation (temporaries, reset after each rule x resource evaluation).
// A Value never owns memory; copying one is a 16-byte copy.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace tenet {

enum class Kind : uint8_t {
    Null,     // absent attribute or JSON null
    Bool,     //
    Number,   // double
    String,   // const StrObj*
    List,     // const ListObj*
    Map,      // const MapObj* (string keys)
    Resource, // index into Model::resources plus a view (native or canonical)
    Unknown,  // known only after apply; payload is the reason (const StrObj*)
};

const char* kind_name(Kind k);
// The kind in a sentence ("a number", "null", "an unknown"), for error messages that
// the VM and the reference evaluator must word identically.
std::string kind_phrase(Kind k);

// Provenance id: index into Model::provenance (0 = none / computed).
using ProvId = uint32_t;

// String object. Interned strings (all attribute names, all model strings, all
// program constants) are unique by content, so equality of two interned strings is
// pointer equality. Temporaries built during evaluation are not interned.
struct StrObj {
    uint32_t size;
    uint32_t hash;     // fnv1a of the bytes, always set
    uint32_t interned; // 1 if owned by the Interner
    uint32_t pad_;
    const char* data() const { return reinterpret_cast<const char*>(this + 1); }
    std::string_view view() const { return {data(), size}; }
};

uint32_t hash_bytes(std::string_view s);

enum class View : uint32_t { Native = 0, Canonical = 1 };

class Value {
  public:
    Value() : kind_(Kind::Null), flags_(0), spare_(0), prov_(0) { u_.bits = 0; }

    static Value null(ProvId p = 0) { return Value(Kind::Null, p); }
    static Value boolean(bool b, ProvId p = 0) {
        Value v(Kind::Bool, p);
        v.u_.b = b;
        return v;
    }
    static Value number(double n, ProvId p = 0) {
        Value v(Kind::Number, p);
        v.u_.n = n;
        return v;
    }
    static Value string(const StrObj* s, ProvId p = 0) {
        Value v(Kind::String, p);
        v.u_.s = s;
        return v;
    }
    static Value list(const struct ListObj* l, ProvId p = 0) {
        Value v(Kind::List, p);
        v.u_.l = l;
        return v;
    }
    static Value map(const struct MapObj* m, ProvId p = 0) {
        Value v(Kind::Map, p);
        v.u_.m = m;
        return v;
    }
    static Value resource(uint32_t index, View view, ProvId p = 0) {
        Value v(Kind::Resource, p);
        v.u_.r.index = index;
        v.u_.r.view = view;
        return v;
    }
    // `reason` says which input is unknown and why.
    static Value unknown(const StrObj* reason, ProvId p = 0) {
        Value v(Kind::Unknown, p);
        v.u_.s = reason;
        return v;
    }

    Kind kind() const { return kind_; }
    bool is(Kind k) const { return kind_ == k; }
    bool is_null() const { return kind_ == Kind::Null; }
    bool is_unknown() const { return kind_ == Kind::Unknown; }

    bool as_bool() const { return u_.b; }
    double as_number() const { return u_.n; }
    const StrObj* as_string() const { return u_.s; }
    std::string_view as_view() const { return u_.s->view(); }
    const ListObj* as_list() const { return u_.l; }
    const MapObj* as_map() const { return u_.m; }
    uint32_t resource_index() const { return u_.r.index; }
    View resource_view() const { return u_.r.view; }
    const StrObj* unknown_reason() const { return u_.s; }

    ProvId prov() const { return prov_; }
    Value with_prov(ProvId p) const {
        Value v = *this;
        v.prov_ = p;
        return v;
    }
    uint8_t flags() const { return flags_; }

    // Raw payload bits, for hashing and the bundle writer.
    uint64_t bits() const { return u_.bits; }

  private:
    Value(Kind k, ProvId p) : kind_(k), flags_(0), spare_(0), prov_(p) { u_.bits = 0; }

    Kind kind_;
    uint8_t flags_;
    uint16_t spare_;
    ProvId prov_;
    union {
        uint64_t bits;
        bool b;
        double n;
        const StrObj* s;
        const struct ListObj* l;
        const struct MapObj* m;
        struct {
            uint32_t index;
            View view;
        } r;
    } u_;
};
static_assert(sizeof(Value) == 16, "Value must stay 16 bytes");

struct ListObj {
    uint32_t size;
    uint32_t pad_;
    const Value* items() const { return reinterpret_cast<const Value*>(this + 1); }
    std::span<const Value> span() const { return {items(), size}; }
};

struct MapEntry {
    const StrObj* key;
    Value value;
};

// Entries are sorted by (key->hash, key bytes) so lookup is a binary search that
// works for interned and temporary keys alike; keys are unique.
struct MapObj {
    uint32_t size;
    uint32_t pad_;
    const MapEntry* entries() const { return reinterpret_cast<const MapEntry*>(this + 1); }
    std::span<const MapEntry> span() const { return {entries(), size}; }
    // nullptr when absent.
    const Value* find(const StrObj* key) const;
    const Value* find(std::string_view key) const;
};

// Deep structural equality (numbers by value, strings by content, maps by key set).
// Unknown is never equal to anything; callers handle unknown before calling.
bool values_equal(const Value& a, const Value& b);

} // namespace tenet
