// Emitter: writes one Function's bytecode. Operands are encoded from the opcode
// table (op_info), jumps go to labels patched when the function is finished, and
// every instruction that starts at a new source position gets a line-table entry.
#pragma once

#include "tenet/common/source.h"
#include "tenet/runtime/bytecode.h"
#include "tenet/runtime/program.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tenet::lower {

// Lowering failures that are the compiler's fault, or limits of the bytecode format
// (more than 65,535 locals); compile() reports them as diagnostics.
struct LowerError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Label {
    uint32_t id;
};

class Emitter {
  public:
    // `file_index` maps a SourceLoc's FileId to an index into Program::files.
    using FileIndex = uint32_t (*)(void* ctx, FileId file);
    Emitter(Function& fn, uint32_t first_temp, FileIndex file_index, void* ctx);

    // The source position of the instructions emitted next.
    void at(const SourceSpan& span) { pos_ = span.begin; }
    void at(const SourceLoc& loc) { pos_ = loc; }

    // Emits `op`; operands are given in the opcode table's order. A JUMP operand is a
    // label id (Label::id), patched in finish().
    void emit(Op op, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0);
    Label label();
    void bind(Label l);

    // Temporaries (iterators, accumulators) above the checker's locals, released in
    // stack order so nested constructs reuse them.
    uint32_t temp(uint32_t count = 1);
    void release(uint32_t count = 1) { next_temp_ -= count; }

    // Patches jumps and sets num_locals. Throws LowerError on an unbound label.
    void finish();

  private:
    Function& fn_;
    uint32_t next_temp_;
    uint32_t max_temp_;
    FileIndex file_index_;
    void* ctx_;
    SourceLoc pos_;
    bool have_line_ = false;
    LineEntry last_line_{};
    std::vector<int64_t> labels_; // label id -> bound pc, -1 while unbound
    struct Patch {
        size_t operand_at; // where the i32 goes
        size_t instr_end;  // jumps are relative to the end of their instruction
        uint32_t label;
    };
    std::vector<Patch> patches_;
};

} // namespace tenet::lower
