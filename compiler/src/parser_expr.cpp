// Parse tree -> AST, expressions. Paths with `[*]` / `.*` become Projection nodes whose
// rhs is the rest of the path written against an ElemRef; parentheses close a projection.
// Nesting deeper than ParseLimits::max_depth is E0104 (the checker and lowering recurse).
#include "parser_internal.h"

#include <cstdlib>

namespace tenet::parse {

using namespace tenet::ast;

namespace {

ExprPtr make_at(ExprKind k, SourceSpan span) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->span = span;
    return e;
}

// The innermost still-open projection (or `.*`) of a path whose outer node is open.
Expr* innermost_open(Expr* e) {
    while (e->kind == ExprKind::Projection && e->rhs &&
           (e->rhs->kind == ExprKind::Projection || e->rhs->kind == ExprKind::MapValues))
        e = e->rhs.get();
    return e;
}

} // namespace

ExprPtr Builder::make(ExprKind k, antlr4::ParserRuleContext* ctx) {
    return make_at(k, run_.span(ctx));
}

double Builder::number(antlr4::Token* tok) {
    double v = std::strtod(tok->getText().c_str(), nullptr);
    return std::isfinite(v) ? v : 0;
}

ExprPtr Builder::expr(TP::ExprContext* ctx) {
    if (!ctx) return make_at(ExprKind::Null, {});
    if (depth_ >= s_.limits.max_depth) {
        if (!s_.depth_reported) s_.error(Diag::NestingTooDeep, run_.span(ctx), s_.limits.max_depth);
        s_.depth_reported = true;
        return make(ExprKind::Null, ctx);
    }
    ++depth_;
    ExprPtr e = expr_inner(ctx);
    --depth_;
    return e;
}

ExprPtr Builder::string_literal(antlr4::Token* tok) {
    auto e = make_at(ExprKind::String, run_.span(tok));
    e->string_value = decode_string(s_, tok->getText(), run_.byte_of(tok), false).value;
    return e;
}

ExprPtr Builder::primary(TP::PrimaryContext* ctx) {
    if (auto* c = dynamic_cast<TP::NumberLitContext*>(ctx)) {
        auto e = make(ExprKind::Number, ctx);
        e->number_value = number(c->NUMBER()->getSymbol());
        return e;
    }
    if (auto* c = dynamic_cast<TP::StringLitContext*>(ctx))
        return string_literal(c->STRING()->getSymbol());
    if (dynamic_cast<TP::TrueLitContext*>(ctx) || dynamic_cast<TP::FalseLitContext*>(ctx)) {
        auto e = make(ExprKind::Bool, ctx);
        e->bool_value = dynamic_cast<TP::TrueLitContext*>(ctx) != nullptr;
        return e;
    }
    if (dynamic_cast<TP::NullLitContext*>(ctx)) return make(ExprKind::Null, ctx);
    if (auto* c = dynamic_cast<TP::ListCompContext*>(ctx)) {
        auto e = make(ExprKind::Comprehension, ctx);
        e->var = text(c->var);
        e->lhs = expr(c->coll);
        e->rhs = expr(c->elem);
        if (c->cond) e->third = expr(c->cond);
        return e;
    }
    if (auto* c = dynamic_cast<TP::MapCompContext*>(ctx)) {
        auto e = make(ExprKind::Comprehension, ctx);
        e->var = text(c->var);
        e->lhs = expr(c->coll);
        e->items.push_back(expr(c->key));
        e->rhs = expr(c->value);
        if (c->cond) e->third = expr(c->cond);
        return e;
    }
    if (auto* c = dynamic_cast<TP::ListLitContext*>(ctx)) {
        auto e = make(ExprKind::List, ctx);
        for (auto* item : c->expr()) e->items.push_back(expr(item));
        return e;
    }
    if (auto* c = dynamic_cast<TP::MapLitContext*>(ctx)) {
        auto e = make(ExprKind::MapLit, ctx);
        for (auto* entry : c->mapEntry()) {
            if (entry->STRING())
                e->keys.push_back(decode_string(s_, entry->STRING()->getText(),
                                                run_.byte_of(entry->STRING()->getSymbol()), false)
                                      .value);
            else
                e->keys.push_back(text(entry->anyName()));
            e->items.push_back(expr(entry->expr()));
        }
        return e;
    }
    if (auto* c = dynamic_cast<TP::ParenExprContext*>(ctx)) {
        ExprPtr inner = expr(c->expr());
        inner->span = run_.span(ctx);
        return inner;
    }
    if (auto* c = dynamic_cast<TP::ParamRefContext*>(ctx)) {
        // `param.NAME`: a Name whose text keeps the prefix (the checker resolves it).
        auto e = make(ExprKind::Name, ctx);
        e->string_value = "param." + text(c->name);
        return e;
    }
    auto e = make(ExprKind::Name, ctx);
    e->string_value = text(ctx);
    return e;
}

