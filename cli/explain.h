// Explanations of verdicts (`tenet explain`, `tenet check --explain`): for a rule on a
// resource, the expressions that decided the verdict, each with its value and where
// that value came from (file:line, a provider default, or why it is unknown), in the
// style of Sentinel's trace.
//
// The trace comes from the reference evaluator (compiler/src/reference_eval*.cpp), which
// implements the same semantics as the VM and is required to agree with it on every spec
// test; it re-evaluates only the findings being explained, on a fresh load of the inputs.
#pragma once

#include "load_inputs.h"
#include "tenet/compiler/checker.h"
#include "tenet/runtime/engine.h"
#include "tenet/runtime/program.h"

#include <string>
#include <vector>

namespace tenet::cli {

struct ExplainTarget {
    uint32_t rule = 0;    // index into Program::rules
    std::string resource; // address, or "stack" for a stack-level finding
    Verdict verdict = Verdict::Pass;
};

// Loads the inputs again, evaluates the targets' rules with the reference evaluator and
// renders one explanation per target. Returns false with `error` when the inputs or
// parameters cannot be set up.
bool explain(SourceManager& sm, const Program& program, const CheckedProgram& checked,
             const InputOptions& inputs, const std::vector<ParamOverride>& params,
             const std::vector<ExplainTarget>& targets, std::string& out, std::string& error);

} // namespace tenet::cli
