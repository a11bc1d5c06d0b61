// Rendering of check results: human text and versioned JSON.
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

// The display name of a finding's subject: the resource address, or "stack".
std::string subject_name(const CheckReport& report, const Finding& f);

} // namespace tenet::cli
