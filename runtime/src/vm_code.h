// The VM's working form of a function: its bytecode decoded once into fixed-size
// instructions with their operands unpacked, jump targets turned into instruction
// indices, constants copied in, and a few frequent instruction pairs fused into one
// (vm_decode.cpp). The bytecode stays the format of bundles, the verifier and the
// disassembler; this form is private to a Vm, which decodes a function the first time
// it runs it.
//
// A fused instruction does exactly what its members did, in the same order, counts as
// as many instructions against the budget (checked before each member, as before), and
// is only formed when no jump lands on a member after the first.
#pragma once

#include "tenet/model/value.h"
#include "tenet/runtime/bytecode.h"
#include "tenet/runtime/program.h"

#include <cstdint>
#include <vector>

namespace tenet {

// Fused instructions, numbered after the opcodes of opcodes.def. A "literal" is CONST,
// NULL_, TRUE_ or FALSE_, or a folded constant (below).
enum XOp : uint8_t {
    X_LOAD_FIELD = kOpCount, // LOAD a; FIELD k
    X_EQ_K,                  // literal k; EQ
    X_NE_K,                  // literal k; NE
    X_LT_K,                  // literal k; LT
    X_LE_K,                  // literal k; LE
    X_GT_K,                  // literal k; GT
    X_GE_K,                  // literal k; GE
    X_INDEX_K,               // literal k; INDEX
    X_TRUTH_RETURN,          // TRUTH; RETURN
    X_MATCHES_LITERAL,       // MATCHES whose pattern is literal text k, anchored as a says
    X_QUANT_SOME_JUMP,       // QUANT_SOME a -> target; JUMP -> b (a quantifier's loop back)
    X_QUANT_ALL_JUMP,        // QUANT_ALL a -> target; JUMP -> b
    X_QUANT_COUNT_JUMP,      // QUANT_COUNT a; JUMP -> target
    kXOpEnd
};

// X_MATCHES_LITERAL's anchoring: ^text, text$, ^text$, or none.
enum : uint16_t { kAnchoredNone, kAnchoredStart, kAnchoredEnd, kAnchoredBoth };

struct Ins {
    uint8_t op;          // an Op, or an XOp
    uint8_t folded = 0;  // instructions folded into its literal: two number constants and
                         // the arithmetic or comparison between them became one CONST
    uint16_t a = 0;      // first u16 operand: local, global, count, function, builtin
    uint32_t b = 0;      // u32 operand (regex index, RELATION's attribute constant), a
                         // second u16 operand (ITER_NEXT's element local, CALL_BUILTIN's count)
                         // or a second jump target (X_QUANT_SOME_JUMP, X_QUANT_ALL_JUMP)
    uint32_t target = 0; // jump target, as an index into the decoded code
    uint32_t hint = 0;   // FIELD's inline cache: the entry index where the name was last found
    Value k;             // constant operand: CONST's value, FIELD's name, a fused constant
};
static_assert(sizeof(Ins) == 32, "Ins stays two to a cache line");

// Whole functions of a common shape, which the VM runs without its dispatch loop (the
// decoded code stays, for when the budget is too short for all of it: the loop then
// stops where it would have). Local 0 is the function's argument, the resource.
enum class Shape : uint8_t {
    None,
    FieldTruth,   // X_LOAD_FIELD 0 f; X_TRUTH_RETURN                      `every T requires f`
    FieldHas,     // X_LOAD_FIELD 0 f; HAS; X_TRUTH_RETURN                 `... where has(f)`
    FieldCompare, // X_LOAD_FIELD 0 f; X_EQ_K..X_GE_K k; X_TRUTH_RETURN    `f == "x"`, `f > 3`
    // A message template: parts, then CONCAT n; RETURN. A part is a string CONST, LOAD 0;
    // CALL_BUILTIN address/to_string #1 (`{resource}`), or X_LOAD_FIELD 0 f (`{f}`).
    Template,
};

struct DecodedFunction {
    uint32_t index = 0;                                // in Program::functions
    uint16_t arity = 0, num_locals = 0, max_stack = 0; // as in the Function
    uint32_t frame = 1;                                // slots it needs: locals, stack, one spare
    std::vector<Ins> code;
    Shape shape = Shape::None;
    uint32_t instructions = 0; // Shape: the bytecode instructions a run executes
    bool ok = false; // false: the bytecode did not decode (never once verified); see error
    std::string error;
};

// The arithmetic and comparison opcodes on two numbers, as the VM computes them (none
// of these can fail; DIV and MOD, which can, give false, as does any other opcode).
inline bool number_op(Op op, double x, double y, Value& out) {
    switch (op) {
    case Op::ADD:
        return out = Value::number(x + y), true;
    case Op::SUB:
        return out = Value::number(x - y), true;
    case Op::MUL:
        return out = Value::number(x * y), true;
    // As the C operators compare (NaN compares false), which a three-way compare cannot say.
    case Op::EQ:
        return out = Value::boolean(x == y), true;
    case Op::NE:
        return out = Value::boolean(x != y), true;
    case Op::LT:
        return out = Value::boolean(x < y), true;
    case Op::LE:
        return out = Value::boolean(x <= y), true;
    case Op::GT:
        return out = Value::boolean(x > y), true;
    case Op::GE:
        return out = Value::boolean(x >= y), true;
    default:
        return false;
    }
}

// Decodes `program.functions[index]`. Never fails on a verified function; on anything
// else it sets `out.error` instead of producing code that could run out of bounds.
void decode_function(const Program& program, uint32_t index, DecodedFunction& out);

} // namespace tenet
