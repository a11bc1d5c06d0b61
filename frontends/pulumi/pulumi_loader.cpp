// load_pulumi: `pulumi stack export` (deployment.resources[]) and `pulumi preview --json`
// (steps[].newState) documents. Each custom resource becomes a Resource addressed by its
// URN with its type token as native type; inputs and outputs merge into its attributes
// (outputs win unless they are still unknown); propertyDependencies become references
// per property. The stack resource gives the stack's outputs, provider resources its
// providers, component resources its modules. See docs/frontends/pulumi.md.
#include "../plan/json_values.h"
#include "../plan/plan_common.h"
#include "program_source.h"
#include "tenet/frontends/frontend.h"

#include <algorithm>
#include <map>
#include <set>

namespace tenet {

namespace pulumi {
namespace {

using plan::append_path_key;
using plan::append_pointer;
using plan::ElemSite;
using plan::ElemValueBuilder;
using plan::string_member;

// Pulumi's serialized forms (sdk/go/common/resource/sig and the engine's JSON display).
constexpr std::string_view kUnknownSentinel = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
constexpr std::string_view kSigKey = "4dabf18193072939515e22adb298388d";
constexpr std::string_view kSecretSig = "1b47061264138c4ac30d75fd1eb44270";
constexpr std::string_view kResourceRefSig = "5cf8f73096256a8f31e491e813e4eb8e";
constexpr std::string_view kBlindedSecret =
    "[secret]"; // how `pulumi preview --json` prints secrets
constexpr int kMaxPlaintextDepth = 64;

bool has_sig(const json::Elem& n, std::string_view sig_value) {
    const json::Elem* sig = n.is(json::Type::Object) ? n.get(kSigKey) : nullptr;
    return sig && sig->is(json::Type::String) && sig->str() == sig_value;
}

bool is_secret(const json::Elem& n) {
    return has_sig(n, kSecretSig);
}

// The type token of a URN: urn:pulumi:STACK::PROJECT::[PARENT$]TYPE::NAME.
std::string type_from_urn(const std::string& urn) {
    size_t first = urn.find("::");
    size_t second = first == std::string::npos ? first : urn.find("::", first + 2);
    size_t last = urn.rfind("::");
    if (second == std::string::npos || last <= second) return {};
    std::string qualified = urn.substr(second + 2, last - second - 2);
    size_t dollar = qualified.rfind('$');
    return dollar == std::string::npos ? qualified : qualified.substr(dollar + 1);
}

// PROJECT of urn:pulumi:STACK::PROJECT::...
std::string project_from_urn(const std::string& urn) {
    if (!urn.starts_with("urn:pulumi:")) return {};
    size_t a = urn.find("::");
    size_t b = a == std::string::npos ? a : urn.find("::", a + 2);
    return b == std::string::npos ? std::string() : urn.substr(a + 2, b - a - 2);
}

std::string name_from_urn(const std::string& urn) {
    size_t last = urn.rfind("::");
    return last == std::string::npos ? urn : urn.substr(last + 2);
}

// Attribute values of one resource: provenance pointer "<urn><path>", refs from the
// top-level property's propertyDependencies, Default for the inputs the provider
// filled in (`__defaults`), Computed for outputs the program did not set.
class PulumiValues : public ElemValueBuilder {
  public:
    PulumiValues(ModelBuilder& b, std::string urn) : ElemValueBuilder(b), urn_(std::move(urn)) {
        set_subject(urn_);
    }
    std::map<std::string, std::vector<std::string>> property_refs; // top-level property -> URNs
    std::set<std::string> defaults;                                // inputs the provider defaulted
    std::set<std::string> outputs_only;                            // not among the inputs
    std::vector<std::pair<std::string, std::string>>
        resource_refs; // (top-level property, URN) of resource references

