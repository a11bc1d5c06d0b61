#include "lower_emitter.h"

#include <limits>

namespace tenet::lower {

namespace {

void put_le(std::vector<uint8_t>& code, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) code.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

} // namespace

Emitter::Emitter(Function& fn, uint32_t first_temp, FileIndex file_index, void* ctx)
    : fn_(fn), next_temp_(first_temp), max_temp_(first_temp), file_index_(file_index), ctx_(ctx) {}

void Emitter::emit(Op op, uint32_t a, uint32_t b, uint32_t c) {
    const OpInfo& info = op_info(op);
    auto pc = static_cast<uint32_t>(fn_.code.size());
    if (pos_.valid()) {
        LineEntry e{pc, file_index_(ctx_, pos_.file), pos_.line, pos_.column};
        if (!have_line_ || e.file != last_line_.file || e.line != last_line_.line ||
            e.column != last_line_.column) {
            fn_.lines.push_back(e);
            last_line_ = e;
            have_line_ = true;
        }
    }
    fn_.code.push_back(static_cast<uint8_t>(op));
    const uint32_t operands[3] = {a, b, c};
    size_t end = fn_.code.size() + static_cast<size_t>(info.size - 1);
    for (int i = 0; i < 3; ++i) {
        OperandKind k = info.operands[i];
        int size = operand_size(k);
        if (k == OperandKind::JUMP) {
            if (operands[i] >= labels_.size()) throw LowerError("jump to an unknown label");
            patches_.push_back({fn_.code.size(), end, operands[i]});
            put_le(fn_.code, 0, size);
            continue;
        }
        if (size == 2 && operands[i] > std::numeric_limits<uint16_t>::max())
            throw LowerError(std::string("operand of ") + info.name + " exceeds 65535 (function `" +
                             fn_.name + "` is too large)");
        put_le(fn_.code, operands[i], size);
    }
}

Label Emitter::label() {
    labels_.push_back(-1);
    return Label{static_cast<uint32_t>(labels_.size() - 1)};
}

void Emitter::bind(Label l) {
    labels_[l.id] = static_cast<int64_t>(fn_.code.size());
}

uint32_t Emitter::temp(uint32_t count) {
    uint32_t first = next_temp_;
    next_temp_ += count;
    if (next_temp_ > max_temp_) max_temp_ = next_temp_;
    return first;
}

void Emitter::finish() {
    for (const Patch& p : patches_) {
        int64_t target = labels_[p.label];
        if (target < 0) throw LowerError("jump to a label that was never placed");
        int64_t rel = target - static_cast<int64_t>(p.instr_end);
        auto bits = static_cast<uint32_t>(static_cast<int32_t>(rel));
        for (int i = 0; i < 4; ++i)
            fn_.code[p.operand_at + i] = static_cast<uint8_t>(bits >> (8 * i));
    }
    if (max_temp_ > std::numeric_limits<uint16_t>::max())
        throw LowerError("function `" + fn_.name + "` needs more than 65535 locals");
    fn_.num_locals = static_cast<uint16_t>(max_temp_);
}

} // namespace tenet::lower
