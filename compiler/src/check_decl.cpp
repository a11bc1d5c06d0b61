// Declarations: packages and imports, duplicate names, type expressions, params, lets,
// predicates, type declarations, mappings and rules (with their metadata).
#include "checker_internal.h"

#include <algorithm>

namespace tenet::check {

namespace {

const std::set<std::string> kMetaKeys = {"id",       "title", "severity", "level",
                                         "controls", "fix",   "message"};
const std::vector<std::string> kSeverities = {"info", "low", "medium", "high", "critical"};
const std::vector<std::string> kLevels = {"advisory", "soft", "hard"};

void add_help(Diagnostic& d, const std::string& suggestion) {
    if (!suggestion.empty()) d.help = "did you mean `" + suggestion + "`?";
}

} // namespace

void Checker::collect() {
    for (File& f : prog_.files) {
        Package& pkg = packages_[f.package];
        pkg.name = f.package;
        pkg.files.push_back(&f);
        for (auto& d : f.decls) {
            decl_file_[d.get()] = &f;
            if (d->kind == DeclKind::Map) continue;
            if (d->kind == DeclKind::Rule) {
                auto [it, fresh] = pkg.rules.emplace(d->name, static_cast<RuleDecl*>(d.get()));
                if (!fresh) {
                    auto& diag =
                        diags_.report(Diag::DuplicateDecl, d->name_span, d->name, f.package);
                    diag.notes.push_back({it->second->name_span, "first declared here"});
                }
                continue;
            }
            auto [it, fresh] = pkg.names.emplace(d->name, d.get());
            if (!fresh) {
                auto& diag = diags_.report(Diag::DuplicateDecl, d->name_span, d->name, f.package);
                diag.notes.push_back({it->second->name_span, "first declared here"});
            }
            if (d->kind == DeclKind::Type)
                prog_.type_decls.push_back(static_cast<TypeDecl*>(d.get()));
        }
    }
}

void Checker::check_imports() {
    for (File& f : prog_.files) {
        for (Import& imp : f.imports) {
            if (imp.package == f.package) {
                diags_.report(Diag::ImportCycleOrSelf, imp.span, imp.package);
            } else if (!packages_.count(imp.package)) {
                std::vector<std::string> names;
                for (auto& [n, p] : packages_) names.push_back(n);
                auto& d = diags_.report(Diag::UnknownPackage, imp.span, imp.package);
                add_help(d, closest_match(imp.package, names));
            }
        }
    }
}

const Import* Checker::import_alias(const std::string& alias, const File& f) const {
    for (const Import& imp : f.imports)
        if (imp.alias == alias && packages_.count(imp.package) && imp.package != f.package)
            return &imp;
    return nullptr;
}

Decl* Checker::lookup_qualified(const std::string& alias, const std::string& name, const File& f) {
    const Import* imp = import_alias(alias, f);
    if (!imp) return nullptr;
    auto& pkg = packages_[imp->package];
    auto it = pkg.names.find(name);
    return it == pkg.names.end() ? nullptr : it->second;
}

Decl* Checker::lookup(const std::string& name, const File& f, SourceSpan use,
                      bool report_ambiguous) {
    auto& own = packages_[f.package];
    if (auto it = own.names.find(name); it != own.names.end()) return it->second;
    Decl* found = nullptr;
    const Import* found_in = nullptr;
    for (const Import& imp : f.imports) {
        if (!packages_.count(imp.package) || imp.package == f.package) continue;
        auto& pkg = packages_[imp.package];
        auto it = pkg.names.find(name);
        if (it == pkg.names.end() || it->second == found) continue;
        if (found) {
            if (report_ambiguous) {
                auto& d = diags_.report(Diag::AmbiguousName, use, name);
                d.notes.push_back(
                    {found->name_span, "declared in package `" + found_in->package + "`"});
                d.notes.push_back(
                    {it->second->name_span, "declared in package `" + imp.package + "`"});
                d.help = "qualify it: `" + found_in->alias + "." + name + "`";
            }
            return found;
        }
        found = it->second;
        found_in = &imp;
    }
    return found;
}

// Types form one namespace across packages: a type not visible through the file's
// package or imports is still found when exactly one package declares it, so that
// `every s3_bucket ...` needs no import of the package that declares s3_bucket.
const TypeDecl* Checker::lookup_type(const std::string& name, const File& f) {
    Decl* d = lookup(name, f, {}, false);
    if (d) return d->kind == DeclKind::Type ? static_cast<const TypeDecl*>(d) : nullptr;
    const TypeDecl* unique = nullptr;
    for (const TypeDecl* td : prog_.type_decls) {
        if (td->name != name) continue;
        if (unique) return nullptr; // declared by several packages: the file must import one
        unique = td;
    }
    return unique;
}

bool Checker::type_is_ambiguous(const std::string& name) const {
    int n = 0;
    for (const TypeDecl* td : prog_.type_decls) n += td->name == name;
    return n > 1;
}

// A resource type by name: declared (canonical), `resource`, or native. A name within
// edit distance 2 of a declared type is taken as a misspelling (E0302).
const Type* Checker::resource_type_named(const std::string& name, SourceSpan span, const File& f) {
    if (name == "resource") return types_.any_resource();
    if (const TypeDecl* td = lookup_type(name, f)) return types_.canonical_resource(td);
    if (type_is_ambiguous(name)) {
        diags_.report(Diag::AmbiguousName, span, name);
        return types_.error();
    }
    std::vector<std::string> declared;
    for (auto* td : prog_.type_decls) declared.push_back(td->name);
    for (const std::string& cand : declared) {
        if (edit_distance(name, cand) <= 2) {
            auto& d = diags_.report(Diag::UnknownType, span, name);
            add_help(d, cand);
            return types_.error();
        }
    }
    bool looks_native = name.find_first_of("_:/") != std::string::npos;
    if (!looks_native) diags_.report(Diag::NativeTypeAssumed, span, name);
    return types_.native_resource(name);
}

const Type* Checker::resolve_type(TypeExpr& t, const File& f, bool resource_position) {
    const Type* out = nullptr;
    auto arity = [&](size_t n) {
        if (t.args.size() == n) return true;
        diags_.report(Diag::UnknownType, t.span, t.name + (t.args.empty() ? "" : "<...>"));
        return false;
    };
    if (t.name == "bool" || t.name == "number" || t.name == "string" || t.name == "any" ||
        t.name == "resource") {
        if (!arity(0)) return t.resolved = types_.error();
        out = t.name == "bool"     ? types_.boolean()
              : t.name == "number" ? types_.number()
              : t.name == "string" ? types_.string()
              : t.name == "any"    ? types_.any()
                                   : types_.any_resource();
    } else if (t.name == "list" || t.name == "map") {
        if (!arity(1)) return t.resolved = types_.error();
        const Type* elem = resolve_type(*t.args[0], f, false);
        out = elem->tag == Type::Tag::Error ? elem
              : t.name == "list"            ? types_.list(elem)
                                            : types_.map(elem);
    } else if (!arity(0)) {
        out = types_.error();
    } else if (const TypeDecl* td = lookup_type(t.name, f)) {
        out = resource_position ? types_.canonical_resource(td) : types_.record(td);
    } else if (resource_position) {
        out = resource_type_named(t.name, t.span, f);
    } else if (type_is_ambiguous(t.name)) {
        diags_.report(Diag::AmbiguousName, t.span, t.name);
        out = types_.error();
    } else {
        std::vector<std::string> names = {"bool", "number", "string",  "any",
                                          "list", "map",    "resource"};
        for (auto* td : prog_.type_decls) names.push_back(td->name);
        auto& d = diags_.report(Diag::UnknownType, t.span, t.name);
        add_help(d, closest_match(t.name, names));
        out = types_.error();
    }
    return t.resolved = out;
}

void Checker::resolve_type_decls() {
    for (File& f : prog_.files)
        for (auto& d : f.decls)
            if (d->kind == DeclKind::Type) {
                auto& td = static_cast<TypeDecl&>(*d);
                std::set<std::string> seen;
                for (FieldDecl& fd : td.fields) {
                    if (!seen.insert(fd.name).second)
                        diags_.report(Diag::DuplicateField, fd.span, fd.name);
                    resolve_type(*fd.type, f, false);
                }
            }
    // Declared types that rules or mappings target are resource types (relations need one).
    for (File& f : prog_.files)
        for (auto& d : f.decls) {
            if (d->kind == DeclKind::Map)
                if (auto* td = lookup_type(static_cast<MapDecl&>(*d).target, f))
                    resource_decls_.insert(td);
            if (d->kind == DeclKind::Rule) {
                auto& r = static_cast<RuleDecl&>(*d);
                if (r.target)
                    if (auto* td = lookup_type(r.target->name, f)) resource_decls_.insert(td);
            }
        }
}

void Checker::check_decls() {
    // Predicate signatures first: calls check against them whatever the order.
    for (File& f : prog_.files)
        for (auto& d : f.decls)
            if (d->kind == DeclKind::Pred) {
                auto& p = static_cast<PredDecl&>(*d);
                for (PredParam& pp : p.params) resolve_type(*pp.type, f, true);
                if (p.result) resolve_type(*p.result, f, false);
                prog_.preds.push_back(&p);
            } else if (d->kind == DeclKind::Param) {
                resolve_type(*static_cast<ParamDecl&>(*d).type, f, false);
            } else if (d->kind == DeclKind::Let) {
                auto& l = static_cast<LetDecl&>(*d);
                if (l.type) resolve_type(*l.type, f, false);
            }
    for (File& f : prog_.files)
        for (auto& d : f.decls) {
            switch (d->kind) {
            case DeclKind::Param:
                check_param(static_cast<ParamDecl&>(*d), f);
                break;
            case DeclKind::Let:
                check_let(static_cast<LetDecl&>(*d), f);
                break;
            case DeclKind::Pred:
                check_pred(static_cast<PredDecl&>(*d), f);
                break;
            case DeclKind::Map:
                check_map(static_cast<MapDecl&>(*d), f);
                break;
            case DeclKind::Rule:
                check_rule(static_cast<RuleDecl&>(*d), f);
                break;
            case DeclKind::Type:
                break;
            }
        }
}

void Checker::check_param(ParamDecl& d, const File& f) {
    if (!d.default_value) return;
    Scope s;
    s.package = package_of(f);
    s.file = &f;
    s.owner = &d;
    const Type* got = nullptr;
    if (!check_against(*d.default_value, d.type->resolved, s, &got))
        diags_.report(Diag::TypeMismatch, d.default_value->span, d.type->resolved->to_string(),
                      got->to_string());
}

const Type* Checker::let_type(LetDecl& d) {
    if (d.type) return d.type->resolved ? d.type->resolved : types_.error();
    if (!lets_started_.count(&d)) check_let(d, *decl_file_[&d]);
    return d.value->type ? d.value->type : types_.any(); // still in progress: a cycle (E0207)
}

void Checker::check_let(LetDecl& d, const File& f) {
    if (!lets_started_.insert(&d).second) return;
    Scope s;
    s.package = package_of(f);
    s.file = &f;
    s.owner = &d;
    const Type* got = nullptr;
    if (d.type && !check_against(*d.value, d.type->resolved, s, &got))
        diags_.report(Diag::TypeMismatch, d.value->span, d.type->resolved->to_string(),
                      got->to_string());
    if (!d.type) expr(*d.value, s);
}

void Checker::check_pred(PredDecl& d, const File& f) {
    Scope s;
    s.kind = Scope::Kind::Pred;
    s.package = package_of(f);
    s.file = &f;
    s.owner = &d;
    std::set<std::string> seen;
    for (PredParam& p : d.params) {
        if (!seen.insert(p.name).second) diags_.report(Diag::DuplicateField, p.span, p.name);
        s.add_local(p.name, p.type->resolved);
    }
    if (d.result) {
        const Type* got = nullptr;
        if (!check_against(*d.body, d.result->resolved, s, &got))
            diags_.report(Diag::TypeMismatch, d.body->span, d.result->resolved->to_string(),
                          got->to_string());
    } else {
        truth(*d.body, s);
    }
    d.num_locals = s.next_slot;
}

void Checker::check_map(MapDecl& d, const File& f) {
    prog_.maps.push_back(&d);
    d.target_decl = lookup_type(d.target, f);
    if (!d.target_decl) {
        std::vector<std::string> names;
        for (auto* td : prog_.type_decls) names.push_back(td->name);
        auto& diag = diags_.report(Diag::MapUnknownTarget, d.span, d.target);
        add_help(diag, closest_match(d.target, names));
    }
    std::set<std::string> seen;
    for (MapField& mf : d.fields) {
        if (!seen.insert(mf.name).second) diags_.report(Diag::DuplicateField, mf.span, mf.name);
        Scope s;
        s.kind = Scope::Kind::MapField;
        s.package = package_of(f);
        s.file = &f;
        s.owner = &d;
        s.add_local(d.binder, types_.native_resource(d.native_type));
        const FieldDecl* fd = d.target_decl ? d.target_decl->field(mf.name) : nullptr;
        if (d.target_decl && !fd) {
            std::vector<std::string> names;
            for (auto& fld : d.target_decl->fields) names.push_back(fld.name);
            auto& diag = diags_.report(Diag::MapUnknownField, mf.span, d.target, mf.name);
            add_help(diag, closest_match(mf.name, names));
        }
        if (fd && fd->type->resolved) {
            const Type* got = nullptr;
            if (!check_against(*mf.value, fd->type->resolved, s, &got))
                diags_.report(Diag::MapFieldType, mf.value->span, mf.name, d.target,
                              fd->type->resolved->to_string(), got->to_string());
        } else {
            expr(*mf.value, s);
        }
        mf.num_locals = s.next_slot;
    }
}

void Checker::check_rule(RuleDecl& d, const File& f) {
    prog_.rules.push_back(&d);
    check_metadata(d);
    Scope s;
    s.kind = Scope::Kind::Rule;
    s.package = package_of(f);
    s.file = &f;
    s.owner = &d;
    const Type* res = types_.error();
    if (d.target) res = resolve_type(*d.target, f, true);
    if (res->tag != Type::Tag::Resource && res->tag != Type::Tag::Error) {
        diags_.report(Diag::TypeMismatch, d.target->span, "a resource type", res->to_string());
        res = types_.error();
    }
    s.resource = res;
    s.add_local("it", res);
    if (!d.binder.empty()) s.locals.push_back({d.binder, 0, res});
    for (auto& let : d.lets) {
        const Type* t = nullptr;
        if (let->type) {
            resolve_type(*let->type, f, false);
            if (!check_against(*let->value, let->type->resolved, s, &t))
                diags_.report(Diag::TypeMismatch, let->value->span,
                              let->type->resolved->to_string(), t->to_string());
            t = let->type->resolved;
        } else {
            t = expr(*let->value, s);
        }
        let->local = s.add_local(let->name, t);
    }
    if (d.form == RuleForm::AtLeast && !d.percent_param && (d.percent < 0 || d.percent > 100))
        diags_.report(Diag::BadPercent, d.body_span, d.percent);
    if (d.percent_param) check_percent_param(d, f);
    if (d.where) truth(*d.where, s);
    if (d.requires_) truth(*d.requires_, s);
    if (d.message) expr(*d.message, s);
    d.num_locals = s.next_slot;
}

void Checker::check_percent_param(RuleDecl& d, const File& f) {
    Expr& e = *d.percent_param;
    if (e.string_value.find('.') == std::string::npos)
        if (Decl* named = lookup(e.string_value, f, e.span, false);
            named && named->kind == DeclKind::Pred) {
            diags_.report(Diag::PercentNotParam, e.span, e.string_value);
            return;
        }
    Scope s; // a global scope: the name is never a field of the resource
    s.package = package_of(f);
    s.file = &f;
    s.owner = &d;
    const Type* t = expr(e, s);
    if (!t || t->tag == Type::Tag::Error) return;
    if (e.name_kind != NameKind::Global) {
        diags_.report(Diag::PercentNotParam, e.span, e.string_value);
        return;
    }
    if (!assignable(t, types_.number())) {
        diags_.report(Diag::TypeMismatch, e.span, "number (a percentage)", t->to_string());
        return;
    }
    // A literal default must be a percentage; an override is checked when it is given.
    const Decl* g = nullptr;
    for (auto& [ref, decl] : global_refs_)
        if (ref == &e) g = decl;
    const Expr* value = nullptr;
    if (g && g->kind == DeclKind::Param)
        value = static_cast<const ParamDecl*>(g)->default_value.get();
    if (g && g->kind == DeclKind::Let) value = static_cast<const LetDecl*>(g)->value.get();
    if (value && value->kind == ExprKind::Number &&
        (value->number_value < 0 || value->number_value > 100)) {
        auto& diag = diags_.report(Diag::BadPercent, value->span, value->number_value);
        diag.notes.push_back({e.span, "used as the percentage of rule `" + d.name + "`"});
    }
}

void Checker::check_metadata(RuleDecl& d) {
    std::set<std::string> seen;
    d.id = d.name;
    for (MetaEntry& m : d.meta) {
        if (!kMetaKeys.count(m.key)) {
            auto& diag = diags_.report(Diag::UnknownMetadata, m.span, m.key);
            add_help(diag, closest_match(m.key, {kMetaKeys.begin(), kMetaKeys.end()}));
            continue;
        }
        if (!seen.insert(m.key).second) {
            diags_.report(Diag::DuplicateMetadata, m.span, m.key);
            continue;
        }
        Expr* v = m.value.get();
        if (!v) continue;
        auto word = [&]() -> const std::string* {
            return v->kind == ExprKind::Name || v->kind == ExprKind::String ? &v->string_value
                                                                            : nullptr;
        };
        if (m.key == "id" || m.key == "title" || m.key == "fix") {
            if (v->kind != ExprKind::String) {
                diags_.report(Diag::MetadataType, v->span, m.key, "a string");
                continue;
            }
            (m.key == "id" ? d.id : m.key == "title" ? d.title : d.fix) = v->string_value;
        } else if (m.key == "message") {
            if (v->kind != ExprKind::Template) {
                diags_.report(Diag::MetadataType, v->span, m.key, "a string");
                continue;
            }
            d.message = std::move(m.value); // the rule owns its message template
        } else if (m.key == "severity") {
            const std::string* w = word();
            if (!w)
                diags_.report(Diag::MetadataType, v->span, m.key,
                              "one of info, low, medium, high, critical");
            else if (std::find(kSeverities.begin(), kSeverities.end(), *w) == kSeverities.end()) {
                auto& diag = diags_.report(Diag::BadSeverity, v->span, *w);
                add_help(diag, closest_match(*w, kSeverities));
            } else
                d.severity = *w;
        } else if (m.key == "level") {
            const std::string* w = word();
            if (!w)
                diags_.report(Diag::MetadataType, v->span, m.key, "one of advisory, soft, hard");
            else if (std::find(kLevels.begin(), kLevels.end(), *w) == kLevels.end()) {
                auto& diag = diags_.report(Diag::BadLevel, v->span, *w);
                add_help(diag, closest_match(*w, kLevels));
            } else
                d.level = *w;
        } else if (m.key == "controls") {
            bool ok = v->kind == ExprKind::List;
            if (ok)
                for (auto& item : v->items) ok = ok && item->kind == ExprKind::String;
            if (!ok) {
                diags_.report(Diag::MetadataType, v->span, m.key, "a list of strings");
                continue;
            }
            for (auto& item : v->items) d.controls.push_back(item->string_value);
        }
    }
}

} // namespace tenet::check