  protected:
    ProvId provenance(const ElemSite& site, ValueState state) override {
        static const std::vector<std::string> none;
        std::string top = plan::top_attribute(site.path);
        if (state != ValueState::Unknown) {
            if (defaults.count(top))
                state = ValueState::Default;
            else if (outputs_only.count(top))
                state = ValueState::Computed;
        }
        auto it = property_refs.find(top);
        SourceLoc loc = site.node ? site.node->loc : SourceLoc{};
        return b_.prov(loc, state, it == property_refs.end() ? none : it->second, urn_ + site.path);
    }

    bool replace(const ElemSite& site, Value& out) override {
        const json::Elem* n = site.node;
        if (!n) return false;
        if (n->is(json::Type::String) && n->str() == kUnknownSentinel) {
            out = unknown_at(site, "known after apply");
            return true;
        }
        if (n->is(json::Type::String) && n->str() == kBlindedSecret) {
            out = unknown_at(site, "secret value");
            return true;
        }
        if (has_sig(*n, kResourceRefSig)) return resource_reference(site, out);
        if (!is_secret(*n)) return false;
        // The ciphertext never enters the model; plaintext (`--show-secrets`) does.
        const json::Elem* plain = n->get("plaintext");
        json::Doc decoded;
        json::ParseError err;
        json::ParseOptions opts;
        opts.max_depth = kMaxPlaintextDepth;
        if (plain && plain->is(json::Type::String) &&
            json::parse(plain->str(), n->loc.file, decoded, err, opts)) {
            out = plan::plain_value(b_, decoded.root())
                      .with_prov(provenance(site, ValueState::Explicit));
            return true;
        }
        out = unknown_at(site, "secret value");
        return true;
    }

  private:
    // A resource passed as a property ({sig: resource reference, urn, id}): the value is
    // its id (or its URN when it has none), derived from and referring to that resource.
    bool resource_reference(const ElemSite& site, Value& out) {
        std::string urn = string_member(*site.node, "urn");
        const json::Elem* id = site.node->get("id");
        if (urn.empty()) return false;
        std::string top = plan::top_attribute(site.path);
        std::vector<std::string> refs;
        if (auto it = property_refs.find(top); it != property_refs.end()) refs = it->second;
        if (std::find(refs.begin(), refs.end(), urn) == refs.end()) refs.push_back(urn);
        ProvId p = b_.prov(site.node->loc, ValueState::Explicit, refs, urn_ + site.path);
        if (id && id->is(json::Type::String) && id->str() == kUnknownSentinel)
            out = b_.unknown(subject() + site.path, "known after apply", p);
        else
            out = b_.str(id && !id->str().empty() ? id->str() : std::string_view(urn), p);
        if (!top.empty()) resource_refs.push_back({top, urn});
        return true;
    }
    std::string urn_;
};

class PulumiLoader {
  public:
    PulumiLoader(ModelBuilder& b, std::vector<ModelError>& errors, const json::Elem& doc,
                 ProgramSources& sources)
        : b_(b), errors_(errors), doc_(doc), sources_(sources) {}

    bool run() {
        const json::Elem* deployment = doc_.get("deployment");
        std::string base = "/deployment";
        if (!deployment)
            if (const json::Elem* cp = doc_.get("checkpoint")) { // a backend's stack file
                deployment = cp->get("latest");
                base = "/checkpoint/latest";
            }
        if (deployment) {
            const json::Elem* res = deployment->get("resources");
            if (res && res->is(json::Type::Array))
                for (size_t i = 0; i < res->items().size(); ++i)
                    states_.push_back({&res->items()[i], base + "/resources/" + std::to_string(i)});
        } else if (const json::Elem* steps = doc_.get("steps");
                   steps && steps->is(json::Type::Array)) {
            read_steps(*steps);
            load_config();
        } else {
            errors_.push_back(
                {doc_.loc, "not a Pulumi document: expected `deployment` (pulumi stack export) or "
                           "`steps` (pulumi preview --json)"});
            return false;
        }
        index_identities();
        for (auto& [node, pointer] : states_) load_state(*node, pointer);
        for (auto& [urn, ops] : changes_) b_.stack_entry("changes", urn, b_.list(ops));
        pending_.flush(b_);
        b_.stack_field("frontend", b_.str("pulumi"));
        return true;
    }

