// tenet_spec: runs the spec cases (tests/spec/**/*.tenet, format in spec_case.h).
//
// Each case is compiled with the standard library; compile diagnostics are compared
// with the `error`/`warning` expectations. A case that compiles is evaluated twice,
// by the Engine (VM, include_passes) and by the reference evaluator over the AST,
// over two copies of its model: both must give the same findings (verdict, reason,
// message, related resources) -- the differential check -- and then the findings
// must match the expectations. The VM also runs with several worker threads, and on
// the program written to a bundle and read back: neither may change its findings.
//
//   tenet_spec [-v] [--coverage] DIR_OR_FILE...
//       prints one block per failing case, then "N passed, M failed"; exit 1 on
//       failure. With --coverage, also fails when a code of the diagnostics catalog
//       is expected by no case (tests/spec must exercise every entry). With
//       --differential-only, findings are not compared with expectations (for
//       generated cases, tests/spec_fuzz.py): only compile errors and VM/reference
//       disagreements fail a case.
#include "spec_case.h"
#include "tenet/compiler/compiler.h"
#include "tenet/compiler/reference_eval.h"
#include "tenet/model/json_model.h"
#include "tenet/runtime/bundle.h"
#include "tenet/runtime/engine.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using namespace tenet;
using namespace tenet::spec;

namespace {

constexpr const char* kEmptyModel = R"({"format": "tenet-model/1", "resources": []})";

const char* verdict_word(Verdict v) {
    switch (v) {
    case Verdict::Pass:
        return "pass";
    case Verdict::Fail:
        return "fail";
    case Verdict::Unknown:
        return "unknown";
    case Verdict::Error:
        return "evalerror";
    }
    return "?";
}

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

class CaseRun {
  public:
    CaseRun(const Case& c, bool verbose, bool differential_only)
        : c_(c), verbose_(verbose), differential_only_(differential_only) {}

    // The problems found; empty when the case passes.
    std::vector<std::string> run() {
        SourceManager sm;
        std::vector<FileId> ids;
        for (const SourceFile& f : c_.files) ids.push_back(sm.add(f.name, f.text));
        CompileOptions options;
        options.include_policies = c_.with_policies;
        CompileResult compiled = compile(sm, ids, options);
        check_diagnostics(compiled.diags, sm);
        if (!c_.errors.empty() || compiled.diags.has_errors()) return problems_;
        if (!compiled.program || !compiled.checked) {
            problems_.push_back("compile gave no program and no error");
            return problems_;
        }
        evaluate(*compiled.program, *compiled.checked, sm);
        return problems_;
    }

  private:
    void check_diagnostics(const DiagnosticBag& diags, const SourceManager& sm) {
        std::vector<ExpectedDiag> errors, warnings;
        std::vector<std::string> rendered;
        for (const Diagnostic& d : diags.items()) {
            ExpectedDiag got{d.code(), d.span.begin.line, d.span.begin.column};
            if (d.severity() == DiagSeverity::Error)
                errors.push_back(got);
            else if (d.severity() == DiagSeverity::Warning)
                warnings.push_back(got);
            else
                continue;
            rendered.push_back(render_diagnostic(d, sm, false));
        }
        bool bad = compare_diags("error", c_.errors, errors, true);
        bad |= compare_diags("warning", c_.warnings, warnings, !c_.warnings.empty());
        if (bad || verbose_)
            for (const std::string& r : rendered) problems_.push_back("  | " + r);
    }

