// load_terraform_state: a state as `terraform show -json` prints it (values.root_module)
// or the raw .tfstate file (version 4: resources[].instances[].attributes). A state has
// no configuration, so references are recovered from what it does have: each
// instance's dependencies (`depends_on` / `dependencies`) plus equal values, e.g. the
// bucket policy's `bucket` equals the `id` of the bucket it depends on.
// See docs/frontends/terraform-plan.md.
#include "json_values.h"
#include "plan_common.h"
#include "plan_config.h"
#include "tenet/frontends/frontend.h"
#include "tf_locator.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>

namespace tenet {

namespace plan {
namespace {

namespace fs = std::filesystem;

struct StateResource {
    std::string address, mode, type, name, provider;
    const json::Elem* values = nullptr;
    const json::Elem* node = nullptr;
    std::string pointer; // of `values`
    std::vector<std::string> depends_on;
    std::string module_address; // "" at the root
};

// Where an attribute holds a dependency's id or arn: path -> the refs it carries.
using DependencyRefs = std::map<std::string, std::vector<std::string>>;

class StateValues : public ElemValueBuilder {
  public:
    StateValues(ModelBuilder& b, const DependencyRefs& refs, const BlockLocations* block)
        : ElemValueBuilder(b), refs_(refs), block_(block) {}

  protected:
    ProvId provenance(const ElemSite& site, ValueState state) override {
        static const std::vector<std::string> none;
        auto it = refs_.find(site.path);
        SourceLoc loc = site.node ? site.node->loc : SourceLoc{};
        if (block_) {
            // Only attributes the .tf block writes point there; the rest stays in the state.
            SourceLoc tf = block_->lookup(site.path);
            if (tf.line != block_->block.line || tf.column != block_->block.column ||
                site.path.empty())
                loc = tf;
        }
        return b_.prov(loc, state, it == refs_.end() ? none : it->second, site.pointer);
    }

  private:
    const DependencyRefs& refs_;
    const BlockLocations* block_;
};

std::vector<std::string> string_list(const json::Elem* n) {
    std::vector<std::string> out;
    if (n && n->is(json::Type::Array))
        for (auto& item : n->items())
            if (item.is(json::Type::String)) out.push_back(std::string(item.str()));
    return out;
}

class StateLoader {
  public:
    StateLoader(SourceManager& sm, FileId file, ModelBuilder& b, std::vector<ModelError>& errors,
                const json::Elem& doc)
        : sm_(sm), file_(file), b_(b), errors_(errors), doc_(doc), locator_(sm) {}

    bool run() {
        const json::Elem* outputs = nullptr;
        std::string outputs_pointer;
        if (const json::Elem* values = doc_.get("values")) {
            if (const json::Elem* rm = values->get("root_module"))
                for_each_resource(*rm, "/values/root_module", [&](auto& r, auto& ptr, auto& mod) {
                    collect_shown(r, ptr, mod);
                });
            outputs = values->get("outputs");
            outputs_pointer = "/values/outputs";
        } else if (const json::Elem* version = doc_.get("version")) {
            if (!version->is(json::Type::Number) || version->number() != 4) {
                errors_.push_back({version->loc,
                                   "unsupported Terraform state version (only version 4, written "
                                   "by Terraform 0.12 and later, is read)"});
                return false;
            }
            collect_raw();
            outputs = doc_.get("outputs");
            outputs_pointer = "/outputs";
        } else {
            errors_.push_back({doc_.loc, "not a Terraform state: expected `values` (terraform show "
                                         "-json) or `version` (a .tfstate file)"});
            return false;
        }
        index_identities();
        for (auto& r : resources_) load(r);
        load_outputs(outputs, outputs_pointer);
        pending_.flush(b_);
        b_.stack_field("frontend", b_.str("terraform"));
        if (auto v = string_member(doc_, "terraform_version"); !v.empty())
            b_.stack_field("terraform_version", b_.str(v));
        return true;
    }

  private:
    void collect_shown(const json::Elem& r, const std::string& pointer,
                       const std::string& module_address) {
        StateResource s;
        s.address = string_member(r, "address");
        s.mode = string_member(r, "mode");
        s.type = string_member(r, "type");
        s.name = string_member(r, "name");
        s.provider = string_member(r, "provider_name");
        s.values = r.get("values");
        s.node = &r;
        s.pointer = pointer + "/values";
        s.depends_on = string_list(r.get("depends_on"));
        s.module_address = module_address;
        if (s.address.empty() || s.type.empty()) {
            errors_.push_back(
                {r.loc, "state resource without `address` or `type` (at " + pointer + ")"});
            return;
        }
        resources_.push_back(std::move(s));
    }

