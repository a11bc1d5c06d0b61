// `tenet test`: runs the test blocks of the compiled policy files. Each test's inline
// inputs are written to a fresh temporary folder and loaded, with its fixtures, the way
// `tenet check` loads a scan (load_inputs); every rule of the program is evaluated, inline
// suppressions applied, and the verdicts compared with the test's expectations.
// Positions inside inline inputs are mapped back to the test file.
#pragma once

#include "tenet/common/source.h"
#include "tenet/compiler/checker.h"
#include "tenet/runtime/engine.h"
#include "tenet/runtime/program.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace tenet::cli {

// A position for people: "policies/aws/s3_test.tenet:12:5" (or a fixture's own file).
struct Place {
    std::string path;
    uint32_t line = 0, column = 0;
    std::string text() const;
};

struct ExpectationResult {
    const ast::TestExpect* expect = nullptr;
    Place where;          // the expectation in the test file
    std::string expected; // "TNT-S3-001 fails on aws_s3_bucket.content"
    std::string actual;   // "pass", "not applicable", "no resource aws_s3_bucket.x"
    // One line per relevant verdict: the finding's message, where it points, and why it
    // is unknown or what failed.
    std::vector<std::string> explanation;
};

struct TestResult {
    enum class Status : uint8_t { Pass, Fail, Error };
    const ast::TestDecl* test = nullptr;
    Place where;
    Status status = Status::Pass;
    std::vector<std::string> errors;      // located input / setup errors (Status::Error)
    std::vector<ExpectationResult> unmet; // Status::Fail
    size_t expectations = 0;
    std::set<std::string> frontends; // of the inputs' resources (or declared)
    // Rule ids with each verdict they gave in this test (coverage).
    std::map<std::string, std::set<Verdict>> verdicts;
};

struct CoverageData;

struct TestRunOptions {
    std::string filter;               // substring of the test name
    CoverageData* coverage = nullptr; // --coverage: record clause outcomes here
    unsigned jobs = 1;                // tests run at the same time
};

class TestRunner {
  public:
    TestRunner(const Program& program, const CheckedProgram& checked, const SourceManager& sm)
        : program_(program), checked_(checked), sm_(sm) {}
    std::vector<TestResult> run(const TestRunOptions& opts);

  private:
    TestResult run_one(const ast::TestDecl& t, const TestRunOptions& opts);
    Place place(SourceLoc loc) const;
    const Program& program_;
    const CheckedProgram& checked_;
    const SourceManager& sm_; // the policy and test files
};

// Reports (test_report.cpp). Tests appear in the order they were declared.
struct TestSummary {
    size_t passed = 0, failed = 0, errors = 0;
};
TestSummary summarize(const std::vector<TestResult>& results);
std::string render_test_text(const std::vector<TestResult>& results, bool color);
std::string render_test_json(const std::vector<TestResult>& results);
std::string render_test_junit(const std::vector<TestResult>& results);

} // namespace tenet::cli
