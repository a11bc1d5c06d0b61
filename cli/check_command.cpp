// tenet check: compile the policies, load the inputs, evaluate, apply suppressions,
// decide what blocks, report in every requested format.
#include "cli_common.h"
#include "commands.h"
#include "config.h"
#include "explain.h"
#include "load_inputs.h"
#include "progress.h"
#include "report.h"
#include "suppressions.h"
#include "tenet/runtime/engine.h"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <memory>
#include <thread>

namespace tenet::cli {

namespace {

struct CheckOptions {
    PolicyOptions policy;
    InputOptions inputs;
    std::vector<std::string> params; // NAME=JSON
    std::string format = "text";
    std::vector<std::string> outputs; // FILE (the --format report) or FORMAT=FILE
    std::string fail_on = "low";      // lowest severity that blocks
    std::string unknown = "warn";     // pass | warn | fail
    unsigned jobs = 0;                // 0: all cores
    bool show_passes = false;
    bool no_default_policies = false;
    std::string waivers, baseline, write_baseline_file;
    std::vector<std::string> overrides; // RULE=REASON
    std::string config;                 // explicit --config
    bool no_config = false;
    bool no_progress = false;
    bool explain = false;                       // --explain: every fail/unknown finding
    std::string explain_rule, explain_resource; // `tenet explain RULE RESOURCE`
    CLI::App* cmd = nullptr;                    // to ask which flags were given
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

bool given(const CheckOptions& o, const char* flag) {
    return o.cmd->count(flag) > 0;
}

// Settings from .tenet.yaml fill whatever the command line did not say.
bool apply_config(CheckOptions& o) {
    if (o.no_config) return true;
    std::string path = o.config;
    if (path.empty()) path = find_config(o.inputs.paths.empty() ? "." : o.inputs.paths.front());
    if (path.empty()) return true;
    ConfigFile c;
    std::vector<std::string> errors;
    bool ok = load_config(path, c, errors);
    for (auto& e : errors) print_error(e);
    if (!ok) return false;
    if (!given(o, "--policy"))
        o.policy.paths.insert(o.policy.paths.end(), c.policies.begin(), c.policies.end());
    if (c.default_policies && !given(o, "--no-default-policies"))
        o.no_default_policies = !*c.default_policies;
    // Command-line params come later, so they win.
    std::vector<std::string> params;
    for (auto& [name, value] : c.params) params.push_back(name + "=" + value);
    params.insert(params.end(), o.params.begin(), o.params.end());
    o.params = std::move(params);
    if (c.fail_on && !given(o, "--fail-on")) o.fail_on = *c.fail_on;
    if (c.unknown && !given(o, "--unknown")) o.unknown = *c.unknown;
    if (c.format && !given(o, "--format")) o.format = *c.format;
    if (!given(o, "--output"))
        for (auto& [format, file] : c.outputs) o.outputs.push_back(format + "=" + file);
    // Exclude globs are relative to the config file's folder: make them absolute.
    std::filesystem::path config_dir = std::filesystem::absolute(path).parent_path();
    for (auto& g : c.exclude)
        o.inputs.frontend.exclude.push_back(
            std::filesystem::path(g).is_absolute()
                ? g
                : (config_dir / g).lexically_normal().generic_string());
    if (c.waivers && !given(o, "--waivers")) o.waivers = *c.waivers;
    if (c.baseline && !given(o, "--baseline")) o.baseline = *c.baseline;
    if (c.jobs && !given(o, "--jobs")) o.jobs = *c.jobs;
    return true;
}

bool split_pair(const std::string& s, const char* flag, std::string& name, std::string& value) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
        print_error(fmt::format("{} expects NAME=VALUE; found `{}`", flag, s));
        return false;
    }
    name = s.substr(0, eq);
    value = s.substr(eq + 1);
    return true;
}

std::string finding_address(const Model& model, const Finding& f) {
    return f.resource == kStackResource ? "stack"
                                        : std::string(model.resources[f.resource].address->view());
}

// `tenet explain RULE RESOURCE`: the verdict of one rule on one resource (passes too),
// explained; nothing else is reported.
int explain_one(SourceManager& sm, const Program& program, const CheckedProgram& checked,
                const CheckOptions& o, const std::vector<ParamOverride>& params, const Model& model,
                const std::vector<Finding>& all, uint32_t rule,
                const std::vector<std::string>& input_errors) {
    for (const std::string& e : input_errors) print_error(e);
    std::vector<ExplainTarget> targets;
    std::vector<std::string> seen;
    for (const Finding& f : all) {
        if (f.rule != rule) continue;
        std::string address = finding_address(model, f);
        if (address == o.explain_resource)
            targets.push_back({f.rule, address, f.verdict});
        else if (seen.size() < 8)
            seen.push_back(address);
    }
    const RuleInfo& info = program.rules[rule];
    if (targets.empty()) {
        std::string known;
        for (auto& a : seen) known += (known.empty() ? "" : ", ") + a;
        print_error(fmt::format(
            "explain: {} gave no verdict on `{}` (it does not exist, or the rule does not apply "
            "to it){}",
            info.id.empty() ? info.name : info.id, o.explain_resource,
            known.empty() ? std::string(": the rule gave no verdict at all")
                          : "; it judged: " + known));
        return kExitError;
    }
    std::string text, error;
    if (!explain(sm, program, checked, o.inputs, params, targets, text, error)) {
        print_error("explain: " + error);
        return kExitError;
    }
    fmt::print("{}", text);
    return input_errors.empty() ? kExitOk : kExitError;
}

int run_check(CheckOptions& o) {
    if (!apply_config(o)) return kExitError;
    Severity threshold;
    if (!parse_severity(o.fail_on, threshold)) {
        print_error(fmt::format("--fail-on expects info, low, medium, high or critical; found `{}`",
                                o.fail_on));
        return kExitError;
    }
    if (o.unknown != "pass" && o.unknown != "warn" && o.unknown != "fail") {
        print_error(fmt::format("--unknown expects pass, warn or fail; found `{}`", o.unknown));
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
            print_error(fmt::format(
                "--output `{}`: only one plain FILE is allowed; name the format as FORMAT=FILE",
                out));
            return kExitError;
        }
    }
    if (!format_to_file) sinks.insert(sinks.begin(), {o.format, ""});
    if (o.inputs.paths.empty() && o.inputs.models.empty()) {
        print_error("nothing to check: give a PATH (Terraform, CloudFormation, cdk.out, plan JSON, "
                    "Pulumi export) "
                    "or --model FILE (docs/model.md)");
        return kExitError;
    }

