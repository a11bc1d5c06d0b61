// tenet check: compile the policies, load the model, evaluate, report.
#include <algorithm>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "cli_common.h"
#include "commands.h"
#include "report.h"
#include "tenet/model/json_model.h"
#include "tenet/runtime/engine.h"

namespace tenet::cli {

namespace {

struct CheckOptions {
    PolicyOptions policy;
    std::vector<std::string> models;
    std::vector<std::string> params; // k=v
    std::string format = "text";
    std::vector<std::string> outputs; // FILE (the --format report) or FORMAT=FILE
    std::string fail_on = "low";     // lowest severity that blocks
    std::string unknown = "warn";    // pass | warn | fail
    unsigned jobs = 0;               // 0: all cores
    bool show_passes = false;
    bool no_default_policies = false;
};

bool parse_severity(const std::string& s, Severity& out) {
    static const char* names[] = {"info", "low", "medium", "high", "critical"};
    for (int i = 0; i < 5; ++i)
        if (s == names[i]) {
            out = static_cast<Severity>(i);
            return true;
        }
    return false;
}

bool is_blocking(const RuleInfo& rule, Verdict v, Severity threshold, const std::string& unknown) {
    if (rule.level == Level::Advisory) return false;
    if (rule.severity < threshold) return false;
    if (v == Verdict::Fail) return true;
    if (v == Verdict::Unknown) return unknown == "fail";
    return false;
}

constexpr const char* kFormatList = "text, json, sarif, junit, github, markdown, gitlab";

bool is_format(const std::string& f) {
    for (const char* name : {"text", "json", "sarif", "junit", "github", "markdown", "gitlab"})
        if (f == name) return true;
    return false;
}

std::string render(const CheckReport& report, const std::string& format, bool color) {
    if (format == "json") return render_json(report);
    if (format == "sarif") return render_sarif(report, TENET_VERSION);
    if (format == "junit") return render_junit(report);
    if (format == "github") return render_github(report);
    if (format == "markdown") return render_markdown(report);
    if (format == "gitlab") return render_gitlab(report, TENET_VERSION);
    return render_text(report, color);
}

int run_check(CheckOptions& o) {
    Severity threshold;
    if (!parse_severity(o.fail_on, threshold)) {
        print_error(fmt::format("--fail-on expects info, low, medium, high or critical; found `{}`", o.fail_on));
        return kExitError;
    }
    if (!is_format(o.format)) {
        print_error(fmt::format("--format expects one of {}; found `{}`", kFormatList, o.format));
        return kExitError;
    }
    // (format, file) pairs; an empty file is stdout.
    std::vector<std::pair<std::string, std::string>> sinks;
    bool format_to_file = false;
    for (auto& out : o.outputs) {
        auto eq = out.find('=');
        if (eq != std::string::npos && is_format(out.substr(0, eq))) {
            sinks.push_back({out.substr(0, eq), out.substr(eq + 1)});
        } else if (!format_to_file) {
            sinks.push_back({o.format, out});
            format_to_file = true;
        } else {
            print_error(fmt::format("--output `{}`: only one plain FILE is allowed; name the format as FORMAT=FILE", out));
            return kExitError;
        }
    }
    if (!format_to_file) sinks.insert(sinks.begin(), {o.format, ""});
    if (o.models.empty()) {
        print_error("nothing to check: give --model FILE (the JSON model; see docs/model.md)");
        return kExitError;
    }
    SourceManager sm;
    o.policy.default_policies = !o.no_default_policies;
    std::unique_ptr<Program> program = load_program(sm, o.policy);
    if (!program) return kExitError;

    EngineOptions eopts;
    eopts.jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
    eopts.include_passes = o.show_passes;
    Engine engine(*program, eopts);

    std::vector<ParamOverride> overrides;
    for (auto& p : o.params) {
        auto eq = p.find('=');
        if (eq == std::string::npos || eq == 0) {
            print_error(fmt::format("--param expects NAME=VALUE; found `{}`", p));
            return kExitError;
        }
        overrides.push_back({p.substr(0, eq), p.substr(eq + 1)});
    }
    std::vector<std::string> errors;
    if (!engine.init_globals(overrides, errors)) {
        for (auto& e : errors) print_error(e);
        return kExitError;
    }

    // Input errors are reported but do not stop the scan: whatever loaded is checked.
    Model model;
    model.sources = &sm;
    CheckReport report;
    for (auto& path : o.models) {
        std::string text, error;
        if (!read_file(path, text, error)) {
            report.input_errors.push_back(error);
            continue;
        }
        FileId id = sm.add(path, std::move(text));
        std::vector<ModelError> model_errors;
        load_json_model(sm, id, model, model_errors);
        for (auto& e : model_errors)
            report.input_errors.push_back(fmt::format("{}:{}:{}: {}", sm.path(e.loc.file), e.loc.line, e.loc.column, e.message));
    }
    model.finalize();
    engine.normalize(model);

    std::vector<Finding> all = engine.evaluate(model);
    report.program = program.get();
    report.model = &model;
    report.sources = &sm;
    bool any_error = !report.input_errors.empty();
    bool any_blocking = false;
    for (auto& f : all) {
        if (f.verdict == Verdict::Pass) {
            ++report.passes;
            if (!o.show_passes) continue;
        }
        if (f.verdict == Verdict::Error) any_error = true;
        bool b = is_blocking(program->rules[f.rule], f.verdict, threshold, o.unknown);
        any_blocking |= b;
        report.blocking.push_back(b);
        report.findings.push_back(std::move(f));
    }
    for (auto& [format, file] : sinks) {
        std::string out = render(report, format, file.empty() && use_color());
        if (file.empty()) {
            fmt::print("{}", out);
            continue;
        }
        std::string error;
        if (!write_file(file, out, error)) {
            print_error(error);
            any_error = true;
        }
    }
    if (any_error) return kExitError;
    return any_blocking ? kExitFindings : kExitOk;
}

} // namespace

void add_check_command(CLI::App& app, int& exit_code) {
    auto o = std::make_shared<CheckOptions>();
    CLI::App* cmd = app.add_subcommand("check", "Evaluate policies against a model and report findings");
    cmd->footer("\nExamples:\n"
                "  tenet check --model examples/model/s3.json\n"
                "  tenet check --model m.json --policy my-policies/ --param allowed_sse='[\"aws:kms\"]'\n"
                "  tenet check --model m.json --format json --output findings.json\n"
                "  tenet check --model m.json -o sarif=tenet.sarif -o markdown=$GITHUB_STEP_SUMMARY\n"
                "\nExit codes: 0 nothing blocks, 1 a blocking finding, 2 usage, input or policy errors.");
    cmd->add_option("--model", o->models, "A JSON model file (docs/model.md); repeatable")->type_name("FILE");
    cmd->add_option("-p,--policy", o->policy.paths, "Policy files, folders, or one .tnb bundle; repeatable")->type_name("PATH");
    cmd->add_flag("--no-default-policies", o->no_default_policies, "Do not run the bundled policies");
    cmd->add_option("--param", o->params, "Override a policy parameter: NAME=JSON (a bare word is a string)")->type_name("NAME=VALUE");
    cmd->add_option("-f,--format", o->format, std::string("Report format on stdout: ") + kFormatList)->type_name("FORMAT");
    cmd->add_option("-o,--output", o->outputs,
                    "FILE: write the --format report there instead of stdout; FORMAT=FILE: also write that format "
                    "(repeatable, e.g. -o sarif=tenet.sarif -o junit=junit.xml)")
        ->type_name("[FORMAT=]FILE");
    cmd->add_option("--fail-on", o->fail_on, "Lowest severity that blocks (info, low, medium, high, critical)")->type_name("SEVERITY");
    cmd->add_option("--unknown", o->unknown, "What an unknown verdict does: pass, warn or fail")->check(CLI::IsMember({"pass", "warn", "fail"}));
    cmd->add_option("-j,--jobs", o->jobs, "Worker threads (default: all cores)")->type_name("N");
    cmd->add_flag("--show-passes", o->show_passes, "List passing verdicts too");
    cmd->callback([o, &exit_code] { exit_code = run_check(*o); });
}

} // namespace tenet::cli
