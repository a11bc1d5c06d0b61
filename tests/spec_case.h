// A spec case: one .tenet file under tests/spec/ with its expectations in comments.
//
//   # file: other.tenet          the lines below (until the next `# file:`) form another
//                                policy file; every file keeps the case's line numbers
//   # model: path.json           the model, relative to the case's folder
//   #| {...}                     or an inline model: these lines joined are its JSON
//   # param: name=json           a parameter override (JSON; a bare word is a string)
//   # budget: N                  instruction budget per evaluation (VM and reference)
//   # memory: N                  memory cap in bytes per evaluation
//   # compile: with-policies     also compile the bundled policy packs (policies/)
//   # expect: error E0303 at 4:12       compile errors: the set must match exactly
//   # expect: warning W0001 at 3:7      warnings: when any is listed, the set must match
//   # expect: init-error TEXT           parameter set-up fails with TEXT in the message
//   # expect: fail aws_s3_bucket.b [rule=NAME] [message="..."] [reason="..."]
//   # expect: unknown|evalerror|pass ADDRESS|<stack> ...
//                                findings: the non-pass ones must match exactly;
//                                listed passes must be present
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tenet::spec {

struct SourceFile {
    std::string name; // the case's path for the main file
    std::string text; // lines of other files blanked, so line numbers stay the case's
};

struct ExpectedDiag {
    std::string code;
    uint32_t line = 0; // 0: anywhere
    uint32_t column = 0;
    bool operator==(const ExpectedDiag&) const = default;
};

struct ExpectedFinding {
    std::string verdict; // pass, fail, unknown, evalerror
    std::string address; // or "<stack>"
    std::string rule;    // empty: any rule
    std::optional<std::string> message, reason;
    uint32_t line = 0; // where the expectation is written
};

struct Case {
    std::string path;
    std::vector<SourceFile> files;
    std::string model_json; // empty: an empty model
    std::string model_name; // path used for the model's SourceManager entry
    std::vector<std::pair<std::string, std::string>> params;
    uint64_t budget = 0; // 0: the default
    size_t memory = 0;
    bool with_policies = false;
    std::vector<ExpectedDiag> errors, warnings;
    std::optional<std::string> init_error;
    std::vector<ExpectedFinding> findings;
};

// Reads and parses a case; false with `error` on a malformed directive or file.
bool load_case(const std::string& path, Case& out, std::string& error);

} // namespace tenet::spec
