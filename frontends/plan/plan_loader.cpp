// load_terraform_plan: `terraform show -json PLAN` -> resources with planned values,
// unknowns from after_unknown, provenance from the configuration section (refs) and,
// when the .tf files are beside the plan, the .tf line of every written attribute.
// See docs/frontends/terraform-plan.md.
#include "json_values.h"
#include "plan_common.h"
#include "plan_config.h"
#include "tenet/frontends/frontend.h"
#include "tf_locator.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

namespace tenet {

namespace plan {
namespace {

namespace fs = std::filesystem;

// Builds one resource's attribute map: refs from the configuration expression that
// covers each path, the .tf location when found, Default for values the plan has
// but the configuration does not write.
class ResourceValues : public ElemValueBuilder {
  public:
    ResourceValues(ModelBuilder& b, const ConfigResource* config, const ScopeContext& scope,
                   const BlockLocations* block, bool data_source)
        : ElemValueBuilder(b), config_(config), scope_(scope), block_(block),
          data_source_(data_source) {}

    // Resolved refs of the expression at `path` (exact or covering it), or null.
    const Resolved* resolved_for(const std::string& path, const Expression** expr_out = nullptr) {
        if (!config_) return nullptr;
        std::string p = path;
        while (true) {
            auto it = config_->expressions.find(p);
            if (it != config_->expressions.end()) {
                if (expr_out) *expr_out = &it->second;
                auto [slot, fresh] = resolved_.try_emplace(it->first);
                if (fresh)
                    for (auto& r : it->second.references)
                        resolve_reference(scope_, r, slot->second);
                return &slot->second;
            }
            size_t cut = p.find_last_of(".[");
            if (cut == std::string::npos || cut == 0 || p.empty()) return nullptr;
            p.resize(cut);
        }
    }

  protected:
    ProvId provenance(const ElemSite& site, ValueState state) override {
        const Expression* expr = nullptr;
        const Resolved* res = site.path.empty() ? nullptr : resolved_for(site.path, &expr);
        if (state != ValueState::Unknown) {
            bool written = config_ && !site.path.empty() && (expr || written_block(site.path));
            // What a data source reads is computed; what a resource has unwritten, the provider's
            // default.
            if (written)
                state = ValueState::Explicit;
            else if (data_source_)
                state = ValueState::Computed;
            else if (config_ && !site.path.empty())
                state = ValueState::Default;
        }
        SourceLoc loc = site.node ? site.node->loc : (site.mask ? site.mask->loc : SourceLoc{});
        if (block_) loc = block_->lookup(site.path);
        static const std::vector<std::string> none;
        const std::vector<std::string>& refs = res ? res->refs : none;
        return b_.prov(loc, state, refs, site.node ? site.pointer : site.mask_pointer);
    }
    bool keep_null(const ElemSite& site) override { return resolved_for(site.path) != nullptr; }

    // A nested block the configuration writes (`rule[0]` when `.rule[0].x` is an expression).
    bool written_block(const std::string& path) {
        if (blocks_.empty() && config_)
            for (auto& [p, e] : config_->expressions)
                for (size_t i = 1; i < p.size(); ++i)
                    if (p[i] == '.' || p[i] == '[') blocks_.insert(p.substr(0, i));
        return blocks_.count(path) > 0;
    }

  private:
    const ConfigResource* config_;
    const ScopeContext& scope_;
    const BlockLocations* block_;
    bool data_source_;
    std::map<std::string, Resolved> resolved_;
    std::set<std::string> blocks_;
};

// Values with their JSON position and pointer and nothing else (variables, outputs).
class PlainValues : public ElemValueBuilder {
  public:
    using ElemValueBuilder::ElemValueBuilder;
    std::vector<std::string> refs;
    ValueState known_state = ValueState::Explicit;
    // The .tf block declaring the value (`variable "x"`, `output "y"`) and the attribute
    // holding it (".default"; "" for the block itself), when the .tf files are found.
    const BlockLocations* block = nullptr;
    std::string attribute;

