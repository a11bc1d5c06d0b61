// Opcode enum, names and operand formats, all expanded from opcodes.def.
#pragma once

#include <cstdint>

namespace tenet {

enum class OperandKind : uint8_t {
    NONE,
    CONST,
    STR,
    LOCAL,
    GLOBAL,
    FUNC,
    BUILTIN,
    REGEX,
    COUNT,
    JUMP
};

// Encoded size in bytes of one operand of the given kind.
constexpr int operand_size(OperandKind k) {
    switch (k) {
    case OperandKind::NONE:
        return 0;
    case OperandKind::LOCAL:
    case OperandKind::GLOBAL:
    case OperandKind::FUNC:
    case OperandKind::BUILTIN:
    case OperandKind::COUNT:
        return 2;
    case OperandKind::CONST:
    case OperandKind::STR:
    case OperandKind::REGEX:
    case OperandKind::JUMP:
        return 4;
    }
    return 0;
}

enum class Op : uint8_t {
#define OP(name, a, b, c, pop, push, doc) name,
#include "tenet/runtime/opcodes.def"
#undef OP
    Count_
};

struct OpInfo {
    const char* name;
    OperandKind operands[3];
    int8_t pops; // -1: variable (see opcodes.def)
    int8_t pushes;
    const char* doc;
    int size; // total encoded size including the opcode byte
};

const OpInfo& op_info(Op op);
constexpr int kOpCount = static_cast<int>(Op::Count_);

} // namespace tenet
