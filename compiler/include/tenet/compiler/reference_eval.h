// The reference evaluator: a small tree-walking interpreter over the checked AST,
// used only by tests. It implements the language's semantics (docs/language.md and
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
#include <string>
#include <vector>

namespace tenet {

struct ReferenceOptions {
    // Evaluation steps (expression nodes visited) per rule x resource evaluation.
    uint64_t step_budget = 10'000'000;
    // Bytes a rule x resource evaluation may allocate.
    size_t memory_cap = 64u << 20;
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