    SourceManager sm;
    o.policy.default_policies = !o.no_default_policies;
    bool explaining = o.explain || !o.explain_rule.empty();
    std::unique_ptr<CheckedProgram> checked;
    std::unique_ptr<Program> program = load_program(sm, o.policy, explaining ? &checked : nullptr);
    if (!program) return kExitError;
    if (explaining && !checked) {
        print_error("explain needs the policies' sources: a compiled bundle (.tnb) keeps no "
                    "expressions to show; pass the .tenet files with --policy");
        return kExitError;
    }
    int explain_rule = -1;
    if (!o.explain_rule.empty()) {
        for (size_t i = 0; i < program->rules.size(); ++i) {
            const RuleInfo& r = program->rules[i];
            if (r.id == o.explain_rule || r.name == o.explain_rule ||
                (r.name.size() > o.explain_rule.size() &&
                 r.name.compare(r.name.size() - o.explain_rule.size(), std::string::npos,
                                o.explain_rule) == 0 &&
                 r.name[r.name.size() - o.explain_rule.size() - 1] == '.'))
                explain_rule = static_cast<int>(i);
        }
        if (explain_rule < 0) {
            print_error(fmt::format("explain: no rule `{}` among the policies (give a rule id "
                                    "such as TNT-S3-001 or a rule name; `tenet rules` lists them)",
                                    o.explain_rule));
            return kExitError;
        }
    }

