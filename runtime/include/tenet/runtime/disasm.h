// A readable listing of a Program: globals, rules, mappings, then every function's
// instructions with operands resolved (constants printed, jump targets as pcs) and
// the source line each instruction came from.
#pragma once

#include "tenet/runtime/program.h"

#include <string>

namespace tenet {

std::string disassemble(const Program& program);

} // namespace tenet