// Builds a postfix operation (`.name`, `[i]`, `.*`, `[*]`) applied to `base`. When `base`
// is an open projection, the operation goes inside it, applied to the element.
ExprPtr Builder::postfix(ExprPtr base, bool base_open, TP::ExprContext* ctx, bool& open) {
    SourceSpan span = run_.span(ctx);
    auto build = [&](ExprPtr target) -> ExprPtr {
        if (auto* c = dynamic_cast<TP::FieldExprContext*>(ctx)) {
            auto e = make_at(ExprKind::Field, span);
            e->string_value = text(c->anyName());
            e->lhs = std::move(target);
            return e;
        }
        if (auto* c = dynamic_cast<TP::IndexExprContext*>(ctx)) {
            auto e = make_at(ExprKind::Index, span);
            e->lhs = std::move(target);
            e->rhs = expr(c->index);
            return e;
        }
        if (dynamic_cast<TP::MapValuesExprContext*>(ctx)) {
            auto e = make_at(ExprKind::MapValues, span);
            e->lhs = std::move(target);
            return e;
        }
        auto e = make_at(ExprKind::Projection, span); // [*]
        e->lhs = std::move(target);
        e->rhs = make_at(ExprKind::ElemRef, span);
        return e;
    };
    bool opens = dynamic_cast<TP::MapValuesExprContext*>(ctx) ||
                 dynamic_cast<TP::ProjectionExprContext*>(ctx);
    open = base_open || opens;
    if (!base_open) return build(std::move(base));
    Expr* node = innermost_open(base.get());
    if (node->kind == ExprKind::MapValues) {
        // `m.*.rest`: a projection over the map's values.
        node->kind = ExprKind::Projection;
        node->rhs = build(make_at(ExprKind::ElemRef, node->span));
    } else {
        node->rhs = build(std::move(node->rhs));
    }
    base->span.end = span.end;
    return base;
}

