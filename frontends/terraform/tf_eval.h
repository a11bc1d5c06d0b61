// The expression evaluator: HCL expressions to tf::Val, with unknowns.
//
// Names that are not local to an expression (for variables, count, each, dynamic block
// iterators are) come from a Context: the module instance resolves var.*, local.*,
// module.*, data.*, resource references and path.*. Unknown inputs give unknown
// results that keep the first reason; errors (wrong types, missing keys) become
// unknowns flagged as errors, which try() and can() catch.
#pragma once

#include "hcl_ast.h"
#include "tf_value.h"

#include <string>
#include <vector>

namespace tenet::tf {

// Names bound by for expressions, count, for_each and dynamic blocks, innermost first.
struct Scope {
    const Scope* parent = nullptr;
    std::string_view name; // a name of the syntax tree or a literal: outlives the scope
    ValPtr value;

    const ValPtr* lookup(std::string_view n) const {
        for (const Scope* s = this; s; s = s->parent)
            if (s->name == n) return &s->value;
        return nullptr;
    }
};

// Real configurations take about one step per five bytes of source; the limit allows
// twenty times that, and at least half a million steps.
struct StepBudget {
    uint64_t used = 0;
    uint64_t limit = 500'000;
    void add_source(size_t bytes) { limit += 4 * static_cast<uint64_t>(bytes); }
    bool exhausted() const { return used > limit; }
};

class Context {
  public:
    virtual ~Context() = default;
    // The value of reference `e` (a Variable or a GetAttr/Index chain on one) when the
    // context resolves exactly this expression, else nullptr (the evaluator then
    // evaluates the parts and applies the last step itself).
    virtual ValPtr reference(const hcl::Expr* e, const Scope* s) = 0;
    // Where relative paths of file() and templatefile() start: the root module's
    // directory, as Terraform resolves them against its working directory.
    virtual const std::string& base_dir() const = 0;
};

class Evaluator {
  public:
    explicit Evaluator(Context& ctx) : ctx_(ctx) {}

    ValPtr eval(const hcl::Expr* e, const Scope* s);
    Context& context() { return ctx_; }
    // Counts evaluation steps in a budget shared by every evaluator of one load; past its
    // limit every evaluation is an error, so a configuration that expands without bound
    // (nested for expressions over large ranges) ends, in bounded time and memory.
    void set_budget(struct StepBudget* budget) { budget_ = budget; }

    // Shared with the functions: attribute access and indexing with HCL's rules.
    static ValPtr get_attr(const ValPtr& obj, std::string_view name, SourceLoc loc);
    static ValPtr index(const ValPtr& obj, const ValPtr& key, SourceLoc loc);

  private:
    ValPtr eval_inner(const hcl::Expr* e, const Scope* s);
    ValPtr traversal(const hcl::Expr* e, const Scope* s);
    ValPtr template_value(const hcl::Expr* e, const Scope* s);
    bool template_append(const hcl::Expr* part, const Scope* s, std::string& out, Refs& refs,
                         ValPtr& unknown);
    ValPtr binary(const hcl::Expr* e, const Scope* s);
    ValPtr unary(const hcl::Expr* e, const Scope* s);
    ValPtr conditional(const hcl::Expr* e, const Scope* s);
    ValPtr tuple(const hcl::Expr* e, const Scope* s);
    ValPtr object(const hcl::Expr* e, const Scope* s);
    ValPtr for_expr(const hcl::Expr* e, const Scope* s);
    ValPtr splat(const hcl::Expr* e, const Scope* s);
    ValPtr call(const hcl::Expr* e, const Scope* s);

    Context& ctx_;
    uint32_t depth_ = 0;
    StepBudget* budget_ = nullptr;
    std::vector<ValPtr> splat_items_; // the element each splat is applying to, innermost last
};

// A compact source rendering of an expression (variable types, validation conditions,
// reasons such as "count depends on var.n").
std::string expr_text(const hcl::Expr* e);

} // namespace tenet::tf
