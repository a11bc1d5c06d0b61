// coverage_points: every clause, `and` / `or` operand, `if` condition and quantifier
// body a rule can reach, following predicate calls into the predicates' bodies (the
// checker forbids recursion, and each predicate is walked once per rule).
#include "tenet/compiler/reference_eval.h"

#include <set>

namespace tenet {

namespace {

using namespace tenet::ast;

class PointWalker {
  public:
    std::vector<CoveragePoint> points;

    void clause(const Expr* e) {
        if (!e) return;
        add(e, CoverageKind::Clause);
        walk(e);
    }
    void walk(const Expr* e) {
        if (!e) return;
        switch (e->kind) {
        case ExprKind::And:
        case ExprKind::Or:
            operands(e, e->kind);
            break;
        case ExprKind::If:
            add(e->lhs.get(), CoverageKind::Branch);
            break;
        case ExprKind::Quant:
            add(e->rhs.get(), CoverageKind::QuantifierBody);
            break;
        default:
            break;
        }
        bool calls = e->kind == ExprKind::Call || e->kind == ExprKind::Apply ||
                     (e->kind == ExprKind::Name && e->implicit_resource_arg);
        if (calls && e->callee && preds_.insert(e->callee).second) walk(e->callee->body.get());
        walk(e->lhs.get());
        walk(e->rhs.get());
        walk(e->third.get());
        for (auto& item : e->items) walk(item.get());
    }

  private:
    // `a and b and c` is one chain of three operands, not two nested pairs.
    void operands(const Expr* e, ExprKind chain) {
        if (!e) return;
        if (e->kind != chain) return add(e, CoverageKind::Operand);
        operands(e->lhs.get(), chain);
        operands(e->rhs.get(), chain);
    }
    void add(const Expr* e, CoverageKind kind) {
        if (e && seen_.insert(e).second) points.push_back({e, kind});
    }
    std::set<const Expr*> seen_;
    std::set<const PredDecl*> preds_;
};

} // namespace

std::vector<CoveragePoint> coverage_points(const RuleDecl& rule) {
    PointWalker w;
    w.clause(rule.where.get());
    w.clause(rule.requires_.get());
    for (auto& let : rule.lets) w.walk(let->value.get());
    return std::move(w.points);
}

} // namespace tenet
