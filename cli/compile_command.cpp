// tenet compile / disasm / version.
#include "cli_common.h"
#include "commands.h"
#include "tenet/runtime/bundle.h"
#include "tenet/runtime/disasm.h"

#include <fmt/format.h>

namespace tenet::cli {

namespace {

struct CompileCmdOptions {
    PolicyOptions policy;
    std::string output = "policies.tnb";
    bool with_default_policies = false;
};

int run_compile(CompileCmdOptions& o) {
    if (o.policy.paths.empty() && !o.with_default_policies) {
        print_error(
            "nothing to compile: give policy files or folders (or --with-default-policies)");
        return kExitError;
    }
    SourceManager sm;
    o.policy.default_policies = o.with_default_policies;
    auto program = load_program(sm, o.policy);
    if (!program) return kExitError;
    std::vector<uint8_t> bytes = write_bundle(*program);
    std::string error;
    if (!write_file(o.output, std::string(bytes.begin(), bytes.end()), error)) {
        print_error(error);
        return kExitError;
    }
    fmt::print("wrote {} ({} rules, {} functions, {} bytes)\n", o.output, program->rules.size(),
               program->functions.size(), bytes.size());
    return kExitOk;
}

int run_disasm(const std::string& path) {
    std::string data, error;
    if (!read_file(path, data, error)) {
        print_error(error);
        return kExitError;
    }
    Program program;
    std::vector<uint8_t> bytes(data.begin(), data.end());
    if (!read_bundle(bytes, program, error)) {
        print_error(fmt::format("{}: {}", path, error));
        return kExitError;
    }
    fmt::print("{}", disassemble(program));
    return kExitOk;
}

} // namespace

void add_compile_command(CLI::App& app, int& exit_code) {
    auto o = std::make_shared<CompileCmdOptions>();
    CLI::App* cmd = app.add_subcommand("compile", "Compile policies into a verified bundle (.tnb)");
    cmd->footer("\nExamples:\n  tenet compile -o pack.tnb policies/aws\n  tenet check --model "
                "m.json --no-default-policies --policy pack.tnb");
    cmd->add_option("paths", o->policy.paths, "Policy files and folders")->type_name("POLICIES");
    cmd->add_option("-o,--output", o->output, "The bundle to write (default policies.tnb)")
        ->type_name("FILE");
    cmd->add_flag("--with-default-policies", o->with_default_policies,
                  "Include the bundled policies");
    cmd->callback([o, &exit_code] { exit_code = run_compile(*o); });
}

void add_disasm_command(CLI::App& app, int& exit_code) {
    auto path = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand("disasm", "Print a bundle's bytecode readably");
    cmd->footer("\nExample:\n  tenet disasm pack.tnb");
    cmd->add_option("bundle", *path, "The .tnb bundle")->required()->type_name("FILE");
    cmd->callback([path, &exit_code] { exit_code = run_disasm(*path); });
}

void add_version_command(CLI::App& app, int& exit_code) {
    CLI::App* cmd = app.add_subcommand("version", "Print the version");
    cmd->footer("\nExample:\n  tenet version      # tenet X.Y.Z");
    cmd->callback([&exit_code] {
        fmt::print("tenet {}\n", TENET_VERSION);
        exit_code = kExitOk;
    });
}

} // namespace tenet::cli