    SuppressionInputs sup;
    sup.today = today_utc();
    for (auto& s : o.overrides) {
        Override ov;
        if (!split_pair(s, "--override", ov.rule, ov.reason)) return kExitError;
        sup.overrides.push_back(ov);
    }
    std::string error;
    if (!check_overrides(*program, sup.overrides, error)) {
        print_error(error);
        return kExitError;
    }

    EngineOptions eopts;
    eopts.jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
    // Passes are counted by the engine for the summary; listed only with --show-passes (and
    // for --explain, which may explain one). Not listing them saves a Finding per pass.
    eopts.include_passes = o.show_passes || !o.explain_rule.empty();
    Engine engine(*program, eopts);
    std::vector<ParamOverride> params;
    for (auto& p : o.params) {
        ParamOverride po;
        if (!split_pair(p, "--param", po.name, po.json)) return kExitError;
        params.push_back(po);
    }
    std::vector<std::string> errors;
    if (!engine.init_globals(params, errors)) {
        for (auto& e : errors) print_error(e);
        return kExitError;
    }

    // Input errors are reported but do not stop the scan: whatever loaded is checked.
    Model model;
    CheckReport report;
    Progress progress(!o.no_progress);
    progress.phase("loading");
    o.inputs.frontend.on_input = [&progress](const std::string& path) { progress.file(path); };
    load_inputs(sm, o.inputs, model, report.input_errors);
    if (!o.waivers.empty()) load_waivers(sm, o.waivers, sup.waivers, report.input_errors);
    if (!o.baseline.empty()) {
        sup.baseline_file = o.baseline;
        if (!load_baseline(o.baseline, sup.baseline, error)) report.input_errors.push_back(error);
    }
    progress.phase(fmt::format("evaluating {} rules on {} resources", program->rules.size(),
                               model.resources.size()));
    engine.normalize(model);
    std::vector<Finding> all = engine.evaluate(model);
    progress.finish();

    if (!o.explain_rule.empty())
        return explain_one(sm, *program, *checked, o, params, model, all,
                           static_cast<uint32_t>(explain_rule), report.input_errors);

    report.program = program.get();
    report.fail_on = threshold;
    report.model = &model;
    report.sources = &sm;
    report.passes = engine.passes();
    for (auto& f : all) {
        if (f.verdict == Verdict::Pass && !o.show_passes) continue;
        report.findings.push_back(std::move(f));
    }
    apply_suppressions(report, sup);
    bool any_error = !report.input_errors.empty();
    bool any_blocking = false;
    for (size_t i = 0; i < report.findings.size(); ++i) {
        const Finding& f = report.findings[i];
        if (f.verdict == Verdict::Error) any_error = true;
        bool b = !report.suppression(i).active() &&
                 is_blocking(report.rule(f), f.verdict, threshold, o.unknown);
        any_blocking |= b;
        report.blocking.push_back(b);
    }
    if (!o.write_baseline_file.empty() &&
        !write_file(o.write_baseline_file, write_baseline(report), error)) {
        print_error(error);
        any_error = true;
    }
    bool stdout_is_text = false;
    for (auto& [format, file] : sinks) {
        std::string out = render(report, format, file.empty() && use_color());
        if (file.empty()) {
            fmt::print("{}", out);
            stdout_is_text = format == "text";
            continue;
        }
        if (!write_file(file, out, error)) {
            print_error(error);
            any_error = true;
        }
    }
    if (o.explain) {
        // Explanations follow a text report on stdout; otherwise they go to stderr, so
        // that a JSON or SARIF stdout stays parseable.
        std::vector<ExplainTarget> targets;
        for (size_t i = 0; i < report.findings.size(); ++i) {
            const Finding& f = report.findings[i];
            if (f.rule >= program->rules.size() || report.suppression(i).active()) continue;
            if (f.verdict != Verdict::Fail && f.verdict != Verdict::Unknown) continue;
            targets.push_back({f.rule, finding_address(model, f), f.verdict});
        }
        std::string text;
        if (!explain(sm, *program, *checked, o.inputs, params, targets, text, error)) {
            print_error("explain: " + error);
            any_error = true;
        } else if (!targets.empty()) {
            text = "Explanations (values as evaluated, [where each came from]):\n\n" + text;
            if (stdout_is_text)
                fmt::print("\n{}", text);
            else
                fmt::print(stderr, "{}", text);
        }
    }
    if (any_error) return kExitError;
    return any_blocking ? kExitFindings : kExitOk;
}

