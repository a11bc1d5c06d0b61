// Shared pieces of the `tenet` subcommands: loading policies, printing diagnostics,
// exit codes.
#pragma once

#include "tenet/common/source.h"
#include "tenet/compiler/compiler.h"
#include "tenet/runtime/program.h"

#include <memory>
#include <string>
#include <vector>

namespace tenet::cli {

// Exit codes shared by every subcommand.
enum ExitCode : int {
    kExitOk = 0,       // nothing blocks
    kExitFindings = 1, // a blocking finding
    kExitError = 2,    // usage, input or policy errors
};

struct PolicyOptions {
    std::vector<std::string> paths; // .tenet files, folders, or one .tnb bundle
    bool default_policies = true;   // the bundled policies/ packs
};

// Terminal colours: on when stdout is a terminal, NO_COLOR is unset and CI is not set.
bool use_color(bool is_stderr = false);

// Compiles the policy sources (or loads a bundle). Diagnostics are printed to stderr;
// returns null on any error.
std::unique_ptr<Program> load_program(SourceManager& sm, const PolicyOptions& opts,
                                      std::unique_ptr<CheckedProgram>* checked = nullptr);

bool read_file(const std::string& path, std::string& out, std::string& error);
bool write_file(const std::string& path, const std::string& data, std::string& error);

// "tenet: error: ..." on stderr.
void print_error(const std::string& message);

} // namespace tenet::cli
