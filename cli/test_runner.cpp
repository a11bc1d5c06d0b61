#include "test_runner.h"

#include "load_inputs.h"
#include "report.h"
#include "suppressions.h"
#include "tenet/common/json.h"
#include "tenet/common/yaml.h"
#include "tenet/frontends/frontend.h"
#include "test_coverage.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <thread>
#include <unistd.h>

namespace tenet::cli {

namespace fs = std::filesystem;
using ast::Expectation;

std::string Place::text() const {
    if (line == 0) return path;
    if (column == 0) return fmt::format("{}:{}", path, line);
    return fmt::format("{}:{}:{}", path, line, column);
}

namespace {

// A fresh folder for one test's inputs, removed with it.
class TempDir {
  public:
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : "/tmp") + "/tenet-test-XXXXXX";
        if (mkdtemp(tmpl.data())) path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        if (!path_.empty()) fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

std::string normal(const fs::path& p) {
    return p.lexically_normal().generic_string();
}

// Which detected kinds an inline input of each frontend may be.
bool kind_fits(const std::string& frontend, FrontendKind k) {
    if (frontend == "cloudformation") return k == FrontendKind::CloudFormation;
    if (frontend == "plan")
        return k == FrontendKind::TerraformPlan || k == FrontendKind::TerraformState;
    if (frontend == "pulumi") return k == FrontendKind::Pulumi;
    return true;
}

// Does an inline input's text parse as the JSON or YAML its frontend reads?
bool parses(const ast::TestInput& input, json::ParseError& error) {
    json::Node doc;
    const std::string& text = input.block.text;
    bool yaml = input.frontend == "cloudformation" && !input.file.ends_with(".json");
    return yaml ? yaml::parse(text, 0, doc, error) : json::parse(text, 0, doc, error);
}

std::string frontend_label(FrontendKind k) {
    if (k == FrontendKind::TerraformPlan || k == FrontendKind::TerraformState) return "plan";
    return frontend_name(k);
}

const char* expectation_word(Expectation e) {
    switch (e) {
    case Expectation::Fails:
        return "fails";
    case Expectation::Passes:
        return "passes";
    case Expectation::Unknown:
        return "unknown";
    case Expectation::NotApplicable:
        return "not applicable";
    case Expectation::NoFindings:
        return "no findings";
    }
    return "";
}

std::string describe(const ast::TestExpect& e) {
    if (e.what == Expectation::NoFindings)
        return e.rule.empty() ? "no findings" : "no findings for " + e.rule;
    std::string s = e.rule + " " + expectation_word(e.what);
    if (!e.address.empty()) s += " on " + e.address;
    return s;
}

// One test's findings with what the expectations need.
struct Verdicts {
    const CheckReport& report;
    std::vector<std::string> rule_ids;     // parallel to report.findings
    std::vector<std::string> subjects;     // parallel to report.findings
    std::function<Place(SourceLoc)> place; // a finding's place in the test or fixture
    std::function<std::string(const std::string&)> where; // "file:line" of a suppression
    std::vector<std::string> addresses;                   // every resource of the model, in order

    bool suppressed(size_t i) const { return report.suppression(i).active(); }

    // "fail", or with `detail` "fail (suppressed: inline at s3_test.tenet:12, "reason")".
    std::string label(size_t i, bool detail = true) const {
        std::string s = verdict_name(report.findings[i].verdict);
        const Suppression& sup = report.suppression(i);
        if (!sup.active()) return s;
        if (!detail) return s + " (suppressed)";
        s += fmt::format(" (suppressed: {}", suppression_kind_name(sup.kind));
        if (!sup.where.empty()) s += " at " + where(sup.where);
        if (!sup.reason.empty()) s += ", \"" + sup.reason + "\"";
        return s + ")";
    }

