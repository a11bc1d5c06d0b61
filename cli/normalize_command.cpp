// tenet normalize: load inputs, apply the stdlib's (and any --policy) mappings, and
// print the normalized model as tenet-model/1 JSON. Shows exactly what policies see.
#include "cli_common.h"
#include "commands.h"
#include "load_inputs.h"
#include "tenet/model/model_writer.h"
#include "tenet/runtime/engine.h"

#include <fmt/format.h>
#include <memory>

namespace tenet::cli {

namespace {

struct NormalizeOptions {
    InputOptions inputs;
    PolicyOptions policy;
    std::string output;
    bool no_provenance = false;
    bool native_only = false;
};

int run_normalize(NormalizeOptions& o) {
    if (o.inputs.paths.empty() && o.inputs.models.empty()) {
        print_error("nothing to normalize: give a PATH or --model FILE");
        return kExitError;
    }
    SourceManager sm;
    o.policy.default_policies = false; // mappings live in the stdlib; rules are not needed
    std::unique_ptr<Program> program = load_program(sm, o.policy);
    if (!program) return kExitError;
    Engine engine(*program, EngineOptions{});
    std::vector<std::string> errors;
    if (!engine.init_globals({}, errors)) {
        for (auto& e : errors) print_error(e);
        return kExitError;
    }
    Model model;
    std::vector<std::string> input_errors;
    load_inputs(sm, o.inputs, model, input_errors);
    if (!o.native_only) engine.normalize(model);
    ModelWriteOptions wopts;
    wopts.provenance = !o.no_provenance;
    wopts.canonical = !o.native_only;
    std::string out = write_json_model(model, wopts);
    for (auto& e : input_errors) fmt::print(stderr, "tenet: input error: {}\n", e);
    if (o.output.empty()) {
        fmt::print("{}", out);
    } else {
        std::string error;
        if (!write_file(o.output, out, error)) {
            print_error(error);
            return kExitError;
        }
    }
    return input_errors.empty() ? kExitOk : kExitError;
}

} // namespace

void add_normalize_command(CLI::App& app, int& exit_code) {
    auto o = std::make_shared<NormalizeOptions>();
    CLI::App* cmd =
        app.add_subcommand("normalize", "Print the normalized model of the inputs as JSON");
    cmd->footer(
        "\nExamples:\n"
        "  tenet normalize infra/ > model.json      # then: tenet check --model model.json\n"
        "  tenet normalize template.yaml --no-provenance\n");
    cmd->add_option("path", o->inputs.paths, "Files or folders (any frontend)")->type_name("PATH");
    cmd->add_option("--model", o->inputs.models, "A tenet JSON model file; repeatable")
        ->type_name("FILE");
    cmd->add_option("-p,--policy", o->policy.paths, "Extra .tenet files or folders with mappings")
        ->type_name("PATH");
    cmd->add_option("--var", o->inputs.frontend.tf_vars, "Terraform variable NAME=VALUE")
        ->type_name("NAME=VALUE");
    cmd->add_option("--var-file", o->inputs.frontend.tf_var_files, "Terraform .tfvars file")
        ->type_name("FILE");
    cmd->add_option("--cfn-param", o->inputs.frontend.cfn_params,
                    "CloudFormation parameter NAME=VALUE")
        ->type_name("NAME=VALUE");
    cmd->add_option("-o,--output", o->output, "Write to FILE instead of stdout")->type_name("FILE");
    cmd->add_flag("--no-provenance", o->no_provenance,
                  "Plain values, without $source/$refs annotations");
    cmd->add_flag("--native", o->native_only, "Native attributes only (no mappings applied)");
    // One value per occurrence of a repeatable flag: otherwise CLI11 lets `-o report.sarif infra/`
    // swallow the PATH as a second output.
    for (CLI::Option* opt : cmd->get_options())
        if (!opt->get_positional()) opt->allow_extra_args(false);
    cmd->callback([o, &exit_code] { exit_code = run_normalize(*o); });
}

} // namespace tenet::cli