  protected:
    ProvId provenance(const ElemSite& site, ValueState state) override {
        SourceLoc loc = site.node ? site.node->loc : (site.mask ? site.mask->loc : SourceLoc{});
        if (block) loc = block->lookup(attribute + site.path);
        return b_.prov(loc, state == ValueState::Unknown ? state : known_state, refs,
                       site.node ? site.pointer : site.mask_pointer);
    }
};

class PlanLoader {
  public:
    PlanLoader(SourceManager& sm, FileId file, ModelBuilder& b, std::vector<ModelError>& errors,
               const json::Elem& doc)
        : sm_(sm), file_(file), b_(b), errors_(errors), doc_(doc), locator_(sm) {}

    void run() {
        fs::path plan_path(sm_.path(file_));
        std::string root_dir = plan_path.has_parent_path() ? plan_path.parent_path().string() : ".";
        config_ = read_configuration(doc_.get("configuration"), root_dir);
        index_changes();
        if (const json::Elem* pv = doc_.get("planned_values")) {
            if (const json::Elem* rm = pv->get("root_module"))
                for_each_resource(
                    *rm, "/planned_values/root_module",
                    [&](auto& r, auto& ptr, auto& mod) { load_resource(r, ptr, mod); });
        } else {
            errors_.push_back({doc_.loc, "plan JSON has no `planned_values`: not the output of "
                                         "`terraform show -json PLAN`?"});
        }
        // Data sources read during planning appear only in prior_state.
        if (const json::Elem* ps = doc_.get("prior_state"))
            if (const json::Elem* vals = ps->get("values"))
                if (const json::Elem* rm = vals->get("root_module"))
                    for_each_resource(*rm, "/prior_state/values/root_module",
                                      [&](auto& r, auto& ptr, auto& mod) {
                                          if (string_member(r, "mode") == "data")
                                              load_resource(r, ptr, mod);
                                      });
        load_variables();
        load_outputs();
        load_modules(*config_, "");
        load_providers();
        pending_.flush(b_);
        b_.stack_field("frontend", b_.str("terraform"));
        if (auto v = string_member(doc_, "terraform_version"); !v.empty())
            b_.stack_field("terraform_version", b_.str(v));
    }

  private:
    void index_changes() {
        const json::Elem* rc = doc_.get("resource_changes");
        if (!rc || !rc->is(json::Type::Array)) return;
        for (size_t i = 0; i < rc->items().size(); ++i) {
            const json::Elem& c = rc->items()[i];
            std::string address = string_member(c, "address");
            if (address.empty()) continue;
            changes_[address] = {&c, "/resource_changes/" + std::to_string(i)};
            if (const json::Elem* change = c.get("change"); change && change->get("actions")) {
                std::vector<Value> actions;
                for (auto& a : change->get("actions")->items())
                    if (a.is(json::Type::String)) actions.push_back(b_.str(a.str()));
                b_.stack_entry("changes", address,
                               b_.list(actions, b_.prov(c.loc, ValueState::Explicit, {},
                                                        changes_[address].second)));
            }
        }
    }