// What to scan and with which policies: shared by `check` and `explain`.
void add_scan_options(CLI::App* cmd, CheckOptions& opts) {
    CheckOptions* o = &opts;
    cmd->add_option("--model", o->inputs.models,
                    "A tenet JSON model file (docs/model.md); repeatable")
        ->type_name("FILE");
    cmd->add_option("--var", o->inputs.frontend.tf_vars,
                    "Terraform variable NAME=VALUE; repeatable")
        ->type_name("NAME=VALUE");
    cmd->add_option("--var-file", o->inputs.frontend.tf_var_files,
                    "Terraform .tfvars file; repeatable")
        ->type_name("FILE");
    cmd->add_option("--cfn-param", o->inputs.frontend.cfn_params,
                    "CloudFormation parameter NAME=VALUE; repeatable")
        ->type_name("NAME=VALUE");
    cmd->add_option("--exclude", o->inputs.frontend.exclude,
                    "Skip files and folders matching this glob when scanning folders (with the "
                    "config's exclude); repeatable")
        ->type_name("GLOB");
    cmd->add_option("-p,--policy", o->policy.paths,
                    "Policy files, folders, or one .tnb bundle; repeatable")
        ->type_name("PATH");
    cmd->add_flag("--no-default-policies", o->no_default_policies,
                  "Do not run the bundled policies");
    cmd->add_option("--param", o->params,
                    "Override a policy parameter: NAME=JSON (a bare word is a string)")
        ->type_name("NAME=VALUE");
    cmd->add_option("--config", o->config, "Config file (default: the nearest .tenet.yaml)")
        ->type_name("FILE");
    cmd->add_flag("--no-config", o->no_config, "Ignore .tenet.yaml files");
}

void finish_options(CLI::App* cmd) {
    // One value per occurrence of a repeatable flag: otherwise CLI11 lets `-o report.sarif infra/`
    // swallow the PATH as a second output.
    for (CLI::Option* opt : cmd->get_options())
        if (!opt->get_positional()) opt->allow_extra_args(false);
}

} // namespace

