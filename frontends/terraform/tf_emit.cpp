#include "tf_emit.h"

#include "tenet/model/interner.h"

#include <algorithm>

namespace tenet::tf {

bool is_resource_ref(std::string_view ref) {
    while (ref.starts_with("module.")) {
        ref.remove_prefix(7);
        size_t dot = ref.find('.');
        size_t bracket = ref.find('[');
        if (bracket < dot) {
            size_t close = ref.find("].", bracket);
            if (close == std::string_view::npos) return false;
            dot = close + 1;
        }
        if (dot == std::string_view::npos) return false;
        ref.remove_prefix(dot + 1);
    }
    size_t end = ref.find_first_of(".[");
    if (end == std::string_view::npos) return false;
    std::string_view head = ref.substr(0, end);
    return !(head == "var" || head == "local" || head == "path" || head == "terraform" ||
             head == "count" || head == "each" || head == "self" || head == "module");
}

void Emitter::Path::append_to(std::string& out) const {
    if (!parent) {
        out.append(key);
        return;
    }
    parent->append_to(out);
    if (key.empty()) {
        out += '[';
        out += std::to_string(index);
        out += ']';
    } else {
        out += '.';
        out.append(key);
    }
}

ProvId Emitter::prov(SourceLoc loc, ValueState state, const Refs& refs, std::string_view pointer) {
    refs_scratch_.clear();
    for (const Ref& r : refs) refs_scratch_.push_back(r.s);
    return b_.prov_interned(loc, state, refs_scratch_, pointer);
}

Value Emitter::convert(const ValPtr& v, const Refs& inherited, ProvId inherited_prov,
                       const Path& path, const std::string& pointer) {
    const Refs* use = &inherited;
    Refs merged;
    if (!v->refs.empty() &&
        !std::includes(inherited.begin(), inherited.end(), v->refs.begin(), v->refs.end())) {
        merged = inherited;
        merge_refs(merged, v->refs);
        use = &merged;
    }
    const Refs& refs = *use;
    ValueState state = v->unknown()  ? ValueState::Unknown
                       : v->computed ? ValueState::Computed
                                     : ValueState::Explicit;
    ProvId p = use == &inherited ? b_.prov_sharing_refs(inherited_prov, v->loc, state, pointer)
                                 : prov(v->loc, state, refs, pointer);
    switch (v->kind) {
    case VKind::Null:
        return b_.null(p);
    case VKind::Bool:
        return b_.boolean(v->boolean, p);
    case VKind::Number:
        return b_.num(v->number, p);
    case VKind::String:
        return b_.str(v->text, p);
    case VKind::Unknown: {
        path_scratch_.clear();
        path.append_to(path_scratch_);
        return b_.unknown(path_scratch_, v->text, p);
    }
    case VKind::List: {
        std::vector<Value> items;
        items.reserve(v->items.size());
        for (size_t i = 0; i < v->items.size(); ++i)
            items.push_back(convert(v->items[i], refs, p, Path{&path, {}, i}, pointer));
        return b_.list(items, p);
    }
    case VKind::Map: {
        std::vector<MapEntry> members;
        members.reserve(v->members.size());
        for (const auto& [k, m] : v->members)
            members.push_back({b_.key(k), convert(m, refs, p, Path{&path, k, 0}, pointer)});
        return b_.map(members, p);
    }
    }
    return b_.null(p);
}

void Emitter::resources(std::deque<ResourceInstance>& list) {
    const StrObj* frontend = b_.key(frontend_);
    for (ResourceInstance& r : list) {
        std::vector<MapEntry> attrs;
        attrs.reserve(r.attrs->members.size());
        Path root{nullptr, r.address, 0};
        for (const auto& [name, v] : r.attrs->members)
            attrs.push_back(
                {b_.key(name), convert(v, {}, 0, Path{&root, name, 0}, r.construct_path)});
        Resource res;
        // Addresses are unique: interned once by the evaluator, not via the builder's key cache.
        res.address = r.interned ? r.interned : intern(r.address);
        res.native_type = r.native_type;
        res.frontend = frontend;
        res.provider = r.provider;
        res.native = b_.map(attrs, b_.prov(r.loc, ValueState::Explicit, {}, r.construct_path));
        res.loc = r.loc;
        uint32_t index = b_.add_resource(res);
        for (const auto& [name, v] : r.attrs->members) {
            Refs refs;
            collect_refs(v, refs);
            for (const Ref& ref : refs)
                if (is_resource_ref(ref.view())) b_.add_reference(index, name, ref.view());
        }
        r.attrs.reset();
    }
}

Value Emitter::entry(const std::vector<std::pair<std::string, Value>>& fields, SourceLoc loc) {
    return b_.map(fields, b_.prov(loc));
}

void Emitter::stack(ModuleInstance& root, const Loader& loader) {
    const ModuleConfig& cfg = root.config();
    Evaluator& ev = root.evaluator();
    b_.stack_field("frontend", b_.str(frontend_));
    for (const auto& [name, decl] : cfg.variables) {
        std::vector<std::pair<std::string, Value>> f;
        const hcl::Body& body = decl->body;
        if (const hcl::Attribute* t = body.attribute("type"))
            f.push_back({"type", b_.str(expr_text(t->expr), b_.prov(t->loc))});
        if (const hcl::Attribute* d = body.attribute("default"))
            f.push_back({"default",
                         convert(ev.eval(d->expr, nullptr), {}, "var." + name + ".default", {})});
        for (const char* k : {"description", "sensitive", "nullable"})
            if (const hcl::Attribute* a = body.attribute(k))
                f.push_back({k, convert(ev.eval(a->expr, nullptr), {}, "var." + name, {})});
        std::vector<Value> validations;
        for (const hcl::Block& v : body.blocks) {
            if (v.type != "validation") continue;
            std::vector<std::pair<std::string, Value>> vf;
            if (const hcl::Attribute* c = v.body.attribute("condition"))
                vf.push_back({"condition", b_.str(expr_text(c->expr), b_.prov(c->loc))});
            if (const hcl::Attribute* m = v.body.attribute("error_message"))
                vf.push_back(
                    {"error_message", convert(ev.eval(m->expr, nullptr), {}, "var." + name, {})});
            validations.push_back(entry(vf, v.loc));
        }
        if (!validations.empty()) f.push_back({"validation", b_.list(validations)});
        f.push_back({"value", convert(root.variable(name), {}, "var." + name, {})});
        b_.stack_entry("variables", name, entry(f, decl->loc));
    }
    for (const auto& [name, decl] : cfg.outputs) {
        std::vector<std::pair<std::string, Value>> f;
        f.push_back({"value", convert(root.output(name), {}, "output." + name, {})});
        for (const char* k : {"description", "sensitive"})
            if (const hcl::Attribute* a = decl->body.attribute(k))
                f.push_back({k, convert(ev.eval(a->expr, nullptr), {}, "output." + name, {})});
        b_.stack_entry("outputs", name, entry(f, decl->loc));
    }
    // terraform { required_providers { aws = { source, version } } } (a block in HCL, an
    // object-valued argument in the JSON syntax).
    Members required;
    for (const auto& f : cfg.files)
        for (const hcl::Block& t : f->body.blocks) {
            if (t.type != "terraform") continue;
            for (const hcl::Block& rp : t.body.blocks)
                if (rp.type == "required_providers")
                    for (const hcl::Attribute& a : rp.body.attributes)
                        required.emplace_back(a.name, ev.eval(a.expr, nullptr));
            if (const hcl::Attribute* a = t.body.attribute("required_providers")) {
                ValPtr v = ev.eval(a->expr, nullptr);
                if (v->is(VKind::Map))
                    required.insert(required.end(), v->members.begin(), v->members.end());
            }
        }
    // What the plan's provider_config also says: full_name and version_constraint.
    auto with_requirement = [&](const std::string& local, Members m) {
        for (const auto& [name, req] : required) {
            if (name != local) continue;
            std::string source, version;
            if (req->is(VKind::Map)) {
                if (const ValPtr* s = req->find("source")) to_text(**s, source);
                if (const ValPtr* v = req->find("version")) to_text(**v, version);
            } else {
                to_text(*req, version); // the legacy `aws = "~> 5.0"`
            }
            if (source.empty()) source = "hashicorp/" + local;
            if (std::count(source.begin(), source.end(), '/') == 1)
                source = "registry.terraform.io/" + source;
            m.emplace_back("full_name", v_str(source));
            if (!version.empty()) m.emplace_back("version_constraint", v_str(version));
        }
        return v_map(std::move(m));
    };
    std::vector<std::string> configured;
    for (const hcl::Block* p : cfg.providers) {
        std::string name = p->labels[0];
        configured.push_back(name);
        ValPtr body = root.body_value(p->body, nullptr, "", false);
        if (const ValPtr* alias = body->find("alias")) {
            std::string a;
            if (to_text(**alias, a)) name += "." + a;
        }
        ValPtr entry = with_requirement(p->labels[0], body->members);
        b_.stack_entry("providers", name,
                       convert(with_loc(entry, p->loc), {}, "provider." + name, {}));
    }
    for (const auto& [name, req] : required)
        if (std::find(configured.begin(), configured.end(), name) == configured.end())
            b_.stack_entry("providers", name,
                           convert(with_requirement(name, {}), {}, "provider." + name, {}));
    for (const ModuleCallInfo& m : loader.module_calls) {
        std::vector<std::pair<std::string, Value>> f{{"source", b_.str(m.source)},
                                                     {"loaded", b_.boolean(m.loaded)}};
        if (!m.version.empty()) f.push_back({"version", b_.str(m.version)});
        if (!m.note.empty()) f.push_back({"note", b_.str(m.note)});
        b_.stack_entry("modules", m.address, entry(f, m.loc));
    }
}

} // namespace tenet::tf
