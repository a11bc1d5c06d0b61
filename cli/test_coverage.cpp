#include "test_coverage.h"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace tenet::cli {

void record_coverage(CoverageData& data, const CheckedProgram& checked, const Program& program,
                     Model& model, const std::vector<ParamOverride>& params) {
    ReferenceOptions opts;
    opts.coverage = &data.map;
    std::string error; // the engine already initialized the same parameters
    reference_check(checked, program, model, params, error, opts);
}

namespace {

struct Missing {
    std::string where; // file:line:col
    std::string text;  // the expression, shortened
    std::string what;  // "never true", "else branch never ran", ...
};

struct RuleCoverage {
    const RuleInfo* info = nullptr;
    size_t outcomes = 0, seen = 0;
    std::vector<Missing> missing;
    std::set<std::string> frontends;
    size_t tests = 0; // tests with an expectation naming the rule
    bool fail = false, pass = false, unknown = false;
};

const ast::RuleDecl* rule_decl(const CheckedProgram& checked, const RuleInfo& info) {
    for (const ast::RuleDecl* r : checked.rules)
        if (r->package + "." + r->name == info.name) return r;
    return nullptr;
}

// The expression as written, on one line and at most 48 characters.
std::string snippet(const SourceManager& sm, SourceSpan span) {
    if (span.begin.file == 0 || span.begin.file >= sm.size()) return "";
    std::string_view line = sm.line_text(span.begin.file, span.begin.line);
    size_t from = span.begin.column ? span.begin.column - 1 : 0;
    if (from > line.size()) return "";
    size_t len = span.end.line == span.begin.line && span.end.column > span.begin.column
                     ? span.end.column - span.begin.column
                     : std::string_view::npos;
    std::string s(line.substr(from, len));
    bool cut = span.end.line != span.begin.line;
    while (!s.empty() && s.back() == ' ') s.pop_back();
    if (s.size() > 48) {
        s = s.substr(0, 45);
        cut = true;
    }
    return cut ? s + "..." : s;
}

std::string what_missing(CoverageKind kind, const ClauseOutcomes& o) {
    if (kind == CoverageKind::Branch) {
        if (!o.seen_true && !o.seen_false) return "never ran";
        return o.seen_true ? "else branch never ran" : "then branch never ran";
    }
    if (!o.seen_true && !o.seen_false) return o.seen_unknown ? "only unknown" : "never reached";
    return o.seen_true ? "never false" : "never true";
}

std::vector<RuleCoverage> summarize_rules(const CoverageReportInput& in) {
    std::vector<RuleCoverage> out;
    for (uint32_t i = 0; i < in.program.rules.size(); ++i) {
        const RuleInfo& info = in.program.rules[i];
        RuleCoverage rc;
        rc.info = &info;
        if (const ast::RuleDecl* decl = rule_decl(in.checked, info)) {
            for (const CoveragePoint& p : coverage_points(*decl)) {
                ClauseOutcomes o;
                auto it = in.data.map.outcomes.find({i, p.expr});
                if (it != in.data.map.outcomes.end()) o = it->second;
                rc.outcomes += 2;
                rc.seen += o.seen_true + o.seen_false;
                if (o.seen_true && o.seen_false) continue;
                SourceLoc b = p.expr->span.begin;
                std::string where =
                    b.file && b.file < in.sm.size()
                        ? fmt::format("{}:{}:{}", in.sm.path(b.file), b.line, b.column)
                        : "";
                rc.missing.push_back(
                    {where, snippet(in.sm, p.expr->span), what_missing(p.kind, o)});
            }
        }
        for (const TestResult& r : in.results) {
            auto v = r.verdicts.find(info.id);
            if (v != r.verdicts.end()) {
                rc.fail |= v->second.count(Verdict::Fail) > 0;
                rc.pass |= v->second.count(Verdict::Pass) > 0;
                rc.unknown |= v->second.count(Verdict::Unknown) > 0;
            }
            bool named =
                std::any_of(r.test->expects.begin(), r.test->expects.end(),
                            [&](const ast::TestExpect& e) { return e.rule_id == info.id; });
            if (!named) continue;
            ++rc.tests;
            rc.frontends.insert(r.frontends.begin(), r.frontends.end());
        }
        out.push_back(std::move(rc));
    }
    std::sort(out.begin(), out.end(),
              [](const RuleCoverage& a, const RuleCoverage& b) { return a.info->id < b.info->id; });
    return out;
}

std::string join(const std::set<std::string>& items) {
    std::string s;
    for (const std::string& i : items) s += (s.empty() ? "" : ", ") + i;
    return s;
}

std::string percent(size_t seen, size_t total) {
    return total ? fmt::format("{}%", (seen * 100 + total / 2) / total) : "-";
}

std::string verdicts_seen(const RuleCoverage& r) {
    std::vector<std::string> v;
    if (r.fail) v.push_back("fail");
    if (r.pass) v.push_back("pass");
    if (r.unknown) v.push_back("unknown");
    std::string s;
    for (auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? "none" : s;
}

} // namespace

std::string render_coverage_text(const CoverageReportInput& in) {
    std::vector<RuleCoverage> rules = summarize_rules(in);
    size_t outcomes = 0, seen = 0, complete = 0, untested = 0;
    std::string body;
    for (const RuleCoverage& r : rules) {
        outcomes += r.outcomes;
        seen += r.seen;
        complete += r.seen == r.outcomes && r.fail && r.pass;
        untested += r.tests == 0;
        body +=
            fmt::format("{} ({}): {}/{} clause outcomes ({}); verdicts seen: {}; {} test{}{}\n",
                        r.info->id, r.info->name, r.seen, r.outcomes, percent(r.seen, r.outcomes),
                        verdicts_seen(r), r.tests, r.tests == 1 ? "" : "s",
                        r.frontends.empty() ? "" : " (" + join(r.frontends) + ")");
        if (!r.fail) body += "    never seen failing\n";
        if (!r.pass) body += "    never seen passing\n";
        for (const Missing& m : r.missing)
            body += fmt::format("    {}: `{}` {}\n", m.where, m.text, m.what);
    }
    std::string out = "\nCoverage\n" + body;
    out += fmt::format("Coverage: {} rules, {} fully covered (every clause outcome, seen failing "
                       "and passing), {} without tests; {}/{} clause outcomes ({})\n",
                       rules.size(), complete, untested, seen, outcomes, percent(seen, outcomes));
    return out;
}

std::string render_coverage_markdown(const CoverageReportInput& in) {
    std::vector<RuleCoverage> rules = summarize_rules(in);
    size_t outcomes = 0, seen = 0, complete = 0;
    for (const RuleCoverage& r : rules) {
        outcomes += r.outcomes;
        seen += r.seen;
        complete += r.seen == r.outcomes && r.fail && r.pass;
    }
    std::string out =
        "| Rule | Tests | Frontends | Fails | Passes | Clause outcomes | Not exercised |\n"
        "|---|---|---|---|---|---|---|\n";
    for (const RuleCoverage& r : rules) {
        std::string missing;
        for (const Missing& m : r.missing) {
            std::string text = m.text;
            std::replace(text.begin(), text.end(), '|', '/');
            std::replace(text.begin(), text.end(), '`', '\'');
            missing +=
                fmt::format("{}`{}` {} ({})", missing.empty() ? "" : "<br>", text, m.what, m.where);
        }
        out += fmt::format("| {} | {} | {} | {} | {} | {}/{} ({}) | {} |\n", r.info->id, r.tests,
                           r.frontends.empty() ? "-" : join(r.frontends), r.fail ? "yes" : "no",
                           r.pass ? "yes" : "no", r.seen, r.outcomes, percent(r.seen, r.outcomes),
                           missing.empty() ? "-" : missing);
    }
    out += fmt::format("\n{} rules, {} fully covered (every clause outcome, seen failing and "
                       "passing); {}/{} clause outcomes ({}).\n",
                       rules.size(), complete, seen, outcomes, percent(seen, outcomes));
    return out;
}

} // namespace tenet::cli
