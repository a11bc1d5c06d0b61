// The bytecode verifier. Every Program passes through it before it runs: programs
// from the compiler (a failure there is an internal compiler error) and programs
// read from bundles (a failure there is a rejected bundle).
//
// Checks, all derived from opcodes.def: each instruction decodes within the code,
// every operand index is in bounds and of the right kind (STR constants are strings,
// FUNC arities match, BUILTIN argument counts fit the builtin table), every jump
// lands on an instruction boundary, the stack depth is the same on every path into
// an instruction, never negative, and exactly 1 at RETURN; locals are below
// num_locals; code ends with RETURN or JUMP; calls form no cycle (no recursion);
// rule, mapping and global function indices exist and have the right arity.
// Computes Function::max_stack.
#pragma once

#include "tenet/runtime/program.h"

#include <string>

namespace tenet {

bool verify_program(Program& program, std::string& error);

} // namespace tenet
