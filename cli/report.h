// Rendering of check results: human text, versioned JSON, SARIF, JUnit, GitHub
// workflow commands and Markdown, GitLab SAST.
#pragma once

#include <string>
#include <vector>

#include "tenet/common/source.h"
#include "tenet/model/model.h"
#include "tenet/runtime/engine.h"
#include "tenet/runtime/program.h"

namespace tenet::cli {

// Everything a report needs, with the blocking decision already made.
struct CheckReport {
    const Program* program = nullptr;
    const Model* model = nullptr;
    SourceManager* sources = nullptr;
    std::vector<Finding> findings; // sorted; passes only when requested
    std::vector<bool> blocking;    // parallel to findings
    std::vector<std::string> input_errors; // "file:line:col: message"
    size_t passes = 0;             // pass verdicts (counted even when not listed)
};

std::string render_text(const CheckReport& report, bool color);
std::string render_json(const CheckReport& report);
std::string render_sarif(const CheckReport& report, const std::string& version);
std::string render_junit(const CheckReport& report);
std::string render_github(const CheckReport& report);   // workflow commands
std::string render_markdown(const CheckReport& report); // $GITHUB_STEP_SUMMARY, PR comments
std::string render_gitlab(const CheckReport& report, const std::string& version);

// The display name of a finding's subject: the resource address, or "stack".
std::string subject_name(const CheckReport& report, const Finding& f);

} // namespace tenet::cli