    // Exact multiset comparison when `exact`; an expectation without a position
    // matches a diagnostic of that code anywhere.
    bool compare_diags(const char* what, const std::vector<ExpectedDiag>& want,
                       std::vector<ExpectedDiag> got, bool exact) {
        bool bad = false;
        std::vector<ExpectedDiag> missing;
        for (const ExpectedDiag& w : want) {
            auto it = std::find_if(got.begin(), got.end(), [&](const ExpectedDiag& g) {
                return g.code == w.code &&
                       (w.line == 0 || (g.line == w.line && g.column == w.column));
            });
            if (it == got.end()) {
                missing.push_back(w);
                continue;
            }
            got.erase(it);
        }
        for (const ExpectedDiag& m : missing) {
            problems_.push_back(
                std::string("- expected ") + what + " " + m.code +
                (m.line ? " at " + std::to_string(m.line) + ":" + std::to_string(m.column) : ""));
            bad = true;
        }
        if (exact)
            for (const ExpectedDiag& g : got) {
                problems_.push_back(std::string("+ unexpected ") + what + " " + g.code + " at " +
                                    std::to_string(g.line) + ":" + std::to_string(g.column));
                bad = true;
            }
        return bad;
    }

    bool load_model(SourceManager& sm, Model& model) {
        std::string text = c_.model_json.empty() ? kEmptyModel : c_.model_json;
        FileId id = sm.add(c_.model_name.empty() ? c_.path + ".model.json" : c_.model_name, text);
        model.sources = &sm;
        std::vector<ModelError> errors;
        bool ok = load_json_model(sm, id, model, errors);
        for (const ModelError& e : errors)
            problems_.push_back("model " + std::to_string(e.loc.line) + ":" +
                                std::to_string(e.loc.column) + ": " + e.message);
        if (!ok || !errors.empty()) {
            if (ok) problems_.push_back("the model has errors");
            return false;
        }
        model.finalize();
        return true;
    }

    void evaluate(const Program& program, const CheckedProgram& checked, SourceManager& sm) {
        Model vm_model, ref_model;
        if (!load_model(sm, vm_model) || !load_model(sm, ref_model)) return;
        std::vector<ParamOverride> overrides;
        for (auto& [name, json] : c_.params) overrides.push_back({name, json});

        EngineOptions opts;
        opts.include_passes = true;
        opts.jobs = 1;
        ReferenceOptions ref_opts;
        if (c_.budget) opts.instruction_budget = ref_opts.step_budget = c_.budget;
        if (c_.memory) opts.memory_cap = ref_opts.memory_cap = c_.memory;

        Engine engine(program, opts);
        std::vector<std::string> init_errors;
        bool vm_ok = engine.init_globals(overrides, init_errors);
        std::string ref_error;
        std::vector<Finding> ref =
            reference_check(checked, program, ref_model, overrides, ref_error, ref_opts);
        bool ref_ok = ref_error.empty();
        std::string vm_error;
        for (const std::string& e : init_errors) vm_error += (vm_error.empty() ? "" : "; ") + e;
        if (vm_ok != ref_ok) {
            problems_.push_back("differential: set-up " +
                                std::string(vm_ok ? "succeeds" : "fails") + " in the VM (" +
                                vm_error + ") but " + (ref_ok ? "succeeds" : "fails") +
                                " in the reference (" + ref_error + ")");
            return;
        }
        if (c_.init_error) {
            if (vm_ok)
                problems_.push_back("- expected set-up to fail with `" + *c_.init_error + "`");
            else if (vm_error.find(*c_.init_error) == std::string::npos)
                problems_.push_back("- expected set-up error `" + *c_.init_error + "`, got `" +
                                    vm_error + "`");
            return;
        }
        if (!vm_ok) {
            problems_.push_back("+ unexpected set-up error: " + vm_error);
            return;
        }
        engine.normalize(vm_model);
        std::vector<Finding> vm = engine.evaluate(vm_model);
        differential("", program, vm_model, vm, ref);
        threads(program, sm, overrides, opts, vm_model, vm);
        bundle_round_trip(program, sm, overrides, opts, vm_model, vm);
        if (verbose_)
            for (const Finding& f : vm)
                problems_.push_back("  = " + describe(program, vm_model, f));
        if (!differential_only_) check_expectations(program, vm_model, vm);
    }

    static std::string address(const Model& m, uint32_t resource) {
        if (resource == kStackResource) return "<stack>";
        if (resource >= m.resources.size())
            return "<bad resource " + std::to_string(resource) + ">";
        return std::string(m.resources[resource].address->view());
    }

