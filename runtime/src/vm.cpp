// The dispatch loop. Written once against the CASE/NEXT/JUMP_BY macros, which become
// computed goto or a switch (vm_config.h). Operand encodings and stack effects are
// those of opcodes.def; value operations live in vm_ops.cpp.
//
// Decisions where opcodes.def leaves room (the reference evaluator agrees):
// - JUMP_IF_UNKNOWN follows its doc, not its pop/push columns: an unknown top is kept
//   and jumped over, anything else is popped (lowering DUPs the condition first).
// - JUMP_IF_FALSE falls through on unknown (lowering tests JUMP_IF_UNKNOWN first).
// - AND_TEST / OR_TEST convert the top to a truth (null -> false, non-boolean -> error)
//   whether or not they jump, so AND / OR see truths on both sides.
// - QUANT_SOME / QUANT_ALL / QUANT_COUNT keep the FIRST unknown they meet (the shared
//   rule "first reason kept"); once a count is unknown, later trues leave it unknown.
// - ITER_INIT over null iterates nothing; over a map, its values in key order (bytewise),
//   the order every other map walk uses.
// - PROJECT_INIT stores a handle to a VM-owned buffer in the local; buffers are used as
//   a stack (projections nest), and PROJECT_END releases its buffer and any above it.
#include "vm.h"

#include "builtins_internal.h"
#include "tenet/runtime/bytecode.h"
#include "vm_config.h"

#include <cstdio>
#include <fmt/format.h>
#include <re2/re2.h>

namespace tenet {

Vm::Vm(const Program& program, const Model* model, const std::vector<Value>* globals,
       VmLimits limits)
    : program_(program), model_(model), globals_(globals), limits_(limits) {
    slots_.resize(256);
}

void Vm::fail(std::string message) {
    if (!failed_) error_ = std::move(message); // the first error is the cause
    failed_ = true;
}

void Vm::begin_evaluation() {
    arena_.reset();
    arena_.set_cap(limits_.memory_cap);
    total_instructions_ += executed_;
    executed_ = 0;
    failed_ = false;
    error_.clear();
    projections_used_ = 0;
    projected_values_ = 0;
}

bool Vm::call(uint32_t fn, std::span<const Value> args, Value& result) {
    if (fn >= program_.functions.size() || args.size() != program_.functions[fn].arity) {
        fail("internal: bad call of function " + std::to_string(fn));
        return false;
    }
    if (slots_.size() < args.size()) slots_.resize(args.size());
    std::copy(args.begin(), args.end(), slots_.begin());
    return execute(fn, 0, 0, result);
}

namespace {

inline uint16_t read_u16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] | p[1] << 8);
}
inline uint32_t read_u32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
           static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
inline int32_t read_i32(const uint8_t* p) {
    return static_cast<int32_t>(read_u32(p));
}

// The buffer index a PROJECT_* local holds, or SIZE_MAX when it holds something else.
inline size_t projection_handle(const Value& v) {
    if (!v.is(Kind::Number) || !(v.as_number() >= 0 && v.as_number() < 1e9)) return SIZE_MAX;
    return static_cast<size_t>(v.as_number());
}

// Encoded sizes as compile-time constants (op_info() is a table lookup at run time).
#define OP(name, a, b, c, pop, push, doc)                                                          \
    constexpr int kOpSize_##name = 1 + operand_size(OperandKind::a) +                              \
                                   operand_size(OperandKind::b) + operand_size(OperandKind::c);
#include "tenet/runtime/opcodes.def"
#undef OP

} // namespace

