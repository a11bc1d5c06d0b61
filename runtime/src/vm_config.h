// Implementation switches of the VM, in one place.
//
// TENET_VM_COMPUTED_GOTO: dispatch through a table of label addresses (GCC and Clang's
// "labels as values") instead of a switch. Each opcode handler then ends in its own
// indirect jump, which the branch predictor learns per opcode; with a switch every
// handler jumps back to one shared indirect branch. Worth 15-30% on dispatch-bound
// code. Define TENET_VM_COMPUTED_GOTO=0 to force the portable switch (for testing
// both paths or for compilers without the extension).
#pragma once

#ifndef TENET_VM_COMPUTED_GOTO
#if defined(__GNUC__)
#define TENET_VM_COMPUTED_GOTO 1
#else
#define TENET_VM_COMPUTED_GOTO 0
#endif
#endif

// TENET_VM_TRACE: print every instruction (function, offset, opcode, stack depth) to
// stderr before it runs. For debugging lowering and the VM; off in every build.
#ifndef TENET_VM_TRACE
#define TENET_VM_TRACE 0
#endif

namespace tenet {

// Calls nest at most this deep (the verifier forbids recursion, so real programs stay
// far below it; the bound keeps a hostile bundle from exhausting the native stack).
inline constexpr int kMaxCallDepth = 200;

} // namespace tenet
