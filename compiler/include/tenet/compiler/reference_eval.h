// The reference evaluator: a small tree-walking interpreter over the checked AST,
// used by tests and by `tenet test --coverage` (which clauses ran). It implements the language's semantics (docs/language.md and
// the team's shared semantics) without bytecode, so that running every spec test
// through both it and the VM (the differential check) means something: a lowering
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

struct ReferenceOptions {
    // Evaluation steps (expression nodes visited) per rule x resource evaluation.
    uint64_t step_budget = 10'000'000;
    // Bytes a rule x resource evaluation may allocate.
    size_t memory_cap = 64u << 20;
    // When set, the truths of every coverage point reached while evaluating the rules'
    // clauses (not mappings or messages) are recorded here.
    CoverageMap* coverage = nullptr;
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