    static std::string describe(const Program& p, const Model& m, const Finding& f) {
        std::string s = std::string(verdict_word(f.verdict)) + " " + address(m, f.resource);
        s += " rule=" + (f.rule < p.rules.size() ? p.rules[f.rule].name : std::to_string(f.rule));
        if (!f.message.empty()) s += " message=" + quoted(f.message);
        if (!f.reason.empty()) s += " reason=" + quoted(f.reason);
        if (!f.related.empty()) {
            s += " related=[";
            for (size_t i = 0; i < f.related.size(); ++i)
                s += (i ? "," : "") + address(m, f.related[i]);
            s += "]";
        }
        return s;
    }

    // The findings must not depend on the number of worker threads.
    void threads(const Program& program, SourceManager& sm,
                 const std::vector<ParamOverride>& overrides, EngineOptions opts, const Model& m,
                 const std::vector<Finding>& one) {
        Model model;
        if (!load_model(sm, model)) return;
        opts.jobs = 3;
        Engine engine(program, opts);
        std::vector<std::string> errors;
        if (!engine.init_globals(overrides, errors)) {
            problems_.push_back("threads: set-up fails with 3 jobs but not with 1");
            return;
        }
        engine.normalize(model);
        differential("threads: ", program, m, engine.evaluate(model), one, "3 jobs", "1 job");
    }

    // A program written to a bundle and read back must give the same findings.
    void bundle_round_trip(const Program& program, SourceManager& sm,
                           const std::vector<ParamOverride>& overrides, const EngineOptions& opts,
                           const Model& m, const std::vector<Finding>& direct) {
        Program loaded;
        std::string error;
        if (!read_bundle(write_bundle(program), loaded, error)) {
            problems_.push_back("bundle: the program's own bundle is rejected: " + error);
            return;
        }
        Model model;
        if (!load_model(sm, model)) return;
        Engine engine(loaded, opts);
        std::vector<std::string> errors;
        if (!engine.init_globals(overrides, errors)) {
            problems_.push_back("bundle: set-up fails with the bundle but not with the program");
            return;
        }
        engine.normalize(model);
        differential("bundle: ", loaded, m, engine.evaluate(model), direct, "bundle", "program");
    }

    void differential(const std::string& what, const Program& p, const Model& m,
                      const std::vector<Finding>& vm, const std::vector<Finding>& ref,
                      const char* a_name = "vm", const char* b_name = "ref") {
        size_t n = std::max(vm.size(), ref.size());
        for (size_t i = 0; i < n; ++i) {
            const Finding* a = i < vm.size() ? &vm[i] : nullptr;
            const Finding* b = i < ref.size() ? &ref[i] : nullptr;
            if (a && b && a->rule == b->rule && a->resource == b->resource &&
                a->verdict == b->verdict && a->reason == b->reason && a->message == b->message &&
                a->related == b->related)
                continue;
            problems_.push_back(what + "differential: finding " + std::to_string(i));
            problems_.push_back(std::string("    ") + a_name + ": " +
                                (a ? describe(p, m, *a) : std::string("(none)")));
            problems_.push_back(std::string("    ") + b_name + ": " +
                                (b ? describe(p, m, *b) : std::string("(none)")));
        }
    }

    static bool rule_matches(const std::string& want, const RuleInfo& r) {
        if (want.empty() || want == r.name || want == r.id) return true;
        size_t dot = r.name.rfind('.');
        return dot != std::string::npos && r.name.substr(dot + 1) == want;
    }

    bool matches(const ExpectedFinding& e, const Program& p, const Model& m, const Finding& f) {
        return e.verdict == verdict_word(f.verdict) && e.address == address(m, f.resource) &&
               rule_matches(e.rule, p.rules[f.rule]) && (!e.message || *e.message == f.message) &&
               (!e.reason || *e.reason == f.reason);
    }

