#include "report.h"

#include <algorithm>
#include <fmt/color.h>
#include <fmt/format.h>
#include <map>
#include <sstream>

namespace tenet::cli {

std::string subject_name(const CheckReport& r, const Finding& f) {
    if (f.resource == kStackResource) return "stack";
    return std::string(r.model->resources[f.resource].address->view());
}

namespace {

struct Style {
    bool color;
    std::string paint(fmt::text_style st, std::string_view s) const {
        return color ? fmt::format(st, "{}", s) : std::string(s);
    }
};

fmt::text_style verdict_style(Verdict v) {
    switch (v) {
    case Verdict::Fail:
        return fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold;
    case Verdict::Unknown:
        return fmt::fg(fmt::terminal_color::yellow) | fmt::emphasis::bold;
    case Verdict::Error:
        return fmt::fg(fmt::terminal_color::magenta) | fmt::emphasis::bold;
    case Verdict::Pass:
        return fmt::fg(fmt::terminal_color::green);
    }
    return {};
}

// The finding's line with its span underlined: the deciding value, or the declaration.
void render_finding(std::string& out, const CheckReport& r, const Finding& f, bool blocking,
                    const Suppression& sup, const Style& st) {
    const RuleInfo& rule = r.rule(f);
    const FindingSpan span = finding_span(r, f);
    const SourceLoc& at = span.loc;
    std::string where = "stack";
    if (at.valid()) where = fmt::format("{}:{}:{}", r.sources->path(at.file), at.line, at.column);
    out += fmt::format("{}: {}[{}] {}: {}\n", st.paint(fmt::emphasis::bold, where),
                       st.paint(verdict_style(f.verdict), verdict_name(f.verdict)), rule.id,
                       severity_name(rule.severity), f.message.empty() ? rule.title : f.message);
    std::string line = source_line(*r.sources, at);
    if (!line.empty() && at.column >= 1 && at.column <= line.size() + 1) {
        std::string num = std::to_string(at.line);
        std::string pad(num.size(), ' ');
        size_t width = span.end_column > at.column ? span.end_column - at.column : 1;
        out += fmt::format(" {} |\n", pad);
        out += fmt::format(" {} | {}\n", num, line);
        out += fmt::format(" {} | {}{}\n", pad, std::string(at.column - 1, ' '),
                           st.paint(verdict_style(f.verdict), std::string(width, '^')));
    }
    // Underlining a value, say where the resource is (it may be another one's value).
    if (span.value)
        out += fmt::format("   = resource: {} ({}:{}:{})\n", subject_name(r, f),
                           r.sources->path(f.loc.file), f.loc.line, f.loc.column);
    else
        out += fmt::format("   = resource: {}\n", subject_name(r, f));
    if (!f.reason.empty())
        out += fmt::format("   = {}: {}\n",
                           f.verdict == Verdict::Error ? "error" : "unknown because", f.reason);
    if (!f.related.empty() && f.resource == kStackResource) {
        std::string names;
        for (size_t i = 0; i < f.related.size() && i < 10; ++i)
            names +=
                (i ? ", " : "") + std::string(r.model->resources[f.related[i]].address->view());
        if (f.related.size() > 10) names += fmt::format(" and {} more", f.related.size() - 10);
        out += fmt::format("   = failing: {}\n", names);
    }
    if (!rule.fix.empty() && f.verdict != Verdict::Pass)
        out += fmt::format("   = fix: {}\n", rule.fix);
    if (sup.active()) {
        out += fmt::format("   = suppressed ({}{}): {}{}{}\n", suppression_kind_name(sup.kind),
                           sup.by.empty() ? "" : " by " + sup.by, sup.reason,
                           sup.expires.empty() ? "" : ", expires " + sup.expires,
                           sup.where.empty() ? "" : " [" + sup.where + "]");
    } else if (f.verdict == Verdict::Fail && !blocking) {
        // Say which of the two reasons applies: the rule's level, or the --fail-on threshold.
        if (rule.level == Level::Advisory)
            out += fmt::format("   = not blocking (advisory rule, {} severity)\n",
                               severity_name(rule.severity));
        else
            out += fmt::format("   = not blocking ({} rule, {} severity is below --fail-on {})\n",
                               level_name(rule.level), severity_name(rule.severity),
                               severity_name(r.fail_on));
    }
    out += "\n";
}

} // namespace

std::string render_text(const CheckReport& r, bool color) {
    Style st{color};
    std::string out;
    for (auto& e : r.input_errors)
        out +=
            fmt::format("{}: {}\n", st.paint(fmt::fg(fmt::terminal_color::red), "input error"), e);
    if (!r.input_errors.empty()) out += "\n";

    // Group by file in path order, stack-level findings last; in a file, by the line shown.
    std::vector<size_t> order(r.findings.size());
    std::vector<SourceLoc> shown(r.findings.size());
    for (size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
        if (r.findings[i].verdict != Verdict::Pass)
            shown[i] = finding_span(r, r.findings[i]).loc;
        else
            shown[i] = r.findings[i].loc;
    }
    auto file_key = [&](const SourceLoc& loc) {
        return loc.valid() ? std::string(r.sources->path(loc.file)) : std::string("\xff");
    };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const SourceLoc &x = shown[a], &y = shown[b];
        auto kx = file_key(x), ky = file_key(y);
        if (kx != ky) return kx < ky;
        if (x.line != y.line) return x.line < y.line;
        return a < b;
    });
    std::map<Verdict, size_t> by_verdict;
    std::map<Severity, size_t> fails_by_severity;
    size_t blocking = 0, suppressed = 0;
    for (size_t i : order) {
        const Finding& f = r.findings[i];
        by_verdict[f.verdict]++;
        if (f.verdict == Verdict::Fail) fails_by_severity[r.rule(f).severity]++;
        if (r.blocking[i]) ++blocking;
        if (f.verdict == Verdict::Pass) continue;
        if (r.suppression(i).active()) ++suppressed;
        render_finding(out, r, f, r.blocking[i], r.suppression(i), st);
    }
    std::string sev;
    for (auto it = fails_by_severity.rbegin(); it != fails_by_severity.rend(); ++it)
        sev +=
            fmt::format("{}{} {}", sev.empty() ? "" : ", ", it->second, severity_name(it->first));
    out += fmt::format(
        "{} {} failed{}, {} unknown, {} error{}, {} passed; {} suppressed, {} blocking\n",
        st.paint(fmt::emphasis::bold, "Summary:"), by_verdict[Verdict::Fail],
        sev.empty() ? "" : " (" + sev + ")", by_verdict[Verdict::Unknown],
        by_verdict[Verdict::Error], by_verdict[Verdict::Error] == 1 ? "" : "s", r.passes,
        suppressed, blocking);
    return out;
}

} // namespace tenet::cli
