// The compiler driver: files -> parse -> check -> lower.
#pragma once

#include "tenet/compiler/checker.h"
#include "tenet/compiler/diagnostics.h"
#include "tenet/runtime/program.h"

#include <memory>
#include <string>
#include <vector>

namespace tenet {

struct CompileOptions {
    bool include_stdlib = true;    // the embedded std.* packages
    bool include_policies = false; // the embedded policies/ packs
};

struct CompileResult {
    std::unique_ptr<Program> program;        // null when there were errors
    std::unique_ptr<CheckedProgram> checked; // kept for the reference evaluator and explain
    DiagnosticBag diags;
};

// `files` are ids in `sm` of the user's .tenet files (already read).
CompileResult compile(SourceManager& sm, const std::vector<FileId>& files,
                      const CompileOptions& opts);

// Reads .tenet files and folders (recursively, sorted) into `sm`; reports E0601/E0602.
std::vector<FileId> load_policy_paths(SourceManager& sm, const std::vector<std::string>& paths,
                                      DiagnosticBag& diags);

} // namespace tenet
