// The reference evaluator's set-up: parameters (defaults and overrides, checked
// against the declared types) and top-level lets in initialization order, then the
// mappings that give model resources their canonical views.
#include "reference_eval_internal.h"
#include "tenet/model/interner.h"
#include "tenet/model/value_json.h"

#include <limits>
#include <map>

namespace tenet::refeval {

namespace {

std::string qualified(const Decl& d) {
    return d.package + "." + d.name;
}

// Does an override's value have the declared type? A record type takes any map (its
// fields are checked where they are read); null fits only `any`.
bool conforms(const Value& v, const Type* t) {
    if (!t) return true;
    switch (t->tag) {
    case Type::Tag::Any:
    case Type::Tag::Error:
        return true;
    case Type::Tag::Null:
        return v.is_null();
    case Type::Tag::Bool:
        return v.is(Kind::Bool);
    case Type::Tag::Number:
        return v.is(Kind::Number);
    case Type::Tag::String:
        return v.is(Kind::String);
    case Type::Tag::List:
        if (!v.is(Kind::List)) return false;
        for (const Value& x : v.as_list()->span())
            if (!conforms(x, t->elem)) return false;
        return true;
    case Type::Tag::Map:
        if (!v.is(Kind::Map)) return false;
        for (const MapEntry& e : v.as_map()->span())
            if (!conforms(e.value, t->elem)) return false;
        return true;
    case Type::Tag::Record:
        return v.is(Kind::Map);
    case Type::Tag::Resource:
        return false;
    }
    return false;
}

// The parameter an override names: its qualified name, or a unique dotted suffix of one.
const ParamDecl* find_param(const CheckedProgram& checked, const std::string& name,
                            std::string& error) {
    std::vector<const ParamDecl*> unqualified;
    for (const Decl* g : checked.globals) {
        if (g->kind != DeclKind::Param) continue;
        if (qualified(*g) == name) return static_cast<const ParamDecl*>(g);
        std::string q = qualified(*g);
        if (q.size() > name.size() && q.ends_with(name) && q[q.size() - name.size() - 1] == '.')
            unqualified.push_back(static_cast<const ParamDecl*>(g));
    }
    if (unqualified.size() == 1) return unqualified[0];
    if (unqualified.empty())
        error = "E0406: no parameter `" + name + "` is declared";
    else
        error = "parameter `" + name + "` is declared by more than one package; qualify it";
    return nullptr;
}

bool frontend_covers(std::string_view mapping, std::string_view resource) {
    return mapping == resource || (mapping == "terraform" && resource == "cdktf") ||
           (mapping == "cloudformation" && resource == "cdk");
}

} // namespace

bool init_globals(Evaluator& ev, const std::vector<ParamOverride>& overrides, std::string& error) {
    std::vector<std::string> errors;
    std::map<const ParamDecl*, Value> given;
    for (const ParamOverride& o : overrides) {
        std::string e;
        const ParamDecl* p = find_param(ev.checked, o.name, e);
        if (!p) {
            errors.push_back(e);
            continue;
        }
        Value v;
        std::string json_error;
        // JSON text; anything that is not valid JSON is taken as a plain string.
        if (!json_to_value(o.json, ev.globals_arena, v, json_error, true))
            v = Value::string(intern(o.json));
        if (!conforms(v, p->type->resolved)) {
            errors.push_back("E0402: parameter `" + qualified(*p) + "` expects " +
                             p->type->resolved->to_string() + ", but the given value is " +
                             kind_phrase(v.kind()));
            continue;
        }
        given[p] = v;
    }
    ev.globals.assign(ev.checked.globals.size(), Value::null());
    ev.ops.model_visible = false;
    for (size_t i = 0; i < ev.checked.globals.size() && errors.empty(); ++i) {
        const Decl* g = ev.checked.globals[i];
        const Expr* init = nullptr;
        if (g->kind == DeclKind::Param) {
            auto* p = static_cast<const ParamDecl*>(g);
            if (auto it = given.find(p); it != given.end()) {
                ev.globals[i] = it->second;
                continue;
            }
            if (!p->default_value) {
                errors.push_back("E0407: parameter `" + qualified(*p) +
                                 "` has no default and was not set");
                continue;
            }
            init = p->default_value.get();
        } else {
            if (static_cast<const LetDecl*>(g)->scan) continue; // computed per scan, on first use
            init = static_cast<const LetDecl*>(g)->value.get();
        }
        ev.begin_evaluation(&ev.globals_arena);
        Frame f;
        try {
            ev.globals[i] = ev.eval(*init, f);
        } catch (const EvalError& e) {
            errors.push_back("initializing `" + qualified(*g) + "`: " + e.message);
        }
    }
    ev.ops.model_visible = true;
    for (const RuleDecl* r : ev.checked.rules) {
        if (!errors.empty() || !r->percent_param || r->percent_param->slot >= ev.globals.size())
            continue;
        const Value& v = ev.globals[r->percent_param->slot];
        if (!v.is(Kind::Number) || !(v.as_number() >= 0 && v.as_number() <= 100))
            errors.push_back("`" + qualified(*ev.checked.globals[r->percent_param->slot]) +
                             "` is the percentage of rule `" + qualified(*r) +
                             "`: it must be a number between 0 and 100, found " +
                             value_to_display(v));
    }
    for (size_t i = 0; i < errors.size(); ++i) error += (i ? "\n" : "") + errors[i];
    return errors.empty();
}

void normalize(Evaluator& ev) {
    Model& model = ev.model;
    model.finalize(); // mappings follow references: the relation index must be current
    struct NewView {
        uint32_t resource;
        const StrObj* type;
        Value canonical;
    };
    // Every view is computed before any is installed, so a mapping never sees another
    // resource's canonical view half-built.
    std::vector<NewView> views;
    for (uint32_t i = 0; i < model.resources.size(); ++i) {
        const Resource& r = model.resources[i];
        const MapDecl* mapping = nullptr;
        for (const MapDecl* m : ev.checked.maps)
            if (r.native_type && r.frontend && r.native_type->view() == m->native_type &&
                frontend_covers(m->frontend, r.frontend->view())) {
                mapping = m;
                break;
            }
        if (!mapping) {
            // A model resource that names its canonical type keeps its attributes as the view.
            if (r.canonical_type && !r.canonical.is(Kind::Map))
                views.push_back({i, r.canonical_type, r.native});
            continue;
        }
        std::vector<MapEntry> fields;
        for (const MapField& mf : mapping->fields) {
            ev.begin_evaluation(&ev.temp_arena);
            Frame f;
            f.at(0) = Value::resource(i, View::Native);
            Value v;
            try {
                v = ev.eval(*mf.value, f);
            } catch (const EvalError& e) {
                v = Value::unknown(intern(e.message));
            }
            if (!v.is_null()) fields.push_back({intern(mf.name), persist(v, model.arena)});
        }
        const MapObj* m = model.arena.make_map(fields);
        views.push_back(
            {i, intern(mapping->target_decl ? mapping->target_decl->name : mapping->target),
             Value::map(m)});
    }
    for (const NewView& v : views) {
        model.resources[v.resource].canonical_type = v.type;
        model.resources[v.resource].canonical = v.canonical;
    }
    model.finalize();
}

Value Evaluator::scan_value(uint32_t global) {
    if (scan_memo_.size() < checked.globals.size()) scan_memo_.resize(checked.globals.size());
    ScanMemo& memo = scan_memo_.at(global);
    if (memo.state == 0) {
        const auto& let = static_cast<const LetDecl&>(*checked.globals[global]);
        std::string where = "`" + qualified(let) + "`";
        if (program && global < program->globals.size()) {
            const GlobalInfo& g = program->globals[global];
            if (g.loc.line != 0 && g.loc.file < program->files.size())
                where += " (" + program->files[g.loc.file] + ":" + std::to_string(g.loc.line) +
                         ":" + std::to_string(g.loc.column) + ")";
        }
        // The reader's evaluation is suspended: its budget, arena, cap and tracing come
        // back afterwards, as a separate Vm leaves the reader's Vm alone.
        auto scaled = [](auto n, decltype(n) factor) {
            return n > std::numeric_limits<decltype(n)>::max() / factor
                       ? std::numeric_limits<decltype(n)>::max()
                       : n * factor;
        };
        uint64_t saved_steps = steps_, saved_budget = options.step_budget;
        Arena* saved_arena = arena;
        size_t saved_cap = ops.cap();
        uint32_t saved_rule = coverage_rule;
        ExplainRequest* saved_tracing = tracing;
        Arena scratch;
        scratch.set_cap(scaled(options.memory_cap, size_t{16}));
        options.step_budget = scaled(saved_budget, uint64_t{100});
        ops.set_cap(scaled(options.memory_cap, size_t{16}));
        steps_ = 0;
        arena = &scratch;
        coverage_rule = kNoRule;
        tracing = nullptr;
        try {
            Frame f;
            Value v = eval(*let.value, f);
            memo.value = persist(v, globals_arena);
            memo.state = 1;
        } catch (const EvalError& e) {
            memo.error = "computing " + where + ": " + e.message;
            memo.state = 2;
        }
        steps_ = saved_steps;
        options.step_budget = saved_budget;
        arena = saved_arena;
        ops.set_cap(saved_cap);
        coverage_rule = saved_rule;
        tracing = saved_tracing;
    }
    if (memo.state == 2) throw EvalError{memo.error};
    return memo.value;
}

} // namespace tenet::refeval