ExprPtr Builder::expr_inner(TP::ExprContext* ctx) {
    using K = ExprKind;
    if (auto* c = dynamic_cast<TP::PrimaryExprContext*>(ctx)) return primary(c->primary());

    // Postfix path operations: walk down the left spine iteratively so that long paths
    // cost no recursion, then rebuild from the innermost operand outwards.
    if (dynamic_cast<TP::FieldExprContext*>(ctx) || dynamic_cast<TP::IndexExprContext*>(ctx) ||
        dynamic_cast<TP::MapValuesExprContext*>(ctx) ||
        dynamic_cast<TP::ProjectionExprContext*>(ctx)) {
        std::vector<TP::ExprContext*> chain;
        TP::ExprContext* cur = ctx;
        while (dynamic_cast<TP::FieldExprContext*>(cur) ||
               dynamic_cast<TP::IndexExprContext*>(cur) ||
               dynamic_cast<TP::MapValuesExprContext*>(cur) ||
               dynamic_cast<TP::ProjectionExprContext*>(cur)) {
            chain.push_back(cur);
            cur = cur->getRuleContext<TP::ExprContext>(0);
            if (!cur) return make(K::Null, ctx);
        }
        ExprPtr e = expr(cur);
        bool open = false;
        for (auto it = chain.rbegin(); it != chain.rend(); ++it)
            e = postfix(std::move(e), open, *it, open);
        return e;
    }
    if (auto* c = dynamic_cast<TP::CallExprContext*>(ctx)) {
        auto e = make(K::Call, ctx);
        TP::ExprContext* callee = c->expr(0);
        auto* prim = dynamic_cast<TP::PrimaryExprContext*>(callee);
        auto* field = dynamic_cast<TP::FieldExprContext*>(callee);
        if (prim && (dynamic_cast<TP::NameRefContext*>(prim->primary()) ||
                     dynamic_cast<TP::MatchesNameContext*>(prim->primary()))) {
            e->string_value = text(prim);
        } else if (field && dynamic_cast<TP::PrimaryExprContext*>(field->expr()) &&
                   dynamic_cast<TP::NameRefContext*>(
                       dynamic_cast<TP::PrimaryExprContext*>(field->expr())->primary())) {
            e->string_value = text(field->expr()) + "." + text(field->anyName()); // alias.pred
        } else {
            s_.error(Diag::SyntaxError, run_.span(callee),
                     "only predicates and functions can be called");
            return e;
        }
        auto args = c->expr();
        for (size_t i = 1; i < args.size(); ++i) e->items.push_back(expr(args[i]));
        return e;
    }
    if (auto* c = dynamic_cast<TP::ApplyExprContext*>(ctx)) {
        auto e = make(K::Apply, ctx);
        e->lhs = expr(c->expr());
        e->string_value = text(c->pred);
        return e;
    }
    if (auto* c = dynamic_cast<TP::RelationExprContext*>(ctx)) {
        auto e = make(K::Relation, ctx);
        e->lhs = expr(c->expr());
        if (auto* str = c->relType->STRING())
            e->string_value =
                decode_string(s_, str->getText(), run_.byte_of(str->getSymbol()), false).value;
        else
            e->string_value = text(c->relType);
        e->attribute = text(c->relAttr);
        return e;
    }
    if (auto* c = dynamic_cast<TP::ReferencesExprContext*>(ctx)) {
        auto e = make(K::References, ctx);
        e->lhs = expr(c->expr());
        e->attribute = text(c->refKind);
        e->string_value = e->attribute + "." + text(c->refName);
        return e;
    }
    if (auto* c = dynamic_cast<TP::NegExprContext*>(ctx)) {
        auto e = make(K::Unary, ctx);
        e->un_op = UnOp::Neg;
        e->lhs = expr(c->expr());
        return e;
    }
    if (auto* c = dynamic_cast<TP::NotExprContext*>(ctx)) {
        auto e = make(K::Not, ctx);
        e->lhs = expr(c->expr());
        return e;
    }
    auto binary = [&](ExprKind k, TP::ExprContext* l, TP::ExprContext* r) {
        auto e = make(k, ctx);
        e->lhs = expr(l);
        e->rhs = expr(r);
        return e;
    };
    if (auto* c = dynamic_cast<TP::MulExprContext*>(ctx)) {
        auto e = binary(K::Binary, c->expr(0), c->expr(1));
        size_t op = c->op->getType();
        e->bin_op = op == TP::STAR ? BinOp::Mul : op == TP::SLASH ? BinOp::Div : BinOp::Mod;
        return e;
    }
    if (auto* c = dynamic_cast<TP::AddExprContext*>(ctx)) {
        auto e = binary(K::Binary, c->expr(0), c->expr(1));
        e->bin_op = c->op->getType() == TP::PLUS ? BinOp::Add : BinOp::Sub;
        return e;
    }
    if (auto* c = dynamic_cast<TP::CompareExprContext*>(ctx)) {
        auto e = binary(K::Binary, c->expr(0), c->expr(1));
        switch (c->op->getType()) {
        case TP::EQ:
            e->bin_op = BinOp::Eq;
            break;
        case TP::NE:
            e->bin_op = BinOp::Ne;
            break;
        case TP::LT:
            e->bin_op = BinOp::Lt;
            break;
        case TP::LE:
            e->bin_op = BinOp::Le;
            break;
        case TP::GT:
            e->bin_op = BinOp::Gt;
            break;
        default:
            e->bin_op = BinOp::Ge;
            break;
        }
        return e;
    }
    if (auto* c = dynamic_cast<TP::CoalesceExprContext*>(ctx))
        return binary(K::Coalesce, c->expr(0), c->expr(1));
    if (auto* c = dynamic_cast<TP::InExprContext*>(ctx))
        return binary(K::In, c->expr(0), c->expr(1));
    if (auto* c = dynamic_cast<TP::MatchesExprContext*>(ctx))
        return binary(K::Matches, c->expr(0), c->expr(1));
    if (auto* c = dynamic_cast<TP::AndExprContext*>(ctx))
        return binary(K::And, c->expr(0), c->expr(1));
    if (auto* c = dynamic_cast<TP::OrExprContext*>(ctx))
        return binary(K::Or, c->expr(0), c->expr(1));
    if (auto* c = dynamic_cast<TP::QuantExprContext*>(ctx)) {
        auto e = make(K::Quant, ctx);
        size_t q = c->quant->getType();
        e->quant = q == TP::SOME  ? QuantKind::Some
                   : q == TP::ALL ? QuantKind::All
                                  : QuantKind::Count;
        e->var = text(c->var);
        e->lhs = expr(c->coll);
        e->rhs = expr(c->body);
        return e;
    }
    if (auto* c = dynamic_cast<TP::IfExprContext*>(ctx)) {
        auto e = make(K::If, ctx);
        e->lhs = expr(c->cond);
        e->rhs = expr(c->then);
        e->third = expr(c->otherwise);
        return e;
    }
    return make(K::Null, ctx);
}

