// The Markdown of `tenet doc`: one page per rule and the catalog (README.md) grouped by
// service. Pure functions of their inputs, so the output is the same on every run.
#pragma once

#include "tenet/runtime/program.h"

#include <string>
#include <vector>

namespace tenet::cli {

// One input of a test used as an example: inline text in a frontend, or a fixture path.
struct DocExampleInput {
    std::string frontend;   // terraform, cloudformation, plan, pulumi, model; empty: fixture
    std::string file;       // the file name the text is written to (main.tf, ...)
    std::string text;       // inline text
    std::string path;       // fixture: link from the output folder to it
    std::string shown_path; // fixture: the path as written in the test
};

// A test of the `*_test.tenet` files that states an expectation about the rule.
struct DocExample {
    std::string name;  // the test's name
    std::string link;  // link from the output folder to the test (path#Lline)
    std::string where; // path:line, shown
    std::vector<DocExampleInput> inputs;
    std::vector<std::string> params;  // NAME = VALUE as written
    std::vector<std::string> expects; // the test's expectations about this rule, as text
    bool fails = false;               // some expectation says the rule fails
};

struct RuleDoc {
    const RuleInfo* rule = nullptr;
    std::string page;        // the page's file name: TNT-S3-001.md
    std::string file;        // the declaring file as the compiler read it
    std::string source_link; // link from the output folder to the declaring file
    std::string source;      // the rule's text with the comment lines just above it
    std::vector<DocExample> examples;
};

// The link for a control id with a stable public URL pattern (AWS Control Tower
// proactive controls, Security Hub / FSBP controls, trivy AVD ids), or "".
std::string control_url(const std::string& control);

std::string render_rule_page(const Program& program, const RuleDoc& doc);
std::string render_catalog(const std::vector<RuleDoc>& docs);

// The service a rule belongs to: the stem of its policy file (policies/aws/s3.tenet: s3).
std::string rule_service(const RuleDoc& doc);

// The first line of every generated file; `tenet doc` only deletes files that start with it.
extern const char* const kGeneratedMarker;

} // namespace tenet::cli
