// The bytecode interpreter. One Vm per worker thread: it owns the evaluation arena,
// the frame slots and the projection buffers, and reads the shared, immutable Program,
// Model and globals. Each rule x resource evaluation starts with begin_evaluation()
// (fresh arena, budget and error) and runs one function with call().
//
// The VM assumes a verified Program (operand indices in bounds, consistent stack
// depths) but never trusts evaluation data: every kind is checked before use, and a
// wrong one is an evaluation error, never a crash.
#pragma once

#include "tenet/model/arena.h"
#include "tenet/model/model.h"
#include "tenet/model/value.h"
#include "tenet/runtime/builtins.h"
#include "tenet/runtime/program.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tenet {

struct VmLimits {
    uint64_t instruction_budget = 10'000'000; // per evaluation
    size_t memory_cap = 64u << 20;            // arena bytes per evaluation (0: none)
};

class Vm final : public BuiltinContext {
  public:
    // `model` may be null (global initializers run before there is one); `globals` is
    // read by the GLOBAL opcode and may still be filling up while initializers run.
    Vm(const Program& program, const Model* model, const std::vector<Value>* globals,
       VmLimits limits = {});

    // Resets the arena (values from the previous evaluation die), the budget and the error.
    void begin_evaluation();
    // Runs program.functions[fn] with `args` as its first locals. False on an evaluation
    // error (then error() says why); the result lives in arena() until the next
    // begin_evaluation().
    bool call(uint32_t fn, std::span<const Value> args, Value& result);
    const std::string& error() const { return error_; }
    // Instructions executed since construction (for the engine's counters).
    uint64_t instructions_total() const { return total_instructions_ + executed_; }

    // BuiltinContext
    Arena& arena() override { return arena_; }
    const Model* model() override { return model_; }
    void fail(std::string message) override;

  private:
    // Executes one function whose arguments are already in slots_[base..base+arity).
    bool execute(uint32_t fn, size_t base, int depth, Value& result);

    // Value operations (vm_ops.cpp); each returns false after fail() on an error.
    bool field(const Value& obj, const StrObj* name, Value& out);
    bool index(const Value& obj, const Value& key, Value& out);
    bool map_values(const Value& coll, Value& out);
    bool compare(int op, const Value& a, const Value& b, Value& out); // op: Op::EQ..Op::GE
    bool arith(int op, const Value& a, const Value& b, Value& out);   // op: Op::ADD..Op::MOD
    bool negate(const Value& a, Value& out);
    bool in(const Value& x, const Value& coll, Value& out);
    bool match(const Value& s, const re2::RE2& re, Value& out);
    bool match_dynamic(const Value& s, const Value& pattern, Value& out);
    bool concat(std::span<const Value> parts, Value& out);
    bool make_list(std::span<const Value> items, Value& out);
    bool make_map(std::span<const Value> pairs, Value& out);
    bool relation(const Value& r, const StrObj* type, const StrObj* attribute, Value& out);
    bool references(const Value& v, std::string_view target, Value& out);
    bool call_builtin(uint16_t index, std::span<const Value> args, Value& out);
    // Truth conversion: Bool and Unknown stay, null is false, anything else an error.
    bool truth(const Value& v, Value& out) {
        if (v.is(Kind::Bool) || v.is_unknown()) return out = v, true;
        if (v.is_null()) return out = Value::boolean(false), true;
        return truth_error(v);
    }
    bool truth_error(const Value& v);
    bool out_of_memory();

    const Program& program_;
    const Model* model_;
    const std::vector<Value>* globals_;
    VmLimits limits_;
    Arena arena_;
    std::vector<Value> slots_;                    // frames: locals then operand stack
    std::vector<std::vector<Value>> projections_; // PROJECT_* buffers, used as a stack
    size_t projections_used_ = 0;
    size_t projected_values_ = 0;
    std::string text_buffer_; // CONCAT's scratch text // values held in projection buffers (counts
                              // toward the cap)
    uint64_t executed_ = 0;   // this evaluation
    uint64_t total_instructions_ = 0;
    bool failed_ = false;
    std::string error_;
};

// Deep copy of `v` into `arena` with interned strings, for values that outlive an
// evaluation (globals, canonical views). Returns false when the arena's cap is hit.
bool persist_value(const Value& v, Arena& arena, Value& out);

} // namespace tenet