// `message = "..."`: a Template whose items alternate literal strings and expressions,
// starting and ending with a (possibly empty) literal. `{resource}` is `address(it)`.
ExprPtr Builder::message_template(TP::ExprContext* ctx) {
    auto* prim = dynamic_cast<TP::PrimaryExprContext*>(ctx);
    auto* lit = dynamic_cast<TP::StringLitContext*>(prim->primary());
    antlr4::Token* tok = lit->STRING()->getSymbol();
    auto out = make(ExprKind::Template, ctx);
    std::vector<TemplatePart> parts;
    if (!split_template(s_, tok->getText(), run_.byte_of(tok), parts)) return out;
    for (auto& part : parts) {
        SourceSpan span = s_.span_bytes(part.begin, part.end);
        if (!part.is_expr) {
            auto e = make_at(ExprKind::String, span);
            e->string_value = part.literal;
            out->items.push_back(std::move(e));
            continue;
        }
        std::string trimmed = part.expr_text;
        trimmed.erase(0, trimmed.find_first_not_of(" \t"));
        trimmed.erase(trimmed.find_last_not_of(" \t") + 1);
        if (trimmed == "resource") {
            auto call = make_at(ExprKind::Call, span);
            call->string_value = "address";
            auto it = make_at(ExprKind::Name, span);
            it->string_value = "it";
            call->items.push_back(std::move(it));
            out->items.push_back(std::move(call));
            continue;
        }
        Run sub(s_, part.expr_text, part.begin, Diag::BadTemplate);
        if (!sub.prescan()) return out;
        auto* tree = sub.parser().standaloneExpr();
        if (sub.had_errors()) return out;
        Builder inner(sub);
        inner.depth_ = depth_;
        out->items.push_back(inner.expr(tree->expr()));
    }
    return out;
}

} // namespace tenet::parse
