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
#include "vm_code.h"
#include "vm_config.h"
#include "vm_inline.h"

#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <re2/re2.h>
#include <type_traits>

namespace tenet {

Vm::Vm(const Program& program, const Model* model, const std::vector<Value>* globals,
       VmLimits limits)
    : program_(program), model_(model), globals_(globals), limits_(limits) {
    arena_.set_cap(limits_.memory_cap);
    slots_.resize(256);
}

Vm::~Vm() = default;

// The rarely taken ways out of execute(), kept out of it so that its hot paths stay small.
void Vm::fail_cold(const char* what) {
    fail(what);
}

void Vm::fail_cold(const char* what, Kind kind, const char* after) {
    fail(what + kind_phrase(kind) + after);
}

void Vm::fail_uninitialized(uint16_t g) {
    fail(fmt::format("`{}` is read before it is initialized",
                     g < program_.globals.size() ? program_.globals[g].name : std::to_string(g)));
}

void Vm::fail_call_depth() {
    fail(fmt::format("call depth limit of {} exceeded", kMaxCallDepth));
}

void Vm::fail_budget() {
    fail(fmt::format("instruction budget of {} exhausted", limits_.instruction_budget));
}

// A program whose regexes were not compiled yet: compile on first use.
const re2::RE2* Vm::uncompiled_regex(uint32_t i) {
    std::string error;
    const re2::RE2* re = i < program_.regex_sources.size()
                             ? cached_regex(program_.regex_sources[i], error)
                             : nullptr;
    if (!re) fail(error.empty() ? "internal: no regular expression " + std::to_string(i) : error);
    return re;
}

void Vm::fail(std::string message) {
    if (!failed_) error_ = std::move(message); // the first error is the cause
    failed_ = true;
}

bool Vm::call(uint32_t fn, std::span<const Value> args, Value& result) {
    if (fn >= program_.functions.size() || args.size() != decoded(fn)->arity) {
        fail("internal: bad call of function " + std::to_string(fn));
        return false;
    }
    if (slots_.size() < args.size()) slots_.resize(args.size());
    std::copy(args.begin(), args.end(), slots_.begin());
    return execute(*decoded(fn), 0, 0, result);
}

bool Vm::call_text(uint32_t fn, std::span<const Value> args, std::string& out) {
    if (args.size() == 1)
        if (const DecodedFunction* d = runnable1(fn);
            d && d->shape == Shape::Template &&
            executed_ + d->instructions <= limits_.instruction_budget &&
            render_template(*d, args[0], out))
            return true;
    size_t mark = out.size();
    text_out_ = &out;
    text_done_ = false;
    Value r;
    bool ok = call(fn, args, r);
    text_out_ = nullptr;
    if (ok && text_done_) return true;
    out.resize(mark);
    if (!ok || !r.is(Kind::String)) return false;
    out += r.as_view();
    return true;
}

namespace {

// Whether the bytes at `at` are `literal`'s. A literal pattern is short and most texts
// differ from it in the first bytes: compared here, without a call to memcmp.
inline bool same_bytes(const char* at, std::string_view literal) {
    for (size_t i = 0; i < literal.size(); ++i)
        if (at[i] != literal[i]) return false;
    return true;
}

// The buffer index a PROJECT_* local holds, or SIZE_MAX when it holds something else.
inline size_t projection_handle(const Value& v) {
    if (!v.is(Kind::Number) || !(v.as_number() >= 0 && v.as_number() < 1e9)) return SIZE_MAX;
    return static_cast<size_t>(v.as_number());
}

// One quantifier step on the truth `t`, into the accumulator `acc`: SOME stops at a
// true, ALL at a false (true: the step decided the quantifier, jump out); otherwise the
// first unknown is kept, and COUNT counts the trues until it meets an unknown.
inline bool quant_step(Op op, const Value& t, Value& acc) {
    if (op == Op::QUANT_COUNT) {
        if (t.is_unknown()) {
            if (!acc.is_unknown()) acc = t;
        } else if (t.as_bool() && acc.is(Kind::Number)) {
            acc = Value::number(acc.as_number() + 1);
        }
        return false;
    }
    if (t.is(Kind::Bool) && t.as_bool() == (op == Op::QUANT_SOME)) {
        acc = t;
        return true;
    }
    if (t.is_unknown() && !acc.is_unknown()) acc = t;
    return false;
}

} // namespace

// The program is immutable while a Vm runs it, so a function is decoded once; the
// table grows with the program (tests assemble functions after making the Vm).
const DecodedFunction* Vm::decode(uint32_t fn) {
    if (fn >= decoded_.size()) decoded_.resize(program_.functions.size(), nullptr);
    auto& owned = decoded_owner_.emplace_back(std::make_unique<DecodedFunction>());
    decode_function(program_, fn, *owned);
    return decoded_[fn] = owned.get();
}

// FIELD's slow path, when the entry its site last found is not the name's: a pointer
// scan of the first entries (interned keys), then a lookup as field() does. Remembers
// where the name was found.
bool Vm::field_search(const MapObj* m, Ins& ins, Value& out) {
    const MapEntry* e = m->entries();
    const StrObj* name = ins.k.as_string();
    for (uint32_t i = 0; i < m->size && i < 8; ++i)
        if (e[i].key == name) {
            ins.hint = i;
            return out = e[i].value, true;
        }
    const Value* v = m->find(name);
    if (!v) return out = Value::null(), true;
    ins.hint = static_cast<uint32_t>(
        (reinterpret_cast<const char*>(v) - reinterpret_cast<const char*>(e)) / sizeof(MapEntry));
    return out = *v, true;
}

// The parts as the interpreter would push them, appended to `out` as they come; false
// (out as it was, nothing counted) for anything the interpreter would treat differently:
// then it runs the template.
bool Vm::render_template(const DecodedFunction& fn, const Value& self, std::string& out) {
    if (!self.is(Kind::Resource) || !model_ ||
        self.resource_index() * sizeof(Resource) >= resources_bytes())
        return false;
    const StrObj* address = model_->resources[self.resource_index()].address;
    const size_t mark = out.size();
    const Ins* c = fn.code.data();
    const size_t end = fn.code.size() - 2; // CONCAT, RETURN
    // The text's size, or near it (a field's text is guessed): one allocation, usually.
    size_t size = mark;
    for (size_t i = 0; i < end; ++i) {
        if (c[i].op == static_cast<uint8_t>(Op::CONST)) {
            size += c[i].k.as_string()->size;
        } else if (c[i].op == X_LOAD_FIELD) {
            size += 16;
        } else {
            size += address ? address->size : 0;
            ++i;
        }
    }
    out.reserve(size);
    for (size_t i = 0; i < end; ++i) {
        if (c[i].op == static_cast<uint8_t>(Op::CONST)) {
            const StrObj* s = c[i].k.as_string();
            out.append(s->data(), s->size);
        } else if (c[i].op == X_LOAD_FIELD) {
            Value v;
            if (!field_cached(self, const_cast<Ins&>(c[i]), v) || v.is_unknown()) {
                out.resize(mark);
                return false;
            }
            append_string_form(out, v, model_);
        } else { // LOAD 0; CALL_BUILTIN address
            if (!address) {
                out.resize(mark);
                return false;
            }
            out.append(address->data(), address->size);
            ++i;
        }
    }
    size_t bytes = sizeof(StrObj) + (out.size() - mark) + 1;
    if (limits_.memory_cap && arena_.used() + bytes > limits_.memory_cap) {
        out.resize(mark); // the interpreter reports the cap
        return false;
    }
    executed_ += fn.instructions;
    return true;
}

// Trace mode (Trace = true, vm_trace.cpp): the same semantics, and the result of each
// comparison, test and builtin carries the provenance of the operand it came from
// (borrow()), so the function's result names the model value that decided it.
template <bool Trace>
bool Vm::execute(const DecodedFunction& fn, size_t base, int depth, Value& result) {
    if (!fn.ok) {
        fail(fn.error);
        return false;
    }
    size_t need = base + fn.frame;
    if (slots_.size() < need) slots_.resize(need); // callers re-derive their pointers after CALL
    Value* locals = slots_.data() + base;
    // The other locals start null. Functions have few locals: stored one by one, which
    // costs less than a call to memset.
    for (Value *p = locals + fn.arity, *end = locals + fn.num_locals; p < end; ++p) {
        *p = Value();
#if defined(__GNUC__)
        asm("" : : "r"(p) : "memory"); // keeps the loop a loop, not a memset call
#endif
    }
    Value* sp = locals + fn.num_locals; // next free operand slot
    // The decoded code is this Vm's own: FIELD writes its inline cache into it.
    Ins* const code = const_cast<Ins*>(fn.code.data());
    Ins* ip = code;
    const uint64_t budget = limits_.instruction_budget;
    uint64_t executed = executed_;

    // ---- dispatch machinery ----
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        if (!(expr)) goto failure;                                                                 \
    } while (0)
    // A fused instruction's later members count against the budget as they did alone.
#define COUNT()                                                                                    \
    do {                                                                                           \
        if (++executed > budget) goto budget_exhausted;                                            \
    } while (0)
    // The instructions folded into a literal (vm_code.h) ran before it: none can fail.
#define COUNT_FOLDED()                                                                             \
    do {                                                                                           \
        if ((executed += ip->folded) > budget) {                                                   \
            executed = budget + 1; /* where the plain instructions would have stopped */           \
            goto budget_exhausted;                                                                 \
        }                                                                                          \
    } while (0)

#if TENET_VM_TRACE
#define TRACE()                                                                                    \
    std::fprintf(stderr, "[vm] %s #%zu %s depth=%zu\n", program_.functions[fn.index].name.c_str(), \
                 static_cast<size_t>(ip - code),                                                   \
                 ip->op < kOpCount ? op_info(static_cast<Op>(ip->op)).name : "(fused)",            \
                 static_cast<size_t>(sp - (locals + fn.num_locals)))
#else
#define TRACE() ((void)0)
#endif

#if TENET_VM_COMPUTED_GOTO
    static void* const kLabels[] = {
#define OP(name, a, b, c, pop, push, doc) &&L_##name,
#include "tenet/runtime/opcodes.def"
#undef OP
        &&LX_X_LOAD_FIELD,
        &&LX_X_EQ_K,
        &&LX_X_NE_K,
        &&LX_X_LT_K,
        &&LX_X_LE_K,
        &&LX_X_GT_K,
        &&LX_X_GE_K,
        &&LX_X_INDEX_K,
        &&LX_X_TRUTH_RETURN,
        &&LX_X_MATCHES_LITERAL,
        &&LX_X_QUANT_SOME_JUMP,
        &&LX_X_QUANT_ALL_JUMP,
        &&LX_X_QUANT_COUNT_JUMP,
    };
    static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == kXOpEnd);