  private:
    void read_steps(const json::Elem& steps) {
        for (size_t i = 0; i < steps.items().size(); ++i) {
            const json::Elem& s = steps.items()[i];
            std::string pointer = "/steps/" + std::to_string(i);
            std::string urn = string_member(s, "urn"), op = string_member(s, "op");
            if (!urn.empty() && !op.empty()) changes_[urn].push_back(b_.str(op));
            // Deletions have no new state: the resource will not exist.
            if (const json::Elem* ns = s.get("newState"); ns && ns->is(json::Type::Object))
                states_.push_back({ns, pointer + "/newState"});
            else if (!s.get("oldState"))
                errors_.push_back(
                    {s.loc, "preview step without `newState` or `oldState` (at " + pointer + ")"});
        }
    }

    void load_state(const json::Elem& r, const std::string& pointer) {
        std::string urn = string_member(r, "urn");
        std::string type = string_member(r, "type");
        if (type.empty()) type = type_from_urn(urn);
        if (!r.is(json::Type::Object) || urn.empty() || type.empty()) {
            errors_.push_back(
                {r.loc, "Pulumi resource without `urn` or `type` (at " + pointer + ")"});
            return;
        }
        if (!loaded_.insert(r.get("urn")->str()).second) return; // a view of the document
        note_stack_name(urn);
        const json::Elem* del = r.get("delete");
        if (del && del->is(json::Type::Bool) && del->boolean) return; // pending deletion
        if (type == "pulumi:pulumi:Stack") return load_stack(r, pointer, urn);
        if (type.starts_with("pulumi:providers:")) return load_provider(r, pointer, urn, type);
        const json::Elem* custom = r.get("custom");
        if (custom && custom->is(json::Type::Bool) && !custom->boolean)
            return load_component(r, pointer, urn, type);

        PulumiValues values(b_, urn);
        read_dependencies(r, values);
        Value native = merged_properties(r, pointer, values);
        Resource res;
        res.address = b_.key(urn);
        res.native_type = b_.key(type);
        res.frontend = b_.key("pulumi");
        res.provider = b_.key(type.substr(0, type.find(':')));
        res.native = native;
        res.loc = program_location(r, urn).value_or(r.loc);
        uint32_t index = b_.add_resource(res);
        pending_.known_address(urn);
        for (auto& [property, urns] : values.property_refs)
            for (auto& target : urns) pending_.add(index, property, target);
        for (auto& [property, target] : values.resource_refs) pending_.add(index, property, target);
    }

    // `sourcePosition` (where the program registered the resource) when it resolves to a
    // line of a program file of this project.
    std::optional<SourceLoc> program_location(const json::Elem& r, const std::string& urn) {
        const json::Elem* sp = r.get("sourcePosition");
        if (!sp || !sp->is(json::Type::String)) return std::nullopt;
        return sources_.locate(sp->str(), project_from_urn(urn));
    }

    // The id and arn of every resource, for the dependencies propertyDependencies
    // does not attribute. Unknown and blinded values are no identity.
    void index_identities() {
        for (auto& [r, pointer] : states_) {
            std::string urn = string_member(*r, "urn");
            const json::Elem* outputs = r->get("outputs");
            std::string id = string_member(*r, "id");
            if (id.empty() && outputs) id = string_member(*outputs, "id");
            std::string arn = outputs ? string_member(*outputs, "arn") : std::string();
            for (std::string* v : {&id, &arn})
                if (*v != kUnknownSentinel && *v != kBlindedSecret) identities_.add(urn, *v, urn);
        }
    }