bool Vm::execute(uint32_t fn_index, size_t base, int depth, Value& result) {
    const Function& fn = program_.functions[fn_index];
    size_t need = base + fn.num_locals + fn.max_stack + 1;
    if (slots_.size() < need) slots_.resize(need); // callers re-derive their pointers after CALL
    Value* locals = slots_.data() + base;
    for (size_t i = fn.arity; i < fn.num_locals; ++i) locals[i] = Value::null();
    Value* sp = locals + fn.num_locals; // next free operand slot
    const uint8_t* pc = fn.code.data();
    const uint64_t budget = limits_.instruction_budget;
    uint64_t executed = executed_;
    const std::vector<Value>& constants = program_.constants;

    // ---- dispatch machinery ----
#define A_U16 read_u16(pc + 1)
#define A_U32 read_u32(pc + 1)
#define B_U16 read_u16(pc + 3)
#define OP_SIZE(name) kOpSize_##name
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        if (!(expr)) goto failure;                                                                 \
    } while (0)

#if TENET_VM_TRACE
#define TRACE()                                                                                    \
    std::fprintf(stderr, "[vm] %s +%zu %s depth=%zu\n", fn.name.c_str(),                           \
                 static_cast<size_t>(pc - fn.code.data()),                                         \
                 *pc < kOpCount ? op_info(static_cast<Op>(*pc)).name : "?",                        \
                 static_cast<size_t>(sp - (locals + fn.num_locals)))
#else
#define TRACE() ((void)0)
#endif

#if TENET_VM_COMPUTED_GOTO
    static void* const kLabels[] = {
#define OP(name, a, b, c, pop, push, doc) &&L_##name,
#include "tenet/runtime/opcodes.def"
#undef OP
    };
#define DISPATCH()                                                                                 \
    do {                                                                                           \
        if (++executed > budget) goto budget_exhausted;                                            \
        if (*pc >= kOpCount) goto bad_opcode;                                                      \
        TRACE();                                                                                   \
        goto* kLabels[*pc];                                                                        \
    } while (0)
#define CASE(name) L_##name:
#else
#define DISPATCH() goto dispatch
#define CASE(name) case Op::name:
#endif
#define NEXT(name)                                                                                 \
    do {                                                                                           \
        pc += OP_SIZE(name);                                                                       \
        DISPATCH();                                                                                \
    } while (0)
    // Jumps are relative to the end of the jumping instruction.
#define JUMP_BY(name, offset)                                                                      \
    do {                                                                                           \
        pc += OP_SIZE(name) + (offset);                                                            \
        DISPATCH();                                                                                \
    } while (0)

#if TENET_VM_COMPUTED_GOTO
    DISPATCH();
