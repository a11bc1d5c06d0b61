// Expressions -> bytecode. Operands are pushed left to right, then the operation.
// Three-valued control flow (and/or, if, quantifiers, projections, `??`) follows the
// stack effects documented in opcodes.def and docs/bundle.md.
#include "lower_internal.h"
#include "tenet/runtime/builtins.h"

#include <algorithm>
#include <cstring>

namespace tenet::lower {

namespace {

Op binary_op(BinOp op) {
    switch (op) {
    case BinOp::Add:
        return Op::ADD;
    case BinOp::Sub:
        return Op::SUB;
    case BinOp::Mul:
        return Op::MUL;
    case BinOp::Div:
        return Op::DIV;
    case BinOp::Mod:
        return Op::MOD;
    case BinOp::Eq:
        return Op::EQ;
    case BinOp::Ne:
        return Op::NE;
    case BinOp::Lt:
        return Op::LT;
    case BinOp::Le:
        return Op::LE;
    case BinOp::Gt:
        return Op::GT;
    case BinOp::Ge:
        return Op::GE;
    }
    throw LowerError("unknown binary operator");
}

bool is_resource_or_record(const Type* t) {
    return t && (t->tag == Type::Tag::Resource || t->tag == Type::Tag::Record);
}

constexpr uint32_t kMaxCount = 0xFFFF; // COUNT operands are u16

void count_check(const Expr& e, size_t n, const char* what) {
    if (n > kMaxCount) throw LowerError(std::string(what) + " has more than 65535 elements");
}

template <typename F> void for_children(const Expr& e, F&& f) {
    if (e.lhs) f(*e.lhs);
    if (e.rhs) f(*e.rhs);
    if (e.third) f(*e.third);
    for (auto& item : e.items) f(*item);
}

} // namespace

void locals_read(const Expr& e, std::set<uint32_t>& out) {
    if (e.kind == ExprKind::Name && e.name_kind == NameKind::Local && !e.implicit_resource_arg)
        out.insert(e.slot);
    for_children(e, [&](const Expr& c) { locals_read(c, out); });
}

uint32_t locals_needed(const Expr& e) {
    uint32_t n = 0;
    if ((e.kind == ExprKind::Name || e.kind == ExprKind::ElemRef) && e.name_kind == NameKind::Local)
        n = e.slot + 1;
    if (e.kind == ExprKind::Quant || e.kind == ExprKind::Projection ||
        e.kind == ExprKind::Comprehension)
        n = e.var_slot + 1;
    for_children(e, [&](const Expr& c) { n = std::max(n, locals_needed(c)); });
    return n;
}

uint32_t Lowerer::function_of(const PredDecl* p) const {
    auto it = pred_fn_.find(p);
    if (it == pred_fn_.end()) throw LowerError("call of a predicate that was not lowered");
    return it->second;
}

void Lowerer::expr(Emitter& em, const Expr& e) {
    switch (e.kind) {
    case ExprKind::Null:
        em.at(e.span);
        em.emit(Op::NULL_);
        return;
    case ExprKind::Bool:
        em.at(e.span);
        em.emit(e.bool_value ? Op::TRUE_ : Op::FALSE_);
        return;
    case ExprKind::Number:
        em.at(e.span);
        em.emit(Op::CONST, number_constant(e.number_value));
        return;
    case ExprKind::String:
        em.at(e.span);
        em.emit(Op::CONST, string_constant(e.string_value));
        return;
    case ExprKind::Template: {
        // Empty literal parts add nothing to the concatenation.
        uint32_t n = 0;
        for (auto& part : e.items) {
            if (part->kind == ExprKind::String && part->string_value.empty()) continue;
            expr(em, *part);
            ++n;
        }
        count_check(e, n, "a message");
        em.at(e.span);
        if (n == 0)
            em.emit(Op::CONST, string_constant(""));
        else if (n > 1 || e.items.size() != 1 || e.items[0]->kind != ExprKind::String)
            em.emit(Op::CONCAT, n);
        return;
    }
    case ExprKind::List: {
        Value folded;
        if (fold(e, folded)) {
            em.at(e.span);
            em.emit(Op::CONST, constant(folded));
            return;
        }
        // Long lists are built in chunks joined with ADD (list + list concatenates).
        size_t done = 0;
        bool first = true;
        do {
            size_t n = std::min<size_t>(kMaxCount, e.items.size() - done);
            for (size_t i = 0; i < n; ++i) expr(em, *e.items[done + i]);
            em.at(e.span);
            em.emit(Op::LIST, static_cast<uint32_t>(n));
            if (!first) em.emit(Op::ADD);
            first = false;
            done += n;
        } while (done < e.items.size());
        return;
    }
    case ExprKind::MapLit: {
        Value folded;
        if (fold(e, folded)) {
            em.at(e.span);
            em.emit(Op::CONST, constant(folded));
            return;
        }
        count_check(e, e.items.size(), "a map literal");
        for (size_t i = 0; i < e.items.size(); ++i) {
            em.at(e.items[i]->span);
            em.emit(Op::CONST, string_constant(e.keys[i]));
            expr(em, *e.items[i]);
        }
        em.at(e.span);
        em.emit(Op::MAP, static_cast<uint32_t>(e.items.size()));
        return;
    }
    case ExprKind::Name:
        em.at(e.span);
        if (e.implicit_resource_arg) {
            // A bare predicate name in a rule: applied to the rule's resource (slot 0).
            em.emit(Op::LOAD, 0);
            em.emit(Op::CALL, function_of(e.callee));
            return;
        }
        switch (e.name_kind) {
        case NameKind::Local:
            em.emit(Op::LOAD, e.slot);
            return;
        case NameKind::Global: {
            const Decl* d = e.slot < checked_.globals.size() ? checked_.globals[e.slot] : nullptr;
            bool scan = d && d->kind == DeclKind::Let && static_cast<const LetDecl*>(d)->scan;
            em.emit(scan ? Op::SCAN : Op::GLOBAL, e.slot);
            return;
        }
        case NameKind::Field:
            em.emit(Op::LOAD, 0);
            em.emit(Op::FIELD, string_constant(e.string_value));
            return;
        case NameKind::Stack:
            em.emit(Op::STACK);
            return;
        case NameKind::Unresolved:
            break;
        }
        throw LowerError("unresolved name `" + e.string_value + "`");
    case ExprKind::ElemRef:
        em.at(e.span);
        em.emit(Op::LOAD, e.slot);
        return;
    case ExprKind::Field:
        expr(em, *e.lhs);
        em.at(e.span);
        em.emit(Op::FIELD, string_constant(e.string_value));
        return;
    case ExprKind::Index:
        expr(em, *e.lhs);
        // `r["name"]` on a resource or record is its field (INDEX only reads lists and maps).
        if (e.rhs->kind == ExprKind::String && is_resource_or_record(e.lhs->type)) {
            em.at(e.span);
            em.emit(Op::FIELD, string_constant(e.rhs->string_value));
            return;
        }
        expr(em, *e.rhs);
        em.at(e.span);
        em.emit(Op::INDEX);
        return;
    case ExprKind::Projection:
        projection(em, e);
        return;
    case ExprKind::MapValues:
        expr(em, *e.lhs);
        em.at(e.span);
        em.emit(Op::MAP_VALUES);
        return;
    case ExprKind::Unary:
        expr(em, *e.lhs);
        em.at(e.span);
        em.emit(Op::NEG);
        return;
    case ExprKind::Binary:
        expr(em, *e.lhs);
        expr(em, *e.rhs);
        em.at(e.span);
        em.emit(binary_op(e.bin_op));
        return;
    case ExprKind::And:
    case ExprKind::Or: {
        // lhs; X_TEST end (short-circuits leaving the deciding value); rhs; X (Kleene).
        bool is_and = e.kind == ExprKind::And;
        Label end = em.label();
        expr(em, *e.lhs);
        em.at(e.span);
        em.emit(is_and ? Op::AND_TEST : Op::OR_TEST, end.id);
        expr(em, *e.rhs);
        em.at(e.span);
        em.emit(is_and ? Op::AND : Op::OR);
        em.bind(end);
        return;
    }
    case ExprKind::Not:
        expr(em, *e.lhs);
        em.at(e.span);
        em.emit(Op::NOT);
        return;
    case ExprKind::If:
        conditional(em, e);
        return;
    case ExprKind::Quant:
        quantifier(em, e);
        return;
    case ExprKind::Comprehension:
        comprehension(em, e);
        return;
    case ExprKind::Coalesce: {
        Label end = em.label();
        expr(em, *e.lhs);
        em.at(e.span);
        em.emit(Op::COALESCE_TEST, end.id);
        expr(em, *e.rhs);
        em.bind(end);
        return;
    }
    case ExprKind::Call:
        call(em, e);
        return;
    case ExprKind::Apply:
        expr(em, *e.lhs);
        em.at(e.span);
        em.emit(Op::CALL, function_of(e.callee));
        return;
    case ExprKind::Relation:
        expr(em, *e.lhs);
        em.at(e.span);
        em.emit(Op::RELATION, string_constant(e.string_value), string_constant(e.attribute));
        return;
    case ExprKind::References:
        expr(em, *e.lhs);
        em.at(e.span);
        em.emit(Op::REFERENCES, string_constant(e.string_value));
        return;
    case ExprKind::Matches:
        expr(em, *e.lhs);
        if (e.rhs->kind == ExprKind::String) {
            em.at(e.span);
            em.emit(Op::MATCHES, regex(e.rhs->string_value));
            return;
        }
        expr(em, *e.rhs);
        em.at(e.span);
        em.emit(Op::MATCHES_DYN);
        return;
    case ExprKind::In:
        expr(em, *e.lhs);
        expr(em, *e.rhs);
        em.at(e.span);
        em.emit(Op::IN);
        return;
    }
    throw LowerError("unknown expression kind");
}

// if C then A else B; an unknown C makes the result that unknown:
//     C; DUP; JUMP_IF_UNKNOWN unk; JUMP_IF_FALSE else; A; JUMP end
//     else: B; JUMP end
//     unk: POP            (two copies of the unknown: keep one)
//     end:
void Lowerer::conditional(Emitter& em, const Expr& e) {
    Label unk = em.label(), otherwise = em.label(), end = em.label();
    expr(em, *e.lhs);
    em.at(e.span);
    em.emit(Op::DUP);
    em.emit(Op::JUMP_IF_UNKNOWN, unk.id);
    em.emit(Op::JUMP_IF_FALSE, otherwise.id);
    expr(em, *e.rhs);
    em.emit(Op::JUMP, end.id);
    em.bind(otherwise);
    expr(em, *e.third);
    em.emit(Op::JUMP, end.id);
    em.bind(unk);
    em.at(e.span);
    em.emit(Op::POP);
    em.bind(end);
}

// some/all/count x in XS: BODY
//     XS; ITER_INIT it, end        (unknown XS: the result is that unknown)
//     <init acc>                   (false / true / 0)
//     loop: ITER_NEXT it, x, done
//     BODY; QUANT_* acc[, done]; JUMP loop
//     done: LOAD acc
//     end:
void Lowerer::quantifier(Emitter& em, const Expr& e) {
    uint32_t it = em.temp(2), acc = em.temp();
    Label loop = em.label(), done = em.label(), end = em.label();
    expr(em, *e.lhs);
    em.at(e.span);
    em.emit(Op::ITER_INIT, it, end.id);
    switch (e.quant) {
    case QuantKind::Some:
        em.emit(Op::FALSE_);
        break;
    case QuantKind::All:
        em.emit(Op::TRUE_);
        break;
    case QuantKind::Count:
        em.emit(Op::CONST, number_constant(0));
        break;
    }
    em.emit(Op::STORE, acc);
    em.bind(loop);
    em.emit(Op::ITER_NEXT, it, e.var_slot, done.id);
    expr(em, *e.rhs);
    em.at(e.span);
    switch (e.quant) {
    case QuantKind::Some:
        em.emit(Op::QUANT_SOME, acc, done.id);
        break;
    case QuantKind::All:
        em.emit(Op::QUANT_ALL, acc, done.id);
        break;
    case QuantKind::Count:
        em.emit(Op::QUANT_COUNT, acc);
        break;
    }
    em.emit(Op::JUMP, loop.id);
    em.bind(done);
    em.emit(Op::LOAD, acc);
    em.bind(end);
    em.release(3);
}

// XS[*].REST (or m.*.REST): null stays null, unknown stays unknown, else a list.
//     XS; COALESCE_TEST go; NULL_; JUMP end
//     go: ITER_INIT it, end; PROJECT_INIT acc
//     loop: ITER_NEXT it, elem, done; REST; PROJECT_PUSH acc; JUMP loop
//     done: PROJECT_END acc
//     end:
void Lowerer::projection(Emitter& em, const Expr& e) {
    uint32_t it = em.temp(2), acc = em.temp();
    Label go = em.label(), loop = em.label(), done = em.label(), end = em.label();
    expr(em, *e.lhs);
    em.at(e.span);
    em.emit(Op::COALESCE_TEST, go.id);
    em.emit(Op::NULL_);
    em.emit(Op::JUMP, end.id);
    em.bind(go);
    em.emit(Op::ITER_INIT, it, end.id);
    em.emit(Op::PROJECT_INIT, acc);
    em.bind(loop);
    em.emit(Op::ITER_NEXT, it, e.var_slot, done.id);
    expr(em, *e.rhs);
    em.at(e.span);
    em.emit(Op::PROJECT_PUSH, acc);
    em.emit(Op::JUMP, loop.id);
    em.bind(done);
    em.emit(Op::PROJECT_END, acc);
    em.bind(end);
    em.release(3);
}

// [ELEM for x in XS if COND], {KEY: ELEM for x in XS if COND}: a list (a map) of the
// elements that pass; an unknown collection, condition, key or element makes the whole
// result that unknown (the first met; the walk stops there). Null iterates nothing.
//     XS; ITER_INIT it, end; PROJECT_INIT acc
//     loop: ITER_NEXT it, x, done
//           COND; TRUTH; DUP; JUMP_IF_UNKNOWN unknown2; JUMP_IF_FALSE loop
//           [KEY; DUP; JUMP_IF_UNKNOWN unknown2]
//           ELEM; DUP; JUMP_IF_UNKNOWN unknown2 (unknown3 after a key)
//           [LIST 2]; PROJECT_PUSH acc; JUMP loop
//     unknown3: POP; STORE t; POP; LOAD t; JUMP unknown1   (drop the key under it)
//     unknown2: POP
//     unknown1: PROJECT_END acc; POP; JUMP end      (the buffer released, the unknown kept)
//     done: PROJECT_END acc; [CALL_BUILTIN from_entries 1]
//     end:
void Lowerer::comprehension(Emitter& em, const Expr& e) {
    bool is_map = !e.items.empty();
    uint32_t it = em.temp(2), acc = em.temp(), t = em.temp();
    Label loop = em.label(), done = em.label(), end = em.label(), unknown1 = em.label(),
          unknown2 = em.label(), unknown3 = em.label();
    expr(em, *e.lhs);
    em.at(e.span);
    em.emit(Op::ITER_INIT, it, end.id);
    em.emit(Op::PROJECT_INIT, acc);
    em.bind(loop);
    em.emit(Op::ITER_NEXT, it, e.var_slot, done.id);
    if (e.third) {
        expr(em, *e.third);
        em.at(e.third->span);
        em.emit(Op::TRUTH);
        em.emit(Op::DUP);
        em.emit(Op::JUMP_IF_UNKNOWN, unknown2.id);
        em.emit(Op::JUMP_IF_FALSE, loop.id);
    }
    if (is_map) {
        expr(em, *e.items[0]);
        em.at(e.items[0]->span);
        em.emit(Op::DUP);
        em.emit(Op::JUMP_IF_UNKNOWN, unknown2.id);
    }
    expr(em, *e.rhs);
    em.at(e.rhs->span);
    em.emit(Op::DUP);
    em.emit(Op::JUMP_IF_UNKNOWN, is_map ? unknown3.id : unknown2.id);
    if (is_map) em.emit(Op::LIST, 2);
    em.emit(Op::PROJECT_PUSH, acc);
    em.emit(Op::JUMP, loop.id);
    em.at(e.span);
    em.bind(unknown3);
    em.emit(Op::POP);
    em.emit(Op::STORE, t);
    em.emit(Op::POP);
    em.emit(Op::LOAD, t);
    em.emit(Op::JUMP, unknown1.id);
    em.bind(unknown2);
    em.emit(Op::POP);
    em.bind(unknown1);
    em.emit(Op::PROJECT_END, acc);
    em.emit(Op::POP);
    em.emit(Op::JUMP, end.id);
    em.bind(done);
    em.emit(Op::PROJECT_END, acc);
    if (is_map) {
        static const int from_entries = find_builtin("from_entries");
        if (from_entries < 0) throw LowerError("no builtin from_entries");
        em.emit(Op::CALL_BUILTIN, static_cast<uint32_t>(from_entries), 1);
    }
    em.bind(end);
    em.release(4);
}

void Lowerer::call(Emitter& em, const Expr& e) {
    for (auto& arg : e.items) expr(em, *arg);
    em.at(e.span);
    if (e.callee) {
        em.emit(Op::CALL, function_of(e.callee));
        return;
    }
    if (e.builtin < 0 || e.builtin >= builtin_count())
        throw LowerError("call of `" + e.string_value + "` is unresolved");
    // `has(x)` is an opcode: no call overhead for the commonest test.
    if (e.items.size() == 1 && std::strcmp(builtin_info(e.builtin).name, "has") == 0) {
        em.emit(Op::HAS);
        return;
    }
    count_check(e, e.items.size(), "a call");
    em.emit(Op::CALL_BUILTIN, static_cast<uint32_t>(e.builtin),
            static_cast<uint32_t>(e.items.size()));
}

} // namespace tenet::lower