    // "fail on aws_s3_bucket.content (s3_test.tenet:7:5): <message>; unknown because: ..."
    std::string explain(size_t i) const {
        const Finding& f = report.findings[i];
        std::string s = label(i) + " on " + subjects[i];
        if (f.loc.valid()) s += " (" + place(f.loc).text() + ")";
        if (!f.message.empty()) s += ": " + f.message;
        if (f.verdict == Verdict::Unknown && !f.reason.empty())
            s += "; unknown because: " + f.reason;
        if (f.verdict == Verdict::Error && !f.reason.empty())
            s += "; evaluation error: " + f.reason;
        return s;
    }
};

bool counts_as(Expectation e, Verdict v) {
    switch (e) {
    case Expectation::Fails:
        return v == Verdict::Fail;
    case Expectation::Passes:
        return v == Verdict::Pass;
    case Expectation::Unknown:
        return v == Verdict::Unknown;
    default:
        return false;
    }
}

// Checks one expectation; fills `out` when it is not met.
bool check_expectation(const ast::TestExpect& e, const Verdicts& v, ExpectationResult& out) {
    const auto& findings = v.report.findings;
    constexpr size_t kMaxLines = 10;
    auto add_lines = [&](const std::vector<size_t>& items) {
        for (size_t k = 0; k < items.size() && k < kMaxLines; ++k)
            out.explanation.push_back(v.explain(items[k]));
        if (items.size() > kMaxLines)
            out.explanation.push_back(fmt::format("... and {} more", items.size() - kMaxLines));
    };
    std::vector<size_t> of_rule;
    for (size_t i = 0; i < findings.size(); ++i)
        if (e.rule.empty() || v.rule_ids[i] == e.rule_id) of_rule.push_back(i);

    if (e.what == Expectation::NoFindings) {
        std::vector<size_t> bad;
        for (size_t i : of_rule)
            if (findings[i].verdict != Verdict::Pass && !v.suppressed(i)) bad.push_back(i);
        if (bad.empty()) return true;
        out.actual = fmt::format("{} finding{}", bad.size(), bad.size() == 1 ? "" : "s");
        add_lines(bad);
        return false;
    }

    if (!e.address.empty()) {
        bool exists = e.address == "stack" || std::find(v.addresses.begin(), v.addresses.end(),
                                                        e.address) != v.addresses.end();
        if (!exists) {
            out.actual = "no resource `" + e.address + "` in the inputs";
            std::string present;
            for (size_t k = 0; k < v.addresses.size() && k < 30; ++k)
                present += (k ? ", " : "") + v.addresses[k];
            if (v.addresses.size() > 30)
                present += fmt::format(" and {} more", v.addresses.size() - 30);
            out.explanation.push_back(v.addresses.empty() ? "the inputs declare no resources"
                                                          : "addresses present: " + present);
            return false;
        }
        const size_t none = SIZE_MAX;
        size_t hit = none;
        for (size_t i : of_rule)
            if (v.subjects[i] == e.address) hit = i;
        if (e.what == Expectation::NotApplicable) {
            if (hit == none) return true;
            out.actual = v.label(hit, false);
            add_lines({hit});
            return false;
        }
        if (hit != none && counts_as(e.what, findings[hit].verdict) && !v.suppressed(hit))
            return true;
        out.actual =
            hit == none ? "not applicable (the rule gave no verdict there)" : v.label(hit, false);
        if (hit != none) add_lines({hit});
        return false;
    }

    // Any resource, or the stack.
    if (e.what == Expectation::NotApplicable) {
        if (of_rule.empty()) return true;
        out.actual = fmt::format("{} verdict{}", of_rule.size(), of_rule.size() == 1 ? "" : "s");
        add_lines(of_rule);
        return false;
    }
    for (size_t i : of_rule)
        if (counts_as(e.what, findings[i].verdict) && !v.suppressed(i)) return true;
    if (of_rule.empty()) {
        out.actual = "not applicable (the rule gave no verdict)";
        return false;
    }
    std::string actual;
    for (size_t k = 0; k < of_rule.size() && k < kMaxLines; ++k)
        actual += (k ? ", " : "") + v.label(of_rule[k], false) + " on " + v.subjects[of_rule[k]];
    if (of_rule.size() > kMaxLines) actual += fmt::format(", ... ({} in all)", of_rule.size());
    out.actual = actual;
    std::vector<size_t> not_pass;
    for (size_t i : of_rule)
        if (findings[i].verdict != Verdict::Pass) not_pass.push_back(i);
    add_lines(not_pass);
    return false;
}

} // namespace

Place TestRunner::place(SourceLoc loc) const {
    Place p;
    if (loc.file == 0 || loc.file >= sm_.size()) return p;
    p.path = sm_.path(loc.file);
    p.line = loc.line;
    p.column = loc.column;
    return p;
}

std::vector<TestResult> TestRunner::run(const TestRunOptions& opts) {
    std::vector<const ast::TestDecl*> selected;
    for (const ast::TestDecl* t : checked_.tests)
        if (opts.filter.empty() || t->name.find(opts.filter) != std::string::npos)
            selected.push_back(t);
    // Each test has its own inputs, model, engine and coverage record; results keep the
    // declaration order whatever the number of workers.
    std::vector<TestResult> out(selected.size());
    std::vector<CoverageData> coverage(opts.coverage ? selected.size() : 0);
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i; (i = next++) < selected.size();) {
            TestRunOptions one = opts;
            one.coverage = opts.coverage ? &coverage[i] : nullptr;
            out[i] = run_one(*selected[i], one);
        }
    };
    unsigned jobs = std::max(1u, std::min<unsigned>(opts.jobs, selected.size()));
    std::vector<std::thread> workers;
    for (unsigned j = 1; j < jobs; ++j) workers.emplace_back(work);
    work();
    for (auto& w : workers) w.join();
    for (const CoverageData& c : coverage)
        for (const auto& [key, o] : c.map.outcomes) {
            ClauseOutcomes& into = opts.coverage->map.outcomes[key];
            into.seen_true |= o.seen_true;
            into.seen_false |= o.seen_false;
            into.seen_unknown |= o.seen_unknown;
        }
    return out;
}

