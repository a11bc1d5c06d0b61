// The reference evaluator's expression walker: one case per ExprKind, following the
// checker's annotations (name kinds, slots, callees, builtin indices). Evaluation
// errors are thrown as EvalError and turned into Verdict::Error by the driver.
#include "reference_eval_internal.h"
#include "tenet/model/interner.h"
#include "tenet/model/value_json.h"
#include "tenet/runtime/builtins.h"

#include <cmath>
#include <optional>

namespace tenet::refeval {

namespace {

[[noreturn]] void fail(std::string message) {
    throw EvalError{std::move(message)};
}

// What builtins may touch: the evaluator's current arena and the model.
class RefBuiltinContext : public BuiltinContext {
  public:
    RefBuiltinContext(Arena& arena, const Model* model) : arena_(arena), model_(model) {}
    Arena& arena() override { return arena_; }
    const Model* model() override { return model_; }
    void fail(std::string message) override {
        if (!failed) error = std::move(message);
        failed = true;
    }
    bool failed = false;
    std::string error;

  private:
    Arena& arena_;
    const Model* model_;
};

} // namespace

Evaluator::Evaluator(const CheckedProgram& c, Model& m, const ReferenceOptions& o)
    : checked(c), model(m), options(o), ops(m, arena, o.memory_cap) {}

void Evaluator::begin_evaluation(Arena* a) {
    steps_ = 0;
    arena = a;
    if (a == &temp_arena) {
        temp_arena.reset();
        temp_arena.set_cap(options.memory_cap);
    }
}

void Evaluator::step() {
    if (++steps_ > options.step_budget)
        fail("instruction budget of " + std::to_string(options.step_budget) + " exhausted");
}

Value Evaluator::to_truth(const Value& v) const {
    if (v.is(Kind::Bool) || v.is_unknown()) return v;
    if (v.is_null()) return Value::boolean(false);
    fail("expected a boolean, found " + kind_phrase(v.kind()));
}

Value Evaluator::truth(const Expr& e, Frame& f) {
    return to_truth(eval(e, f));
}

Value Evaluator::call_pred(const PredDecl& p, std::vector<Value> args) {
    Frame callee;
    callee.locals = std::move(args);
    // The body's value as it is: a predicate's caller decides what a truth is.
    return eval(*p.body, callee);
}

void Evaluator::collect_lets(const Expr* e, const RuleDecl& rule, std::set<const LetDecl*>& out) {
    if (!e) return;
    if (e->kind == ExprKind::Name && e->name_kind == NameKind::Local && !e->implicit_resource_arg) {
        for (auto& let : rule.lets)
            if (let->local == e->slot && out.insert(let.get()).second)
                collect_lets(let->value.get(), rule, out);
    }
    collect_lets(e->lhs.get(), rule, out);
    collect_lets(e->rhs.get(), rule, out);
    collect_lets(e->third.get(), rule, out);
    for (auto& item : e->items) collect_lets(item.get(), rule, out);
}

void Evaluator::enter_rule_function(const RuleDecl& rule, const Expr* e, Frame& f) {
    std::set<const LetDecl*> needed;
    collect_lets(e, rule, needed);
    for (auto& let : rule.lets)
        if (needed.count(let.get())) f.at(let->local) = eval(*let->value, f);
}

Value Evaluator::call_builtin(const Expr& e, Frame& f) {
    std::vector<Value> args;
    for (auto& a : e.items) args.push_back(eval(*a, f));
    const BuiltinInfo& info = builtin_info(e.builtin);
    if (info.propagate_unknown)
        for (const Value& a : args)
            if (a.is_unknown()) return a;
    RefBuiltinContext ctx(*arena, ops.model_visible ? &model : nullptr);
    Value r = info.fn(ctx, args);
    if (ctx.failed) fail(ctx.error);
    if (arena->over_cap()) ops.out_of_memory();
    return r;
}

Value Evaluator::quantifier(const Expr& e, Frame& f) {
    Value coll = eval(*e.lhs, f);
    if (coll.is_unknown()) return coll;
    if (!coll.is_null() && !coll.is(Kind::List) && !coll.is(Kind::Map))
        fail("cannot iterate over " + kind_phrase(coll.kind()));
    Value unknown;
    bool seen_unknown = false;
    double count = 0;
    for (const Value& el : elements(coll)) {
        f.at(e.var_slot) = el;
        Value t = truth(*e.rhs, f);
        record(*e.rhs, t);
        if (t.is_unknown()) {
            if (!seen_unknown) unknown = t;
            seen_unknown = true;
            continue;
        }
        bool b = t.as_bool();
        if (e.quant == QuantKind::Some && b) return Value::boolean(true);
        if (e.quant == QuantKind::All && !b) return Value::boolean(false);
        if (b) ++count;
    }
    if (seen_unknown) return unknown;
    if (e.quant == QuantKind::Count) return Value::number(count);
    return Value::boolean(e.quant == QuantKind::All);
}

// The elements (or key/value entries) that pass the condition, in iteration order; the
// first unknown collection, condition, key or element is the result, and ends the walk.
Value Evaluator::comprehension(const Expr& e, Frame& f) {
    Value coll = eval(*e.lhs, f);
    if (coll.is_unknown()) return coll;
    if (!coll.is_null() && !coll.is(Kind::List) && !coll.is(Kind::Map))
        fail("cannot iterate over " + kind_phrase(coll.kind()));
    bool is_map = !e.items.empty();
    std::vector<Value> items;
    std::vector<MapEntry> entries;
    std::optional<Kind> bad_key;
    for (const Value& el : elements(coll)) {
        f.at(e.var_slot) = el;
        if (e.third) {
            Value c = truth(*e.third, f);
            if (c.is_unknown()) return c;
            if (!c.as_bool()) continue;
        }
        Value key;
        if (is_map) {
            key = eval(*e.items[0], f);
            if (key.is_unknown()) return key;
        }
        Value v = eval(*e.rhs, f);
        if (v.is_unknown()) return v;
        if (!is_map) {
            items.push_back(v);
            continue;
        }
        // Keys are checked once the walk is over (a later unknown still wins), as the
        // VM builds the map after the loop.
        if (!key.is(Kind::String)) {
            if (!bad_key) bad_key = key.kind();
            continue;
        }
        entries.push_back({key.as_string(), v});
    }
    if (bad_key) fail("a map key must be a string, found " + kind_phrase(*bad_key));
    return is_map ? ops.make_map(entries) : ops.make_list(items);
}

Value Evaluator::eval(const Expr& e, Frame& f) {
    return tracing ? eval_traced(e, f) : eval_node(e, f);
}

ExplainRequest* Evaluator::explain_request(uint32_t rule, uint32_t resource) const {
    if (!options.explain) return nullptr;
    for (ExplainRequest& r : *options.explain)
        if (r.rule == rule && (r.resource == resource || r.resource == kStackResource)) return &r;
    return nullptr;
}

// One explain step per expression, opened before its operands (so steps read top-down)
// and given its value when it returns.
Value Evaluator::eval_traced(const Expr& e, Frame& f) {
    ExplainRequest& req = *tracing;
    if (req.steps.size() >= ExplainRequest::kMaxExplainSteps) {
        req.truncated = true;
        tracing = nullptr;
        Value v;
        try {
            v = eval_node(e, f);
        } catch (...) {
            tracing = &req;
            throw;
        }
        tracing = &req;
        return v;
    }
    size_t at = req.steps.size();
    req.steps.push_back({&e, trace_depth, trace_resource, {}, 0, false});
    struct Depth {
        uint32_t& d;
        explicit Depth(uint32_t& depth) : d(depth) { ++d; }
        ~Depth() { --d; }
    } depth{trace_depth};
    Value v = eval_node(e, f);
    ExplainStep& s = req.steps[at];
    // Strings quoted (`"AES256"`, not `AES256`): an explanation shows values as code does.
    s.value = v.is(Kind::Resource)
                  ? std::string(model.resources[v.resource_index()].address->view())
              : v.is(Kind::String) ? value_to_json(v)
                                   : value_to_display(v);
    s.prov = v.prov();
    s.unknown = v.is_unknown();
    return v;
}

Value Evaluator::eval_node(const Expr& e, Frame& f) {
    step();
    switch (e.kind) {
    case ExprKind::Null:
        return Value::null();
    case ExprKind::Bool:
        return Value::boolean(e.bool_value);
    case ExprKind::Number:
        return Value::number(e.number_value);
    case ExprKind::String:
        return Value::string(intern(e.string_value));
    case ExprKind::Template: {
        std::vector<Value> parts;
        for (auto& p : e.items) parts.push_back(eval(*p, f));
        return ops.concat(parts);
    }
    case ExprKind::List: {
        std::vector<Value> items;
        for (auto& p : e.items) items.push_back(eval(*p, f));
        return ops.make_list(items);
    }
    case ExprKind::MapLit: {
        std::vector<MapEntry> entries;
        for (size_t i = 0; i < e.items.size(); ++i)
            entries.push_back({intern(e.keys[i]), eval(*e.items[i], f)});
        return ops.make_map(entries);
    }
    case ExprKind::Name:
        if (e.implicit_resource_arg) return call_pred(*e.callee, {f.at(0)});
        switch (e.name_kind) {
        case NameKind::Local:
            return f.at(e.slot);
        case NameKind::Global:
            if (const Decl* d = e.slot < checked.globals.size() ? checked.globals[e.slot] : nullptr;
                d && d->kind == DeclKind::Let && static_cast<const LetDecl*>(d)->scan)
                return scan_value(e.slot);
            return globals.at(e.slot);
        case NameKind::Field:
            return ops.field(f.at(0), e.string_value);
        case NameKind::Stack:
            return ops.model_visible ? model.stack : Value::null();
        case NameKind::Unresolved:
            break;
        }
        fail("internal: unresolved name `" + e.string_value + "`");
    case ExprKind::Field:
        return ops.field(eval(*e.lhs, f), e.string_value);
    case ExprKind::Index: {
        Value obj = eval(*e.lhs, f);
        // `r["name"]` on a resource or record is its field, as the checker typed it.
        const Type* t = e.lhs->type;
        if (e.rhs->kind == ExprKind::String && t &&
            (t->tag == Type::Tag::Resource || t->tag == Type::Tag::Record))
            return ops.field(obj, e.rhs->string_value);
        Value key = eval(*e.rhs, f);
        return ops.index(obj, key);
    }
    case ExprKind::Projection: {
        Value base = eval(*e.lhs, f);
        if (base.is_null() || base.is_unknown()) return base;
        if (!base.is(Kind::List) && !base.is(Kind::Map))
            fail("cannot iterate over " + kind_phrase(base.kind()));
        std::vector<Value> out;
        for (const Value& el : elements(base)) {
            f.at(e.var_slot) = el;
            out.push_back(eval(*e.rhs, f));
        }
        return ops.make_list(out);
    }
    case ExprKind::ElemRef:
        return f.at(e.slot);
    case ExprKind::MapValues: {
        Value base = eval(*e.lhs, f);
        if (base.is_null() || base.is_unknown()) return base;
        if (!base.is(Kind::List) && !base.is(Kind::Map))
            fail("cannot iterate over " + kind_phrase(base.kind()));
        return ops.make_list(elements(base));
    }
    case ExprKind::Unary:
        return ops.negate(eval(*e.lhs, f));
    case ExprKind::Binary: {
        Value a = eval(*e.lhs, f);
        Value b = eval(*e.rhs, f);
        switch (e.bin_op) {
        case BinOp::Eq:
        case BinOp::Ne:
        case BinOp::Lt:
        case BinOp::Le:
        case BinOp::Gt:
        case BinOp::Ge:
            return ops.compare(e.bin_op, a, b);
        default:
            return ops.arith(e.bin_op, a, b);
        }
    }
    case ExprKind::And: {
        Value a = truth(*e.lhs, f);
        record(*e.lhs, a);
        if (a.is(Kind::Bool) && !a.as_bool()) return a;
        Value b = truth(*e.rhs, f);
        record(*e.rhs, b);
        if (a.is(Kind::Bool)) return b;
        return b.is(Kind::Bool) && !b.as_bool() ? b : a;
    }
    case ExprKind::Or: {
        Value a = truth(*e.lhs, f);
        record(*e.lhs, a);
        if (a.is(Kind::Bool) && a.as_bool()) return a;
        Value b = truth(*e.rhs, f);
        record(*e.rhs, b);
        if (a.is(Kind::Bool)) return b;
        return b.is(Kind::Bool) && b.as_bool() ? b : a;
    }
    case ExprKind::Not: {
        Value a = truth(*e.lhs, f);
        return a.is_unknown() ? a : Value::boolean(!a.as_bool());
    }
    case ExprKind::If: {
        Value c = truth(*e.lhs, f);
        record(*e.lhs, c);
        if (c.is_unknown()) return c;
        return c.as_bool() ? eval(*e.rhs, f) : eval(*e.third, f);
    }
    case ExprKind::Quant:
        return quantifier(e, f);
    case ExprKind::Comprehension:
        return comprehension(e, f);
    case ExprKind::Coalesce: {
        Value a = eval(*e.lhs, f);
        return a.is_null() ? eval(*e.rhs, f) : a;
    }
    case ExprKind::Call:
        if (e.callee) {
            std::vector<Value> args;
            for (auto& a : e.items) args.push_back(eval(*a, f));
            return call_pred(*e.callee, std::move(args));
        }
        return call_builtin(e, f);
    case ExprKind::Apply:
        return call_pred(*e.callee, {eval(*e.lhs, f)});
    case ExprKind::Relation:
        return ops.relation(eval(*e.lhs, f), e.string_value, e.attribute);
    case ExprKind::References:
        return ops.references(eval(*e.lhs, f), e.attribute, e.string_value);
    case ExprKind::Matches: {
        Value s = eval(*e.lhs, f);
        Value p = eval(*e.rhs, f);
        return ops.matches(s, p);
    }
    case ExprKind::In: {
        Value x = eval(*e.lhs, f);
        Value c = eval(*e.rhs, f);
        return ops.in(x, c);
    }
    }
    fail("internal: unknown expression kind");
}

Value persist(const Value& v, Arena& arena) {
    switch (v.kind()) {
    case Kind::String:
        return Value::string(intern(v.as_view()), v.prov());
    case Kind::Unknown:
        return Value::unknown(intern(v.unknown_reason()->view()), v.prov());
    case Kind::List: {
        std::vector<Value> items;
        for (const Value& x : v.as_list()->span()) items.push_back(persist(x, arena));
        return Value::list(arena.make_list(items), v.prov());
    }
    case Kind::Map: {
        std::vector<MapEntry> entries;
        for (const MapEntry& e : v.as_map()->span())
            entries.push_back({intern(e.key->view()), persist(e.value, arena)});
        return Value::map(arena.make_map(entries), v.prov());
    }
    default:
        return v;
    }
}

} // namespace tenet::refeval