    void check_expectations(const Program& p, const Model& m, const std::vector<Finding>& got) {
        std::vector<bool> used(got.size(), false);
        for (const ExpectedFinding& e : c_.findings) {
            bool found = false;
            for (size_t i = 0; i < got.size(); ++i)
                if (matches(e, p, m, got[i])) used[i] = found = true;
            if (found) continue;
            std::string s =
                "- expected (line " + std::to_string(e.line) + ") " + e.verdict + " " + e.address;
            if (!e.rule.empty()) s += " rule=" + e.rule;
            if (e.message) s += " message=" + quoted(*e.message);
            if (e.reason) s += " reason=" + quoted(*e.reason);
            problems_.push_back(s);
        }
        for (size_t i = 0; i < got.size(); ++i)
            if (!used[i] && got[i].verdict != Verdict::Pass)
                problems_.push_back("+ got " + describe(p, m, got[i]));
    }

    const Case& c_;
    bool verbose_;
    bool differential_only_; // generated cases: only compile errors and disagreements count
    std::vector<std::string> problems_;
};

// Catalog entries no policy source can trigger, and where they are tested instead.
const std::set<std::string> kNotFromSource = {
    "E0402", // a --param value of the wrong type: init-error cases (params/override_*)
    "E0407", // a parameter left unset: init-error case params/missing_value
    "E0601", // unreadable policy path: tests/unit/diagnostics_test.cpp (load_policy_paths)
    "E0602", // a folder without .tenet files: tests/unit/diagnostics_test.cpp
};

// The catalog codes that no case expects.
std::vector<std::string> uncovered_codes(const std::set<std::string>& expected) {
    std::vector<std::string> out;
    for (int d = 0; d < static_cast<int>(Diag::Count_); ++d) {
        std::string code = diag_info(static_cast<Diag>(d)).code;
        if (!expected.count(code) && !kNotFromSource.count(code)) out.push_back(code);
    }
    return out;
}

void collect(const fs::path& p, std::vector<std::string>& out) {
    if (fs::is_directory(p)) {
        for (auto& e : fs::recursive_directory_iterator(p))
            if (e.is_regular_file() && e.path().extension() == ".tenet")
                out.push_back(e.path().string());
    } else {
        out.push_back(p.string());
    }
}

} // namespace

int main(int argc, char** argv) {
    bool verbose = false, coverage = false, differential_only = false;
    std::vector<std::string> cases;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-v" || a == "--verbose")
            verbose = true;
        else if (a == "--coverage")
            coverage = true;
        else if (a == "--differential-only")
            differential_only = true;
        else
            collect(a, cases);
    }
    if (cases.empty()) {
        std::cerr << "usage: tenet_spec [-v] [--coverage] [--differential-only] DIR_OR_FILE...\n";
        return 2;
    }
    std::sort(cases.begin(), cases.end());
    size_t passed = 0, failed = 0;
    std::set<std::string> expected_codes;
    for (const std::string& path : cases) {
        Case c;
        std::string error;
        std::vector<std::string> problems;
        try {
            bool loaded = load_case(path, c, error);
            for (const auto* list : {&c.errors, &c.warnings})
                for (const ExpectedDiag& d : *list) expected_codes.insert(d.code);
            if (!loaded)
                problems.push_back("bad case: " + error);
            else
                problems = CaseRun(c, verbose, differential_only).run();
        } catch (const std::exception& e) {
            problems.push_back(std::string("exception: ") + e.what());
        }
        bool bad = std::any_of(problems.begin(), problems.end(),
                               [](const std::string& s) { return s.rfind("  ", 0) != 0; });
        if (bad || (verbose && !problems.empty())) {
            std::cout << (bad ? "FAIL " : "ok   ") << path << "\n";
            for (const std::string& p : problems) std::cout << "    " << p << "\n";
        }
        (bad ? failed : passed)++;
    }
    std::cout << passed << " passed, " << failed << " failed\n";
    if (coverage) {
        std::vector<std::string> missing = uncovered_codes(expected_codes);
        if (!missing.empty()) {
            std::cout << "diagnostics no case expects:";
            for (const std::string& code : missing) std::cout << " " << code;
            std::cout << "\n";
            return 1;
        }
    }
    return failed ? 1 : 0;
}
