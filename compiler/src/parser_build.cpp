// Parse tree -> AST, declarations: files, packages, imports, params, lets, predicates,
// types, mappings and rules. Expressions are in parser_expr.cpp.
#include "parser_internal.h"

namespace tenet::parse {

using namespace tenet::ast;

std::string Builder::text(antlr4::ParserRuleContext* ctx) const {
    return ctx ? ctx->getText() : "";
}

File Builder::file(TP::FileContext* ctx, FileId id) {
    File f;
    f.file = id;
    if (auto* pkg = ctx->packageDecl()) {
        f.package = text(pkg->qualifiedName());
        f.package_span = run_.span(pkg->qualifiedName());
    }
    for (auto* imp : ctx->importDecl()) {
        Import i;
        i.span = run_.span(imp);
        i.package = text(imp->qualifiedName());
        if (imp->alias) {
            i.alias = text(imp->alias);
        } else {
            auto parts = imp->qualifiedName()->anyName();
            i.alias = text(parts.back());
        }
        f.imports.push_back(std::move(i));
    }
    for (auto* d : ctx->decl())
        if (auto decl = this->decl(d, f.package)) f.decls.push_back(std::move(decl));
    for (auto* t : ctx->testDecl()) f.tests.push_back(test(t, f.package));
    return f;
}

std::unique_ptr<TypeExpr> Builder::type_ref(TP::TypeRefContext* ctx) {
    auto t = std::make_unique<TypeExpr>();
    t->span = run_.span(ctx);
    t->name = text(ctx->name);
    if (auto* arg = ctx->typeRef()) t->args.push_back(type_ref(arg));
    return t;
}

std::unique_ptr<Decl> Builder::decl(TP::DeclContext* ctx, const std::string& package) {
    std::unique_ptr<Decl> out;
    TP::IdentContext* name = nullptr;
    if (auto* c = dynamic_cast<TP::ParamDeclContext*>(ctx)) {
        auto d = std::make_unique<ParamDecl>();
        d->type = type_ref(c->typeRef());
        if (c->value) d->default_value = expr(c->value);
        name = c->name;
        out = std::move(d);
    } else if (auto* c = dynamic_cast<TP::LetDeclContext*>(ctx)) {
        auto d = std::make_unique<LetDecl>();
        if (c->typeRef()) d->type = type_ref(c->typeRef());
        d->value = expr(c->value);
        name = c->name;
        out = std::move(d);
    } else if (auto* c = dynamic_cast<TP::PredDeclContext*>(ctx)) {
        auto d = std::make_unique<PredDecl>();
        for (auto* p : c->predParam()) {
            PredParam pp;
            pp.span = run_.span(p);
            pp.name = text(p->name);
            pp.type = type_ref(p->typeRef());
            d->params.push_back(std::move(pp));
        }
        if (c->result) d->result = type_ref(c->result);
        d->body = expr(c->body);
        name = c->name;
        out = std::move(d);
    } else if (auto* c = dynamic_cast<TP::TypeDeclContext*>(ctx)) {
        auto d = std::make_unique<TypeDecl>();
        for (auto* f : c->fieldDecl()) {
            FieldDecl fd;
            fd.span = run_.span(f);
            fd.name = text(f->name);
            fd.type = type_ref(f->typeRef());
            d->fields.push_back(std::move(fd));
        }
        name = c->name;
        out = std::move(d);
    } else if (auto* c = dynamic_cast<TP::MapDeclContext*>(ctx)) {
        auto d = std::make_unique<MapDecl>();
        d->frontend = text(c->frontend);
        d->native_type =
            decode_string(s_, c->nativeType->getText(), run_.byte_of(c->nativeType), false).value;
        d->binder = text(c->binder);
        d->target = text(c->target);
        for (auto* f : c->mapField()) {
            MapField mf;
            mf.span = run_.span(f);
            mf.name = text(f->name);
            mf.value = expr(f->value);
            d->fields.push_back(std::move(mf));
        }
        // A mapping is named after what it maps; the name is only used in messages.
        d->name = d->frontend + " " + d->native_type;
        d->span = run_.span(ctx);
        d->name_span = run_.span(c->nativeType);
        d->package = package;
        return d;
    } else if (auto* c = dynamic_cast<TP::RuleDeclContext*>(ctx)) {
        auto d = std::make_unique<RuleDecl>();
        for (auto* item : c->ruleItem()) rule_item(*d, item);
        rule_body(*d, c->ruleBody());
        name = c->name;
        out = std::move(d);
    } else {
        return nullptr;
    }
    out->span = run_.span(ctx);
    out->name_span = run_.span(name);
    out->name = text(name);
    out->package = package;
    return out;
}

void Builder::rule_item(RuleDecl& rule, TP::RuleItemContext* ctx) {
    if (auto* c = dynamic_cast<TP::RuleLetContext*>(ctx)) {
        auto d = std::make_unique<LetDecl>();
        if (c->typeRef()) d->type = type_ref(c->typeRef());
        d->value = expr(c->value);
        d->span = run_.span(c);
        d->name_span = run_.span(c->name);
        d->name = text(c->name);
        rule.lets.push_back(std::move(d));
    } else if (auto* c = dynamic_cast<TP::RuleMetaContext*>(ctx)) {
        MetaEntry m;
        m.span = run_.span(c);
        m.key = text(c->key);
        auto* prim = dynamic_cast<TP::PrimaryExprContext*>(c->value);
        if (m.key == "message" && prim && dynamic_cast<TP::StringLitContext*>(prim->primary()))
            m.value = message_template(c->value);
        else
            m.value = expr(c->value);
        rule.meta.push_back(std::move(m));
    }
}

void Builder::rule_body(RuleDecl& rule, TP::RuleBodyContext* ctx) {
    rule.body_span = run_.span(ctx);
    TP::ResourceTypeContext* target = nullptr;
    TP::IdentContext* binder = nullptr;
    TP::ExprContext *cond = nullptr, *req = nullptr;
    if (auto* c = dynamic_cast<TP::EveryBodyContext*>(ctx)) {
        rule.form = RuleForm::Every;
        target = c->target, binder = c->binder, cond = c->cond, req = c->req;
    } else if (auto* c = dynamic_cast<TP::NoBodyContext*>(ctx)) {
        rule.form = RuleForm::No;
        target = c->target, binder = c->binder, cond = c->cond;
    } else if (auto* c = dynamic_cast<TP::ExistsBodyContext*>(ctx)) {
        rule.form = RuleForm::Exists;
        target = c->target, binder = c->binder, cond = c->cond;
    } else if (auto* c = dynamic_cast<TP::AtLeastBodyContext*>(ctx)) {
        rule.form = RuleForm::AtLeast;
        target = c->target, binder = c->binder, cond = c->cond, req = c->req;
        if (c->percent) {
            rule.percent = number(c->percent);
        } else {
            // `at least param.NAME% of`, `at least NAME% of`: resolved as a global.
            rule.percent_param = std::make_unique<Expr>();
            rule.percent_param->kind = ExprKind::Name;
            rule.percent_param->span = run_.span(c->percentName);
            rule.percent_param->string_value =
                (c->PARAM() ? "param." : "") + c->percentName->getText();
        }
    }
    if (auto* named = dynamic_cast<TP::NamedResourceContext*>(target)) {
        rule.target = type_ref(named->typeRef());
    } else if (auto* str = dynamic_cast<TP::StringResourceContext*>(target)) {
        // A native type written as a string: "AWS::S3::Bucket".
        rule.target = std::make_unique<TypeExpr>();
        rule.target->span = run_.span(str);
        rule.target->name = decode_string(s_, str->STRING()->getText(),
                                          run_.byte_of(str->STRING()->getSymbol()), false)
                                .value;
    }
    if (binder) rule.binder = text(binder);
    if (cond) rule.where = expr(cond);
    if (req) rule.requires_ = expr(req);
}

} // namespace tenet::parse
