// Engine: runs a verified Program over a Model.
//
//  1. init_globals(): evaluates parameters (defaults or overrides) and top-level lets.
//  2. normalize(): applies the program's mappings, giving resources canonical views.
//  3. evaluate(): for each rule, the resources of its target type (from the model's
//     type index: a resource meets only the rules that can apply to it), split over
//     worker threads; the Program is shared read-only.
// Findings come back sorted (rule order, then resource order), so the output does not
// depend on the number of threads.
#pragma once

#include "tenet/model/model.h"
#include "tenet/runtime/program.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tenet {

enum class Verdict : uint8_t { Pass, Fail, Unknown, Error };
const char* verdict_name(Verdict v);

constexpr uint32_t kStackResource = 0xFFFFFFFF; // finding about the stack as a whole

struct Finding {
    uint32_t rule = 0;                  // index into Program::rules
    uint32_t resource = kStackResource; // index into Model::resources
    Verdict verdict = Verdict::Pass;
    SourceLoc loc; // where the resource is declared (invalid: the stack)
    // A fail or unknown verdict on a resource: where the model value that decided it was
    // written (the attribute's value, perhaps in a related resource, or the native value
    // a mapping computed the canonical attribute from). Invalid when that value is
    // absent, a default, or has no source position: then point at `loc`.
    SourceLoc value_loc;
    std::string message;           // interpolated rule message (fail/unknown)
    std::string reason;            // unknown: which input and why; error: what failed
    std::vector<uint32_t> related; // AtLeast/Exists: the resources that failed / were checked
};

struct EngineOptions {
    unsigned jobs = 1;
    uint64_t instruction_budget = 10'000'000; // per rule x resource evaluation
    size_t memory_cap = 64u << 20;            // bytes allocated per evaluation
    bool include_passes = false;              // report Pass verdicts too
    bool locate_values = true; // fill Finding::value_loc (one traced re-run per fail/unknown)
};

struct ParamOverride {
    std::string name; // qualified (aws.s3.allowed_sse) or unqualified if unambiguous
    std::string json; // JSON text; a bare word is taken as a string
};

class Engine {
  public:
    Engine(const Program& program, EngineOptions options);
    ~Engine();

    // Returns false and fills `errors` (one line each) when an override names no
    // parameter, has the wrong type, a parameter without default is unset, or an
    // initializer fails.
    bool init_globals(const std::vector<ParamOverride>& overrides,
                      std::vector<std::string>& errors);
    // Applies mappings; a failing field becomes unknown with the error as reason.
    void normalize(Model& model);
    std::vector<Finding> evaluate(const Model& model);

    // Counters of the last evaluate(), for benchmarks.
    uint64_t evaluations() const { return evaluations_; }
    uint64_t instructions() const { return instructions_; }
    // Pass verdicts of the last evaluate(), counted whether or not include_passes lists
    // them.
    uint64_t passes() const { return passes_; }

  private:
    struct Impl;
    Impl* impl_;
    const Program& program_;
    EngineOptions options_;
    uint64_t evaluations_ = 0;
    uint64_t instructions_ = 0;
    uint64_t passes_ = 0;
};

} // namespace tenet
