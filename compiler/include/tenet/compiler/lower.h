// Lowering: a checked program -> bytecode Program (functions, constants, rules,
// mappings, globals, source map).
#pragma once

#include "tenet/compiler/checker.h"
#include "tenet/runtime/program.h"

#include <memory>

namespace tenet {

std::unique_ptr<Program> lower_program(const CheckedProgram& checked, const SourceManager& sm,
                                       DiagnosticBag& diags);

} // namespace tenet
