#include "tenet/model/value.h"

#include <algorithm>

namespace tenet {

const char* kind_name(Kind k) {
    switch (k) {
    case Kind::Null:
        return "null";
    case Kind::Bool:
        return "bool";
    case Kind::Number:
        return "number";
    case Kind::String:
        return "string";
    case Kind::List:
        return "list";
    case Kind::Map:
        return "map";
    case Kind::Resource:
        return "resource";
    case Kind::Unknown:
        return "unknown";
    }
    return "?";
}

std::string kind_phrase(Kind k) {
    switch (k) {
    case Kind::Null:
        return "null";
    case Kind::Bool:
        return "a bool";
    case Kind::Number:
        return "a number";
    case Kind::String:
        return "a string";
    case Kind::List:
        return "a list";
    case Kind::Map:
        return "a map";
    case Kind::Resource:
        return "a resource";
    case Kind::Unknown:
        return "an unknown";
    }
    return "a value";
}

uint32_t hash_bytes(std::string_view s) {
    uint32_t h = 2166136261u;
    for (unsigned char c : s) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

namespace {

// Orders entries by (hash, bytes); the same order Arena::make_map sorts by.
int compare_key(uint32_t hash, std::string_view bytes, const StrObj* key) {
    if (hash != key->hash) return hash < key->hash ? -1 : 1;
    return bytes.compare(key->view());
}

const Value* find_in(const MapObj* m, uint32_t hash, std::string_view bytes, const StrObj* ptr) {
    const MapEntry* e = m->entries();
    uint32_t n = m->size;
    if (n <= 8) {
        for (uint32_t i = 0; i < n; ++i)
            if (e[i].key == ptr || (e[i].key->hash == hash && e[i].key->view() == bytes))
                return &e[i].value;
        return nullptr;
    }
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        int c = compare_key(hash, bytes, e[mid].key);
        if (c == 0) return &e[mid].value;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return nullptr;
}

} // namespace

const Value* MapObj::find(const StrObj* key) const {
    return find_in(this, key->hash, key->view(), key);
}

const Value* MapObj::find(std::string_view key) const {
    return find_in(this, hash_bytes(key), key, nullptr);
}

bool values_equal(const Value& a, const Value& b) {
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
    case Kind::Null:
        return true;
    case Kind::Bool:
        return a.as_bool() == b.as_bool();
    case Kind::Number:
        return a.as_number() == b.as_number();
    case Kind::String:
        return a.as_string() == b.as_string() ||
               (a.as_string()->hash == b.as_string()->hash && a.as_view() == b.as_view());
    case Kind::List: {
        auto x = a.as_list()->span(), y = b.as_list()->span();
        if (x.size() != y.size()) return false;
        for (size_t i = 0; i < x.size(); ++i)
            if (!values_equal(x[i], y[i])) return false;
        return true;
    }
    case Kind::Map: {
        auto x = a.as_map()->span(), y = b.as_map()->span();
        if (x.size() != y.size()) return false;
        // Both sorted by the same key order.
        for (size_t i = 0; i < x.size(); ++i) {
            if (x[i].key->view() != y[i].key->view()) return false;
            if (!values_equal(x[i].value, y[i].value)) return false;
        }
        return true;
    }
    case Kind::Resource:
        return a.resource_index() == b.resource_index() && a.resource_view() == b.resource_view();
    case Kind::Unknown:
        return false;
    }
    return false;
}

} // namespace tenet