    void collect_raw() {
        const json::Elem* res = doc_.get("resources");
        if (!res || !res->is(json::Type::Array)) return;
        for (size_t i = 0; i < res->items().size(); ++i) {
            const json::Elem& r = res->items()[i];
            std::string pointer = "/resources/" + std::to_string(i);
            std::string type = string_member(r, "type"), name = string_member(r, "name");
            std::string mode = string_member(r, "mode"), module = string_member(r, "module");
            const json::Elem* instances = r.get("instances");
            if (type.empty() || name.empty() || !instances || !instances->is(json::Type::Array)) {
                errors_.push_back(
                    {r.loc,
                     "state resource without `type`, `name` or `instances` (at " + pointer + ")"});
                continue;
            }
            std::string base = (module.empty() ? "" : module + ".") +
                               (mode == "data" ? "data." : "") + type + "." + name;
            for (size_t j = 0; j < instances->items().size(); ++j) {
                const json::Elem& inst = instances->items()[j];
                StateResource s;
                s.address = base + instance_key_text(inst.get("index_key"));
                s.mode = mode;
                s.type = type;
                s.name = name;
                s.provider = string_member(r, "provider");
                s.values = inst.get("attributes");
                s.node = &inst;
                s.pointer = pointer + "/instances/" + std::to_string(j) + "/attributes";
                s.depends_on = string_list(inst.get("dependencies"));
                s.module_address = module;
                if (!s.values)
                    errors_.push_back(
                        {inst.loc, "state instance of " + s.address + " has no `attributes`"});
                resources_.push_back(std::move(s));
            }
        }
    }

    // The id and arn of every instance, by the base address dependencies name.
    void index_identities() {
        for (auto& r : resources_) {
            if (!r.values) continue;
            for (const char* attr : {"id", "arn"})
                identities_.add(base_address(r.address), string_member(*r.values, attr),
                                r.address + "." + attr);
        }
    }

    DependencyRefs dependency_refs(const StateResource& r) {
        static const std::set<std::string> own_identity{"id", "arn"}; // not references
        return r.values ? identities_.match(*r.values, r.depends_on, own_identity)
                        : DependencyRefs{};
    }

    void load(const StateResource& r) {
        if (!loaded_.insert(r.address).second) return;
        bool data = r.mode == "data";
        const BlockLocations* block =
            locator_.find(module_dir(r.module_address), data ? "data" : "resource", r.type, r.name);
        DependencyRefs refs = dependency_refs(r);
        StateValues builder(b_, refs, block);
        builder.set_subject(r.address);
        Value native = r.values ? builder.build(r.values, r.pointer, "")
                                : b_.map(std::vector<std::pair<std::string, Value>>{});
        if (!native.is(Kind::Map)) native = b_.map(std::vector<std::pair<std::string, Value>>{});
        Resource res;
        res.address = b_.key(r.address);
        res.native_type = b_.key(data ? "data." + r.type : r.type); // as in the plan loader
        res.frontend = b_.key("terraform");
        res.provider = b_.key(provider_short_name(r.provider, r.type));
        res.native = native;
        res.loc = block ? block->block : r.node->loc;
        uint32_t index = b_.add_resource(res);
        pending_.known_address(r.address);
        for (auto& [path, targets] : refs) {
            for (auto& t : targets) pending_.add(index, top_attribute(path), t);
        }
    }

    // The root module is the state file's directory; modules are found through
    // .terraform/modules/modules.json (a state does not say where its modules' sources are).
    std::string module_dir(const std::string& module_address) {
        if (!root_dir_) {
            fs::path p(sm_.path(file_));
            root_dir_ = p.has_parent_path() ? p.parent_path().string() : ".";
            installed_ = installed_module_dirs(*root_dir_);
        }
        if (module_address.empty()) return *root_dir_;
        auto it = installed_.find(module_key(module_address));
        return it == installed_.end() ? std::string() : it->second;
    }

    void load_outputs(const json::Elem* outputs, const std::string& pointer) {
        if (!outputs || !outputs->is(json::Type::Object)) return;
        for (auto& [key, o] : outputs->members()) {
            std::string name(key), ptr = pointer;
            append_pointer(ptr, name);
            StateValues builder(b_, no_refs_, nullptr);
            builder.set_subject("output." + name);
            std::vector<std::pair<std::string, Value>> fields;
            if (const json::Elem* v = o.get("value"))
                fields.push_back({"value", builder.build(v, ptr + "/value", "")});
            if (const json::Elem* s = o.get("sensitive"))
                fields.push_back({"sensitive", plain_value(b_, *s)});
            b_.stack_entry("outputs", name,
                           b_.map(fields, b_.prov(o.loc, ValueState::Explicit, {}, ptr)));
        }
    }

    SourceManager& sm_;
    FileId file_;
    ModelBuilder& b_;
    std::vector<ModelError>& errors_;
    const json::Elem& doc_;
    TfLocator locator_;
    std::vector<StateResource> resources_;
    IdentityIndex identities_;
    std::set<std::string> loaded_;
    PendingReferences pending_;
    DependencyRefs no_refs_;
    std::optional<std::string> root_dir_;
    std::map<std::string, std::string> installed_;
};

} // namespace
} // namespace plan

bool load_terraform_state(SourceManager& sm, FileId file, ModelBuilder& b,
                          std::vector<ModelError>& errors) {
    json::Doc doc;
    if (!plan::parse_json_object(sm, file, "Terraform state", doc, errors)) return false;
    return plan::StateLoader(sm, file, b, errors, doc.root()).run();
}

} // namespace tenet
