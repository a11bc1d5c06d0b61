// JUnit XML: one testsuite per rule, one testcase per rule x resource verdict, so test
// dashboards (GitLab, Jenkins, Buildkite) show policy results beside unit tests.
// Failing verdicts carry <failure>, unknown ones <skipped> with the reason, evaluation
// errors <error>.
#include "report.h"

#include <fmt/format.h>
#include <map>

namespace tenet::cli {

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            // XML 1.0 forbids most control characters even as references.
            if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
                out += "\xEF\xBF\xBD";
            else
                out += static_cast<char>(c);
        }
    }
    return out;
}

namespace {

// The deciding value's position, or the declaration's.
std::string location_text(const CheckReport& r, const Finding& f) {
    const SourceLoc at = finding_span(r, f).loc;
    if (!at.valid() || at.file >= r.sources->size()) return "stack";
    return fmt::format("{}:{}:{}", r.sources->path(at.file), at.line, at.column);
}

} // namespace

std::string render_junit(const CheckReport& r) {
    // Rules in program order; each suite lists its verdicts in finding order.
    std::map<uint32_t, std::vector<size_t>> by_rule;
    for (size_t i = 0; i < r.findings.size(); ++i) by_rule[r.findings[i].rule].push_back(i);
    size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    std::string suites;
    for (auto& [rule_index, items] : by_rule) {
        const RuleInfo& rule = r.rule(r.findings[items.front()]);
        size_t sf = 0, se = 0, ss = 0;
        std::string cases;
        for (size_t i : items) {
            const Finding& f = r.findings[i];
            std::string name = xml_escape(subject_name(r, f));
            cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" file=\"{}\">\n",
                                 xml_escape(rule.id), name,
                                 xml_escape(f.loc.valid() && f.loc.file < r.sources->size()
                                                ? r.sources->path(f.loc.file)
                                                : ""));
            std::string msg = xml_escape(f.message.empty() ? rule.title : f.message);
            std::string body = xml_escape(fmt::format(
                "{}\nat {}\nrule {} ({}, {}){}{}", f.message.empty() ? rule.title : f.message,
                location_text(r, f), rule.id, severity_name(rule.severity), level_name(rule.level),
                f.reason.empty() ? "" : "\nreason: " + f.reason,
                rule.fix.empty() ? "" : "\nfix: " + rule.fix));
            const Suppression& sup = r.suppression(i);
            if (sup.active() && f.verdict != Verdict::Pass) {
                ++ss;
                cases += fmt::format("      <skipped message=\"suppressed ({}{}): {}\"/>\n",
                                     suppression_kind_name(sup.kind),
                                     xml_escape(sup.by.empty() ? "" : " by " + sup.by),
                                     xml_escape(sup.reason));
                cases += "    </testcase>\n";
                continue;
            }
            switch (f.verdict) {
            case Verdict::Fail:
                ++sf;
                cases += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                                     msg, severity_name(rule.severity), body);
                break;
            case Verdict::Unknown:
                ++ss;
                cases +=
                    fmt::format("      <skipped message=\"unknown: {}\"/>\n", xml_escape(f.reason));
                break;
            case Verdict::Error:
                ++se;
                cases += fmt::format("      <error message=\"{}\">{}</error>\n",
                                     xml_escape(f.reason), body);
                break;
            case Verdict::Pass:
                break;
            }
            cases += "    </testcase>\n";
        }
        tests += items.size();
        failures += sf;
        errors += se;
        skipped += ss;
        suites +=
            fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                        "skipped=\"{}\">\n{}  </testsuite>\n",
                        xml_escape(rule.id + " " + rule.title), items.size(), sf, se, ss, cases);
    }
    // Inputs that could not be read are errors of their own suite: with exit code 2 and
    // only this report to look at, a dashboard must still say why.
    if (!r.input_errors.empty()) {
        std::string cases;
        for (const std::string& e : r.input_errors)
            cases += fmt::format("    <testcase classname=\"input\" name=\"{}\">\n      <error "
                                 "message=\"{}\"/>\n    </testcase>\n",
                                 xml_escape(e), xml_escape(e));
        tests += r.input_errors.size();
        errors += r.input_errors.size();
        suites += fmt::format("  <testsuite name=\"input errors\" tests=\"{}\" failures=\"0\" "
                              "errors=\"{}\" skipped=\"0\">\n{}  </testsuite>\n",
                              r.input_errors.size(), r.input_errors.size(), cases);
    }
    return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<testsuites name=\"tenet\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                       "skipped=\"{}\">\n{}</testsuites>\n",
                       tests, failures, errors, skipped, suites);
}

} // namespace tenet::cli