#else
dispatch:
    if (++executed > budget) goto budget_exhausted;
    if (*pc >= kOpCount) goto bad_opcode;
    TRACE();
    switch (static_cast<Op>(*pc)) {
#endif

    CASE(NOP) NEXT(NOP);
    CASE(CONST) {
        *sp++ = constants[A_U32];
        NEXT(CONST);
    }
    CASE(NULL_) {
        *sp++ = Value::null();
        NEXT(NULL_);
    }
    CASE(TRUE_) {
        *sp++ = Value::boolean(true);
        NEXT(TRUE_);
    }
    CASE(FALSE_) {
        *sp++ = Value::boolean(false);
        NEXT(FALSE_);
    }
    CASE(POP) {
        --sp;
        NEXT(POP);
    }
    CASE(DUP) {
        sp[0] = sp[-1];
        ++sp;
        NEXT(DUP);
    }
    CASE(LOAD) {
        *sp++ = locals[A_U16];
        NEXT(LOAD);
    }
    CASE(STORE) {
        locals[A_U16] = *--sp;
        NEXT(STORE);
    }
    CASE(GLOBAL) {
        uint16_t g = A_U16;
        if (!globals_ || g >= globals_->size()) {
            fail(fmt::format("`{}` is read before it is initialized", g < program_.globals.size()
                                                                          ? program_.globals[g].name
                                                                          : std::to_string(g)));
            goto failure;
        }
        *sp++ = (*globals_)[g];
        NEXT(GLOBAL);
    }
    CASE(STACK) {
        *sp++ = model_ ? model_->stack : Value::null();
        NEXT(STACK);
    }
    CASE(FIELD) {
        Value r;
        TRY(field(sp[-1], constants[A_U32].as_string(), r));
        sp[-1] = r;
        NEXT(FIELD);
    }
    CASE(INDEX) {
        Value r;
        TRY(index(sp[-2], sp[-1], r));
        --sp;
        sp[-1] = r;
        NEXT(INDEX);
    }
    CASE(MAP_VALUES) {
        Value r;
        TRY(map_values(sp[-1], r));
        sp[-1] = r;
        NEXT(MAP_VALUES);
    }
    CASE(LIST) {
        uint16_t n = A_U16;
        Value r;
        TRY(make_list(std::span<const Value>(sp - n, n), r));
        sp -= n;
        *sp++ = r;
        NEXT(LIST);
    }
    CASE(MAP) {
        uint16_t n = A_U16;
        Value r;
        TRY(make_map(std::span<const Value>(sp - 2 * n, 2 * n), r));
        sp -= 2 * n;
        *sp++ = r;
        NEXT(MAP);
    }
    CASE(CONCAT) {
        uint16_t n = A_U16;
        Value r;
        TRY(concat(std::span<const Value>(sp - n, n), r));
        sp -= n;
        *sp++ = r;
        NEXT(CONCAT);
    }
    CASE(NEG) {
        Value r;
        TRY(negate(sp[-1], r));
        sp[-1] = r;
        NEXT(NEG);
    }
#define BINARY(name, method)                                                                       \
    CASE(name) {                                                                                   \
        Value r;                                                                                   \
        TRY(method(static_cast<int>(Op::name), sp[-2], sp[-1], r));                                \
        --sp;                                                                                      \
        sp[-1] = r;                                                                                \
        NEXT(name);                                                                                \
    }
    BINARY(ADD, arith)
    BINARY(SUB, arith)
    BINARY(MUL, arith)
    BINARY(DIV, arith)
    BINARY(MOD, arith)
    BINARY(EQ, compare)
    BINARY(NE, compare)
    BINARY(LT, compare)
    BINARY(LE, compare)
    BINARY(GT, compare)
    BINARY(GE, compare)
#undef BINARY
    CASE(IN) {
        Value r;
        TRY(in(sp[-2], sp[-1], r));
        --sp;
        sp[-1] = r;
        NEXT(IN);
    }
    CASE(MATCHES) {
        uint32_t i = A_U32;
        const re2::RE2* re = i < program_.regexes.size() ? program_.regexes[i].get() : nullptr;
        if (!re) {
            // A program whose regexes were not compiled yet: compile on first use.
            std::string error;
            re = i < program_.regex_sources.size() ? cached_regex(program_.regex_sources[i], error)
                                                   : nullptr;
            if (!re) {
                fail(error.empty() ? "internal: no regular expression " + std::to_string(i)
                                   : error);
                goto failure;
            }
        }
        Value r;
        TRY(match(sp[-1], *re, r));
        sp[-1] = r;
        NEXT(MATCHES);
    }
    CASE(MATCHES_DYN) {
        Value r;
        TRY(match_dynamic(sp[-2], sp[-1], r));
        --sp;
        sp[-1] = r;
        NEXT(MATCHES_DYN);
    }
    CASE(NOT) {
        Value t;
        TRY(truth(sp[-1], t));
        sp[-1] = t.is_unknown() ? t : Value::boolean(!t.as_bool());
        NEXT(NOT);
    }
    CASE(TRUTH) {
        TRY(truth(sp[-1], sp[-1]));
        NEXT(TRUTH);
    }
    CASE(AND_TEST) {
        Value t;
        TRY(truth(sp[-1], t));
        sp[-1] = t;
        if (t.is(Kind::Bool) && !t.as_bool()) JUMP_BY(AND_TEST, read_i32(pc + 1));
        NEXT(AND_TEST);
    }
    CASE(OR_TEST) {
        Value t;
        TRY(truth(sp[-1], t));
        sp[-1] = t;
        if (t.is(Kind::Bool) && t.as_bool()) JUMP_BY(OR_TEST, read_i32(pc + 1));
        NEXT(OR_TEST);
    }
    CASE(AND) {
        Value a, b;
        TRY(truth(sp[-2], a));
        TRY(truth(sp[-1], b));
        --sp;
        if (a.is(Kind::Bool) && !a.as_bool())
            sp[-1] = a;
        else if (b.is(Kind::Bool) && !b.as_bool())
            sp[-1] = b;
        else if (a.is_unknown())
            sp[-1] = a;
        else
            sp[-1] = b; // true, or b's unknown
        NEXT(AND);
    }
    CASE(OR) {
        Value a, b;
        TRY(truth(sp[-2], a));
        TRY(truth(sp[-1], b));
        --sp;
        if (a.is(Kind::Bool) && a.as_bool())
            sp[-1] = a;
        else if (b.is(Kind::Bool) && b.as_bool())
            sp[-1] = b;
        else if (a.is_unknown())
            sp[-1] = a;
        else
            sp[-1] = b; // false, or b's unknown
        NEXT(OR);
    }
    CASE(COALESCE_TEST) {
        if (!sp[-1].is_null()) JUMP_BY(COALESCE_TEST, read_i32(pc + 1));
        --sp;
        NEXT(COALESCE_TEST);
    }
    CASE(JUMP) {
        JUMP_BY(JUMP, read_i32(pc + 1));
    }
    CASE(JUMP_IF_FALSE) {
        Value t;
        TRY(truth(*--sp, t));
        if (t.is(Kind::Bool) && !t.as_bool()) JUMP_BY(JUMP_IF_FALSE, read_i32(pc + 1));
        NEXT(JUMP_IF_FALSE);
    }
    CASE(JUMP_IF_UNKNOWN) {
        if (sp[-1].is_unknown()) JUMP_BY(JUMP_IF_UNKNOWN, read_i32(pc + 1));
        --sp;
        NEXT(JUMP_IF_UNKNOWN);
    }
    CASE(ITER_INIT) {
        uint16_t it = A_U16;
        Value coll = *--sp;
        if (coll.is_unknown()) {
            *sp++ = coll;
            JUMP_BY(ITER_INIT, read_i32(pc + 3));
        }
        if (coll.is_null()) {
            coll = Value::list(empty_list());
        } else if (coll.is(Kind::Map)) {
            TRY(map_values(coll, coll));
        } else if (!coll.is(Kind::List)) {
            fail("cannot iterate over " + kind_phrase(coll.kind()));
            goto failure;
        }
        locals[it] = coll;
        locals[it + 1] = Value::number(0);
        NEXT(ITER_INIT);
    }
    CASE(ITER_NEXT) {
        uint16_t it = A_U16;
        const Value& coll = locals[it];
        const Value& pos = locals[it + 1];
        if (!coll.is(Kind::List) || !pos.is(Kind::Number)) {
            fail("internal: ITER_NEXT without ITER_INIT");
            goto failure;
        }
        double at = pos.as_number();
        if (!(at >= 0 && at < coll.as_list()->size)) JUMP_BY(ITER_NEXT, read_i32(pc + 5));
        uint32_t i = static_cast<uint32_t>(at);
        locals[B_U16] = coll.as_list()->items()[i];
        locals[it + 1] = Value::number(i + 1);
        NEXT(ITER_NEXT);
    }
    CASE(QUANT_SOME) {
        Value t;
        Value& acc = locals[A_U16];
        TRY(truth(*--sp, t));
        if (t.is(Kind::Bool) && t.as_bool()) {
            acc = t;
            JUMP_BY(QUANT_SOME, read_i32(pc + 3));
        }
        if (t.is_unknown() && !acc.is_unknown()) acc = t;
        NEXT(QUANT_SOME);
    }
    CASE(QUANT_ALL) {
        Value t;
        Value& acc = locals[A_U16];
        TRY(truth(*--sp, t));
        if (t.is(Kind::Bool) && !t.as_bool()) {
            acc = t;
            JUMP_BY(QUANT_ALL, read_i32(pc + 3));
        }
        if (t.is_unknown() && !acc.is_unknown()) acc = t;
        NEXT(QUANT_ALL);
    }
    CASE(QUANT_COUNT) {
        Value t;
        Value& acc = locals[A_U16];
        TRY(truth(*--sp, t));
        if (t.is_unknown()) {
            if (!acc.is_unknown()) acc = t;
        } else if (t.as_bool() && acc.is(Kind::Number)) {
            acc = Value::number(acc.as_number() + 1);
        }
        NEXT(QUANT_COUNT);
    }
    CASE(PROJECT_INIT) {
        if (projections_used_ == projections_.size()) projections_.emplace_back();
        projections_[projections_used_].clear();
        locals[A_U16] = Value::number(static_cast<double>(projections_used_++));
        NEXT(PROJECT_INIT);
    }
    CASE(PROJECT_PUSH) {
        const Value& handle = locals[A_U16];
        size_t h = projection_handle(handle);
        if (h >= projections_used_) {
            fail("internal: PROJECT_PUSH without PROJECT_INIT");
            goto failure;
        }
        ++projected_values_;
        if (limits_.memory_cap &&
            arena_.used() + projected_values_ * sizeof(Value) > limits_.memory_cap) {
            out_of_memory();
            goto failure;
        }
        projections_[h].push_back(*--sp);
        NEXT(PROJECT_PUSH);
    }
    CASE(PROJECT_END) {
        const Value& handle = locals[A_U16];
        size_t h = projection_handle(handle);
        if (h >= projections_used_) {
            fail("internal: PROJECT_END without PROJECT_INIT");
            goto failure;
        }
        Value r;
        TRY(make_list(projections_[h], r));
        for (size_t k = h; k < projections_used_; ++k) projected_values_ -= projections_[k].size();
        projections_used_ = h;
        *sp++ = r;
        NEXT(PROJECT_END);
    }
    CASE(CALL) {
        uint16_t callee = A_U16;
        if (depth + 1 > kMaxCallDepth) {
            fail(fmt::format("call depth limit of {} exceeded", kMaxCallDepth));
            goto failure;
        }
        uint16_t arity = program_.functions[callee].arity;
        size_t callee_base = static_cast<size_t>(sp - slots_.data()) - arity;
        Value r;
        executed_ = executed;
        if (!execute(callee, callee_base, depth + 1, r)) return false;
        executed = executed_;
        // The callee may have grown slots_: re-derive this frame's pointers.
        locals = slots_.data() + base;
        sp = slots_.data() + callee_base;
        *sp++ = r;
        NEXT(CALL);
    }
    CASE(CALL_BUILTIN) {
        uint16_t n = B_U16;
        Value r;
        TRY(call_builtin(A_U16, std::span<const Value>(sp - n, n), r));
        sp -= n;
        *sp++ = r;
        NEXT(CALL_BUILTIN);
    }
    CASE(RELATION) {
        Value r;
        TRY(relation(sp[-1], constants[A_U32].as_string(), constants[read_u32(pc + 5)].as_string(),
                     r));
        sp[-1] = r;
        NEXT(RELATION);
    }
    CASE(REFERENCES) {
        Value r;
        TRY(references(sp[-1], constants[A_U32].as_view(), r));
        sp[-1] = r;
        NEXT(REFERENCES);
    }
    CASE(HAS) {
        sp[-1] = Value::boolean(!sp[-1].is_null());
        NEXT(HAS);
    }
    CASE(RETURN) {
        result = sp[-1];
        executed_ = executed;
        return true;
    }

#if !TENET_VM_COMPUTED_GOTO
default:
    goto bad_opcode;
}
#endif

bad_opcode : fail(fmt::format("internal: invalid opcode {}", *pc));
goto failure;
budget_exhausted : fail(fmt::format("instruction budget of {} exhausted", budget));
failure : executed_ = executed;
return false;

#undef A_U16
#undef A_U32
#undef B_U16
#undef OP_SIZE
#undef TRY
#undef DISPATCH
#undef CASE
#undef NEXT
#undef JUMP_BY
#undef TRACE
}

} // namespace tenet