    void load_resource(const json::Elem& r, const std::string& pointer,
                       const std::string& module_address) {
        std::string address = string_member(r, "address"), type = string_member(r, "type");
        std::string mode = string_member(r, "mode"), name = string_member(r, "name");
        if (!r.is(json::Type::Object) || address.empty() || type.empty()) {
            errors_.push_back(
                {r.loc, "plan resource without `address` or `type` (at " + pointer + ")"});
            return;
        }
        if (!loaded_.insert(address).second) return;
        bool data = mode == "data";
        const ConfigModule* cm = module_for(*config_, module_address);
        const ConfigResource* cr = nullptr;
        if (cm)
            if (auto it = cm->resources.find((data ? "data." : "managed.") + type + "." + name);
                it != cm->resources.end())
                cr = &it->second;
        ScopeContext scope{cm, module_address.empty() ? "" : module_address + ".",
                           instance_key_text(r.get("index")),
                           cr ? &cr->for_each_references : nullptr};
        const BlockLocations* block =
            cm ? locator_.find(cm->dir, data ? "data" : "resource", type, name) : nullptr;

        const json::Elem* values = r.get("values");
        const json::Elem* mask = nullptr;
        std::string mask_pointer;
        if (auto it = changes_.find(address); it != changes_.end())
            if (const json::Elem* change = it->second.first->get("change")) {
                mask = change->get("after_unknown");
                mask_pointer = it->second.second + "/change/after_unknown";
            }
        ResourceValues builder(b_, cr, scope, block, data);
        builder.set_subject(address);
        Value native = builder.build(values, pointer + "/values", "", mask, mask_pointer);
        if (!native.is(Kind::Map)) native = b_.map(std::vector<std::pair<std::string, Value>>{});
        Resource res;
        res.address = b_.key(address);
        // Data sources keep the `data.` prefix in their native type (as the HCL frontend
        // does): `map terraform "aws_s3_bucket"` must not apply to a bucket read from elsewhere.
        res.native_type = b_.key(data ? "data." + type : type);
        res.frontend = b_.key("terraform");
        res.provider = b_.key(provider_short_name(string_member(r, "provider_name"), type));
        res.native = native;
        res.loc = block ? block->block : r.loc;
        uint32_t index = b_.add_resource(res);
        pending_.known_address(address);
        if (!cr) return;
        for (auto& [path, expr] : cr->expressions) {
            const Resolved* resolved = builder.resolved_for(path);
            if (!resolved) continue;
            for (auto& t : resolved->targets) pending_.add(index, top_attribute(path), t);
        }
    }

    void load_variables() {
        const json::Elem* vars = doc_.get("variables");
        const ConfigModule& root = *config_;
        std::map<std::string, std::vector<std::pair<std::string, Value>>> entries;
        if (vars && vars->is(json::Type::Object))
            for (auto& [key, v] : vars->members()) {
                std::string name(key), ptr = "/variables";
                append_pointer(ptr, name);
                PlainValues pv(b_);
                pv.set_subject("var." + name);
                // Set by a .tfvars file, -var or the default: the declaration is where it is named.
                pv.block = locator_.find_named(root.dir, "variable", name);
                if (const json::Elem* value = v.get("value"))
                    entries[name].push_back({"value", pv.build(value, ptr + "/value", "")});
            }
        for (auto& [name, decl] : root.variables) {
            std::string ptr = "/configuration/root_module/variables";
            append_pointer(ptr, name);
            PlainValues pv(b_);
            pv.set_subject("var." + name);
            pv.block = locator_.find_named(root.dir, "variable", name);
            for (auto& [key_view, node] : decl->members()) {
                std::string key(key_view);
                pv.attribute = "." + key;
                entries[name].push_back({key, pv.build(&node, ptr + "/" + key, "")});
            }
            if (pv.block) declared_checks(name, *decl, *pv.block, entries[name]);
        }
        for (auto& [name, fields] : entries) b_.stack_entry("variables", name, b_.map(fields));
    }

    // The plan records neither a variable's `type` nor its `validation` blocks; the .tf
    // declaration beside the plan shows them. A type written on one line is its source
    // text (as the Terraform frontend records it); one spread over lines, and every
    // validation's condition, are unknown with the place they are written.
    void declared_checks(const std::string& name, const json::Elem& decl,
                         const BlockLocations& block,
                         std::vector<std::pair<std::string, Value>>& fields) {
        auto where = [&](SourceLoc loc) {
            return sm_.path(loc.file) + ":" + std::to_string(loc.line);
        };
        if (!decl.get("type"))
            if (auto it = block.attributes.find(".type"); it != block.attributes.end()) {
                ProvId prov = b_.prov(it->second);
                std::string text =
                    type_text(sm_.line_text(it->second.file, it->second.line), it->second.column);
                fields.push_back(
                    {"type",
                     !text.empty()
                         ? b_.str(text, prov)
                         : b_.unknown("var." + name + ".type",
                                      "written over several lines at " + where(it->second), prov)});
            }
        if (decl.get("validation")) return;
        std::vector<Value> checks;
        for (size_t i = 0;; ++i) {
            std::string path = ".validation[" + std::to_string(i) + "]";
            auto it = block.attributes.find(path);
            if (it == block.attributes.end()) break;
            ProvId prov = b_.prov(it->second);
            Value condition =
                b_.unknown("var." + name + path + ".condition",
                           "not recorded in the plan; written at " + where(it->second), prov);
            checks.push_back(b_.map({{"condition", condition}}, prov));
        }
        if (!checks.empty()) fields.push_back({"validation", b_.list(checks)});
    }

