// The builtin function table, shared by the type checker (names, arity, result
// type), lowering (indices) and the VM and reference evaluator (implementations).
#pragma once

#include "tenet/model/value.h"

#include <span>
#include <string>
#include <string_view>

namespace tenet {

class Arena;
class Model;

// What a builtin may touch while it runs: a scratch arena for the values it builds,
// the model (read-only), and an error channel. Builtins are pure.
class BuiltinContext {
  public:
    virtual ~BuiltinContext() = default;
    virtual Arena& arena() = 0;
    virtual const Model* model() = 0;
    // Records an evaluation error (the verdict becomes `error`); return any Value after.
    virtual void fail(std::string message) = 0;
    // Interned-or-temporary string builder (nullptr result means memory cap hit; call fail).
    const StrObj* make_string(std::string_view s);
};

using BuiltinFn = Value (*)(BuiltinContext& ctx, std::span<const Value> args);

// Result type of a builtin, as the checker sees it.
enum class BuiltinResult : uint8_t {
    Bool,
    Number,
    String,
    ListAny,
    ListString,
    MapAny,
    Any,
    SameAsArg0,
    ElemOfArg0
};

struct BuiltinInfo {
    const char* name;
    uint8_t min_args;
    uint8_t max_args;
    BuiltinResult result;
    // Unknown arguments: when true, the VM returns the first unknown argument without
    // calling fn (most builtins); when false, fn sees unknowns itself (is_unknown, has).
    bool propagate_unknown;
    BuiltinFn fn;
    const char* doc; // one line, for docs/language.md and `tenet doc`
};

int builtin_count();
const BuiltinInfo& builtin_info(int index);
// -1 when there is no builtin of that name.
int find_builtin(std::string_view name);

} // namespace tenet
