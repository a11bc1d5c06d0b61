// Decoding bytecode into the VM's working form (vm_code.h): one pass to find the
// instructions and the jump targets, one to emit them, fusing the pairs below where no
// jump lands between them, one to turn jump offsets into instruction indices.
#include "tenet/model/interner.h"
#include "tenet/runtime/builtins.h"
#include "vm_code.h"

#include <fmt/format.h>
#include <string_view>

namespace tenet {

namespace {

struct Raw {
    Op op;
    uint32_t pc, end;
    uint32_t operand[3];
};

bool fail(DecodedFunction& out, uint32_t pc, const std::string& what) {
    out.code.clear();
    out.error = fmt::format("internal: function cannot run (pc {}): {}", pc, what);
    return false;
}

bool decode_raw(const Function& fn, std::vector<Raw>& raw, DecodedFunction& out) {
    const auto size = static_cast<uint32_t>(fn.code.size());
    uint32_t pc = 0;
    while (pc < size) {
        uint8_t byte = fn.code[pc];
        if (byte >= kOpCount) return fail(out, pc, fmt::format("unknown opcode {}", byte));
        const OpInfo& info = op_info(static_cast<Op>(byte));
        if (static_cast<uint64_t>(pc) + info.size > size)
            return fail(out, pc, "instruction runs past the end of the code");
        Raw r{static_cast<Op>(byte), pc, pc + static_cast<uint32_t>(info.size), {0, 0, 0}};
        uint32_t at = pc + 1;
        for (int i = 0; i < 3; ++i) {
            int n = operand_size(info.operands[i]);
            uint32_t v = 0;
            for (int b = 0; b < n; ++b) v |= static_cast<uint32_t>(fn.code[at + b]) << (8 * b);
            r.operand[i] = v;
            at += n;
        }
        raw.push_back(r);
        pc = r.end;
    }
    if (raw.empty()) return fail(out, 0, "empty code");
    if (raw.back().op != Op::RETURN && raw.back().op != Op::JUMP)
        return fail(out, raw.back().pc, "code must end with RETURN or JUMP");
    return true;
}

// The instruction a jump operand lands on, as an index into `raw`; -1 if none.
int64_t jump_target(const std::vector<Raw>& raw, const std::vector<int64_t>& at_pc, const Raw& r,
                    uint32_t operand) {
    int64_t to = static_cast<int64_t>(r.end) + static_cast<int32_t>(operand);
    if (to < 0 || to >= static_cast<int64_t>(at_pc.size())) return -1;
    return at_pc[static_cast<size_t>(to)];
}

bool is_literal(Op op) {
    return op == Op::CONST || op == Op::NULL_ || op == Op::TRUE_ || op == Op::FALSE_;
}

uint8_t fused_with_literal(Op second) {
    switch (second) {
    case Op::EQ:
        return X_EQ_K;
    case Op::NE:
        return X_NE_K;
    case Op::LT:
        return X_LT_K;
    case Op::LE:
        return X_LE_K;
    case Op::GT:
        return X_GT_K;
    case Op::GE:
        return X_GE_K;
    case Op::INDEX:
        return X_INDEX_K;
    default:
        return 0;
    }
}

// Bytecode instructions one decoded instruction stands for.
uint32_t members(const Ins& x) {
    if (x.op < kOpCount || x.op == X_MATCHES_LITERAL) return 1u + x.folded;
    return 2u + x.folded; // the other fused instructions are pairs
}

// A regular expression that only says "this text" (optionally anchored at either end),
// as RE2 reads it: printable ASCII without any of RE2's metacharacters.
bool literal_pattern(std::string_view pattern, std::string_view& text, uint16_t& anchoring) {
    bool start = pattern.starts_with('^');
    if (start) pattern.remove_prefix(1);
    bool end = pattern.ends_with('$');
    if (end) pattern.remove_suffix(1);
    for (char ch : pattern)
        if (ch < 0x20 || ch > 0x7e ||
            std::string_view("\\.^$|?*+()[]{}").find(ch) != std::string_view::npos)
            return false;
    text = pattern;
    anchoring = start && end ? kAnchoredBoth
                : start      ? kAnchoredStart
                : end        ? kAnchoredEnd
                             : kAnchoredNone;
    return true;
}

bool is_resource_text(const Ins& load, const Ins& call) {
    if (load.op != static_cast<uint8_t>(Op::LOAD) || load.a != 0 ||
        call.op != static_cast<uint8_t>(Op::CALL_BUILTIN) || call.b != 1 ||
        call.a >= builtin_count())
        return false;
    std::string_view name = builtin_info(call.a).name;
    return name == "address" || name == "to_string";
}

// Recognizes the shapes of vm_code.h.
void find_shape(DecodedFunction& fn) {
    const std::vector<Ins>& c = fn.code;
    if (fn.arity != 1 || c.empty()) return;
    uint32_t count = 0;
    for (const Ins& x : c) count += members(x);
    auto op = [&](size_t i) { return c[i].op; };
    bool field0 = op(0) == X_LOAD_FIELD && c[0].a == 0;
    Shape shape = Shape::None;
    if (field0 && c.size() == 2 && op(1) == X_TRUTH_RETURN)
        shape = Shape::FieldTruth;
    else if (field0 && c.size() == 3 && op(1) == static_cast<uint8_t>(Op::HAS) &&
             op(2) == X_TRUTH_RETURN)
        shape = Shape::FieldHas;
    else if (field0 && c.size() == 3 && op(1) >= X_EQ_K && op(1) <= X_GE_K &&
             op(2) == X_TRUTH_RETURN)
        shape = Shape::FieldCompare;
    else if (c.size() >= 2 && op(c.size() - 1) == static_cast<uint8_t>(Op::RETURN) &&
             op(c.size() - 2) == static_cast<uint8_t>(Op::CONCAT)) {
        size_t parts = 0, i = 0, end = c.size() - 2;
        while (i < end) {
            if (op(i) == static_cast<uint8_t>(Op::CONST) && c[i].folded == 0 &&
                c[i].k.is(Kind::String))
                i += 1;
            else if (op(i) == X_LOAD_FIELD && c[i].a == 0)
                i += 1;
            else if (i + 1 < end && is_resource_text(c[i], c[i + 1]))
                i += 2;
            else
                return;
            ++parts;
        }
        if (parts == c[end].a) shape = Shape::Template;
    }
    fn.shape = shape;
    fn.instructions = count;
}

} // namespace

void decode_function(const Program& program, uint32_t index, DecodedFunction& out) {
    const Function& fn = program.functions[index];
    out.index = index;
    out.frame = fn.num_locals + fn.max_stack + 1u;
    out.arity = fn.arity;
    out.num_locals = fn.num_locals;
    out.max_stack = fn.max_stack;
    out.code.clear();
    out.error.clear();

    std::vector<Raw> raw;
    if (!decode_raw(fn, raw, out)) return;
    std::vector<int64_t> at_pc(fn.code.size(), -1); // pc -> index into raw
    for (size_t i = 0; i < raw.size(); ++i) at_pc[raw[i].pc] = static_cast<int64_t>(i);

    // Unpack operands; note which instructions are jump targets.
    std::vector<Ins> ins(raw.size());
    std::vector<char> target(raw.size(), 0);
    for (size_t i = 0; i < raw.size(); ++i) {
        const Raw& r = raw[i];
        const OpInfo& info = op_info(r.op);
        Ins& x = ins[i];
        x.op = static_cast<uint8_t>(r.op);
        bool have_constant = false;
        for (int j = 0; j < 3; ++j) {
            uint32_t v = r.operand[j];
            switch (info.operands[j]) {
            case OperandKind::NONE:
                break;
            case OperandKind::CONST:
            case OperandKind::STR:
                if (v >= program.constants.size())
                    return (void)fail(out, r.pc, fmt::format("no constant {}", v));
                if (info.operands[j] == OperandKind::STR && !program.constants[v].is(Kind::String))
                    return (void)fail(out, r.pc, fmt::format("constant {} is not a string", v));
                if (!have_constant)
                    x.k = program.constants[v];
                else
                    x.b = v; // RELATION's attribute
                have_constant = true;
                break;
            case OperandKind::REGEX:
                x.b = v;
                break;
            case OperandKind::LOCAL:
            case OperandKind::GLOBAL:
            case OperandKind::FUNC:
            case OperandKind::BUILTIN:
            case OperandKind::COUNT:
                if (j == 0)
                    x.a = static_cast<uint16_t>(v);
                else
                    x.b = v;
                break;
            case OperandKind::JUMP: {
                int64_t t = jump_target(raw, at_pc, r, v);
                if (t < 0) return (void)fail(out, r.pc, "jump between instructions");
                x.target = static_cast<uint32_t>(t); // an index into raw until remapped
                target[static_cast<size_t>(t)] = 1;
                break;
            }
            }
        }
        std::string_view literal;
        if (r.op == Op::MATCHES && x.b < program.regex_sources.size() &&
            literal_pattern(program.regex_sources[x.b], literal, x.a)) {
            x.op = X_MATCHES_LITERAL;
            x.k = Value::string(intern(literal));
        }
        if (r.op == Op::NULL_) x.k = Value::null();
        if (r.op == Op::TRUE_) x.k = Value::boolean(true);
        if (r.op == Op::FALSE_) x.k = Value::boolean(false);
    }

    // Fold CONST x; CONST y; OP over two numbers into one CONST (when no jump lands on
    // the second or third), leaving the folded instructions behind as NOPs that the
    // emitting pass below skips.
    std::vector<char> skip(raw.size(), 0);
    for (size_t i = 0; i + 2 < raw.size(); ++i) {
        if (raw[i].op != Op::CONST || raw[i + 1].op != Op::CONST || target[i + 1] ||
            target[i + 2] || skip[i] || !ins[i].k.is(Kind::Number) ||
            !ins[i + 1].k.is(Kind::Number))
            continue;
        Value folded;
        // number_op() does not fold DIV or MOD, which can fail.
        if (!number_op(raw[i + 2].op, ins[i].k.as_number(), ins[i + 1].k.as_number(), folded))
            continue;
        ins[i].k = folded;
        ins[i].folded = 2;
        skip[i + 1] = skip[i + 2] = 1;
        // The folded constant may be the first operand of a following CONST; CONST; OP.
    }

    // Emit, fusing pairs whose second member no jump lands on.
    std::vector<uint32_t> new_index(raw.size(), 0);
    out.code.reserve(raw.size());
    auto next_kept = [&](size_t i) {
        size_t j = i + 1;
        while (j < raw.size() && skip[j]) ++j;
        return j;
    };
    for (size_t i = 0; i < raw.size(); ++i) {
        new_index[i] = static_cast<uint32_t>(out.code.size());
        if (skip[i]) continue; // folded into the CONST before it: never a jump target
        Ins x = ins[i];
        size_t j = next_kept(i);
        if (j < raw.size() && !target[j]) {
            Op first = raw[i].op, second = raw[j].op;
            const Ins& y = ins[j];
            uint8_t fused = 0;
            if (first == Op::LOAD && second == Op::FIELD) {
                fused = X_LOAD_FIELD;
                x.k = y.k;
            } else if (is_literal(first) && fused_with_literal(second)) {
                fused = fused_with_literal(second);
            } else if (first == Op::TRUTH && second == Op::RETURN) {
                fused = X_TRUTH_RETURN;
            } else if ((first == Op::QUANT_SOME || first == Op::QUANT_ALL) && second == Op::JUMP) {
                fused = first == Op::QUANT_SOME ? X_QUANT_SOME_JUMP : X_QUANT_ALL_JUMP;
                x.b = y.target; // the loop's head; the quantifier keeps its own target
            } else if (first == Op::QUANT_COUNT && second == Op::JUMP) {
                fused = X_QUANT_COUNT_JUMP;
                x.target = y.target;
            }
            if (fused) {
                x.op = fused;
                for (size_t m = i + 1; m <= j; ++m) new_index[m] = new_index[i]; // never targets
                out.code.push_back(x);
                i = j;
                continue;
            }
        }
        out.code.push_back(x);
    }
    for (Ins& x : out.code)
        if (x.op < kOpCount) {
            const OpInfo& info = op_info(static_cast<Op>(x.op));
            for (OperandKind k : info.operands)
                if (k == OperandKind::JUMP) x.target = new_index[x.target];
        } else if (x.op == X_QUANT_SOME_JUMP || x.op == X_QUANT_ALL_JUMP) {
            x.target = new_index[x.target];
            x.b = new_index[x.b];
        } else if (x.op == X_QUANT_COUNT_JUMP) {
            x.target = new_index[x.target];
        }
    out.ok = true;
    find_shape(out);
}

} // namespace tenet