TestResult TestRunner::run_one(const ast::TestDecl& t, const TestRunOptions& opts) {
    TestResult r;
    r.test = &t;
    r.where = place(t.name_span.begin);
    r.where.column = 0;
    r.expectations = t.expects.size();
    auto error_at = [&](SourceLoc loc, const std::string& message) {
        r.errors.push_back(place(loc).text() + ": " + message);
    };

    TempDir tmp;
    if (tmp.path().empty()) {
        error_at(t.name_span.begin, "cannot create a temporary folder for the test's inputs");
        r.status = TestResult::Status::Error;
        return r;
    }
    // Write the inline inputs; remember which file holds which input.
    InputOptions in;
    std::map<std::string, const ast::TestInput*> written; // normalized path -> input
    bool terraform_added = false;
    bool frontends_from_resources = false;
    for (const ast::TestInput& input : t.inputs) {
        if (input.is_fixture()) {
            in.paths.push_back(input.resolved_path);
            FrontendKind k = detect_frontend(input.resolved_path);
            if (k != FrontendKind::Unknown)
                r.frontends.insert(frontend_label(k));
            else
                frontends_from_resources = true; // a folder of several kinds
            continue;
        }
        r.frontends.insert(input.frontend);
        bool terraform = input.frontend == "terraform";
        fs::path file = terraform ? fs::path(tmp.path()) / "terraform" / input.file
                                  : fs::path(tmp.path()) / input.file;
        std::error_code ec;
        fs::create_directories(file.parent_path(), ec);
        std::ofstream f(file, std::ios::binary);
        f.write(input.block.text.data(), static_cast<std::streamsize>(input.block.text.size()));
        f.close();
        if (!f) {
            error_at(input.span.begin, "cannot write the input to " + file.string());
            continue;
        }
        written[normal(file)] = &input;
        if (terraform) {
            if (!terraform_added) in.paths.push_back((fs::path(tmp.path()) / "terraform").string());
            terraform_added = true;
        } else if (input.frontend == "model") {
            in.models.push_back(file.string());
        } else {
            FrontendKind k = detect_frontend(file.string());
            if (k == FrontendKind::Unknown) {
                // Not recognized: when the text does not even parse, say where.
                json::ParseError perr;
                if (!parses(input, perr)) {
                    r.errors.push_back(
                        place(input.block.map(perr.loc.line, perr.loc.column)).text() +
                        ": input error: " + perr.message);
                    continue;
                }
            }
            if (!kind_fits(input.frontend, k)) {
                error_at(input.frontend_span.begin,
                         fmt::format("input error: this text does not read as {} input ({}); "
                                     "`tenet check` would not load it as one",
                                     input.frontend,
                                     k == FrontendKind::Unknown
                                         ? "it is not recognized"
                                         : std::string("it reads as ") + frontend_name(k)));
                continue;
            }
            in.paths.push_back(file.string());
        }
    }

    SourceManager sm;
    Model model;
    std::vector<ModelError> load_errors;
    load_inputs(sm, in, model, load_errors);

    // A position in a loaded file: inside an inline input, the test file's.
    auto mapped = [&](SourceLoc loc) -> Place {
        Place p;
        if (!loc.valid() || loc.file == 0 || loc.file >= sm.size()) return p;
        auto it = written.find(normal(sm.path(loc.file)));
        if (it == written.end()) {
            p.path = sm.path(loc.file);
            p.line = loc.line;
            p.column = loc.column;
            return p;
        }
        return place(it->second->block.map(loc.line, loc.column));
    };
    auto unlocated = [&](std::string message) {
        // Name the test's files as the test does, not by the temporary folder.
        for (const std::string& prefix :
             {tmp.path() + "/terraform/", tmp.path() + "/terraform", tmp.path() + "/"}) {
            const std::string shown = prefix.back() == '/' ? "" : "terraform input";
            for (size_t at; (at = message.find(prefix)) != std::string::npos;)
                message.replace(at, prefix.size(), shown);
        }
        return message;
    };
    for (const ModelError& e : load_errors) {
        Place p = mapped(e.loc);
        std::string message = "input error: " + unlocated(e.message);
        if (p.path.empty())
            error_at(t.inputs.empty() ? t.name_span.begin : t.inputs.front().span.begin, message);
        else
            r.errors.push_back(p.text() + ": " + message);
    }
    if (!r.errors.empty()) {
        r.status = TestResult::Status::Error;
        return r;
    }

    EngineOptions eopts;
    eopts.jobs = 1;
    eopts.include_passes = true;
    Engine engine(program_, eopts);
    std::vector<ParamOverride> params;
    for (const ast::TestParam& p : t.params) params.push_back({p.qualified, p.json});
    std::vector<std::string> init_errors;
    if (!engine.init_globals(params, init_errors)) {
        for (auto& e : init_errors) error_at(t.name_span.begin, e);
        r.status = TestResult::Status::Error;
        return r;
    }
    if (opts.coverage) {
        // The reference evaluator records which clauses ran, on its own copy of the inputs
        // (it normalizes the model it is given).
        SourceManager csm;
        Model cmodel;
        std::vector<ModelError> again;
        load_inputs(csm, in, cmodel, again);
        record_coverage(*opts.coverage, checked_, program_, cmodel, params);
    }
    engine.normalize(model);

    CheckReport report;
    report.program = &program_;
    report.model = &model;
    report.sources = &sm;
    report.findings = engine.evaluate(model);
    SuppressionInputs sup;
    sup.today = today_utc();
    apply_suppressions(report, sup);

    // A suppression's "file:line", for an inline input the test file's line.
    auto where = [&](const std::string& w) {
        size_t colon = w.rfind(':');
        if (colon == std::string::npos) return w;
        auto it = written.find(normal(w.substr(0, colon)));
        if (it == written.end()) return w;
        uint32_t line = static_cast<uint32_t>(std::strtoul(w.c_str() + colon + 1, nullptr, 10));
        Place p = place(it->second->block.map(line, 1));
        p.column = 0;
        return p.text();
    };
    Verdicts v{report, {}, {}, mapped, where, {}};
    for (const Finding& f : report.findings) {
        v.rule_ids.push_back(report.rule(f).id);
        v.subjects.push_back(subject_name(report, f));
        r.verdicts[report.rule(f).id].insert(f.verdict);
    }
    for (const Resource& res : model.resources) {
        v.addresses.push_back(std::string(res.address->view()));
        if (frontends_from_resources && res.frontend)
            r.frontends.insert(std::string(res.frontend->view()));
    }
    for (const ast::TestExpect& e : t.expects) {
        ExpectationResult er;
        er.expect = &e;
        er.where = place(e.span.begin);
        er.expected = describe(e);
        if (!check_expectation(e, v, er)) r.unmet.push_back(std::move(er));
    }
    r.status = r.unmet.empty() ? TestResult::Status::Pass : TestResult::Status::Fail;
    return r;
}

} // namespace tenet::cli
