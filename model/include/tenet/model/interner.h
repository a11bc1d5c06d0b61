// Interner: the process-wide table of interned strings.
//
// Attribute names, every string of a loaded model and every string constant of a
// program are interned, so the VM compares them by pointer and looks fields up by
// pointer. Interning is thread-safe (model loading may run in parallel); lookups
// with find() never insert, so evaluation can probe for a key without locking
// against other evaluators.
#pragma once

#include "tenet/model/value.h"

#include <string_view>

namespace tenet {

class Interner {
  public:
    static Interner& global();

    const StrObj* intern(std::string_view s);
    // nullptr when `s` was never interned (then no interned map has it as a key).
    const StrObj* find(std::string_view s) const;
    size_t size() const;

  private:
    Interner();
    struct Impl;
    Impl* impl_;
};

inline const StrObj* intern(std::string_view s) {
    return Interner::global().intern(s);
}

} // namespace tenet