    void read_dependencies(const json::Elem& r, PulumiValues& values) {
        std::set<std::string, std::less<>> attributed;
        std::set<std::string> skip{"id", "arn", "urn"};
        if (const json::Elem* pd = r.get("propertyDependencies"); pd && pd->is(json::Type::Object))
            for (auto& [property, urns] : pd->members()) {
                skip.insert(std::string(property));
                if (!urns.is(json::Type::Array)) continue;
                for (auto& u : urns.items())
                    if (u.is(json::Type::String) && !u.str().empty()) {
                        values.property_refs[std::string(property)].push_back(std::string(u.str()));
                        attributed.insert(std::string(u.str()));
                    }
            }
        // Dependencies no property names: a property equal to that resource's id or arn
        // refers to it (as for Terraform states).
        std::vector<std::string> rest;
        if (const json::Elem* deps = r.get("dependencies"); deps && deps->is(json::Type::Array))
            for (auto& d : deps->items())
                if (d.is(json::Type::String) && !attributed.count(d.str()))
                    rest.push_back(std::string(d.str()));
        if (rest.empty()) return;
        for (const char* section : {"inputs", "outputs"})
            if (const json::Elem* props = r.get(section))
                for (auto& [path, urns] : identities_.match(*props, rest, skip)) {
                    auto& refs = values.property_refs[plan::top_attribute(path)];
                    for (auto& u : urns)
                        if (std::find(refs.begin(), refs.end(), u) == refs.end()) refs.push_back(u);
                }
    }

    // inputs and outputs as one map: an output wins unless it is still unknown while
    // the input is known (a preview's create step). `__`-prefixed keys are Pulumi's
    // bookkeeping (`__defaults` lists the inputs the provider filled in).
    Value merged_properties(const json::Elem& r, const std::string& pointer, PulumiValues& values) {
        const json::Elem* inputs = r.get("inputs");
        const json::Elem* outputs = r.get("outputs");
        if (inputs && !inputs->is(json::Type::Object)) inputs = nullptr;
        if (outputs && !outputs->is(json::Type::Object)) outputs = nullptr;
        if (inputs)
            if (const json::Elem* d = inputs->get("__defaults"); d && d->is(json::Type::Array))
                for (auto& k : d->items())
                    if (k.is(json::Type::String)) values.defaults.insert(std::string(k.str()));
        auto unknown = [](const json::Elem* n) {
            return n && n->is(json::Type::String) && n->str() == kUnknownSentinel;
        };
        std::vector<MapEntry> entries;
        std::set<std::string_view> seen; // views of the document's keys
        auto add = [&](std::string_view key, const json::Elem* node, const char* section) {
            std::string ptr = pointer + "/" + section, path;
            append_pointer(ptr, key);
            append_path_key(path, key);
            entries.push_back({b_.key(key), values.build(node, ptr, path)});
        };
        if (outputs)
            for (auto& [key, out] : outputs->members()) {
                if (key.starts_with("__") || !seen.insert(key).second) continue;
                const json::Elem* in = inputs ? inputs->get(key) : nullptr;
                if (!in) values.outputs_only.insert(std::string(key));
                if (unknown(&out) && in && !unknown(in))
                    add(key, in, "inputs");
                else
                    add(key, &out, "outputs");
            }
        if (inputs)
            for (auto& [key, in] : inputs->members())
                if (!key.starts_with("__") && seen.insert(key).second) add(key, &in, "inputs");
        return b_.map(entries, b_.prov(r.loc, ValueState::Explicit, {}, string_member(r, "urn")));
    }

    void load_stack(const json::Elem& r, const std::string& pointer, const std::string& urn) {
        PulumiValues values(b_, urn);
        if (const json::Elem* outs = r.get("outputs"); outs && outs->is(json::Type::Object))
            for (auto& [name, v] : outs->members()) {
                std::string ptr = pointer + "/outputs", path;
                append_pointer(ptr, name);
                append_path_key(path, name);
                bool secret =
                    is_secret(v) || (v.is(json::Type::String) && v.str() == kBlindedSecret);
                std::vector<std::pair<std::string, Value>> fields{
                    {"value", values.build(&v, ptr, path)}, {"secret", b_.boolean(secret)}};
                b_.stack_entry(
                    "outputs", name,
                    b_.map(fields, b_.prov(v.loc, ValueState::Explicit, {}, urn + path)));
            }
    }

