// Names of a module instance: var.*, local.*, module.*, path.*, resource and data
// references, and the module calls that create child instances.
#include "tf_instance.h"

#include "tenet/common/json.h"

#include <algorithm>
#include <filesystem>

namespace tenet::tf {

using hcl::Expr;
using hcl::ExprKind;

namespace fs = std::filesystem;

namespace {
constexpr int kMaxModuleDepth = 32;
constexpr size_t kMaxReferenceDepth = 256;

bool is_local_source(const std::string& s) {
    return s.starts_with("./") || s.starts_with("../") || s == "." || s == "..";
}
} // namespace

const ModuleConfig& Loader::config(const std::string& dir) {
    std::error_code ec;
    std::string key = fs::weakly_canonical(fs::path(dir), ec).string();
    if (key.empty()) key = dir;
    auto it = configs.find(key);
    if (it != configs.end()) return *it->second;
    auto cfg = load_module_config(sm, dir, errors);
    for (const auto& f : cfg->files) budget.add_source(sm.text(f->id).size());
    return *(configs[key] = std::move(cfg));
}

void Loader::read_installed_modules() {
    fs::path manifest = fs::path(root_dir) / ".terraform" / "modules" / "modules.json";
    std::error_code ec;
    if (!fs::is_regular_file(manifest, ec)) return;
    FileId id;
    std::vector<ModelError>
        ignored; // a missing or broken manifest only means remote modules stay unloaded
    if (!read_source(sm, manifest.string(), id, ignored)) return;
    json::Node root;
    json::ParseError err;
    if (!json::parse(sm.text(id), id, root, err)) return;
    const json::Node* mods = root.get("Modules");
    if (!mods || !mods->is(json::Type::Array)) return;
    for (const json::Node& m : mods->items) {
        const json::Node* key = m.get("Key");
        const json::Node* dir = m.get("Dir");
        if (!key || !dir || !key->is(json::Type::String) || !dir->is(json::Type::String) ||
            key->string.empty())
            continue;
        fs::path d(dir->string);
        installed_modules[key->string] =
            (d.is_absolute() ? d : fs::path(root_dir) / d).lexically_normal().string();
    }
}

std::string ModuleInstance::module_key() const {
    if (!parent_) return "";
    std::string up = parent_->module_key();
    std::string name = call_block_->labels.empty() ? "" : call_block_->labels[0];
    return up.empty() ? name : up + "." + name;
}

ModuleInstance::ModuleInstance(Loader& loader, const ModuleConfig& cfg, std::string prefix,
                               ModuleInstance* parent, const hcl::Block* call,
                               std::vector<Scope> call_scope, int depth)
    : loader_(loader), cfg_(cfg), prefix_(std::move(prefix)), parent_(parent), call_block_(call),
      call_scope_(std::move(call_scope)), depth_(depth), ev_(*this) {
    ev_.set_budget(&loader_.budget);
}

ValPtr ModuleInstance::memo(StrMap<Memo>& table, const char* kind, const std::string& name,
                            SourceLoc loc, const std::function<ValPtr()>& compute) {
    Memo& m = table[name];
    if (m.state == Memo::Done) return m.value;
    std::string qualified = prefix_ + kind + name;
    if (m.state == Memo::Busy) {
        std::string cycle;
        auto it = std::find(loader_.eval_stack.begin(), loader_.eval_stack.end(), qualified);
        for (; it != loader_.eval_stack.end(); ++it) cycle += *it + " -> ";
        cycle += qualified;
        loader_.errors.push_back({loc, "cycle: " + cycle});
        m.state = Memo::Done;
        m.value = v_unknown("cycle: " + cycle, loc);
        return m.value;
    }
    if (loader_.eval_stack.size() >= kMaxReferenceDepth) {
        // A chain of thousands of locals would otherwise exhaust the stack.
        loader_.errors.push_back({loc, qualified + ": references are chained more than " +
                                           std::to_string(kMaxReferenceDepth) + " levels deep"});
        return v_unknown(qualified + " is chained too deep to evaluate", loc);
    }
    m.state = Memo::Busy;
    loader_.eval_stack.push_back(qualified);
    ValPtr v = compute();
    loader_.eval_stack.pop_back();
    Memo& done = table[name]; // `m` may have been replaced by a cycle report
    if (done.state != Memo::Done) {
        done.state = Memo::Done;
        done.value = v;
    }
    return done.value;
}

// ---- variables, locals, outputs

ValPtr ModuleInstance::typed(const hcl::Block* decl, ValPtr v) {
    // Primitive type constraints convert, as Terraform converts `-var` strings.
    const hcl::Attribute* type = decl->body.attribute("type");
    if (!type || type->expr->kind != ExprKind::Variable || v->unknown() || v->is(VKind::Null))
        return v;
    std::string_view t = type->expr->name;
    auto copy = [&](ValPtr nv) {
        auto c = new_val(*nv);
        c->loc = v->loc;
        c->refs = v->refs;
        return ValPtr(c);
    };
    double n;
    bool b;
    std::string s;
    if (t == "number" && v->is(VKind::String) && to_number(*v, n)) return copy(v_num(n));
    if (t == "bool" && v->is(VKind::String) && to_bool(*v, b)) return copy(v_bool(b));
    if (t == "string" && (v->is(VKind::Number) || v->is(VKind::Bool)) && to_text(*v, s))
        return copy(v_str(s));
    return v;
}

ValPtr ModuleInstance::variable(const std::string& name) {
    const hcl::Block* decl = cfg_.find(cfg_.variables, name);
    if (!decl) return nullptr;
    if (const ValPtr* v = done(vars_, name)) return *v;
    std::string ref = prefix_ + "var." + name;
    return memo(vars_, "var.", name, decl->loc, [&]() -> ValPtr {
        ValPtr v;
        if (parent_) {
            if (const hcl::Attribute* in = call_block_->body.attribute(name))
                v = parent_->ev_.eval(in->expr, call_scope_.empty() ? nullptr : &call_scope_[0]);
        } else {
            auto it = loader_.root_inputs.find(name);
            if (it != loader_.root_inputs.end()) v = it->second;
        }
        if (!v)
            if (const hcl::Attribute* def = decl->body.attribute("default"))
                v = ev_.eval(def->expr, nullptr);
        if (!v) v = v_unknown(ref + " has no value", decl->loc);
        Refs refs{Ref(ref)};
        return with_refs(typed(decl, v), refs);
    });
}

ValPtr ModuleInstance::local(const std::string& name) {
    const hcl::Attribute* a = cfg_.local(name);
    if (!a) return nullptr;
    if (const ValPtr* v = done(locals_, name)) return *v;
    return memo(locals_, "local.", name, a->loc, [&]() -> ValPtr {
        return with_refs(ev_.eval(a->expr, nullptr), Refs{Ref(prefix_ + "local." + name)});
    });
}

ValPtr ModuleInstance::output(const std::string& name) {
    const hcl::Block* decl = cfg_.find(cfg_.outputs, name);
    if (!decl) return nullptr;
    if (const ValPtr* v = done(outputs_, name)) return *v;
    return memo(outputs_, "output.", name, decl->loc, [&]() -> ValPtr {
        const hcl::Attribute* value = decl->body.attribute("value");
        if (!value) return v_null(decl->loc);
        ValPtr v = ev_.eval(value->expr, nullptr);
        if (!parent_) return v;
        std::string p = prefix_;
        return with_refs(v, Refs{Ref(p + name)});
    });
}

// ---- module calls

ModuleInstance::Call& ModuleInstance::call(const std::string& name) {
    auto found = calls_.find(name);
    if (found != calls_.end()) return found->second;
    Call& c = calls_[name];
    const hcl::Block* decl = cfg_.find(cfg_.module_calls, name);
    ModuleCallInfo info;
    info.address = prefix_ + "module." + name;
    info.loc = decl->loc;
    std::string source;
    if (const hcl::Attribute* src = decl->body.attribute("source")) {
        ValPtr v = ev_.eval(src->expr, nullptr);
        to_text(*v, source);
    }
    if (const hcl::Attribute* ver = decl->body.attribute("version"))
        to_text(*ev_.eval(ver->expr, nullptr), info.version);
    info.source = source;
    std::string dir = (fs::path(cfg_.dir) / source).lexically_normal().string();
    std::error_code ec;
    if (!is_local_source(source)) {
        std::string key = module_key();
        key = key.empty() ? name : key + "." + name;
        auto installed = loader_.installed_modules.find(key);
        if (installed != loader_.installed_modules.end() &&
            fs::is_directory(installed->second, ec)) {
            dir = installed->second;
            info.note = "loaded from " + dir + " (terraform init)";
        }
    }
    if (!is_local_source(source) && info.note.empty()) {
        info.note = "not loaded: only local module sources (./ or ../) are read, or modules "
                    "installed by terraform init";
        c.unknown = v_unknown(info.address + " is not loaded (source \"" + source +
                                  "\" is not a local path)",
                              decl->loc);
    } else if (!fs::is_directory(dir, ec)) {
        info.note = "not loaded: no directory " + dir;
        loader_.errors.push_back({decl->loc, "module `" + name + "`: no directory " + dir});
        c.unknown =
            v_unknown(info.address + " is not loaded (no directory " + dir + ")", decl->loc);
    } else if (depth_ >= kMaxModuleDepth) {
        info.note = "not loaded: modules nested too deep";
        loader_.errors.push_back(
            {decl->loc, "module `" + name + "`: modules are nested more than 32 levels deep"});
        c.unknown = v_unknown(info.address + " is not loaded (nested too deep)", decl->loc);
    } else {
        c.loaded = true;
        info.loaded = true;
        const ModuleConfig& child = loader_.config(dir);
        Expansion ex = expand(decl->body, info.address);
        c.keyed = ex.keyed;
        c.single = !ex.keyed && !ex.counted && !ex.unknown;
        c.unknown = ex.unknown;
        for (auto& [suffix, scope] : ex.instances)
            c.children.push_back({suffix, std::make_unique<ModuleInstance>(
                                              loader_, child, info.address + suffix + ".", this,
                                              decl, std::move(scope), depth_ + 1)});
    }
    loader_.module_calls.push_back(info);
    return c;
}

ValPtr ModuleInstance::module_output(const std::string& name, const std::string& output_name) {
    if (!cfg_.find(cfg_.module_calls, name)) return nullptr;
    Call& c = call(name);
    if (!c.loaded || c.unknown) return c.unknown;
    if (!c.single) return nullptr;
    ModuleInstance& child = *c.children[0].second;
    ValPtr v = child.output(output_name);
    if (!v) return v_error("module." + name + " has no output `" + output_name + "`");
    return v;
}

ValPtr ModuleInstance::module_object(const std::string& name) {
    if (!cfg_.find(cfg_.module_calls, name)) return nullptr;
    Call& c = call(name);
    if (c.unknown) return c.unknown;
    auto outputs_of = [&](ModuleInstance& child) {
        Members m;
        for (const auto& [out, _] : child.cfg_.outputs) m.emplace_back(out, child.output(out));
        return v_map(std::move(m));
    };
    if (c.single) return outputs_of(*c.children[0].second);
    if (c.keyed) {
        Members m;
        for (auto& [suffix, child] : c.children) {
            std::string key;
            to_text(**child->call_scope_[0].value->find("key"), key);
            m.emplace_back(key, outputs_of(*child));
        }
        return v_map(std::move(m));
    }
    std::vector<ValPtr> items;
    for (auto& [suffix, child] : c.children) items.push_back(outputs_of(*child));
    return v_list(std::move(items));
}

// ---- references

ValPtr ModuleInstance::reference(const Expr* e, const Scope* s) {
    if (e->kind != ExprKind::GetAttr) return nullptr;
    const Expr* base = e->a;
    if (base->kind == ExprKind::Variable) {
        const std::string root(base->name), name(e->name);
        ValPtr v;
        if (root == "var") {
            v = variable(name);
            if (!v) return v_error("there is no variable named `" + name + "`", e->loc);
        } else if (root == "local") {
            v = local(name);
            if (!v) return v_error("there is no local value named `" + name + "`", e->loc);
        } else if (root == "path") {
            if (name == "module")
                v = v_str(cfg_.dir, e->loc);
            else if (name == "root" || name == "cwd")
                v = v_str(loader_.root_dir, e->loc);
            else
                return v_error("path." + name + " does not exist", e->loc);
        } else if (root == "terraform") {
            if (name != "workspace")
                return v_error("terraform." + name + " does not exist", e->loc);
            v = v_str("default", e->loc);
        } else if (root == "module") {
            v = module_object(name);
            if (!v) return v_error("there is no module call named `" + name + "`", e->loc);
        } else if (cfg_.managed_types.count(root)) {
            v = resource(root + "." + name);
            if (!v)
                return v_error("reference to an undeclared resource " + root + "." + name, e->loc);
        } else if (root == "data" || root == "count" || root == "each" || root == "self") {
            return nullptr;
        } else if (root.find('_') != std::string::npos) {
            return v_error("reference to an undeclared resource " + root + "." + name, e->loc);
        } else {
            return nullptr;
        }
        return with_loc(v, e->loc);
    }
    if (base->kind == ExprKind::GetAttr && base->a->kind == ExprKind::Variable) {
        std::string_view root = base->a->name;
        const std::string middle(base->name), name(e->name);
        if (root == "data") {
            ValPtr v = resource("data." + middle + "." + name);
            if (!v)
                return v_error("reference to an undeclared data source data." + middle + "." + name,
                               e->loc);
            return with_loc(v, e->loc);
        }
        if (root == "module")
            if (ValPtr v = module_output(middle, name)) return with_loc(v, e->loc);
    }
    return nullptr;
}

// ---- collection for the model

void ModuleInstance::collect(std::deque<ResourceInstance>& out) {
    for (const ResourceDecl& d : cfg_.resources) {
        resource(d.key);
        auto it = instances_.find(d.key);
        if (it == instances_.end()) continue;
        for (ResourceInstance& r : it->second) out.push_back(std::move(r));
        instances_.erase(it); // only collect reads them
    }
    for (const auto& [name, _] : cfg_.locals)
        local(name); // so that cycles are reported even if unused
    for (const auto& [name, _] : cfg_.outputs) output(name);
    for (const auto& [name, _] : cfg_.module_calls) {
        Call& c = call(name);
        for (auto& [suffix, child] : c.children) child->collect(out);
    }
}

} // namespace tenet::tf
