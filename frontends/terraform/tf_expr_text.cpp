// expr_text: expressions back to compact source text, for stack entries (variable
// types, validation conditions) and unknown reasons.
#include "tenet/common/json.h"
#include "tf_eval.h"

namespace tenet::tf {

using hcl::Expr;
using hcl::ExprKind;

namespace {

void print(const Expr* e, std::string& out, int budget);

void print_list(const hcl::ExprList& items, std::string& out, int budget) {
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        print(items[i], out, budget);
    }
}

void print_template_parts(const Expr* t, std::string& out, int budget) {
    for (const Expr* p : t->items) {
        if (p->kind == ExprKind::Literal) {
            out += p->name;
        } else if (p->kind == ExprKind::TemplateIf) {
            out += "%{ if ";
            print(p->a, out, budget);
            out += " }";
            print_template_parts(p->b, out, budget);
            if (p->c) {
                out += "%{ else }";
                print_template_parts(p->c, out, budget);
            }
            out += "%{ endif }";
        } else if (p->kind == ExprKind::TemplateFor) {
            out += "%{ for ";
            if (!p->name.empty()) out.append(p->name).append(", ");
            out.append(p->name2).append(" in ");
            print(p->a, out, budget);
            out += " }";
            print_template_parts(p->b, out, budget);
            out += "%{ endfor }";
        } else {
            out += "${";
            print(p, out, budget);
            out += "}";
        }
    }
}

void print(const Expr* e, std::string& out, int budget) {
    if (!e) return;
    if (budget <= 0) {
        out += "...";
        return;
    }
    --budget;
    switch (e->kind) {
    case ExprKind::Literal:
        switch (e->lit) {
        case hcl::LitKind::Null:
            out += "null";
            return;
        case hcl::LitKind::Bool:
            out += e->boolean ? "true" : "false";
            return;
        case hcl::LitKind::Number:
            json::append_number(out, e->number);
            return;
        case hcl::LitKind::String:
            if (e->unwrap) { // written as a template: printed as one
                out.append(1, '"').append(e->name).append(1, '"');
                return;
            }
            json::append_quoted(out, e->name);
            return;
        }
        return;
    case ExprKind::Template:
        out += '"';
        print_template_parts(e, out, budget);
        out += '"';
        return;
    case ExprKind::TemplateIf:
    case ExprKind::TemplateFor:
        out += "%{...}";
        return;
    case ExprKind::Variable:
        out += e->name;
        return;
    case ExprKind::GetAttr:
        print(e->a, out, budget);
        out.append(".").append(e->name);
        return;
    case ExprKind::Index:
        print(e->a, out, budget);
        out += "[";
        print(e->b, out, budget);
        out += "]";
        return;
    case ExprKind::Splat:
        print(e->a, out, budget);
        out += "[*]";
        print(e->b, out, budget);
        return;
    case ExprKind::SplatItem:
        return;
    case ExprKind::Call:
        out.append(e->name).append("(");
        print_list(e->items, out, budget);
        if (e->expand) out += "...";
        out += ")";
        return;
    case ExprKind::Conditional:
        print(e->a, out, budget);
        out += " ? ";
        print(e->b, out, budget);
        out += " : ";
        print(e->c, out, budget);
        return;
    case ExprKind::Binary:
        print(e->a, out, budget);
        out += std::string(" ") + hcl::op_text(e->op) + " ";
        print(e->b, out, budget);
        return;
    case ExprKind::Unary:
        out += hcl::op_text(e->op);
        print(e->a, out, budget);
        return;
    case ExprKind::Tuple:
        out += "[";
        print_list(e->items, out, budget);
        out += "]";
        return;
    case ExprKind::Object:
        out += "{";
        for (size_t i = 0; i < e->member_count(); ++i) {
            if (i) out += ", ";
            print(e->member_key(i), out, budget);
            out += " = ";
            print(e->member_value(i), out, budget);
        }
        out += "}";
        return;
    case ExprKind::For:
        out += e->object_for ? "{for " : "[for ";
        if (!e->name.empty()) out.append(e->name).append(", ");
        out.append(e->name2).append(" in ");
        print(e->a, out, budget);
        out += " : ";
        if (e->object_for) {
            print(e->b, out, budget);
            out += " => ";
        }
        print(e->c, out, budget);
        if (e->expand) out += "...";
        if (e->d) {
            out += " if ";
            print(e->d, out, budget);
        }
        out += e->object_for ? "}" : "]";
        return;
    case ExprKind::Parens:
        out += "(";
        print(e->a, out, budget);
        out += ")";
        return;
    }
}

} // namespace

std::string expr_text(const Expr* e) {
    std::string out;
    print(e, out, 64);
    return out;
}

} // namespace tenet::tf
