#include "tenet/runtime/bytecode.h"

namespace tenet {

namespace {
constexpr int encoded_size(OperandKind a, OperandKind b, OperandKind c) {
    return 1 + operand_size(a) + operand_size(b) + operand_size(c);
}

const OpInfo kOps[] = {
#define OP(name, a, b, c, pop, push, doc)                                                          \
    {#name, {OperandKind::a, OperandKind::b, OperandKind::c},                                      \
     pop,   push,                                                                                  \
     doc,   encoded_size(OperandKind::a, OperandKind::b, OperandKind::c)},
#include "tenet/runtime/opcodes.def"
#undef OP
};
static_assert(sizeof(kOps) / sizeof(kOps[0]) == kOpCount);
} // namespace

const OpInfo& op_info(Op op) {
    return kOps[static_cast<int>(op)];
}

} // namespace tenet