    // `type = list(string) # note` -> "list(string)"; "" when the expression does not
    // close on the line. `column` is where the attribute's name starts (1-based).
    static std::string type_text(std::string_view line, uint32_t column) {
        size_t eq = line.find('=', column > 0 ? column - 1 : 0);
        if (eq == std::string_view::npos) return "";
        std::string_view rest = line.substr(eq + 1);
        if (size_t c = std::min(rest.find('#'), rest.find("//")); c != std::string_view::npos)
            rest = rest.substr(0, c);
        while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front())))
            rest.remove_prefix(1);
        while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back())))
            rest.remove_suffix(1);
        int depth = 0;
        for (char ch : rest) {
            depth += ch == '(' || ch == '{' || ch == '[';
            depth -= ch == ')' || ch == '}' || ch == ']';
        }
        return depth == 0 ? std::string(rest) : "";
    }

    void load_outputs() {
        const json::Elem* pv = doc_.get("planned_values");
        const json::Elem* outs = pv ? pv->get("outputs") : nullptr;
        const json::Elem* oc = doc_.get("output_changes");
        std::map<std::string, std::vector<std::pair<std::string, Value>>> entries;
        auto for_each_output = [&](const json::Elem* m, auto f) {
            if (m && m->is(json::Type::Object))
                for (auto& [name, o] : m->members()) f(std::string(name), o);
        };
        for_each_output(outs, [&](const std::string& name, const json::Elem& o) {
            std::string ptr = "/planned_values/outputs";
            append_pointer(ptr, name);
            const json::Elem* mask = nullptr;
            std::string mask_ptr;
            if (oc)
                if (const json::Elem* ch = oc->get(name)) {
                    mask = ch->get("after_unknown");
                    mask_ptr = "/output_changes";
                    append_pointer(mask_ptr, name);
                    mask_ptr += "/after_unknown";
                }
            PlainValues values(b_);
            values.set_subject("output." + name);
            values.refs = output_refs(name);
            values.block = locator_.find_named(config_->dir, "output", name);
            values.attribute = ".value";
            auto& fields = entries[name];
            fields.push_back(
                {"value", values.build(o.get("value"), ptr + "/value", "", mask, mask_ptr)});
            if (const json::Elem* s = o.get("sensitive"))
                fields.push_back({"sensitive", plain_value(b_, *s)});
        });
        if (const json::Elem* cfg = doc_.get("configuration"))
            if (const json::Elem* rm = cfg->get("root_module"))
                for_each_output(rm->get("outputs"), [&](const std::string& name,
                                                        const json::Elem& o) {
                    auto& fields = entries[name];
                    if (const json::Elem* d = o.get("description"))
                        fields.push_back({"description", plain_value(b_, *d)});
                    if (fields.empty() || fields[0].first != "value") {
                        // Declared but without a planned value (e.g. an error upstream): say so.
                        fields.insert(fields.begin(),
                                      {"value", b_.unknown("output." + name,
                                                           "not in the plan's planned values")});
                    }
                });
        for (auto& [name, fields] : entries) b_.stack_entry("outputs", name, b_.map(fields));
    }

    std::vector<std::string> output_refs(const std::string& name) {
        auto it = config_->outputs.find(name);
        if (it == config_->outputs.end()) return {};
        Resolved r;
        ScopeContext root{config_.get(), "", "", nullptr};
        for (auto& ref : it->second.references) resolve_reference(root, ref, r);
        return r.refs;
    }

    // Module calls: stack.modules["module.net"] = {source, loaded, version, inputs}.
    void load_modules(const ConfigModule& m, const std::string& prefix) {
        for (auto& [name, child] : m.children) {
            std::string address = prefix + "module." + name;
            std::vector<std::pair<std::string, Value>> fields;
            // The `module "name"` block in the caller's .tf, when found; else the plan JSON.
            const BlockLocations* block = locator_.find_named(m.dir, "module", name);
            auto where = [&](const json::Elem& n, const std::string& attribute) {
                return block ? block->lookup(attribute) : n.loc;
            };
            ProvId p =
                b_.prov(where(*child->call, ""), ValueState::Explicit, {}, child->call_pointer);
            fields.push_back(
                {"source",
                 b_.str(child->source, b_.prov(where(*child->call, ".source"), ValueState::Explicit,
                                               {}, child->call_pointer + "/source"))});
            // The plan holds every module's configuration: always loaded (field names as in the HCL
            // frontend).
            fields.push_back({"loaded", b_.boolean(true, p)});
            if (auto vc = string_member(*child->call, "version_constraint"); !vc.empty())
                fields.push_back({"version", b_.str(vc, p)});
            std::vector<std::pair<std::string, Value>> inputs;
            ScopeContext caller{&m, prefix, "", nullptr};
            for (auto& [input, expr] : child->inputs) {
                Resolved r;
                for (auto& ref : expr.references) resolve_reference(caller, ref, r);
                SourceLoc loc = where(*expr.node, "." + input);
                ProvId ip = b_.prov(loc, ValueState::Explicit, r.refs, expr.pointer);
                if (const json::Elem* c = expr.node->get("constant_value"))
                    inputs.push_back({input, plain_value(b_, *c).with_prov(ip)});
                else
                    inputs.push_back(
                        {input,
                         b_.unknown(address + ".inputs." + input,
                                    "an expression; the plan records only what it references",
                                    b_.prov(loc, ValueState::Unknown, r.refs, expr.pointer))});
            }
            fields.push_back({"inputs", b_.map(inputs, p)});
            b_.stack_entry("modules", address, b_.map(fields, p));
            load_modules(*child, address + ".");
        }
    }

    void load_providers() {
        const json::Elem* cfg = doc_.get("configuration");
        const json::Elem* pc = cfg ? cfg->get("provider_config") : nullptr;
        if (!pc || !pc->is(json::Type::Object)) return;
        for (auto& [key, p] : pc->members()) {
            std::string ptr = "/configuration/provider_config";
            append_pointer(ptr, key);
            ProvId prov = b_.prov(p.loc, ValueState::Explicit, {}, ptr);
            // As the HCL frontend: the provider block's settings (the constant ones; references
            // and function calls are not in the plan) plus what the plan adds.
            std::vector<std::pair<std::string, Value>> fields;
            if (const json::Elem* ex = p.get("expressions"); ex && ex->is(json::Type::Object))
                for (auto& [k, e] : ex->members())
                    if (const json::Elem* c = e.get("constant_value"))
                        fields.push_back({std::string(k), plain_value(b_, *c).with_prov(prov)});
            for (const char* f : {"full_name", "alias", "version_constraint"})
                if (auto s = string_member(p, f); !s.empty())
                    fields.push_back({f, b_.str(s, prov)});
            b_.stack_entry("providers", key, b_.map(fields, prov));
        }
    }

    SourceManager& sm_;
    FileId file_;
    ModelBuilder& b_;
    std::vector<ModelError>& errors_;
    const json::Elem& doc_;
    TfLocator locator_;
    std::unique_ptr<ConfigModule> config_;
    std::map<std::string, std::pair<const json::Elem*, std::string>> changes_;
    std::set<std::string> loaded_;
    PendingReferences pending_;
};

} // namespace
} // namespace plan

bool load_terraform_plan(SourceManager& sm, FileId file, ModelBuilder& b,
                         std::vector<ModelError>& errors) {
    json::Doc doc;
    if (!plan::parse_json_object(sm, file, "Terraform plan", doc, errors)) return false;
    plan::PlanLoader(sm, file, b, errors, doc.root()).run();
    return true;
}

} // namespace tenet