#define DISPATCH()                                                                                 \
    do {                                                                                           \
        COUNT();                                                                                   \
        TRACE();                                                                                   \
        goto* kLabels[ip->op];                                                                     \
    } while (0)
#define CASE(name) L_##name:
#define XCASE(name) LX_##name:
#else
#define DISPATCH() goto dispatch
#define CASE(name) case static_cast<uint8_t>(Op::name):
#define XCASE(name) case name:
#endif
#define NEXT()                                                                                     \
    do {                                                                                           \
        ++ip;                                                                                      \
        DISPATCH();                                                                                \
    } while (0)
#define JUMP()                                                                                     \
    do {                                                                                           \
        ip = code + ip->target;                                                                    \
        DISPATCH();                                                                                \
    } while (0)

#if TENET_VM_COMPUTED_GOTO
    DISPATCH();
#else
dispatch:
    COUNT();
    TRACE();
    switch (ip->op) {
#endif

    CASE(NOP) NEXT();
    CASE(CONST) {
        COUNT_FOLDED();
        *sp++ = ip->k;
        NEXT();
    }
    CASE(NULL_) {
        *sp++ = Value::null();
        NEXT();
    }
    CASE(TRUE_) {
        *sp++ = Value::boolean(true);
        NEXT();
    }
    CASE(FALSE_) {
        *sp++ = Value::boolean(false);
        NEXT();
    }
    CASE(POP) {
        --sp;
        NEXT();
    }
    CASE(DUP) {
        sp[0] = sp[-1];
        ++sp;
        NEXT();
    }
    CASE(LOAD) {
        *sp++ = locals[ip->a];
        NEXT();
    }
    CASE(STORE) {
        locals[ip->a] = *--sp;
        NEXT();
    }
    CASE(GLOBAL) {
        uint16_t g = ip->a;
        if (!globals_ || g >= globals_->size()) {
            fail_uninitialized(g);
            goto failure;
        }
        *sp++ = (*globals_)[g];
        NEXT();
    }
    CASE(STACK) {
        *sp++ = model_ ? model_->stack : Value::null();
        NEXT();
    }
    CASE(FIELD) {
        Value r;
        TRY(field_cached(sp[-1], *ip, r));
        if constexpr (Trace) r = traced_field(sp[-1], ip->k.as_string(), r);
        sp[-1] = r;
        NEXT();
    }
    CASE(INDEX) {
        Value r;
        TRY(index(sp[-2], sp[-1], r));
        --sp;
        sp[-1] = r;
        NEXT();
    }
    CASE(MAP_VALUES) {
        Value r;
        TRY(map_values(sp[-1], r));
        sp[-1] = r;
        NEXT();
    }
    CASE(LIST) {
        uint16_t n = ip->a;
        Value r;
        TRY(make_list(std::span<const Value>(sp - n, n), r));
        sp -= n;
        *sp++ = r;
        NEXT();
    }
    CASE(MAP) {
        uint16_t n = ip->a;
        Value r;
        TRY(make_map(std::span<const Value>(sp - 2 * n, 2 * n), r));
        sp -= 2 * n;
        *sp++ = r;
        NEXT();
    }
    CASE(CONCAT) {
        uint16_t n = ip->a;
        std::span<const Value> parts(sp - n, n);
        // call_text's template: written straight into its text when the result would be
        // returned as it is (same budget, same cap, same unknown rule as below).
        if (text_out_ && depth == 0 && ip[1].op == static_cast<uint8_t>(Op::RETURN) &&
            executed < budget && !first_unknown(parts)) {
            size_t mark = text_out_->size(), estimate = 0;
            for (const Value& p : parts) estimate += p.is(Kind::String) ? p.as_string()->size : 24;
            text_out_->reserve(mark + estimate);
            for (const Value& p : parts) append_string_form(*text_out_, p, model_);
            size_t bytes = sizeof(StrObj) + (text_out_->size() - mark) + 1;
            if (limits_.memory_cap && arena_.used() + bytes > limits_.memory_cap) {
                text_out_->resize(mark);
                out_of_memory();
                goto failure;
            }
            ++executed; // the RETURN
            executed_ = executed;
            text_done_ = true;
            return true;
        }
        Value r;
        TRY(concat(parts, r));
        sp -= n;
        *sp++ = r;
        NEXT();
    }
    CASE(NEG) {
        Value r;
        TRY(negate(sp[-1], r));
        if constexpr (Trace) borrow(r, sp[-1]);
        sp[-1] = r;
        NEXT();
    }
    // Numbers are by far the usual operands: computed here, as arith() and compare() do.
#define ARITH(name)                                                                                \
    CASE(name) {                                                                                   \
        Value r;                                                                                   \
        if (!(sp[-2].is(Kind::Number) && sp[-1].is(Kind::Number) &&                                \
              number_op(Op::name, sp[-2].as_number(), sp[-1].as_number(), r)))                     \
            TRY(arith(static_cast<int>(Op::name), sp[-2], sp[-1], r));                             \
        if constexpr (Trace) borrow(r, sp[-2], sp[-1]);                                            \
        --sp;                                                                                      \
        sp[-1] = r;                                                                                \
        NEXT();                                                                                    \
    }
    ARITH(ADD)
    ARITH(SUB)
    ARITH(MUL)
    ARITH(DIV)
    ARITH(MOD)
#undef ARITH
#define COMPARE(name)                                                                              \
    CASE(name) {                                                                                   \
        Value r;                                                                                   \
        if (!compare_fast(Op::name, sp[-2], sp[-1], r))                                            \
            TRY(compare(static_cast<int>(Op::name), sp[-2], sp[-1], r));                           \
        if constexpr (Trace) borrow(r, sp[-2], sp[-1]);                                            \
        --sp;                                                                                      \
        sp[-1] = r;                                                                                \
        NEXT();                                                                                    \
    }
    COMPARE(EQ)
    COMPARE(NE)
    COMPARE(LT)
    COMPARE(LE)
    COMPARE(GT)
    COMPARE(GE)
#undef COMPARE
    CASE(IN) {
        Value r;
        if (sp[-2].is(Kind::String) && sp[-1].is(Kind::List)) {
            // A string in a list, as in() has it: true on an equal string, else the first
            // unknown element, else false.
            const StrObj* x = sp[-2].as_string();
            const Value* unknown = nullptr;
            r = Value::boolean(false);
            for (const Value& v : sp[-1].as_list()->span()) {
                if (v.is(Kind::String) && strings_equal(x, v.as_string())) {
                    r = Value::boolean(true);
                    unknown = nullptr;
                    break;
                }
                if (v.is_unknown() && !unknown) unknown = &v;
            }
            if (unknown) r = *unknown;
        } else {
            TRY(in(sp[-2], sp[-1], r));
        }
        if constexpr (Trace) traced_in(r, sp[-2], sp[-1]);
        --sp;
        sp[-1] = r;
        NEXT();
    }
    XCASE(X_MATCHES_LITERAL) {
        // MATCHES with a pattern that is literal text, anchored or not: as match() has it.
        Value& v = sp[-1];
        [[maybe_unused]] const Value before = v;
        if (v.is(Kind::String)) {
            std::string_view text = v.as_view(), literal = ip->k.as_view();
            size_t n = literal.size();
            bool hit = ip->a == kAnchoredBoth ? text.size() == n && same_bytes(text.data(), literal)
                       : ip->a == kAnchoredStart
                           ? text.size() >= n && same_bytes(text.data(), literal)
                       : ip->a == kAnchoredEnd
                           ? text.size() >= n && same_bytes(text.data() + text.size() - n, literal)
                           : text.find(literal) != std::string_view::npos;
            v = Value::boolean(hit);
        } else if (v.is_null()) {
            v = Value::boolean(false);
        } else if (!v.is_unknown()) {
            fail_cold("cannot match ", v.kind(), " against a regular expression");
            goto failure;
        }
        if constexpr (Trace) borrow(v, before);
        NEXT();
    }
    CASE(MATCHES) {
        uint32_t i = ip->b;
        const re2::RE2* re = i < program_.regexes.size() ? program_.regexes[i].get() : nullptr;
        if (!re && !(re = uncompiled_regex(i))) goto failure;
        Value r;
        TRY(match(sp[-1], *re, r));
        if constexpr (Trace) borrow(r, sp[-1]);
        sp[-1] = r;
        NEXT();
    }
    CASE(MATCHES_DYN) {
        Value r;
        TRY(match_dynamic(sp[-2], sp[-1], r));
        if constexpr (Trace) borrow(r, sp[-2], sp[-1]);
        --sp;
        sp[-1] = r;
        NEXT();
    }
    CASE(NOT) {
        Value t;
        TRY(truth(sp[-1], t));
        if constexpr (Trace) borrow(t, sp[-1]);
        sp[-1] = t.is_unknown() ? t : Value::boolean(!t.as_bool(), Trace ? t.prov() : 0);
        NEXT();
    }
    CASE(TRUTH) {
        [[maybe_unused]] const Value before = sp[-1];
        TRY(truth(sp[-1], sp[-1]));
        if constexpr (Trace) borrow(sp[-1], before);
        NEXT();
    }
    CASE(AND_TEST) {
        Value t;
        TRY(truth(sp[-1], t));
        if constexpr (Trace) borrow(t, sp[-1]);
        sp[-1] = t;
        if (t.is(Kind::Bool) && !t.as_bool()) JUMP();
        NEXT();
    }
    CASE(OR_TEST) {
        Value t;
        TRY(truth(sp[-1], t));
        if constexpr (Trace) borrow(t, sp[-1]);
        sp[-1] = t;
        if (t.is(Kind::Bool) && t.as_bool()) JUMP();
        NEXT();
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
        if constexpr (Trace) decided_by(sp[-1], a, b);
        NEXT();
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
        if constexpr (Trace) decided_by(sp[-1], a, b);
        NEXT();
    }
    CASE(COALESCE_TEST) {
        if (!sp[-1].is_null()) JUMP();
        --sp;
        NEXT();
    }
    CASE(JUMP) {
        JUMP();
    }
    CASE(JUMP_IF_FALSE) {
        Value t;
        TRY(truth(*--sp, t));
        if (t.is(Kind::Bool) && !t.as_bool()) JUMP();
        NEXT();
    }
    CASE(JUMP_IF_UNKNOWN) {
        if (sp[-1].is_unknown()) JUMP();
        --sp;
        NEXT();
    }
    CASE(ITER_INIT) {
        uint16_t it = ip->a;
        Value coll = *--sp;
        if (coll.is_unknown()) {
            *sp++ = coll;
            JUMP();
        }
        if (coll.is_null()) {
            coll = Value::list(empty_list());
        } else if (coll.is(Kind::Map)) {
            TRY(map_values(coll, coll));
        } else if (!coll.is(Kind::List)) {
            fail_cold("cannot iterate over ", coll.kind());
            goto failure;
        }
        locals[it] = coll;
        locals[it + 1] = Value::number(0);
        NEXT();
    }
    CASE(ITER_NEXT) {
        uint16_t it = ip->a;
        const Value& coll = locals[it];
        const Value& pos = locals[it + 1];
        if (!coll.is(Kind::List) || !pos.is(Kind::Number)) {
            fail_cold("internal: ITER_NEXT without ITER_INIT");
            goto failure;
        }
        double at = pos.as_number();
        if (!(at >= 0 && at < coll.as_list()->size)) JUMP();
        uint32_t i = static_cast<uint32_t>(at);
        locals[ip->b] = coll.as_list()->items()[i];
        locals[it + 1] = Value::number(i + 1);
        NEXT();
    }
    CASE(QUANT_SOME) {
        Value t;
        TRY(truth(*--sp, t));
        if constexpr (Trace) borrow(t, *sp);
        if (quant_step(Op::QUANT_SOME, t, locals[ip->a])) JUMP();
        if constexpr (Trace) borrow_agreeing(locals[ip->a], t);
        NEXT();
    }
    CASE(QUANT_ALL) {
        Value t;
        TRY(truth(*--sp, t));
        if constexpr (Trace) borrow(t, *sp);
        if (quant_step(Op::QUANT_ALL, t, locals[ip->a])) JUMP();
        if constexpr (Trace) borrow_agreeing(locals[ip->a], t);
        NEXT();
    }
    CASE(QUANT_COUNT) {
        Value t;
        TRY(truth(*--sp, t));
        quant_step(Op::QUANT_COUNT, t, locals[ip->a]);
        NEXT();
    }
    CASE(PROJECT_INIT) {
        if (projections_used_ == projections_.size()) projections_.emplace_back();
        projections_[projections_used_].clear();
        locals[ip->a] = Value::number(static_cast<double>(projections_used_++));
        NEXT();
    }
    CASE(PROJECT_PUSH) {
        const Value& handle = locals[ip->a];
        size_t h = projection_handle(handle);
        if (h >= projections_used_) {
            fail_cold("internal: PROJECT_PUSH without PROJECT_INIT");
            goto failure;
        }
        ++projected_values_;
        if (limits_.memory_cap &&
            arena_.used() + projected_values_ * sizeof(Value) > limits_.memory_cap) {
            out_of_memory();
            goto failure;
        }
        projections_[h].push_back(*--sp);
        NEXT();
    }
    CASE(PROJECT_END) {
        const Value& handle = locals[ip->a];
        size_t h = projection_handle(handle);
        if (h >= projections_used_) {
            fail_cold("internal: PROJECT_END without PROJECT_INIT");
            goto failure;
        }
        Value r;
        TRY(make_list(projections_[h], r));
        for (size_t k = h; k < projections_used_; ++k) projected_values_ -= projections_[k].size();
        projections_used_ = h;
        *sp++ = r;
        NEXT();
    }
    CASE(CALL) {
        uint16_t callee = ip->a;
        if (depth + 1 > kMaxCallDepth) {
            fail_call_depth();
            goto failure;
        }
        const DecodedFunction& callee_fn = *decoded(callee);
        size_t callee_base = static_cast<size_t>(sp - slots_.data()) - callee_fn.arity;
        Value r;
        executed_ = executed;
        if (!execute<Trace>(callee_fn, callee_base, depth + 1, r)) return false;
        executed = executed_;
        // The callee may have grown slots_: re-derive this frame's pointers.
        locals = slots_.data() + base;
        sp = slots_.data() + callee_base;
        *sp++ = r;
        NEXT();
    }
    CASE(CALL_BUILTIN) {
        uint32_t n = ip->b;
        Value r;
        TRY(call_builtin(ip->a, std::span<const Value>(sp - n, n), r));
        if constexpr (Trace) borrow_first(r, std::span<const Value>(sp - n, n));
        sp -= n;
        *sp++ = r;
        NEXT();
    }
    CASE(RELATION) {
        Value r;
        TRY(relation(sp[-1], ip->k.as_string(), program_.constants[ip->b].as_string(), r));
        sp[-1] = r;
        NEXT();
    }
    CASE(REFERENCES) {
        Value r;
        TRY(references(sp[-1], ip->k.as_view(), r));
        sp[-1] = r;
        NEXT();
    }
    CASE(HAS) {
        sp[-1] = Value::boolean(!sp[-1].is_null(), Trace ? sp[-1].prov() : 0);
        NEXT();
    }
    CASE(RETURN) {
        result = sp[-1];
        executed_ = executed;
        return true;
    }
    CASE(SCAN) {
        Value v;
        TRY(scan_value(ip->a, v));
        *sp++ = v;
        NEXT();
    }

    // ---- fused pairs (vm_code.h) ----
    XCASE(X_LOAD_FIELD) {
        const Value& obj = locals[ip->a];
        COUNT();
        Value r;
        TRY(field_cached(obj, *ip, r));
        if constexpr (Trace) r = traced_field(obj, ip->k.as_string(), r);
        *sp++ = r;
        NEXT();
    }
    XCASE(X_EQ_K)
    XCASE(X_NE_K) {
        // literal k; EQ/NE: the top against k, as the comparison alone would.
        COUNT_FOLDED();
        COUNT();
        Value& a = sp[-1];
        const Value& k = ip->k;
        [[maybe_unused]] const Value before = a;
        bool want = ip->op == X_EQ_K;
        if (a.is(Kind::String) && k.is(Kind::String)) {
            a = Value::boolean(strings_equal(a.as_string(), k.as_string()) == want);
        } else {
            Value r;
            Op op = want ? Op::EQ : Op::NE;
            if (!compare_fast(op, a, k, r)) TRY(compare(static_cast<int>(op), a, k, r));
            a = r;
        }
        if constexpr (Trace) borrow(a, before, k);
        NEXT();
    }
    XCASE(X_LT_K)
    XCASE(X_LE_K)
    XCASE(X_GT_K)
    XCASE(X_GE_K) {
        // literal k; LT..GE: the top against k, as the comparison alone would.
        COUNT_FOLDED();
        COUNT();
        Op op = static_cast<Op>(static_cast<int>(Op::LT) + (ip->op - X_LT_K));
        Value r;
        if (!compare_fast(op, sp[-1], ip->k, r))
            TRY(compare(static_cast<int>(op), sp[-1], ip->k, r));
        if constexpr (Trace) borrow(r, sp[-1], ip->k);
        sp[-1] = r;
        NEXT();
    }
    XCASE(X_INDEX_K) {
        COUNT_FOLDED();
        COUNT();
        Value& obj = sp[-1];
        if (obj.is(Kind::Map) && ip->k.is(Kind::String)) {
            // A map indexed by a literal key (`tags["Env"]`), as index() has it, trying first
            // the entry where this site last found the key, as FIELD does.
            const MapObj* m = obj.as_map();
            const MapEntry* e = m->entries();
            if (ip->hint < m->size && e[ip->hint].key == ip->k.as_string()) {
                obj = e[ip->hint].value;
            } else if (const Value* v = m->find(ip->k.as_string())) {
                ip->hint = static_cast<uint32_t>(
                    (reinterpret_cast<const char*>(v) - reinterpret_cast<const char*>(e)) /
                    sizeof(MapEntry));
                obj = *v;
            } else {
                obj = Value::null();
            }
            NEXT();
        }
        Value r;
        TRY(index(obj, ip->k, r));
        sp[-1] = r;
        NEXT();
    }
    // A quantifier's step and the JUMP back to its ITER_NEXT: the JUMP counts as before,
    // once the step has not left the loop.
    XCASE(X_QUANT_SOME_JUMP)
    XCASE(X_QUANT_ALL_JUMP) {
        Value t;
        TRY(truth(*--sp, t));
        if constexpr (Trace) borrow(t, *sp);
        if (quant_step(ip->op == X_QUANT_SOME_JUMP ? Op::QUANT_SOME : Op::QUANT_ALL, t,
                       locals[ip->a]))
            JUMP();
        if constexpr (Trace) borrow_agreeing(locals[ip->a], t);
        COUNT();
        ip = code + ip->b;
        DISPATCH();
    }
    XCASE(X_QUANT_COUNT_JUMP) {
        Value t;
        TRY(truth(*--sp, t));
        quant_step(Op::QUANT_COUNT, t, locals[ip->a]);
        COUNT();
        JUMP();
    }
    XCASE(X_TRUTH_RETURN) {
        TRY(truth(sp[-1], result));
        if constexpr (Trace) borrow(result, sp[-1]);
        COUNT();
        executed_ = executed;
        return true;
    }

#if !TENET_VM_COMPUTED_GOTO
default:
    fail_cold("internal: invalid opcode");
    goto failure;
}
#endif

budget_exhausted : fail_budget();
failure : executed_ = executed;
return false;

#undef TRY
#undef COUNT
#undef COUNT_FOLDED
#undef DISPATCH
#undef CASE
#undef XCASE
#undef NEXT
#undef JUMP
#undef TRACE
}

template bool Vm::execute<false>(const DecodedFunction&, size_t, int, Value&);
template bool Vm::execute<true>(const DecodedFunction&, size_t, int, Value&);

} // namespace tenet
