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
#include "vm_code.h"

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tenet {

struct VmLimits {
    uint64_t instruction_budget = 10'000'000; // per evaluation
    size_t memory_cap = 64u << 20;            // arena bytes per evaluation (0: none)
};

// Scan-level lets (top-level lets that read the model): each is computed at most once
// per scan, by the first worker that reads it, under its own limits (VmLimits scaled by
// kScanBudgetFactor / kScanMemoryFactor), and then shared read-only by every worker. A
// failed computation is remembered: every later read fails with the same located
// message. One ScanState per Engine::evaluate() call.
inline constexpr uint64_t kScanBudgetFactor = 100;
inline constexpr size_t kScanMemoryFactor = 16;

struct ScanSlot;

class ScanState {
  public:
    ScanState(const Program& program, const Model& model, const std::vector<Value>& globals,
              VmLimits evaluation_limits);
    ~ScanState();
    // The value of scan-level let `global` (computing it first if needed). False with
    // `error` set when its computation failed.
    bool get(uint16_t global, Value& out, std::string& error);

  private:
    const Program& program_;
    const Model& model_;
    const std::vector<Value>& globals_;
    VmLimits limits_;
    std::unique_ptr<ScanSlot[]> slots_; // by global index
};

class Vm final : public BuiltinContext {
  public:
    // `model` may be null (global initializers run before there is one); `globals` is
    // read by the GLOBAL opcode and may still be filling up while initializers run.
    Vm(const Program& program, const Model* model, const std::vector<Value>* globals,
       VmLimits limits = {});
    ~Vm() override;

    // Resets the arena (values from the previous evaluation die), the budget and the error.
    // Runs before every rule x resource evaluation, so it does only what the last one needs.
    void begin_evaluation() {
        if (arena_.used() != 0 || arena_.over_cap()) arena_.reset(); // the cap stays
        total_instructions_ += executed_;
        executed_ = 0;
        if (failed_) {
            failed_ = false;
            error_.clear();
        }
        projections_used_ = 0;
        projected_values_ = 0;
    }
    // Runs program.functions[fn] with `args` as its first locals. False on an evaluation
    // error (then error() says why); the result lives in arena() until the next
    // begin_evaluation().
    bool call(uint32_t fn, std::span<const Value> args, Value& result);
    // call() with one argument (rules, messages and mappings take the resource).
    bool call1(uint32_t fn, const Value& arg, Value& result) {
        const DecodedFunction* d = runnable1(fn);
        if (!d) return call(fn, std::span<const Value>(&arg, 1), result);
        return run1(*d, arg, result);
    }
    // The decoded function to give run1(), or nullptr when `fn` is no one-argument
    // function (then call() says what is wrong).
    const DecodedFunction* runnable1(uint32_t fn) {
        const DecodedFunction* d = fn < decoded_.size() ? decoded_[fn] : nullptr;
        if (!d && fn < program_.functions.size()) d = decode(fn);
        return d && d->arity == 1 ? d : nullptr;
    }
    // Runs a function runnable1() gave, as call1() would.
    bool run1(const DecodedFunction& fn, const Value& arg, Value& result) {
        if (fn.shape != Shape::None && fn.shape != Shape::Template &&
            executed_ + fn.instructions <= limits_.instruction_budget)
            return run_shape(fn, arg, result);
        slots_[0] = arg; // slots_ never shrinks below its initial size
        return execute(fn, 0, 0, result);
    }
    // As call(), for a function whose result is text (a rule's message): appends the
    // string it returns to `out` and returns true; false (with `out` unchanged) when it
    // fails or returns anything but a string. A template that ends the function (CONCAT
    // then RETURN) is written straight into `out`, not built in the arena first.
    bool call_text(uint32_t fn, std::span<const Value> args, std::string& out);
    const std::string& error() const { return error_; }
    // The scan-level lets of the scan being evaluated (vm_scan.cpp); null outside a scan
    // (global initializers, mappings), where SCAN is an evaluation error.
    void set_scan(ScanState* scan) { scan_ = scan; }
    // Instructions executed since construction (for the engine's counters).
    uint64_t instructions_total() const { return total_instructions_ + executed_; }

    // Trace mode (vm_trace.cpp), for locating the value that decided a verdict: runs
    // program.functions[fn] on `arg` as call1() would, without the fused shapes, so that
    // every read is seen; the result of each comparison, test, logical operator,
    // quantifier and builtin carries the provenance of the operand that decided it (a
    // model value read directly keeps its own), and a canonical attribute computed by a
    // mapping takes the provenance of the mapping's deciding value (the mapping is
    // traced in turn, once deep). The caller starts the evaluation (begin_evaluation()).
    bool trace1(uint32_t fn, const Value& arg, Value& result);

    // BuiltinContext
    Arena& arena() override { return arena_; }
    const Model* model() override { return model_; }
    void fail(std::string message) override;

  private:
    // Executes one function whose arguments are already in slots_[base..base+arity).
    // Trace: trace1()'s mode (the same results, with provenance carried along).
    template <bool Trace = false>
    bool execute(const DecodedFunction& fn, size_t base, int depth, Value& result);
    // The function's decoded code (vm_code.h), decoded on first use; fn must exist.
    const DecodedFunction* decoded(uint32_t fn) {
        return fn < decoded_.size() && decoded_[fn] ? decoded_[fn] : decode(fn);
    }
    const DecodedFunction* decode(uint32_t fn);
    // FIELD with its site's cache, and the shapes of vm_code.h run without the dispatch
    // loop: inline, in vm_inline.h.
    inline bool field_cached(const Value& obj, Ins& ins, Value& out);
    [[gnu::noinline]] bool field_search(const MapObj* m, Ins& ins, Value& out);
    inline bool run_shape(const DecodedFunction& fn, const Value& arg, Value& result);
    bool render_template(const DecodedFunction& fn, const Value& self, std::string& out);
    // The byte size of the model's resource table (an index check without a division).
    size_t resources_bytes() const {
        return static_cast<size_t>(
            reinterpret_cast<const char*>(std::to_address(model_->resources.end())) -
            reinterpret_cast<const char*>(model_->resources.data()));
    }

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
    // SCAN: the value of scan-level let `global`, computed on first use (vm_scan.cpp).
    [[gnu::noinline]] bool scan_value(uint16_t global, Value& out);
    // Truth conversion: Bool and Unknown stay, null is false, anything else an error.
    bool truth(const Value& v, Value& out) {
        if (v.is(Kind::Bool) || v.is_unknown()) return out = v, true;
        if (v.is_null()) return out = Value::boolean(false), true;
        return truth_error(v);
    }
    bool truth_error(const Value& v);
    // Trace mode: `r`, computed from the operands, takes the provenance of the first
    // that has one when it has none (booleans and numbers: a builtin's strings and
    // lists already say where they came from).
    static void borrow(Value& r, const Value& a, const Value& b = Value()) {
        if (r.prov() != 0 || !(r.is(Kind::Bool) || r.is(Kind::Number))) return;
        if (ProvId p = a.prov() ? a.prov() : b.prov()) r = r.with_prov(p);
    }
    static void borrow_first(Value& r, std::span<const Value> args) {
        for (const Value& a : args)
            if (a.prov()) return borrow(r, a);
    }
    // and / or: the truth takes the provenance of the first operand that agrees with it
    // and has one (both agree when neither short-circuits: the first decided as well).
    static void decided_by(Value& r, const Value& a, const Value& b) {
        if (!r.is(Kind::Bool)) return;
        for (const Value* v : {&a, &b})
            if (v->is(Kind::Bool) && v->as_bool() == r.as_bool() && v->prov())
                return void(r = r.with_prov(v->prov()));
    }
    // A quantifier's running result, not decided by any step yet, takes the provenance
    // of the first step that agrees with it.
    static void borrow_agreeing(Value& r, const Value& step) {
        if (r.prov() == 0 && r.is(Kind::Bool) && step.is(Kind::Bool) &&
            step.as_bool() == r.as_bool() && step.prov())
            r = r.with_prov(step.prov());
    }
    // Trace mode: a FIELD read; a canonical attribute a mapping computed takes the
    // provenance of the value that decided the mapping.
    Value traced_field(const Value& obj, const StrObj* name, const Value& read);
    // Trace mode: `x in coll` true takes the matching element's provenance.
    void traced_in(Value& r, const Value& x, const Value& coll);
    bool out_of_memory();
    [[gnu::cold, gnu::noinline]] void fail_cold(const char* what);
    [[gnu::cold, gnu::noinline]] void fail_cold(const char* what, Kind kind,
                                                const char* after = "");
    [[gnu::cold, gnu::noinline]] void fail_uninitialized(uint16_t global);
    [[gnu::cold, gnu::noinline]] void fail_call_depth();
    [[gnu::cold, gnu::noinline]] void fail_budget();
    [[gnu::noinline]] const re2::RE2* uncompiled_regex(uint32_t index);

    const Program& program_;
    const Model* model_;
    const std::vector<Value>* globals_;
    ScanState* scan_ = nullptr;
    VmLimits limits_;
    Arena arena_;
    std::vector<DecodedFunction*> decoded_; // by function index; null until first run
    std::vector<std::unique_ptr<DecodedFunction>> decoded_owner_;
    std::vector<Value> slots_;                    // frames: locals then operand stack
    std::vector<std::vector<Value>> projections_; // PROJECT_* buffers, used as a stack
    size_t projections_used_ = 0;
    size_t projected_values_ = 0;
    std::string text_buffer_;         // CONCAT's scratch text
    std::string* text_out_ = nullptr; // call_text's destination, while it runs
    bool text_done_ = false;          // call_text's result went straight to text_out_
    uint64_t executed_ = 0;           // this evaluation
    uint64_t total_instructions_ = 0;
    bool failed_ = false;
    std::string error_;
    // Trace mode: the Vm that traces mappings (its own frames and arena), made on first
    // use; trace_level_ 1 in it, so that it does not trace further.
    std::unique_ptr<Vm> mapping_tracer_;
    int trace_level_ = 0;
    // What traced_field() found for a (resource, canonical attribute): rules read the
    // same attributes of a resource again and again, and a mapping may be costly.
    std::map<std::pair<uint32_t, const StrObj*>, ProvId> traced_fields_;
};

extern template bool Vm::execute<false>(const DecodedFunction&, size_t, int, Value&);
extern template bool Vm::execute<true>(const DecodedFunction&, size_t, int, Value&);

// Deep copy of `v` into `arena` with interned strings, for values that outlive an
// evaluation (globals, canonical views). Returns false when the arena's cap is hit.
bool persist_value(const Value& v, Arena& arena, Value& out);

} // namespace tenet

#include "vm_inline.h" // the inline members: field_cached, run_shape
