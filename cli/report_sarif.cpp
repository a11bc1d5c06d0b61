// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//
// One run; tool.driver.rules lists every rule of the program (not only those that
// fired) so a dashboard can show what was checked. Results carry the physical
// location (file, line, column), the resource address as a logical location, and a
// partialFingerprint that survives line moves.
#include "fingerprint.h"
#include "report.h"
#include "tenet/common/json.h"

#include <fmt/format.h>

namespace tenet::cli {

namespace {

const char* sarif_level(Severity s) {
    switch (s) {
    case Severity::Info:
    case Severity::Low:
        return "note";
    case Severity::Medium:
        return "warning";
    case Severity::High:
    case Severity::Critical:
        return "error";
    }
    return "warning";
}

// GitHub sorts alerts by this number (0.0 - 10.0).
const char* security_severity(Severity s) {
    switch (s) {
    case Severity::Info:
        return "0.0";
    case Severity::Low:
        return "3.0";
    case Severity::Medium:
        return "5.5";
    case Severity::High:
        return "8.0";
    case Severity::Critical:
        return "9.5";
    }
    return "5.5";
}

// The rule's source in the Tenet repository, for the bundled policies; user rules have
// no public page, so they get none (helpUri is optional in SARIF).
std::string help_uri(const Program& program, const RuleInfo& rule) {
    if (rule.loc.line == 0 || rule.loc.file >= program.files.size()) return {};
    const std::string& file = program.files[rule.loc.file];
    if (file.rfind("policies/", 0) != 0 && file.rfind("stdlib/", 0) != 0) return {};
    return fmt::format("https://github.com/tenet-policy/tenet/blob/main/{}#L{}", file,
                       rule.loc.line);
}

void write_rule(json::Writer& w, const Program& program, const RuleInfo& rule) {
    w.begin_object();
    w.key("id").value(rule.id);
    w.key("name").value(rule.name);
    std::string title = rule.title.empty() ? rule.id : rule.title;
    w.key("shortDescription").begin_object().key("text").value(title).end_object();
    w.key("fullDescription")
        .begin_object()
        .key("text")
        .value(rule.message.empty() ? title : rule.message)
        .end_object();
    std::string help = rule.fix.empty() ? title : "Fix: " + rule.fix;
    w.key("help")
        .begin_object()
        .key("text")
        .value(help)
        .key("markdown")
        .value(fmt::format("**{}**\n\n{}", title, help))
        .end_object();
    if (std::string uri = help_uri(program, rule); !uri.empty()) w.key("helpUri").value(uri);
    w.key("defaultConfiguration")
        .begin_object()
        .key("level")
        .value(sarif_level(rule.severity))
        .end_object();
    w.key("properties").begin_object();
    w.key("tags").begin_array().value("security").value("iac");
    w.value(std::string_view(rule.package));
    w.end_array();
    w.key("security-severity").value(security_severity(rule.severity));
    w.key("controls").begin_array();
    for (auto& c : rule.controls) w.value(c);
    w.end_array();
    w.key("severity").value(severity_name(rule.severity));
    w.key("level").value(level_name(rule.level));
    w.end_object();
    w.end_object();
}

const char* result_kind(Verdict v) {
    switch (v) {
    case Verdict::Fail:
        return "fail";
    case Verdict::Unknown:
        return "review"; // SARIF: needs a human to decide
    case Verdict::Error:
        return "open";
    case Verdict::Pass:
        return "pass";
    }
    return "fail";
}

void write_result(json::Writer& w, const CheckReport& r, const Finding& f, bool blocking,
                  const Suppression& sup) {
    const RuleInfo& rule = r.rule(f);
    w.begin_object();
    w.key("ruleId").value(rule.id);
    w.key("ruleIndex").value(static_cast<int64_t>(f.rule));
    w.key("kind").value(result_kind(f.verdict));
    w.key("level").value(f.verdict == Verdict::Fail ? sarif_level(rule.severity) : "none");
    std::string text = f.message.empty() ? rule.title : f.message;
    if (!f.reason.empty())
        text += fmt::format(" ({}: {})", f.verdict == Verdict::Error ? "error" : "unknown because",
                            f.reason);
    w.key("message").begin_object().key("text").value(text).end_object();
    w.key("locations").begin_array().begin_object();
    if (f.loc.valid() && f.loc.file < r.sources->size()) {
        w.key("physicalLocation").begin_object();
        w.key("artifactLocation")
            .begin_object()
            .key("uri")
            .value(r.sources->path(f.loc.file))
            .end_object();
        w.key("region").begin_object();
        w.key("startLine").value(static_cast<int64_t>(f.loc.line));
        w.key("startColumn").value(static_cast<int64_t>(std::max<uint32_t>(1, f.loc.column)));
        w.end_object();
        w.end_object();
    }
    w.key("logicalLocations").begin_array().begin_object();
    w.key("fullyQualifiedName").value(subject_name(r, f));
    w.key("kind").value(f.resource == kStackResource ? "module" : "resource");
    w.end_object().end_array();
    w.end_object().end_array();
    if (sup.active()) {
        // SARIF: inSource for comments and template metadata, external for the rest.
        bool in_source =
            sup.kind == Suppression::Kind::Inline || sup.kind == Suppression::Kind::Metadata;
        w.key("suppressions").begin_array().begin_object();
        w.key("kind").value(in_source ? "inSource" : "external");
        w.key("status").value("accepted");
        w.key("justification")
            .value(fmt::format("{}{}: {}", suppression_kind_name(sup.kind),
                               sup.by.empty() ? "" : " by " + sup.by, sup.reason));
        w.end_object().end_array();
    }
    w.key("partialFingerprints")
        .begin_object()
        .key("tenet/v1")
        .value(finding_fingerprint(r, f))
        .end_object();
    w.key("properties").begin_object();
    w.key("verdict").value(verdict_name(f.verdict));
    w.key("blocking").value(blocking);
    w.end_object();
    w.end_object();
}

} // namespace

std::string render_sarif(const CheckReport& r, const std::string& version) {
    json::Writer w;
    w.begin_object();
    w.key("$schema").value("https://json.schemastore.org/sarif-2.1.0.json");
    w.key("version").value("2.1.0");
    w.key("runs").begin_array().begin_object();
    w.key("tool").begin_object().key("driver").begin_object();
    w.key("name").value("tenet");
    w.key("semanticVersion").value(version);
    w.key("informationUri").value("https://github.com/tenet-policy/tenet");
    w.key("rules").begin_array();
    for (const RuleInfo& rule : r.program->rules) write_rule(w, *r.program, rule);
    for (const RuleInfo& rule : r.extra_rules) write_rule(w, *r.program, rule);
    w.end_array();
    w.end_object().end_object();
    w.key("results").begin_array();
    for (size_t i = 0; i < r.findings.size(); ++i)
        write_result(w, r, r.findings[i], r.blocking[i], r.suppression(i));
    w.end_array();
    w.key("invocations").begin_array().begin_object();
    w.key("executionSuccessful").value(r.input_errors.empty());
    w.key("toolExecutionNotifications").begin_array();
    for (auto& e : r.input_errors) {
        w.begin_object();
        w.key("level").value("error");
        w.key("message").begin_object().key("text").value(e).end_object();
        w.end_object();
    }
    w.end_array();
    w.end_object().end_array();
    w.end_object().end_array();
    w.end_object();
    return w.str() + "\n";
}

} // namespace tenet::cli
