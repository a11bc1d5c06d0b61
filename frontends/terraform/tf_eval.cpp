#include "tf_eval.h"

#include "tf_functions.h"

#include <algorithm>
#include <cmath>

namespace tenet::tf {

using hcl::Expr;
using hcl::ExprKind;
using hcl::Op;

namespace {

constexpr uint32_t kMaxEvalDepth = 400;

bool has_error(const ValPtr& v) {
    if (v->unknown()) return v->error;
    for (const ValPtr& i : v->items)
        if (has_error(i)) return true;
    for (const auto& m : v->members)
        if (has_error(m.second)) return true;
    return false;
}

// An unknown result standing for `u` at `loc`, with the refs of everything involved.
ValPtr unknown_from(const Val& u, SourceLoc loc, const Refs& refs) {
    auto v = new_val();
    v->kind = VKind::Unknown;
    v->text = u.text;
    v->error = u.error;
    v->loc = loc;
    v->refs = refs;
    merge_refs(v->refs, u.refs);
    return v;
}

const Expr* root_of(const Expr* e) {
    while (e && (e->kind == ExprKind::GetAttr || e->kind == ExprKind::Index)) e = e->a;
    return e && e->kind == ExprKind::Variable ? e : nullptr;
}

} // namespace

ValPtr Evaluator::eval(const Expr* e, const Scope* s) {
    if (!e) return v_null();
    if (budget_ && ++budget_->used > budget_->limit)
        return v_error("the evaluation budget is exhausted (the configuration expands too much)",
                       e->loc);
    if (++depth_ > kMaxEvalDepth) {
        --depth_;
        return v_error("expression nesting is too deep to evaluate", e->loc);
    }
    ValPtr v = eval_inner(e, s);
    --depth_;
    return v;
}

ValPtr Evaluator::eval_inner(const Expr* e, const Scope* s) {
    switch (e->kind) {
    case ExprKind::Literal:
        switch (e->lit) {
        case hcl::LitKind::Null:
            return v_null(e->loc);
        case hcl::LitKind::Bool:
            return v_bool(e->boolean, e->loc);
        case hcl::LitKind::Number:
            return v_num(e->number, e->loc);
        case hcl::LitKind::String:
            return v_str(std::string(e->name), e->loc);
        }
        return v_null(e->loc);
    case ExprKind::Template:
        return template_value(e, s);
    case ExprKind::TemplateIf:
    case ExprKind::TemplateFor: {
        // Only reachable inside templates; evaluate as a one-part template.
        std::string out;
        Refs refs;
        ValPtr unknown;
        template_append(e, s, out, refs, unknown);
        if (unknown) return unknown;
        return as_computed(v_str(out), e->loc, refs);
    }
    case ExprKind::Variable:
    case ExprKind::GetAttr:
    case ExprKind::Index:
        return traversal(e, s);
    case ExprKind::Splat:
        return splat(e, s);
    case ExprKind::SplatItem:
        if (splat_items_.empty()) return v_error("splat element outside a splat", e->loc);
        return splat_items_.back();
    case ExprKind::Call:
        return call(e, s);
    case ExprKind::Conditional:
        return conditional(e, s);
    case ExprKind::Binary:
        return binary(e, s);
    case ExprKind::Unary:
        return unary(e, s);
    case ExprKind::Tuple:
        return tuple(e, s);
    case ExprKind::Object:
        return object(e, s);
    case ExprKind::For:
        return for_expr(e, s);
    case ExprKind::Parens:
        return eval(e->a, s);
    }
    return v_error("unsupported expression", e->loc);
}

// ---- references and traversals

ValPtr Evaluator::traversal(const Expr* e, const Scope* s) {
    const Expr* root = root_of(e);
    bool local_name = root && s && s->lookup(root->name);
    if (root && !local_name)
        if (ValPtr v = ctx_.reference(e, s)) return v;
    switch (e->kind) {
    case ExprKind::Variable: {
        if (const ValPtr* v = s ? s->lookup(e->name) : nullptr) return *v;
        return v_error("there is no variable named `" + std::string(e->name) + "`", e->loc);
    }
    case ExprKind::GetAttr:
        return get_attr(eval(e->a, s), e->name, e->loc);
    default:
        return index(eval(e->a, s), eval(e->b, s), e->loc);
    }
}

ValPtr Evaluator::get_attr(const ValPtr& obj, std::string_view name_view, SourceLoc loc) {
    const std::string name(name_view);
    if (obj->unknown()) return obj;
    if (obj->is(VKind::Map)) {
        if (const ValPtr* m = obj->find(name)) {
            Refs refs = obj->refs;
            if (obj->open) add_ref(refs, *obj->open + "." + name);
            return with_refs(*m, refs);
        }
        if (obj->open) {
            std::string what = *obj->open + "." + name;
            return v_unknown(what + " is known after apply", loc, {Ref(what)});
        }
        return v_error("the object has no attribute `" + name + "`", loc);
    }
    if (obj->is(VKind::Null))
        return v_error("cannot read attribute `" + name + "` of a null value", loc);
    return v_error(std::string("cannot read attribute `") + name + "` of a " + type_name(*obj),
                   loc);
}

ValPtr Evaluator::index(const ValPtr& obj, const ValPtr& key, SourceLoc loc) {
    if (obj->unknown()) return obj;
    if (key->unknown()) return unknown_from(*key, loc, obj->refs);
    Refs refs = obj->refs;
    merge_refs(refs, key->refs);
    if (obj->is(VKind::List)) {
        double n;
        if (!to_number(*key, n) || n != std::floor(n))
            return v_error(
                std::string("a list index must be a whole number, not a ") + type_name(*key), loc);
        if (n < 0 || n >= static_cast<double>(obj->items.size()))
            return v_error("index " + display(*key) + " is out of range for a list of " +
                               std::to_string(obj->items.size()) + " elements",
                           loc);
        return with_refs(obj->items[static_cast<size_t>(n)], refs);
    }
    if (obj->is(VKind::Map)) {
        std::string k;
        if (!to_text(*key, k))
            return v_error(std::string("a map key must be a string, not a ") + type_name(*key),
                           loc);
        if (const ValPtr* m = obj->find(k)) {
            if (obj->open) add_ref(refs, *obj->open + "." + k);
            return with_refs(*m, refs);
        }
        if (obj->open) {
            std::string what = *obj->open + "." + k;
            return v_unknown(what + " is known after apply", loc, {Ref(what)});
        }
        return v_error("the map has no element for the key \"" + k + "\"", loc);
    }
    if (obj->is(VKind::Null)) return v_error("cannot index a null value", loc);
    return v_error(std::string("cannot index a ") + type_name(*obj), loc);
}

ValPtr Evaluator::splat(const Expr* e, const Scope* s) {
    ValPtr src = eval(e->a, s);
    if (src->unknown()) return src;
    if (src->is(VKind::Null)) return as_computed(v_list({}), e->loc, src->refs);
    std::vector<ValPtr> elems = src->is(VKind::List) ? src->items : std::vector<ValPtr>{src};
    std::vector<ValPtr> out;
    out.reserve(elems.size());
    for (const ValPtr& item : elems) {
        splat_items_.push_back(item);
        out.push_back(eval(e->b, s));
        splat_items_.pop_back();
    }
    return as_computed(v_list(std::move(out)), e->loc, src->is(VKind::List) ? src->refs : Refs{});
}

// ---- templates

bool Evaluator::template_append(const Expr* part, const Scope* s, std::string& out, Refs& refs,
                                ValPtr& unknown) {
    if (part->kind == ExprKind::Literal && part->lit == hcl::LitKind::String) {
        out += part->name;
        return true;
    }
    if (part->kind == ExprKind::TemplateIf) {
        ValPtr c = eval(part->a, s);
        collect_refs(c, refs);
        if (c->unknown()) {
            if (!unknown) unknown = c;
            return false;
        }
        bool b;
        if (!to_bool(*c, b)) {
            if (!unknown)
                unknown = v_error("the condition of `%{ if }` must be a bool", part->a->loc);
            return false;
        }
        const Expr* branch = b ? part->b : part->c;
        if (branch)
            for (const Expr* p : branch->items)
                if (!template_append(p, s, out, refs, unknown)) return false;
        return true;
    }
    if (part->kind == ExprKind::TemplateFor) {
        ValPtr coll = eval(part->a, s);
        collect_refs(coll, refs);
        if (coll->unknown()) {
            if (!unknown) unknown = coll;
            return false;
        }
        auto body = [&](ValPtr k, ValPtr v) {
            Scope ks{s, part->name, std::move(k)};
            Scope vs{part->name.empty() ? s : &ks, part->name2, std::move(v)};
            for (const Expr* p : part->b->items)
                if (!template_append(p, &vs, out, refs, unknown)) return false;
            return true;
        };
        if (coll->is(VKind::List)) {
            for (size_t i = 0; i < coll->items.size(); ++i)
                if (!body(v_num(static_cast<double>(i)), coll->items[i])) return false;
        } else if (coll->is(VKind::Map)) {
            for (const auto& m : coll->members)
                if (!body(v_str(m.first), m.second)) return false;
        } else {
            if (!unknown)
                unknown =
                    v_error(std::string("cannot iterate over a ") + type_name(*coll), part->a->loc);
            return false;
        }
        return true;
    }
    ValPtr v = eval(part, s);
    collect_refs(v, refs);
    if (v->unknown()) {
        if (!unknown) unknown = v;
        return false;
    }
    if (!to_text(*v, out)) {
        if (!unknown)
            unknown = v_error(
                std::string("cannot interpolate a ") + type_name(*v) + " into a string", part->loc);
        return false;
    }
    return true;
}

ValPtr Evaluator::template_value(const Expr* e, const Scope* s) {
    if (e->unwrap) return with_loc(eval(e->items[0], s), e->loc);
    std::string out;
    Refs refs;
    ValPtr unknown;
    bool interpolated = false;
    for (const Expr* p : e->items) {
        interpolated |= !(p->kind == ExprKind::Literal);
        if (!template_append(p, s, out, refs, unknown)) break;
    }
    if (unknown) return unknown_from(*unknown, e->loc, refs);
    if (!interpolated) return v_str(std::move(out), e->loc);
    return as_computed(v_str(std::move(out)), e->loc, refs);
}

// ---- operators

ValPtr Evaluator::binary(const Expr* e, const Scope* s) {
    ValPtr l = eval(e->a, s);
    Op op = e->op;
    if (op == Op::And || op == Op::Or) {
        // Kleene logic: a known false (&&) or true (||) decides, even beside an unknown.
        bool decisive = op == Op::Or;
        bool lb;
        if (!l->unknown() && to_bool(*l, lb) && lb == decisive)
            return as_computed(v_bool(lb), e->loc, l->refs);
        ValPtr r = eval(e->b, s);
        Refs refs = l->refs;
        merge_refs(refs, r->refs);
        bool rb;
        if (!r->unknown() && to_bool(*r, rb) && rb == decisive)
            return as_computed(v_bool(rb), e->loc, refs);
        if (l->unknown()) return unknown_from(*l, e->loc, refs);
        if (r->unknown()) return unknown_from(*r, e->loc, refs);
        if (!to_bool(*l, lb) || !to_bool(*r, rb))
            return v_error(std::string("the operands of `") + hcl::op_text(op) + "` must be bools",
                           e->loc);
        return as_computed(v_bool(decisive ? (lb || rb) : (lb && rb)), e->loc, refs);
    }
    ValPtr r = eval(e->b, s);
    Refs refs;
    collect_refs(l, refs);
    collect_refs(r, refs);
    if (l->unknown()) return unknown_from(*l, e->loc, refs);
    if (r->unknown()) return unknown_from(*r, e->loc, refs);
    if (op == Op::Eq || op == Op::Ne) {
        if (const Val* u = find_unknown(l)) return unknown_from(*u, e->loc, refs);
        if (const Val* u = find_unknown(r)) return unknown_from(*u, e->loc, refs);
        bool eq = equal(*l, *r);
        return as_computed(v_bool(op == Op::Eq ? eq : !eq), e->loc, refs);
    }
    double a, b;
    if (!to_number(*l, a) || !to_number(*r, b))
        return v_error(std::string("the operands of `") + hcl::op_text(op) +
                           "` must be numbers, not " + type_name(*l) + " and " + type_name(*r),
                       e->loc);
    ValPtr out;
    switch (op) {
    case Op::Lt:
        out = v_bool(a < b);
        break;
    case Op::Le:
        out = v_bool(a <= b);
        break;
    case Op::Gt:
        out = v_bool(a > b);
        break;
    case Op::Ge:
        out = v_bool(a >= b);
        break;
    case Op::Add:
        out = v_num(a + b);
        break;
    case Op::Sub:
        out = v_num(a - b);
        break;
    case Op::Mul:
        out = v_num(a * b);
        break;
    case Op::Div:
        if (b == 0) return v_error("division by zero", e->loc);
        out = v_num(a / b);
        break;
    case Op::Mod:
        if (b == 0) return v_error("modulo by zero", e->loc);
        out = v_num(std::fmod(a, b));
        break;
    default:
        return v_error("unsupported operator", e->loc);
    }
    return as_computed(out, e->loc, refs);
}

ValPtr Evaluator::unary(const Expr* e, const Scope* s) {
    ValPtr v = eval(e->a, s);
    if (v->unknown()) return unknown_from(*v, e->loc, {});
    if (e->op == Op::Not) {
        bool b;
        if (!to_bool(*v, b))
            return v_error(std::string("`!` needs a bool, not a ") + type_name(*v), e->loc);
        return as_computed(v_bool(!b), e->loc, v->refs);
    }
    double n;
    if (!to_number(*v, n))
        return v_error(std::string("`-` needs a number, not a ") + type_name(*v), e->loc);
    return as_computed(v_num(-n), e->loc, v->refs);
}

ValPtr Evaluator::conditional(const Expr* e, const Scope* s) {
    ValPtr c = eval(e->a, s);
    if (c->unknown()) {
        Refs refs;
        collect_refs(c, refs);
        auto u = new_val(*unknown_from(*c, e->loc, refs));
        if (!u->error) u->text = "depends on the condition " + expr_text(e->a) + ": " + c->text;
        return u;
    }
    bool b;
    if (!to_bool(*c, b))
        return v_error(std::string("a condition must be a bool, not a ") + type_name(*c),
                       e->a->loc);
    ValPtr v = eval(b ? e->b : e->c, s);
    Refs refs;
    collect_refs(c, refs);
    return with_refs(v, refs);
}

// ---- constructors

ValPtr Evaluator::tuple(const Expr* e, const Scope* s) {
    std::vector<ValPtr> items;
    items.reserve(e->items.size());
    for (const Expr* i : e->items) items.push_back(eval(i, s));
    return v_list(std::move(items), e->loc);
}

ValPtr Evaluator::object(const Expr* e, const Scope* s) {
    Members members;
    members.reserve(e->member_count());
    for (size_t i = 0; i < e->member_count(); ++i) {
        const Expr* kx = e->member_key(i);
        const Expr* vx = e->member_value(i);
        ValPtr k = eval(kx, s);
        if (k->unknown()) return unknown_from(*k, e->loc, k->refs);
        std::string key;
        if (!to_text(*k, key))
            return v_error(std::string("an object key must be a string, not a ") + type_name(*k),
                           kx->loc);
        members.emplace_back(std::move(key), eval(vx, s));
    }
    return v_map(std::move(members), e->loc);
}

ValPtr Evaluator::for_expr(const Expr* e, const Scope* s) {
    ValPtr coll = eval(e->a, s);
    if (coll->unknown()) return unknown_from(*coll, e->loc, coll->refs);
    std::vector<std::pair<ValPtr, ValPtr>> pairs;
    if (coll->is(VKind::List)) {
        for (size_t i = 0; i < coll->items.size(); ++i)
            pairs.push_back({v_num(static_cast<double>(i)), coll->items[i]});
    } else if (coll->is(VKind::Map)) {
        for (const auto& m : coll->members) pairs.push_back({v_str(m.first), m.second});
    } else {
        return v_error(std::string("a for expression cannot iterate over a ") + type_name(*coll),
                       e->a->loc);
    }
    std::vector<ValPtr> items;
    Members members;
    std::vector<std::pair<std::string, std::vector<ValPtr>>> groups;
    for (auto& [k, v] : pairs) {
        Scope ks{s, e->name, k};
        Scope vs{e->name.empty() ? s : &ks, e->name2, v};
        if (e->d) {
            ValPtr c = eval(e->d, &vs);
            if (c->unknown()) return unknown_from(*c, e->loc, coll->refs);
            bool keep;
            if (!to_bool(*c, keep))
                return v_error("the `if` of a for expression must be a bool", e->d->loc);
            if (!keep) continue;
        }
        ValPtr value = eval(e->c, &vs);
        if (!e->object_for) {
            items.push_back(value);
            continue;
        }
        ValPtr key = eval(e->b, &vs);
        if (key->unknown()) return unknown_from(*key, e->loc, coll->refs);
        std::string ks_text;
        if (!to_text(*key, ks_text))
            return v_error("the key of a for expression must be a string", e->b->loc);
        if (e->expand) {
            auto it = std::find_if(groups.begin(), groups.end(),
                                   [&](auto& g) { return g.first == ks_text; });
            if (it == groups.end())
                groups.push_back({ks_text, {value}});
            else
                it->second.push_back(value);
            continue;
        }
        for (const auto& m : members)
            if (m.first == ks_text)
                return v_error("duplicate key \"" + ks_text +
                                   "\" in the for expression (use `...` to group)",
                               e->b->loc);
        members.emplace_back(std::move(ks_text), value);
    }
    ValPtr out;
    if (!e->object_for) {
        out = v_list(std::move(items));
    } else {
        for (auto& [k, vs] : groups) members.emplace_back(k, v_list(std::move(vs)));
        out = v_map(std::move(members));
    }
    return as_computed(out, e->loc, coll->refs);
}

// ---- function calls

ValPtr Evaluator::call(const Expr* e, const Scope* s) {
    if (e->name == "try") {
        if (e->items.empty()) return v_error("try() needs at least one argument", e->loc);
        for (const Expr* a : e->items) {
            ValPtr v = eval(a, s);
            if (!has_error(v)) return v;
        }
        return v_error("no argument of try() could be evaluated", e->loc);
    }
    if (e->name == "can") {
        if (e->items.size() != 1) return v_error("can() takes one argument", e->loc);
        ValPtr v = eval(e->items[0], s);
        if (has_error(v)) return as_computed(v_bool(false), e->loc, {});
        if (v->unknown()) return v;
        return as_computed(v_bool(true), e->loc, v->refs);
    }
    std::vector<ValPtr> args;
    args.reserve(e->items.size());
    for (const Expr* a : e->items) args.push_back(eval(a, s));
    if (e->expand && !args.empty()) {
        ValPtr last = args.back();
        if (last->unknown()) return unknown_from(*last, e->loc, last->refs);
        if (!last->is(VKind::List))
            return v_error("only a list can be expanded with `...`", e->items.back()->loc);
        args.pop_back();
        for (const ValPtr& i : last->items) args.push_back(with_refs(i, last->refs));
    }
    FnEnv env{ctx_.base_dir(), e->loc, this};
    ValPtr result = call_function(std::string(e->name), args, env);
    if (!result) {
        Refs refs;
        for (const ValPtr& a : args) collect_refs(a, refs);
        return v_unknown("function `" + std::string(e->name) + "` is not supported by Tenet",
                         e->loc, refs);
    }
    // A scalar result derives from everything in its arguments; a collection's elements
    // keep their own refs and the collection gets the arguments' own refs.
    Refs refs;
    bool scalar = !(result->is(VKind::List) || result->is(VKind::Map));
    for (const ValPtr& a : args) {
        if (scalar)
            collect_refs(a, refs);
        else
            merge_refs(refs, a->refs);
    }
    return as_computed(result, e->loc, refs);
}

} // namespace tenet::tf
