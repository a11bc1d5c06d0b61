// tenet: the command-line entry point.
#include "commands.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

int main(int argc, char** argv) {
    CLI::App app{"Tenet: policies for infrastructure as code, checked against every frontend.\n"
                 "\nExamples:\n"
                 "  tenet check infra/\n"
                 "  tenet check --model examples/model/content-delivery.json\n"
                 "  tenet check --model model.json --policy policies/ --no-default-policies\n"
                 "  tenet compile -o pack.tnb policies/\n"
                 "  tenet disasm pack.tnb\n"
                 "  tenet test policies/\n",
                 "tenet"};
    app.require_subcommand(1);
    app.fallthrough();
    int exit_code = 0;
    tenet::cli::add_check_command(app, exit_code);
    tenet::cli::add_explain_command(app, exit_code);
    tenet::cli::add_compile_command(app, exit_code);
    tenet::cli::add_disasm_command(app, exit_code);
    tenet::cli::add_normalize_command(app, exit_code);
    tenet::cli::add_test_command(app, exit_code);
    tenet::cli::add_rules_command(app, exit_code);
    tenet::cli::add_doc_command(app, exit_code);
    tenet::cli::add_version_command(app, exit_code);
    // CLI11 reports a misspelt subcommand as "a subcommand is required": name it instead.
    if (argc > 1 && argv[1][0] != '-') {
        bool known = false;
        for (const CLI::App* sub : app.get_subcommands({})) known |= sub->check_name(argv[1]);
        if (!known) {
            std::string names; // from the registered commands, so the list cannot drift
            for (const CLI::App* sub : app.get_subcommands({}))
                names += (names.empty() ? "" : ", ") + sub->get_name();
            fmt::print(stderr,
                       "tenet: error: unknown command `{}` (commands: {}; see tenet --help)\n",
                       argv[1], names);
            return 2;
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2; // usage errors share the input-error exit code
    }
    return exit_code;
}
