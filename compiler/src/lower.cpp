// Declarations -> Program: one function per predicate, per global initializer, per
// rule where/requires/message and per mapping field, with the metadata the engine
// needs (GlobalInfo, RuleInfo, MappingInfo). The result is verified before it is
// returned; a verifier failure is an internal compiler error.
#include "tenet/compiler/lower.h"

#include "lower_internal.h"
#include "tenet/runtime/verifier.h"

#include <algorithm>

namespace tenet {
namespace lower {

namespace {

std::string qualified(const Decl& d) {
    return d.package.empty() ? d.name : d.package + "." + d.name;
}

Severity severity_of(const std::string& s) {
    if (s == "info") return Severity::Info;
    if (s == "low") return Severity::Low;
    if (s == "high") return Severity::High;
    if (s == "critical") return Severity::Critical;
    return Severity::Medium;
}

Level level_of(const std::string& s) {
    if (s == "advisory") return Level::Advisory;
    if (s == "soft") return Level::Soft;
    return Level::Hard;
}

tenet::RuleForm form_of(ast::RuleForm f) {
    switch (f) {
    case ast::RuleForm::Every:
        return tenet::RuleForm::Every;
    case ast::RuleForm::No:
        return tenet::RuleForm::No;
    case ast::RuleForm::Exists:
        return tenet::RuleForm::Exists;
    case ast::RuleForm::AtLeast:
        return tenet::RuleForm::AtLeast;
    }
    return tenet::RuleForm::Every;
}

// The text between the quotes of a string literal spanning `span` (one line).
std::string literal_text(const SourceManager& sm, const SourceSpan& span) {
    if (!span.begin.valid() || span.begin.file >= sm.size()) return {};
    std::string_view line = sm.line_text(span.begin.file, span.begin.line);
    size_t from = span.begin.column ? span.begin.column - 1 : 0;
    size_t to =
        span.end.line == span.begin.line && span.end.column ? span.end.column - 1 : line.size();
    if (from >= line.size() || to > line.size() || to <= from) return {};
    std::string_view text = line.substr(from, to - from);
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
        text = text.substr(1, text.size() - 2);
    return std::string(text);
}

} // namespace

Function Lowerer::build_function(std::string name, uint16_t arity, uint32_t locals,
                                 const Expr* body, const std::function<void(Emitter&)>& emit_body) {
    Function fn;
    fn.name = std::move(name);
    fn.arity = arity;
    // The checker's count, or the slots the body actually uses (globals have no count).
    uint32_t first_temp = std::max<uint32_t>({locals, arity, body ? locals_needed(*body) : 0u});
    Emitter em(
        fn, first_temp,
        [](void* self, FileId f) { return static_cast<Lowerer*>(self)->file_index(f); }, this);
    emit_body(em);
    em.emit(Op::RETURN);
    em.finish();
    return fn;
}

uint32_t Lowerer::add_function(std::string name, uint16_t arity, uint32_t locals, const Expr* body,
                               const std::function<void(Emitter&)>& emit_body) {
    Function fn = build_function(std::move(name), arity, locals, body, emit_body);
    prog_.functions.push_back(std::move(fn));
    return static_cast<uint32_t>(prog_.functions.size() - 1);
}

void Lowerer::run() {
    // Predicates first, so every CALL knows its target before any body is lowered.
    for (const PredDecl* p : checked_.preds) {
        pred_fn_[p] = static_cast<uint32_t>(prog_.functions.size());
        prog_.functions.emplace_back();
    }
    for (const PredDecl* p : checked_.preds) {
        if (p->params.size() > 0xFFFF)
            throw LowerError("predicate `" + qualified(*p) + "` has too many parameters");
        prog_.functions[pred_fn_[p]] =
            build_function(qualified(*p), static_cast<uint16_t>(p->params.size()), p->num_locals,
                           p->body.get(), [&](Emitter& em) {
                               expr(em, *p->body);
                               em.at(p->body->span);
                           });
    }
    lower_globals();
    for (const RuleDecl* r : checked_.rules) lower_rule(*r);
    for (const MapDecl* m : checked_.maps) lower_mapping(*m);
}

void Lowerer::lower_globals() {
    for (const Decl* d : checked_.globals) {
        GlobalInfo g;
        g.name = qualified(*d);
        g.loc = loc(d->name_span);
        const Expr* init = nullptr;
        if (d->kind == DeclKind::Param) {
            auto* p = static_cast<const ParamDecl*>(d);
            g.is_param = true;
            g.type = p->type && p->type->resolved ? p->type->resolved->to_string() : "any";
            init = p->default_value.get();
        } else {
            auto* l = static_cast<const LetDecl*>(d);
            const Type* t = l->type && l->type->resolved ? l->type->resolved : l->value->type;
            g.type = t ? t->to_string() : "any";
            g.scan = l->scan;
            init = l->value.get();
        }
        if (init)
            g.init_fn = add_function("init:" + g.name, 0, 0, init, [&](Emitter& em) {
                expr(em, *init);
                em.at(init->span);
            });
        prog_.globals.push_back(std::move(g));
    }
}

void Lowerer::rule_lets(Emitter& em, const RuleDecl& r, const Expr& body) {
    std::set<uint32_t> needed;
    locals_read(body, needed);
    // Lets only read earlier lets: walking backwards closes the set in one pass.
    std::vector<bool> emit(r.lets.size(), false);
    for (size_t i = r.lets.size(); i-- > 0;) {
        if (!needed.count(r.lets[i]->local)) continue;
        emit[i] = true;
        locals_read(*r.lets[i]->value, needed);
    }
    for (size_t i = 0; i < r.lets.size(); ++i) {
        if (!emit[i]) continue;
        expr(em, *r.lets[i]->value);
        em.at(r.lets[i]->span);
        em.emit(Op::STORE, r.lets[i]->local);
    }
}

void Lowerer::lower_rule(const RuleDecl& r) {
    RuleInfo info;
    info.name = qualified(r);
    info.id = r.id;
    info.title = r.title;
    info.fix = r.fix;
    info.package = r.package;
    info.controls = r.controls;
    info.severity = severity_of(r.severity);
    info.level = level_of(r.level);
    info.form = form_of(r.form);
    info.percent = r.percent;
    if (r.percent_param) info.percent_global = r.percent_param->slot;
    info.loc = loc(r.name_span);
    const Type* target = r.target ? r.target->resolved : nullptr;
    if (target && target->decl) {
        info.target_kind = TargetKind::Canonical;
        info.target_type = target->decl->name;
    } else if (target && !target->native.empty()) {
        info.target_kind = TargetKind::Native;
        info.target_type = target->native;
    }
    uint32_t locals = r.num_locals;
    for (auto& let : r.lets) locals = std::max(locals, locals_needed(*let->value));
    auto rule_fn = [&](const char* what, const Expr* body, bool truth) -> uint32_t {
        if (!body) return kNoFunction;
        return add_function("rule:" + info.name + "/" + what, 1, locals, body, [&](Emitter& em) {
            rule_lets(em, r, *body);
            expr(em, *body);
            em.at(body->span);
            // Where and requires hand the engine a truth (null -> false, non-boolean -> error).
            if (truth) em.emit(Op::TRUTH);
        });
    };
    // `no T where C`: C is the condition that must not hold (requires_fn). `exists T
    // where C`: C selects the resources that count (where_fn); there is no requires_fn.
    if (r.form == ast::RuleForm::No) {
        info.requires_fn = rule_fn("condition", r.where.get(), true);
    } else {
        info.where_fn = rule_fn("where", r.where.get(), true);
        info.requires_fn = rule_fn("requires", r.requires_.get(), true);
    }
    if (r.message) {
        info.message = literal_text(sm_, r.message->span);
        info.message_fn = rule_fn("message", r.message.get(), false);
    }
    prog_.rules.push_back(std::move(info));
}

void Lowerer::lower_mapping(const MapDecl& m) {
    MappingInfo info;
    info.frontend = m.frontend;
    info.native_type = m.native_type;
    info.canonical_type = m.target_decl ? m.target_decl->name : m.target;
    for (const MapField& f : m.fields) {
        std::string name = "map:" + m.frontend + ":" + m.native_type + "/" + f.name;
        uint32_t fn =
            add_function(std::move(name), 1, f.num_locals, f.value.get(), [&](Emitter& em) {
                expr(em, *f.value);
                em.at(f.value->span);
            });
        info.fields.push_back({f.name, fn});
    }
    prog_.mappings.push_back(std::move(info));
}

} // namespace lower

std::unique_ptr<Program> lower_program(const CheckedProgram& checked, const SourceManager& sm,
                                       DiagnosticBag& diags) {
    auto program = std::make_unique<Program>();
    std::string error;
    try {
        lower::Lowerer(checked, sm, *program).run();
    } catch (const lower::LowerError& e) {
        error = e.what();
    }
    if (error.empty() && !program->compile_regexes(&error)) error = "regex: " + error;
    if (error.empty() && !verify_program(*program, error))
        error = "bytecode verification failed: " + error;
    if (!error.empty()) {
        // The catalog has no code of its own for compiler bugs; compile() reports its
        // exceptions the same way.
        diags.report(Diag::SyntaxError, SourceSpan{}, "internal compiler error: " + error);
        return nullptr;
    }
    return program;
}

} // namespace tenet