    // urn:pulumi:STACK::PROJECT::...: every URN names the stack and the project, so a
    // preview, which has no step for the Stack resource, gets them too.
    void note_stack_name(const std::string& urn) {
        if (stack_named_) return;
        std::string rest = urn.starts_with("urn:pulumi:") ? urn.substr(11) : std::string();
        size_t sep = rest.find("::");
        if (sep == std::string::npos) return;
        b_.stack_field("stack", b_.str(rest.substr(0, sep)));
        size_t sep2 = rest.find("::", sep + 2);
        b_.stack_field("project", b_.str(rest.substr(
                                      sep + 2, sep2 == std::string::npos ? sep2 : sep2 - sep - 2)));
        stack_named_ = true;
    }

    void load_provider(const json::Elem& r, const std::string& pointer, const std::string& urn,
                       const std::string& type) {
        PulumiValues values(b_, urn);
        Value settings = merged_properties(r, pointer, values);
        ProvId p = b_.prov(r.loc, ValueState::Explicit, {}, urn);
        std::vector<std::pair<std::string, Value>> fields{
            {"type", b_.str(type, p)}, {"urn", b_.str(urn, p)}, {"settings", settings}};
        b_.stack_entry("providers", name_from_urn(urn), b_.map(fields, p));
    }

    // Component resources group others, like Terraform modules.
    void load_component(const json::Elem& r, const std::string& pointer, const std::string& urn,
                        const std::string& type) {
        ProvId p = b_.prov(r.loc, ValueState::Explicit, {}, urn);
        std::vector<std::pair<std::string, Value>> fields{{"type", b_.str(type, p)}};
        if (auto parent = string_member(r, "parent"); !parent.empty())
            fields.push_back({"parent", b_.str(parent, p)});
        PulumiValues values(b_, urn);
        if (const json::Elem* outs = r.get("outputs"); outs && outs->is(json::Type::Object))
            fields.push_back({"outputs", values.build(outs, pointer + "/outputs", "")});
        b_.stack_entry("modules", urn, b_.map(fields, p));
    }

    // `pulumi preview --json` prints the stack's configuration (secrets blinded).
    void load_config() {
        const json::Elem* config = doc_.get("config");
        if (!config || !config->is(json::Type::Object)) return;
        PulumiValues values(b_, "config");
        for (auto& [key, v] : config->members()) {
            std::string ptr = "/config", path;
            append_pointer(ptr, key);
            append_path_key(path, key);
            b_.stack_entry("variables", key,
                           b_.map({{"value", values.build(&v, ptr, path)}},
                                  b_.prov(v.loc, ValueState::Explicit, {}, ptr)));
        }
    }

    ModelBuilder& b_;
    std::vector<ModelError>& errors_;
    bool stack_named_ = false;
    const json::Elem& doc_;
    ProgramSources& sources_;
    std::set<std::string_view> loaded_;
    std::vector<std::pair<const json::Elem*, std::string>>
        states_; // resource states and their pointers
    plan::IdentityIndex identities_;
    std::map<std::string, std::vector<Value>> changes_;
    plan::PendingReferences pending_;
};

} // namespace
} // namespace pulumi

bool load_pulumi(SourceManager& sm, FileId file, ModelBuilder& b, std::vector<ModelError>& errors) {
    json::Doc doc;
    if (!plan::parse_json_object(sm, file, "Pulumi document", doc, errors)) return false;
    pulumi::ProgramSources sources(sm, sm.path(file));
    return pulumi::PulumiLoader(b, errors, doc.root(), sources).run();
}

} // namespace tenet
