// The reference evaluator: a small tree-walking interpreter over the checked AST,
// used by tests and by `tenet test --coverage` (which clauses ran). It implements the language's
// semantics (docs/language.md and the team's shared semantics) without bytecode, so that running
// every spec test through both it and the VM (the differential check) means something: a lowering
// or VM bug shows up as a disagreement.
//
// It reads the Program only for what is not semantics: the order and metadata of the
// rules (index, raw message text).
#pragma once

#include "tenet/compiler/checker.h"
#include "tenet/model/model.h"
#include "tenet/runtime/engine.h"
#include "tenet/runtime/program.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tenet {

// Coverage (`tenet test --coverage`): the truths each clause of each rule took.
struct ClauseOutcomes {
    bool seen_true = false, seen_false = false, seen_unknown = false;
};

// What a coverage point is: the rule's `where` or `requires` (or `no ... where`)
// clause, an operand of `and` / `or`, the condition of an `if` (true: the `then`
// branch ran, false: the `else` branch), or a quantifier's body for one element.
enum class CoverageKind : uint8_t { Clause, Operand, Branch, QuantifierBody };

struct CoveragePoint {
    const ast::Expr* expr = nullptr;
    CoverageKind kind = CoverageKind::Clause;
};

// The points a rule can reach: its clauses and, through predicate calls, the
// predicates' bodies; each expression once, in source order of discovery.
std::vector<CoveragePoint> coverage_points(const ast::RuleDecl& rule);

// Outcomes by (index into Program::rules, expression). Shared predicates are counted
// per rule that reached them.
struct CoverageMap {
    std::map<std::pair<uint32_t, const ast::Expr*>, ClauseOutcomes> outcomes;
};

// Explain (`tenet explain`, `check --explain`): the expressions evaluated for one rule
// on one resource, in evaluation order, each with its value and the value's provenance.
struct ExplainStep {
    const ast::Expr* expr = nullptr;
    uint32_t depth = 0;    // 0: a clause of the rule; deeper: its sub-expressions
    uint32_t resource = 0; // the resource being evaluated (stack-level rules see many)
    std::string value;     // value_to_display of the result ("" when it raised an error)
    ProvId prov = 0;       // where the value came from (0: computed by the expression)
    bool unknown = false;
};

struct ExplainRequest {
    uint32_t rule = 0;     // index into Program::rules
    uint32_t resource = 0; // index into Model::resources, or kStackResource: every resource
                           // the rule's stack-level finding looked at
    std::vector<ExplainStep> steps;
    bool truncated = false; // more than kMaxExplainSteps steps: the rest were not kept
    static constexpr size_t kMaxExplainSteps = 5000;
};

struct ReferenceOptions {
    // Evaluation steps (expression nodes visited) per rule x resource evaluation.
    uint64_t step_budget = 10'000'000;
    // Bytes a rule x resource evaluation may allocate.
    size_t memory_cap = 64u << 20;
    // When set, the truths of every coverage point reached while evaluating the rules'
    // clauses (not mappings or messages) are recorded here.
    CoverageMap* coverage = nullptr;
    // When set, each request's rule x resource evaluation is traced into its steps.
    std::vector<ExplainRequest>* explain = nullptr;
};

// Initializes globals (parameters with `overrides`, top-level lets), applies the
// mappings to `model` (giving resources canonical views, then Model::finalize()), and
// evaluates every rule. Returns the findings in the same order and shape as
// Engine::evaluate with include_passes = true. When the globals cannot be initialized
// (an override names no parameter, has the wrong type, a parameter has no value, an
// initializer fails), returns no findings and sets `error` (one line per problem).
std::vector<Finding> reference_check(const CheckedProgram& checked, const Program& program,
                                     Model& model, const std::vector<ParamOverride>& overrides,
                                     std::string& error, const ReferenceOptions& options = {});

} // namespace tenet
