// `tenet test --coverage`: which clauses and branches of each rule the tests exercised
// (recorded by the reference evaluator, a tree walker over the checked AST that agrees
// with the VM on every spec case), which frontends the rule's tests used, and whether
// the rule was seen failing and passing.
#pragma once

#include "tenet/compiler/reference_eval.h"
#include "test_runner.h"

#include <string>
#include <vector>

namespace tenet::cli {

struct CoverageData {
    CoverageMap map;
};

// Evaluates every rule over `model` (freshly loaded: it is normalized here) with the
// reference evaluator, recording the outcomes into `data`.
void record_coverage(CoverageData& data, const CheckedProgram& checked, const Program& program,
                     Model& model, const std::vector<ParamOverride>& params);

struct CoverageReportInput {
    const CoverageData& data;
    const std::vector<TestResult>& results;
    const CheckedProgram& checked;
    const Program& program;
    const SourceManager& sm;
};

std::string render_coverage_text(const CoverageReportInput& in);
std::string render_coverage_markdown(const CoverageReportInput& in);

} // namespace tenet::cli
