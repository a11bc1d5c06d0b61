// Rendering of check results: human text, versioned JSON, SARIF, JUnit, GitHub
// workflow commands and Markdown, GitLab SAST.
#pragma once

#include "tenet/common/source.h"
#include "tenet/model/model.h"
#include "tenet/runtime/engine.h"
#include "tenet/runtime/program.h"

#include <string>
#include <vector>

namespace tenet::cli {

// Why a finding does not count against the change, when it does not.
struct Suppression {
    enum class Kind : uint8_t { None, Inline, Metadata, Waiver, Baseline, Override };
    Kind kind = Kind::None;
    std::string by;      // owner (waivers), or empty
    std::string reason;  // mandatory for every kind but Baseline
    std::string expires; // YYYY-MM-DD or empty
    std::string where;   // "main.tf:12" (inline), "waivers.yaml:4", "baseline.json"
    bool active() const { return kind != Kind::None; }
};
const char*
suppression_kind_name(Suppression::Kind k); // inline, metadata, waiver, baseline, override

// Everything a report needs, with the blocking decision already made.
struct CheckReport {
    const Program* program = nullptr;
    const Model* model = nullptr;
    SourceManager* sources = nullptr;
    std::vector<Finding> findings;         // sorted; passes only when requested
    std::vector<bool> blocking;            // parallel to findings
    std::vector<Suppression> suppressions; // parallel to findings
    // Rules that are not in the program: findings about the suppressions themselves
    // (expired, missing reason). Their Finding::rule is program->rules.size() + index.
    std::vector<RuleInfo> extra_rules;
    std::vector<std::string> input_errors; // "file:line:col: message"
    size_t passes = 0;                     // pass verdicts (counted even when not listed)
    Severity fail_on = Severity::Low;      // --fail-on: the lowest severity that blocks

    const RuleInfo& rule(const Finding& f) const {
        return f.rule < program->rules.size() ? program->rules[f.rule]
                                              : extra_rules[f.rule - program->rules.size()];
    }
    const Suppression& suppression(size_t i) const {
        static const Suppression none;
        return i < suppressions.size() ? suppressions[i] : none;
    }
};

std::string render_text(const CheckReport& report, bool color);
std::string render_json(const CheckReport& report);
std::string render_sarif(const CheckReport& report, const std::string& version);
std::string render_junit(const CheckReport& report);
std::string render_github(const CheckReport& report);   // workflow commands
std::string render_markdown(const CheckReport& report); // $GITHUB_STEP_SUMMARY, PR comments
std::string render_gitlab(const CheckReport& report, const std::string& version);

// Text for an XML attribute or element (JUnit reports).
std::string xml_escape(std::string_view s);

// Text for a cell of a Markdown table: `|` escaped, newlines as spaces.
std::string markdown_cell(std::string_view s);

// The display name of a finding's subject: the resource address, or "stack".
std::string subject_name(const CheckReport& report, const Finding& f);

// Where a finding points (report_location.cpp): the value that decided the verdict
// (Finding::value_loc) when it is in the resource's file, else the resource's
// declaration (invalid for the stack). `end_column` (exclusive, on loc's line; 0 when
// the line cannot be read) ends the span to underline: the whole value token (a quoted
// string, a bracketed list or map as far as this line goes, a bare word), or the
// declaration's first word.
struct FindingSpan {
    SourceLoc loc;
    uint32_t end_column = 0;
    bool value = false; // loc is the deciding value's
};
FindingSpan finding_span(const CheckReport& report, const Finding& f);

// The column where an attribute's value starts when `column` is the attribute's name at
// the start of an HCL line (`bucket = "x"`: some inputs locate the attribute, not its
// value); else `column`.
uint32_t value_start_column(std::string_view line, uint32_t column);

// The exclusive end column of the value token starting at 1-based `column` of `line`
// (0 when the column is outside the line).
uint32_t value_end_column(std::string_view line, uint32_t column);

// The text of `loc`'s line, from the SourceManager or, for a file the model named but
// did not load, from disk; empty when there is none.
std::string source_line(SourceManager& sm, const SourceLoc& loc);

} // namespace tenet::cli
