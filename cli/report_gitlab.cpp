// GitLab SAST report (schema 15.0.x), read by GitLab's security widgets. Only failing
// and unknown verdicts become vulnerabilities; an unknown one has severity "Unknown".
// Scan times come from SOURCE_DATE_EPOCH when set, so reports can be reproducible.
#include "fingerprint.h"
#include "report.h"
#include "tenet/common/json.h"

#include <cstdlib>
#include <ctime>
#include <fmt/format.h>

namespace tenet::cli {

namespace {

const char* gitlab_severity(Severity s) {
    switch (s) {
    case Severity::Info:
        return "Info";
    case Severity::Low:
        return "Low";
    case Severity::Medium:
        return "Medium";
    case Severity::High:
        return "High";
    case Severity::Critical:
        return "Critical";
    }
    return "Unknown";
}

std::string scan_time() {
    std::time_t t = std::time(nullptr);
    if (const char* e = std::getenv("SOURCE_DATE_EPOCH"))
        t = static_cast<std::time_t>(std::strtoll(e, nullptr, 10));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
}

void write_tool(json::Writer& w, const std::string& version) {
    w.begin_object();
    w.key("id").value("tenet");
    w.key("name").value("Tenet");
    w.key("url").value("https://github.com/tenet-policy/tenet");
    w.key("vendor").begin_object().key("name").value("Tenet").end_object();
    w.key("version").value(version);
    w.end_object();
}

} // namespace

std::string render_gitlab(const CheckReport& r, const std::string& version) {
    json::Writer w;
    w.begin_object();
    w.key("version").value("15.0.7");
    w.key("vulnerabilities").begin_array();
    for (size_t i = 0; i < r.findings.size(); ++i) {
        const Finding& f = r.findings[i];
        if (f.verdict != Verdict::Fail && f.verdict != Verdict::Unknown) continue;
        const RuleInfo& rule = r.rule(f);
        std::string fp = finding_fingerprint(r, f);
        w.begin_object();
        // GitLab wants a UUID-shaped id; spell the fingerprint twice so it is stable.
        std::string hex = fp + fp;
        w.key("id").value(fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4),
                                      hex.substr(12, 4), hex.substr(16, 4), hex.substr(20, 12)));
        w.key("category").value("sast");
        w.key("name").value(rule.title.empty() ? rule.id : rule.title);
        w.key("message").value(f.message.empty() ? rule.title : f.message);
        std::string desc = f.message.empty() ? rule.title : f.message;
        if (!f.reason.empty()) desc += "\n\nUnknown because: " + f.reason;
        w.key("description").value(desc);
        w.key("severity")
            .value(f.verdict == Verdict::Unknown ? "Unknown" : gitlab_severity(rule.severity));
        if (!rule.fix.empty()) w.key("solution").value(rule.fix);
        w.key("scanner")
            .begin_object()
            .key("id")
            .value("tenet")
            .key("name")
            .value("Tenet")
            .end_object();
        w.key("location").begin_object();
        const SourceLoc at = finding_span(r, f).loc; // the deciding value, or the declaration
        if (at.valid() && at.file < r.sources->size()) {
            w.key("file").value(r.sources->path(at.file));
            w.key("start_line").value(static_cast<int64_t>(at.line));
            w.key("end_line").value(static_cast<int64_t>(at.line));
        }
        w.key("class").value(subject_name(r, f));
        w.end_object();
        // GitLab has no suppressed state; a flag (shown in its vulnerability report) says
        // who accepted the finding and why.
        if (const Suppression& sup = r.suppression(i); sup.active()) {
            w.key("flags").begin_array().begin_object();
            w.key("type").value("flagged-as-likely-false-positive");
            w.key("origin").value("tenet");
            w.key("description")
                .value(fmt::format("suppressed ({}{}): {}{}", suppression_kind_name(sup.kind),
                                   sup.by.empty() ? "" : " by " + sup.by, sup.reason,
                                   sup.expires.empty() ? "" : ", expires " + sup.expires));
            w.end_object().end_array();
        }
        w.key("identifiers").begin_array();
        w.begin_object()
            .key("type")
            .value("tenet_rule")
            .key("name")
            .value(rule.id)
            .key("value")
            .value(rule.id)
            .end_object();
        for (auto& c : rule.controls)
            w.begin_object()
                .key("type")
                .value("control")
                .key("name")
                .value(c)
                .key("value")
                .value(c)
                .end_object();
        w.end_array();
        w.end_object();
    }
    w.end_array();
    std::string t = scan_time();
    w.key("scan").begin_object();
    w.key("analyzer");
    write_tool(w, version);
    w.key("scanner");
    write_tool(w, version);
    // Inputs that could not be read (levels: info, warning, fatal): the other files were scanned.
    if (!r.input_errors.empty()) {
        w.key("messages").begin_array();
        for (const std::string& e : r.input_errors)
            w.begin_object()
                .key("level")
                .value("warning")
                .key("value")
                .value("input error: " + e)
                .end_object();
        w.end_array();
    }
    w.key("type").value("sast");
    w.key("start_time").value(t);
    w.key("end_time").value(t);
    w.key("status").value(r.input_errors.empty() ? "success" : "failure");
    w.end_object();
    w.end_object();
    return w.str() + "\n";
}

} // namespace tenet::cli
