// Expressions: name resolution (locals, predicates, globals, `stack`, implicit fields),
// typed paths with "did you mean", operators, quantifiers, calls of predicates and
// builtins, relations, regex and CIDR literal validation. A sub-expression that failed
// has the Error type, which silences every diagnostic about the expressions around it.
#include "checker_internal.h"
#include "tenet/runtime/builtins.h"

#include <arpa/inet.h>
#include <re2/re2.h>

namespace tenet::check {

namespace {

bool is(const Type* t, Type::Tag tag) {
    return t && t->tag == tag;
}
bool is_error(const Type* t) {
    return is(t, Type::Tag::Error);
}
bool is_dynamic(const Type* t) {
    return is(t, Type::Tag::Any) || is(t, Type::Tag::Null);
}

// The record a value's fields come from: declared types, canonical resources.
const TypeDecl* fields_of(const Type* t) {
    if (is(t, Type::Tag::Record) || is(t, Type::Tag::Resource)) return t->decl;
    return nullptr;
}

const char* op_text(BinOp op) {
    switch (op) {
    case BinOp::Add:
        return "+";
    case BinOp::Sub:
        return "-";
    case BinOp::Mul:
        return "*";
    case BinOp::Div:
        return "/";
    case BinOp::Mod:
        return "%";
    case BinOp::Eq:
        return "==";
    case BinOp::Ne:
        return "!=";
    case BinOp::Lt:
        return "<";
    case BinOp::Le:
        return "<=";
    case BinOp::Gt:
        return ">";
    case BinOp::Ge:
        return ">=";
    }
    return "?";
}

bool valid_ip(const std::string& s) {
    unsigned char buf[16];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool valid_cidr(const std::string& s, bool allow_plain_ip) {
    size_t slash = s.find('/');
    if (slash == std::string::npos) return allow_plain_ip && valid_ip(s);
    std::string ip = s.substr(0, slash), bits = s.substr(slash + 1);
    if (!valid_ip(ip) || bits.empty() || bits.size() > 3 ||
        bits.find_first_not_of("0123456789") != std::string::npos)
        return false;
    int n = std::stoi(bits);
    return n <= (ip.find(':') != std::string::npos ? 128 : 32);
}

} // namespace

bool Checker::assignable(const Type* from, const Type* to) const {
    if (!from || !to || from == to) return true;
    if (is_error(from) || is_error(to) || is_dynamic(from) || is(to, Type::Tag::Any)) return true;
    if (from->tag == Type::Tag::List && to->tag == Type::Tag::List)
        return assignable(from->elem, to->elem);
    if (from->tag == Type::Tag::Map && to->tag == Type::Tag::Map)
        return assignable(from->elem, to->elem);
    // A map of unknown shape may hold a record; its fields are checked at run time.
    if (from->tag == Type::Tag::Map && to->tag == Type::Tag::Record)
        return is(from->elem, Type::Tag::Any);
    if (to->tag == Type::Tag::Resource || to->tag == Type::Tag::Record) {
        if (from->tag != Type::Tag::Resource && from->tag != Type::Tag::Record) return false;
        if (to->tag == Type::Tag::Resource && !to->decl && to->native.empty())
            return from->tag == Type::Tag::Resource; // `resource` takes any resource
        if (to->decl) return from->decl == to->decl;
        return from->tag == Type::Tag::Resource && from->native == to->native;
    }
    return false;
}

bool Checker::check_against(Expr& e, const Type* expected, Scope& s, const Type** got) {
    if (e.kind == ExprKind::MapLit && is(expected, Type::Tag::Record) && expected->decl) {
        // `{ algorithm: ... }` for a record: every key must be a field of the right type.
        const TypeDecl* td = expected->decl;
        for (size_t i = 0; i < e.items.size(); ++i) {
            const FieldDecl* fd = td->field(e.keys[i]);
            if (!fd) {
                std::vector<std::string> names;
                for (auto& f : td->fields) names.push_back(f.name);
                auto& d = diags_.report(Diag::UnknownField, e.items[i]->span, td->name, e.keys[i]);
                std::string m = closest_match(e.keys[i], names);
                if (!m.empty()) d.help = "did you mean `" + m + "`?";
                expr(*e.items[i], s);
                continue;
            }
            const Type* t = nullptr;
            if (!check_against(*e.items[i], fd->type->resolved, s, &t)) {
                diags_.report(Diag::TypeMismatch, e.items[i]->span, fd->type->resolved->to_string(),
                              t->to_string());
            }
        }
        e.type = expected;
        *got = expected;
        return true; // field errors are reported above
    }
    if (e.kind == ExprKind::List && is(expected, Type::Tag::List)) {
        for (auto& item : e.items) {
            const Type* t = nullptr;
            if (!check_against(*item, expected->elem, s, &t))
                diags_.report(Diag::TypeMismatch, item->span, expected->elem->to_string(),
                              t->to_string());
        }
        e.type = expected;
        *got = expected;
        return true;
    }
    *got = expr(e, s);
    return assignable(*got, expected);
}

const Type* Checker::truth(Expr& e, Scope& s) {
    const Type* t = expr(e, s);
    if (is_error(t) || is_dynamic(t) || is(t, Type::Tag::Bool)) return t;
    diags_.report(Diag::TypeMismatch, e.span, "bool", t->to_string());
    return types_.error();
}

void Checker::note_use(const Scope& s, const Decl* used) {
    if (s.owner && used) uses_[s.owner].push_back(used);
    if (used && used->kind == DeclKind::Param) used_params_.insert(used);
}

std::vector<std::string> Checker::visible_names(const File& f, const Scope* s) {
    std::vector<std::string> out;
    if (s)
        for (auto& l : s->locals) out.push_back(l.name);
    for (auto& [n, d] : packages_[f.package].names)
        if (d->kind != DeclKind::Type) out.push_back(n);
    for (const Import& imp : f.imports)
        if (packages_.count(imp.package))
            for (auto& [n, d] : packages_[imp.package].names)
                if (d->kind != DeclKind::Type) out.push_back(n);
    return out;
}

namespace {

// Resolution of a predicate applied to a value: checks arity and the argument type.
struct Applied {
    const PredDecl* pred = nullptr;
    const Type* type = nullptr;
};

} // namespace

static const Type* pred_result(TypeTable& types, const PredDecl* p) {
    return p->result ? (p->result->resolved ? p->result->resolved : types.error())
                     : types.boolean();
}

const Type* Checker::expr(Expr& e, Scope& s) {
    const Type* t = types_.error();
    auto report_help = [&](Diagnostic& d, const std::string& word,
                           const std::vector<std::string>& cands) {
        std::string m = closest_match(word, cands);
        if (!m.empty()) d.help = "did you mean `" + m + "`?";
    };
    // Applies predicate `p` to a value of type `arg` (Apply, implicit application).
    auto apply_pred = [&](const PredDecl* p, const Type* arg, SourceSpan span) -> const Type* {
        if (p->params.size() != 1) {
            diags_.report(Diag::ArityMismatch, span, p->name, p->params.size(), 1);
            return types_.error();
        }
        const Type* want = p->params[0].type->resolved;
        if (!is_error(arg) && !assignable(arg, want)) {
            diags_.report(Diag::TypeMismatch, span, want->to_string(), arg->to_string());
            return types_.error();
        }
        note_use(s, p);
        return pred_result(types_, p);
    };
    auto field_of = [&](const Type* base, const std::string& name, SourceSpan span) -> const Type* {
        if (is_error(base)) return base;
        if (is_dynamic(base)) return types_.any();
        if (const TypeDecl* td = fields_of(base)) {
            if (const FieldDecl* fd = td->field(name))
                return fd->type->resolved ? fd->type->resolved : types_.error();
            std::vector<std::string> names;
            for (auto& f : td->fields) names.push_back(f.name);
            auto& d = diags_.report(Diag::UnknownField, span, td->name, name);
            report_help(d, name, names);
            return types_.error();
        }
        if (is(base, Type::Tag::Resource)) return types_.any(); // native or any resource
        if (is(base, Type::Tag::Map)) return base->elem;
        diags_.report(Diag::UnknownField, span, base->to_string(), name);
        return types_.error();
    };

    switch (e.kind) {
    case ExprKind::Null:
        t = types_.null();
        break;
    case ExprKind::Bool:
        t = types_.boolean();
        break;
    case ExprKind::Number:
        t = types_.number();
        break;
    case ExprKind::String:
        t = types_.string();
        break;
    case ExprKind::Template:
        for (auto& part : e.items) expr(*part, s);
        t = types_.string();
        break;
    case ExprKind::List: {
        const Type* elem = nullptr;
        for (auto& item : e.items) {
            const Type* it = expr(*item, s);
            if (is(it, Type::Tag::Null) || is_error(it)) continue;
            elem = !elem || elem == it ? it : types_.any();
        }
        t = types_.list(elem ? elem : types_.any());
        break;
    }
    case ExprKind::MapLit: {
        const Type* elem = nullptr;
        for (auto& item : e.items) {
            const Type* it = expr(*item, s);
            if (is(it, Type::Tag::Null) || is_error(it)) continue;
            elem = !elem || elem == it ? it : types_.any();
        }
        t = types_.map(elem ? elem : types_.any());
        break;
    }
    case ExprKind::ElemRef:
        if (!s.elems.empty()) {
            t = s.elems.back();
            e.name_kind = NameKind::Local;
            e.slot = s.elem_slots.back();
        }
        break;
    case ExprKind::Name: {
        const std::string& n = e.string_value;
        if (n.rfind("param.", 0) == 0) {
            std::string pname = n.substr(6);
            Decl* d = lookup(pname, *s.file, e.span, true);
            if (!d || d->kind != DeclKind::Param) {
                diags_.report(Diag::UnknownParam, e.span, pname);
                break;
            }
            e.name_kind = NameKind::Global;
            global_refs_.push_back({&e, d});
            note_use(s, d);
            t = static_cast<ParamDecl*>(d)->type->resolved;
            break;
        }
        if (const Scope::Local* l = s.find(n)) {
            e.name_kind = NameKind::Local;
            e.slot = l->slot;
            t = l->type;
            break;
        }
        Decl* d = lookup(n, *s.file, e.span, true);
        if (d && d->kind == DeclKind::Pred) {
            auto* p = static_cast<PredDecl*>(d);
            if (s.kind != Scope::Kind::Rule) {
                diags_.report(Diag::NoImplicitResource, e.span, n);
                break;
            }
            e.implicit_resource_arg = true;
            e.callee = p;
            t = apply_pred(p, s.resource, e.span);
            break;
        }
        if (d && (d->kind == DeclKind::Param || d->kind == DeclKind::Let)) {
            e.name_kind = NameKind::Global;
            global_refs_.push_back({&e, d});
            note_use(s, d);
            t = d->kind == DeclKind::Param ? static_cast<ParamDecl*>(d)->type->resolved
                                           : let_type(static_cast<LetDecl&>(*d));
            if (s.kind == Scope::Kind::Rule && fields_of(s.resource) &&
                fields_of(s.resource)->field(n))
                diags_.report(Diag::ShadowedField, e.span, n, n);
            break;
        }
        if (n == "stack") {
            if (s.owner) model_reads_.emplace(s.owner, e.span);
            e.name_kind = NameKind::Stack;
            t = types_.any();
            break;
        }
        if (s.kind == Scope::Kind::Rule && (!d || d->kind == DeclKind::Type)) {
            e.name_kind = NameKind::Field;
            t = field_of(s.resource, n, e.span);
            break;
        }
        auto& diag = diags_.report(Diag::UnknownName, e.span, n);
        report_help(diag, n, visible_names(*s.file, &s));
        break;
    }
    case ExprKind::Field: {
        // `alias.name`: a declaration of an imported package.
        if (e.lhs->kind == ExprKind::Name && !s.find(e.lhs->string_value) &&
            !lookup(e.lhs->string_value, *s.file, {}, false) &&
            import_alias(e.lhs->string_value, *s.file)) {
            Decl* d = lookup_qualified(e.lhs->string_value, e.string_value, *s.file);
            std::string full = e.lhs->string_value + "." + e.string_value;
            if (!d || d->kind == DeclKind::Type) {
                diags_.report(Diag::UnknownName, e.span, full);
                break;
            }
            e.kind = ExprKind::Name;
            e.string_value = full;
            e.lhs.reset();
            if (d->kind == DeclKind::Pred) {
                if (s.kind != Scope::Kind::Rule) {
                    diags_.report(Diag::NoImplicitResource, e.span, full);
                    break;
                }
                e.implicit_resource_arg = true;
                e.callee = static_cast<PredDecl*>(d);
                t = apply_pred(e.callee, s.resource, e.span);
                break;
            }
            e.name_kind = NameKind::Global;
            global_refs_.push_back({&e, d});
            note_use(s, d);
            t = d->kind == DeclKind::Param ? static_cast<ParamDecl*>(d)->type->resolved
                                           : let_type(static_cast<LetDecl&>(*d));
            break;
        }
        t = field_of(expr(*e.lhs, s), e.string_value, e.span);
        break;
    }
    case ExprKind::Index: {
        const Type* base = expr(*e.lhs, s);
        const Type* idx = expr(*e.rhs, s);
        if (is_error(base) || is_error(idx)) break;
        if (is_dynamic(base)) {
            t = types_.any();
        } else if (is(base, Type::Tag::List)) {
            if (!assignable(idx, types_.number())) {
                diags_.report(Diag::TypeMismatch, e.rhs->span, "number", idx->to_string());
                break;
            }
            t = base->elem;
        } else if (is(base, Type::Tag::Map)) {
            if (!assignable(idx, types_.string())) {
                diags_.report(Diag::TypeMismatch, e.rhs->span, "string", idx->to_string());
                break;
            }
            t = base->elem;
        } else if (is(base, Type::Tag::Record) || is(base, Type::Tag::Resource)) {
            t = e.rhs->kind == ExprKind::String ? field_of(base, e.rhs->string_value, e.rhs->span)
                                                : types_.any();
        } else {
            diags_.report(Diag::NotIndexable, e.span, base->to_string());
        }
        break;
    }
    case ExprKind::Projection:
    case ExprKind::MapValues: {
        const Type* base = expr(*e.lhs, s);
        if (is_error(base)) break;
        const Type* elem = nullptr;
        if (is_dynamic(base) || is(base, Type::Tag::Resource) || is(base, Type::Tag::Record))
            elem = types_.any();
        else if (is(base, Type::Tag::List) || is(base, Type::Tag::Map))
            elem = base->elem;
        if (!elem) {
            diags_.report(Diag::NotIterable, e.lhs->span, base->to_string());
            break;
        }
        if (e.kind == ExprKind::MapValues) {
            t = types_.list(elem);
            break;
        }
        e.var_slot = s.next_slot++;
        s.elems.push_back(elem);
        s.elem_slots.push_back(e.var_slot);
        const Type* r = expr(*e.rhs, s);
        s.elems.pop_back();
        s.elem_slots.pop_back();
        t = is_error(r) ? r : types_.list(r);
        break;
    }
    case ExprKind::Unary: {
        const Type* a = expr(*e.lhs, s);
        if (is_error(a)) break;
        if (!assignable(a, types_.number())) {
            diags_.report(Diag::TypeMismatch, e.lhs->span, "number", a->to_string());
            break;
        }
        t = types_.number();
        break;
    }
    case ExprKind::Binary: {
        const Type* a = expr(*e.lhs, s);
        const Type* b = expr(*e.rhs, s);
        if (is_error(a) || is_error(b)) break;
        auto bad = [&] {
            diags_.report(Diag::OperandTypes, e.span, op_text(e.bin_op), a->to_string(),
                          b->to_string());
        };
        bool dyn = is_dynamic(a) || is_dynamic(b);
        switch (e.bin_op) {
        case BinOp::Eq:
        case BinOp::Ne:
            t = types_.boolean();
            break;
        case BinOp::Lt:
        case BinOp::Le:
        case BinOp::Gt:
        case BinOp::Ge:
            if (dyn || (a == b && (is(a, Type::Tag::Number) || is(a, Type::Tag::String))))
                t = types_.boolean();
            else
                bad();
            break;
        case BinOp::Add:
            if (dyn) {
                t = is(a, Type::Tag::Any) || is(b, Type::Tag::Any) ? types_.any()
                                                                   : (is_dynamic(a) ? b : a);
            } else if (a == b && (is(a, Type::Tag::Number) || is(a, Type::Tag::String))) {
                t = a;
            } else if (is(a, Type::Tag::List) && is(b, Type::Tag::List)) {
                t = a == b ? a : types_.list(types_.any());
            } else {
                bad();
            }
            break;
        default:
            if ((dyn || is(a, Type::Tag::Number)) && (dyn || is(b, Type::Tag::Number)) &&
                (is_dynamic(a) || is(a, Type::Tag::Number)) &&
                (is_dynamic(b) || is(b, Type::Tag::Number)))
                t = types_.number();
            else
                bad();
        }
        break;
    }
    case ExprKind::And:
    case ExprKind::Or: {
        const Type* a = truth(*e.lhs, s);
        const Type* b = truth(*e.rhs, s);
        t = is_error(a) || is_error(b) ? types_.error() : types_.boolean();
        break;
    }
    case ExprKind::Not:
        t = is_error(truth(*e.lhs, s)) ? types_.error() : types_.boolean();
        break;
    case ExprKind::If: {
        const Type* c = truth(*e.lhs, s);
        const Type* a = expr(*e.rhs, s);
        const Type* b = expr(*e.third, s);
        if (is_error(c) || is_error(a) || is_error(b)) break;
        t = a == b ? a : is(a, Type::Tag::Null) ? b : is(b, Type::Tag::Null) ? a : types_.any();
        break;
    }
    case ExprKind::Coalesce: {
        const Type* a = expr(*e.lhs, s);
        const Type* b = expr(*e.rhs, s);
        if (is_error(a) || is_error(b)) break;
        t = a == b ? a : is(a, Type::Tag::Null) ? b : is(b, Type::Tag::Null) ? a : types_.any();
        break;
    }
    case ExprKind::Quant: {
        const Type* coll = expr(*e.lhs, s);
        if (is_error(coll)) {
            // Still resolve the body, with the variable silenced.
            e.var_slot = s.add_local(e.var, types_.error());
            expr(*e.rhs, s);
            s.locals.pop_back();
            break;
        }
        const Type* elem = nullptr;
        if (is_dynamic(coll))
            elem = types_.any();
        else if (is(coll, Type::Tag::List) || is(coll, Type::Tag::Map))
            elem = coll->elem;
        if (!elem) {
            diags_.report(Diag::NotIterable, e.lhs->span, coll->to_string());
            elem = types_.error();
        }
        e.var_slot = s.add_local(e.var, elem);
        const Type* body = truth(*e.rhs, s);
        s.locals.pop_back();
        if (is_error(elem) || is_error(body)) break;
        t = e.quant == QuantKind::Count ? types_.number() : types_.boolean();
        break;
    }
    case ExprKind::Comprehension: {
        const Type* coll = expr(*e.lhs, s);
        const Type* elem = types_.error(); // silences the body when the collection failed
        if (is_dynamic(coll))
            elem = types_.any();
        else if (is(coll, Type::Tag::List) || is(coll, Type::Tag::Map))
            elem = coll->elem;
        else if (!is_error(coll))
            diags_.report(Diag::NotIterable, e.lhs->span, coll->to_string());
        e.var_slot = s.add_local(e.var, elem);
        bool ok = !is_error(elem);
        if (e.third && is_error(truth(*e.third, s))) ok = false;
        if (!e.items.empty()) {
            const Type* key = expr(*e.items[0], s);
            if (is_error(key)) {
                ok = false;
            } else if (!assignable(key, types_.string())) {
                diags_.report(Diag::TypeMismatch, e.items[0]->span, "string (a map key)",
                              key->to_string());
                ok = false;
            }
        }
        const Type* value = expr(*e.rhs, s);
        s.locals.pop_back();
        if (!ok || is_error(value)) break;
        t = e.items.empty() ? types_.list(value) : types_.map(value);
        break;
    }
    case ExprKind::Apply: {
        const Type* arg = expr(*e.lhs, s);
        Decl* d = nullptr;
        if (!s.find(e.string_value)) d = lookup(e.string_value, *s.file, e.span, true);
        if (!d || d->kind != DeclKind::Pred) {
            if (d || s.find(e.string_value)) {
                diags_.report(Diag::NotAPredicate, e.span, e.string_value);
            } else {
                std::vector<std::string> preds;
                for (auto* p : prog_.preds) preds.push_back(p->name);
                auto& diag = diags_.report(Diag::UnknownPredicate, e.span, e.string_value);
                report_help(diag, e.string_value, preds);
            }
            break;
        }
        e.callee = static_cast<PredDecl*>(d);
        if (is_error(arg)) break;
        t = apply_pred(e.callee, arg, e.span);
        break;
    }
    case ExprKind::Call: {
        std::vector<const Type*> args;
        for (auto& a : e.items) args.push_back(expr(*a, s));
        const std::string& n = e.string_value;
        Decl* d = nullptr;
        size_t dot = n.find('.');
        if (dot != std::string::npos) {
            d = lookup_qualified(n.substr(0, dot), n.substr(dot + 1), *s.file);
        } else if (!s.find(n)) {
            d = lookup(n, *s.file, e.span, true);
        }
        if (d && d->kind == DeclKind::Pred) {
            auto* p = static_cast<PredDecl*>(d);
            e.callee = p;
            note_use(s, p);
            if (p->params.size() != args.size()) {
                diags_.report(Diag::ArityMismatch, e.span, n, p->params.size(), args.size());
                break;
            }
            bool ok = true;
            for (size_t i = 0; i < args.size(); ++i) {
                const Type* want = p->params[i].type->resolved;
                if (!assignable(args[i], want)) {
                    diags_.report(Diag::TypeMismatch, e.items[i]->span, want->to_string(),
                                  args[i]->to_string());
                    ok = false;
                }
                if (is_error(args[i])) ok = false;
            }
            if (ok) t = pred_result(types_, p);
            break;
        }
        int b = dot == std::string::npos && !d && !s.find(n) ? find_builtin(n) : -1;
        if (b < 0) {
            if (d || s.find(n)) {
                diags_.report(Diag::NotAPredicate, e.span, n);
                break;
            }
            std::vector<std::string> names;
            for (auto* p : prog_.preds) names.push_back(p->name);
            for (int i = 0; i < builtin_count(); ++i) names.push_back(builtin_info(i).name);
            auto& diag = diags_.report(Diag::UnknownPredicate, e.span, n);
            report_help(diag, n, names);
            break;
        }
        e.builtin = b;
        if (n == "resources_of" && s.owner) model_reads_.emplace(s.owner, e.span);
        const BuiltinInfo& info = builtin_info(b);
        if (args.size() < info.min_args || args.size() > info.max_args) {
            std::string want = info.min_args == info.max_args
                                   ? std::to_string(info.min_args)
                                   : fmt::format("{} to {}", info.min_args, info.max_args);
            diags_.report(Diag::ArityMismatch, e.span, n, want, args.size());
            break;
        }
        // Literal patterns and CIDRs are checked now rather than at every evaluation.
        if ((n == "matches" || n == "regex_find" || n == "regex_find_all" ||
             n == "regex_replace") &&
            e.items.size() >= 2 && e.items[1]->kind == ExprKind::String) {
            RE2 re(e.items[1]->string_value, RE2::Quiet);
            if (!re.ok()) diags_.report(Diag::BadRegex, e.items[1]->span, re.error());
        }
        if (n.rfind("cidr_", 0) == 0)
            for (size_t i = 0; i < e.items.size() && i < 2; ++i)
                if (e.items[i]->kind == ExprKind::String &&
                    !valid_cidr(e.items[i]->string_value, i == 1))
                    diags_.report(Diag::BadCidr, e.items[i]->span, e.items[i]->string_value);
        bool any_error = false;
        for (auto* a : args) any_error = any_error || is_error(a);
        if (any_error) break;
        switch (info.result) {
        case BuiltinResult::Bool:
            t = types_.boolean();
            break;
        case BuiltinResult::Number:
            t = types_.number();
            break;
        case BuiltinResult::String:
            t = types_.string();
            break;
        case BuiltinResult::ListAny:
            t = types_.list(types_.any());
            break;
        case BuiltinResult::ListString:
            t = types_.list(types_.string());
            break;
        case BuiltinResult::MapAny:
            t = types_.map(types_.any());
            break;
        case BuiltinResult::Any:
            t = types_.any();
            break;
        case BuiltinResult::SameAsArg0:
            t = args.empty() ? types_.any() : args[0];
            break;
        case BuiltinResult::ElemOfArg0:
            t = !args.empty() && (is(args[0], Type::Tag::List) || is(args[0], Type::Tag::Map))
                    ? args[0]->elem
                    : types_.any();
            break;
        }
        break;
    }
    case ExprKind::Relation: {
        const Type* lhs = expr(*e.lhs, s);
        const Type* target = nullptr;
        if (const TypeDecl* td = lookup_type(e.string_value, *s.file)) {
            if (!resource_decls_.count(td)) {
                diags_.report(Diag::NotAResourceType, e.span, e.string_value);
                break;
            }
            target = types_.canonical_resource(td);
        } else {
            target = resource_type_named(e.string_value, e.span, *s.file);
        }
        if (is_error(lhs) || is_error(target)) break;
        t = types_.list(target);
        break;
    }
    case ExprKind::References: {
        const Type* v = expr(*e.lhs, s);
        t = is_error(v) ? v : types_.boolean();
        break;
    }
    case ExprKind::Matches: {
        const Type* a = expr(*e.lhs, s);
        const Type* b = expr(*e.rhs, s);
        if (is_error(a) || is_error(b)) break;
        if (!assignable(a, types_.string())) {
            diags_.report(Diag::TypeMismatch, e.lhs->span, "string", a->to_string());
            break;
        }
        if (!assignable(b, types_.string())) {
            diags_.report(Diag::TypeMismatch, e.rhs->span, "string", b->to_string());
            break;
        }
        if (e.rhs->kind == ExprKind::String) {
            RE2 re(e.rhs->string_value, RE2::Quiet);
            if (!re.ok()) {
                diags_.report(Diag::BadRegex, e.rhs->span, re.error());
                break;
            }
        }
        t = types_.boolean();
        break;
    }
    case ExprKind::In: {
        const Type* a = expr(*e.lhs, s);
        const Type* b = expr(*e.rhs, s);
        if (is_error(a) || is_error(b)) break;
        bool ok =
            is_dynamic(b) || is(b, Type::Tag::List) ||
            ((is(b, Type::Tag::Map) || is(b, Type::Tag::String)) && assignable(a, types_.string()));
        if (!ok) {
            diags_.report(Diag::OperandTypes, e.span, "in", a->to_string(), b->to_string());
            break;
        }
        t = types_.boolean();
        break;
    }
    }
    e.type = t;
    return t;
}

} // namespace tenet::check
