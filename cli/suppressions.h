// Suppressions that stay honest: inline `tenet:ignore` comments next to a resource,
// CloudFormation Metadata, a waivers file, a baseline of known findings, and
// --override for soft rules. A suppressed finding is still reported, with who and why;
// an expired suppression, or one without a reason, suppresses nothing and is itself a
// finding (rules TNT-SUPPRESS-001 and TNT-SUPPRESS-002).
#pragma once

#include "report.h"

#include <string>
#include <unordered_set>
#include <vector>

namespace tenet::cli {

struct Waiver {
    std::string rule;     // rule id or name, or a glob over them ("TNT-S3-*")
    std::string resource; // address glob; empty: any
    std::string path;     // source path glob; empty: any
    std::string owner;
    std::string reason;
    std::string expires; // YYYY-MM-DD; empty: never
    std::string where;   // "waivers.yaml:4"
    SourceLoc loc;
};

struct Override {
    std::string rule; // id or name
    std::string reason;
};

struct SuppressionInputs {
    std::vector<Waiver> waivers;
    std::unordered_set<std::string> baseline; // fingerprints
    std::string baseline_file;
    std::vector<Override> overrides;
    std::string today; // YYYY-MM-DD
};

// Reads a waivers file (YAML or JSON: `waivers: [{rule, resource, path, owner, reason,
// expires}]`). Problems go to `errors` as "file:line:col: message".
bool load_waivers(SourceManager& sm, const std::string& path, std::vector<Waiver>& out,
                  std::vector<std::string>& errors);

// Reads a baseline written by write_baseline.
bool load_baseline(const std::string& path, std::unordered_set<std::string>& out,
                   std::string& error);
// Every fail and unknown finding of the report, by fingerprint.
std::string write_baseline(const CheckReport& report);

// --override values must name soft rules; returns false with a message otherwise.
bool check_overrides(const Program& program, const std::vector<Override>& overrides,
                     std::string& error);

// Fills report.suppressions and appends the findings about expired or reasonless
// suppressions (with their rules in report.extra_rules). Call before deciding blocking.
void apply_suppressions(CheckReport& report, const SuppressionInputs& in);

// Today as YYYY-MM-DD (UTC), or TENET_TODAY when set (for reproducible tests).
std::string today_utc();

} // namespace tenet::cli
