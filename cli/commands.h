// The `tenet` subcommands. Each registers itself on the CLI11 app and returns the
// process exit code through `exit_code` when it runs.
#pragma once

#include <CLI/CLI.hpp>

namespace tenet::cli {

void add_check_command(CLI::App& app, int& exit_code);
void add_explain_command(CLI::App& app, int& exit_code);
void add_compile_command(CLI::App& app, int& exit_code);
void add_disasm_command(CLI::App& app, int& exit_code);
void add_normalize_command(CLI::App& app, int& exit_code);
void add_test_command(CLI::App& app, int& exit_code);
void add_rules_command(CLI::App& app, int& exit_code);
void add_doc_command(CLI::App& app, int& exit_code);
void add_version_command(CLI::App& app, int& exit_code);

} // namespace tenet::cli
