// Shared state of the reference evaluator (reference_eval*.cpp): the expression
// walker, the value operations it uses, and the driver that runs rules and mappings.
#pragma once

#include "tenet/compiler/ast.h"
#include "tenet/compiler/reference_eval.h"
#include "tenet/model/arena.h"
#include "tenet/model/model.h"
#include "tenet/model/value.h"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tenet::refeval {

using namespace tenet::ast;

// An evaluation error: the verdict becomes Verdict::Error with this message.
struct EvalError {
    std::string message;
};

// The locals of one function body (rule, predicate, mapping field, initializer).
// Slots are the checker's; the vector grows on demand because initializers of
// globals do not record how many they use.
struct Frame {
    std::vector<Value> locals;
    Value& at(uint32_t slot) {
        if (slot >= locals.size()) locals.resize(slot + 1);
        return locals[slot];
    }
};

// ---- value operations (reference_eval_ops.cpp); each throws EvalError on a type error

// Map entries in bytewise key order: the order maps are iterated in.
std::vector<const MapEntry*> sorted_entries(const MapObj* m);
// The elements a quantifier or projection visits: list items, or a map's values.
std::vector<Value> elements(const Value& coll);

class Ops {
  public:
    Ops(const Model& model, Arena*& arena, size_t memory_cap)
        : model_(model), arena_(arena), cap_(memory_cap) {}

    // While globals are initialized there is no model (the VM's initializers run
    // before one is loaded): `stack` is null and relations and references find nothing.
    bool model_visible = true;
    [[noreturn]] void out_of_memory() const;
    // The cap out_of_memory() names (a scan-level let has a larger one).
    size_t cap() const { return cap_; }
    void set_cap(size_t cap) { cap_ = cap; }

    Value field(const Value& obj, std::string_view name) const;
    Value index(const Value& obj, const Value& key) const;
    Value compare(BinOp op, const Value& a, const Value& b) const;
    Value arith(BinOp op, const Value& a, const Value& b) const;
    Value negate(const Value& a) const;
    Value in(const Value& x, const Value& coll) const;
    Value matches(const Value& s, const Value& pattern) const;
    // Template parts joined; the first unknown part is the result.
    Value concat(const std::vector<Value>& parts) const;
    Value references(const Value& v, std::string_view target_kind, std::string_view target) const;
    Value relation(const Value& r, const std::string& type, const std::string& attribute) const;

    const StrObj* make_string(std::string_view s) const;
    Value make_list(const std::vector<Value>& items) const;
    Value make_map(const std::vector<MapEntry>& entries) const;

  private:
    bool refs_match(const Value& v, std::string_view kind, std::string_view name, int depth) const;
    const Model& model_;
    Arena*& arena_; // the evaluator's current arena
    size_t cap_;
};

// ---- the expression walker (reference_eval_expr.cpp)

class Evaluator {
  public:
    Evaluator(const CheckedProgram& checked, Model& model, const ReferenceOptions& options);

    // A value; a truth (Bool or Unknown; null reads as false).
    Value eval(const Expr& e, Frame& f);
    Value truth(const Expr& e, Frame& f);
    Value to_truth(const Value& v) const;
    // The value of scan-level let `global` (LetDecl::scan): computed on first use, once
    // per run, under 100 times the step budget and 16 times the memory cap, as the VM
    // does (vm_scan.cpp); a failure is remembered and raised at every read.
    Value scan_value(uint32_t global);
    // Calls a predicate with its arguments.
    Value call_pred(const PredDecl& p, std::vector<Value> args);
    // Evaluates the rule-local lets that `e` reads (directly or through other lets),
    // in declaration order, into the frame: what a rule function does on entry.
    void enter_rule_function(const RuleDecl& rule, const Expr* e, Frame& f);

    // Starts one rule x resource (or mapping field, or initializer) evaluation:
    // fresh budget and, for temporaries, a fresh capped arena.
    void begin_evaluation(Arena* arena);

    const CheckedProgram& checked;
    const Program* program = nullptr; // for the locations of scan-level lets
    Model& model;
    ReferenceOptions options;
    std::vector<Value> globals;
    Arena globals_arena; // parameters and lets: live for the whole run
    Arena temp_arena;    // one evaluation's temporaries
    Arena* arena = &temp_arena;
    Ops ops;

    // Coverage: the rule being evaluated (kNoRule outside rule clauses), and the truth
    // an expression took there.
    static constexpr uint32_t kNoRule = UINT32_MAX;
    uint32_t coverage_rule = kNoRule;
    void record(const Expr& e, const Value& truth) {
        if (!options.coverage || coverage_rule == kNoRule) return;
        ClauseOutcomes& o = options.coverage->outcomes[{coverage_rule, &e}];
        if (truth.is_unknown())
            o.seen_unknown = true;
        else if (truth.is(Kind::Bool) && truth.as_bool())
            o.seen_true = true;
        else
            o.seen_false = true;
    }

    // Explain: the request whose rule x resource is being evaluated (null: not traced).
    ExplainRequest* tracing = nullptr;
    uint32_t trace_depth = 0;
    uint32_t trace_resource = 0;
    // The request for (rule, resource), if one was made.
    ExplainRequest* explain_request(uint32_t rule, uint32_t resource) const;

  private:
    void step();
    Value eval_node(const Expr& e, Frame& f);
    Value eval_traced(const Expr& e, Frame& f);
    Value call_builtin(const Expr& e, Frame& f);
    Value quantifier(const Expr& e, Frame& f);
    Value comprehension(const Expr& e, Frame& f);
    void collect_lets(const Expr* e, const RuleDecl& rule, std::set<const LetDecl*>& out);
    uint64_t steps_ = 0;
    struct ScanMemo {
        int state = 0; // 0 not computed, 1 computed, 2 failed
        Value value;
        std::string error;
    };
    std::vector<ScanMemo> scan_memo_; // by global index
};

// ---- set-up (reference_eval_init.cpp)

// Parameters (overrides checked against the declared types) and top-level lets, in
// initialization order. False with `error` (one line per problem) on failure.
bool init_globals(Evaluator& ev, const std::vector<ParamOverride>& overrides, std::string& error);
// Applies the mappings, giving resources canonical views, then Model::finalize().
void normalize(Evaluator& ev);

// Deep copy of `v` into `arena` with interned strings (values that outlive an
// evaluation: mapped canonical views, global values).
Value persist(const Value& v, Arena& arena);

} // namespace tenet::refeval