void add_check_command(CLI::App& app, int& exit_code) {
    auto o = std::make_shared<CheckOptions>();
    CLI::App* cmd = app.add_subcommand(
        "check", "Evaluate policies against infrastructure code and report findings");
    o->cmd = cmd;
    cmd->footer(
        "\nExamples:\n"
        "  tenet check infra/                      # Terraform, CloudFormation, cdk.out, plans...\n"
        "  tenet check --model examples/model/content-delivery.json\n"
        "  tenet check infra/ --policy my-policies/ --param allowed_sse='[\"aws:kms\"]'\n"
        "  tenet check infra/ --format json --output findings.json\n"
        "  tenet check infra/ -o sarif=tenet.sarif -o markdown=$GITHUB_STEP_SUMMARY\n"
        "  tenet check infra/ --write-baseline .tenet-baseline.json   # then --baseline it\n"
        "\nSettings also come from the nearest .tenet.yaml (see docs/ci.md); flags win.\n"
        "Exit codes: 0 nothing blocks, 1 a blocking finding, 2 usage, input or policy errors.");
    cmd->add_option("path", o->inputs.paths,
                    "Files or folders to scan: Terraform, plan/state JSON, CloudFormation, "
                    "cdk.out, cdktf.out, Pulumi")
        ->type_name("PATH");
    add_scan_options(cmd, *o);
    cmd->add_option("-f,--format", o->format,
                    std::string("Report format on stdout: ") + kFormatList)
        ->type_name("FORMAT");
    cmd->add_option("-o,--output", o->outputs,
                    "FILE: write the --format report there instead of stdout; FORMAT=FILE: also "
                    "write that format "
                    "(repeatable, e.g. -o sarif=tenet.sarif -o junit=junit.xml)")
        ->type_name("[FORMAT=]FILE");
    cmd->add_option("--fail-on", o->fail_on,
                    "Lowest severity that blocks (info, low, medium, high, critical)")
        ->type_name("SEVERITY");
    cmd->add_option("--unknown", o->unknown, "What an unknown verdict does: pass, warn or fail")
        ->type_name("WHAT");
    cmd->add_option("--override", o->overrides,
                    "Let a soft rule pass this run: RULE=REASON (the reason is reported)")
        ->type_name("RULE=REASON");
    cmd->add_option("--waivers", o->waivers,
                    "Waivers file (YAML: rule, resource, path, owner, reason, expires)")
        ->type_name("FILE");
    cmd->add_option("--baseline", o->baseline, "Block only on findings not in this baseline")
        ->type_name("FILE");
    cmd->add_option("--write-baseline", o->write_baseline_file,
                    "Write the current fail/unknown findings as a baseline")
        ->type_name("FILE");
    cmd->add_option("-j,--jobs", o->jobs, "Worker threads (default: all cores)")->type_name("N");
    cmd->add_flag("--show-passes", o->show_passes, "List passing verdicts too");
    cmd->add_flag("--no-progress", o->no_progress,
                  "No progress line on the terminal (it is never shown in CI or when stderr is "
                  "not a terminal)");
    cmd->add_flag("--explain", o->explain,
                  "After the report, explain each fail or unknown verdict: the expressions that "
                  "decided it, their values and where each value came from");
    finish_options(cmd);
    cmd->callback([o, &exit_code] { exit_code = run_check(*o); });
}

void add_explain_command(CLI::App& app, int& exit_code) {
    auto o = std::make_shared<CheckOptions>();
    CLI::App* cmd = app.add_subcommand(
        "explain", "Explain one rule's verdict on one resource: each deciding expression, its "
                   "value and that value's provenance");
    o->cmd = cmd;
    o->no_progress = true;
    cmd->footer("\nExamples:\n"
                "  tenet explain TNT-S3-001 aws_s3_bucket.content infra/\n"
                "  tenet explain s3_versioning ContentBucket template.yaml\n"
                "  tenet explain TNT-CT-001 stack infra/      # a stack-level rule\n"
                "\nRULE is a rule id or name; RESOURCE an address as findings print it, or "
                "`stack`.\nPasses are explained too. Exit codes: 0 explained, 2 usage or input "
                "errors.");
    cmd->add_option("rule", o->explain_rule, "Rule id (TNT-S3-001) or name")
        ->required()
        ->type_name("RULE");
    cmd->add_option("resource", o->explain_resource,
                    "Resource address (aws_s3_bucket.content, ContentBucket) or `stack`")
        ->required()
        ->type_name("RESOURCE");
    cmd->add_option("path", o->inputs.paths, "Files or folders to scan, as for check")
        ->type_name("PATH");
    add_scan_options(cmd, *o);
    finish_options(cmd);
    cmd->callback([o, &exit_code] { exit_code = run_check(*o); });
}

} // namespace tenet::cli
