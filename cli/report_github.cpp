// GitHub Actions outputs: workflow commands that annotate the pull request diff, and
// a Markdown summary for $GITHUB_STEP_SUMMARY or a pull-request comment.
#include "report.h"

#include <fmt/format.h>

namespace tenet::cli {

namespace {

// Workflow command escaping (properties also escape `:` and `,`).
std::string escape_data(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '%')
            out += "%25";
        else if (c == '\r')
            out += "%0D";
        else if (c == '\n')
            out += "%0A";
        else
            out += c;
    }
    return out;
}

std::string escape_property(std::string_view s) {
    std::string out = escape_data(s);
    std::string res;
    for (char c : out) {
        if (c == ':')
            res += "%3A";
        else if (c == ',')
            res += "%2C";
        else
            res += c;
    }
    return res;
}

} // namespace

std::string markdown_cell(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n')
            out += ' ';
        else
            out += c;
    }
    return out;
}

std::string render_github(const CheckReport& r) {
    std::string out;
    for (auto& e : r.input_errors)
        out += fmt::format("::error title=tenet input error::{}\n", escape_data(e));
    for (size_t i = 0; i < r.findings.size(); ++i) {
        const Finding& f = r.findings[i];
        if (f.verdict == Verdict::Pass) continue;
        const RuleInfo& rule = r.rule(f);
        const Suppression& sup = r.suppression(i);
        const char* cmd =
            r.blocking[i] ? "error"
                          : (f.verdict == Verdict::Fail && !sup.active() ? "warning" : "notice");
        std::string props;
        const FindingSpan span = finding_span(r, f); // the deciding value, or the declaration
        const SourceLoc& at = span.loc;
        if (at.valid() && at.file < r.sources->size()) {
            props = fmt::format("file={},line={},col={},",
                                escape_property(r.sources->path(at.file)), at.line, at.column);
            if (span.value) props += fmt::format("endColumn={},", span.end_column);
        }
        props += fmt::format(
            "title={}", escape_property(fmt::format("{} {} ({})", rule.id, verdict_name(f.verdict),
                                                    severity_name(rule.severity))));
        std::string text = f.message.empty() ? rule.title : f.message;
        text += fmt::format(" [{}]", subject_name(r, f));
        if (!f.reason.empty())
            text += fmt::format(
                "\n{}: {}", f.verdict == Verdict::Error ? "error" : "unknown because", f.reason);
        if (!rule.fix.empty() && f.verdict != Verdict::Error) text += "\nfix: " + rule.fix;
        if (sup.active())
            text += fmt::format("\nsuppressed ({}{}): {}", suppression_kind_name(sup.kind),
                                sup.by.empty() ? "" : " by " + sup.by, sup.reason);
        out += fmt::format("::{} {}::{}\n", cmd, props, escape_data(text));
    }
    return out;
}

std::string render_markdown(const CheckReport& r) {
    size_t fail = 0, unknown = 0, error = 0, blocking = 0;
    for (size_t i = 0; i < r.findings.size(); ++i) {
        Verdict v = r.findings[i].verdict;
        fail += v == Verdict::Fail;
        unknown += v == Verdict::Unknown;
        error += v == Verdict::Error;
        blocking += r.blocking[i];
    }
    std::string out = "## Tenet policy check\n\n";
    out += blocking ? fmt::format("**{} blocking finding{}.** ", blocking, blocking == 1 ? "" : "s")
                    : std::string("**Nothing blocks.** ");
    out += fmt::format("{} failed, {} unknown, {} errors, {} passed.\n\n", fail, unknown, error,
                       r.passes);
    for (auto& e : r.input_errors)
        out += fmt::format("- :x: input error: `{}`\n", markdown_cell(e));
    if (!r.input_errors.empty()) out += "\n";
    if (fail + unknown + error == 0) return out;
    out += "| | Rule | Severity | Resource | Location | Message |\n|---|---|---|---|---|---|\n";
    for (size_t i = 0; i < r.findings.size(); ++i) {
        const Finding& f = r.findings[i];
        if (f.verdict == Verdict::Pass) continue;
        const RuleInfo& rule = r.rule(f);
        const Suppression& sup = r.suppression(i);
        const char* icon = sup.active()                    ? ":mute:"
                           : f.verdict == Verdict::Fail    ? (r.blocking[i] ? ":x:" : ":warning:")
                           : f.verdict == Verdict::Unknown ? ":grey_question:"
                                                           : ":boom:";
        const SourceLoc at = finding_span(r, f).loc;
        std::string loc = at.valid() && at.file < r.sources->size()
                              ? fmt::format("`{}:{}`", r.sources->path(at.file), at.line)
                              : std::string("stack");
        std::string msg = f.message.empty() ? rule.title : f.message;
        if (!f.reason.empty()) msg += fmt::format(" ({})", f.reason);
        if (sup.active())
            msg += fmt::format(" — suppressed ({}{}): {}", suppression_kind_name(sup.kind),
                               sup.by.empty() ? "" : " by " + sup.by, sup.reason);
        out += fmt::format("| {} | {} | {} | `{}` | {} | {} |\n", icon, markdown_cell(rule.id),
                           severity_name(rule.severity), markdown_cell(subject_name(r, f)), loc,
                           markdown_cell(msg));
    }
    return out;
}

} // namespace tenet::cli
