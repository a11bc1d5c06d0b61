#include "template_loader.h"

#include "cfn_node.h"
#include "evaluator.h"
#include "sam_globals.h"
#include "to_model.h"

#include <algorithm>

namespace tenet::cfn {

namespace {

// Branch views are made for at most this many undecided conditions per resource.
constexpr size_t kMaxBranchConditions = 8;

constexpr std::string_view kResourceAttributes[] = {
    "Type",      "Properties", "DeletionPolicy", "UpdateReplacePolicy", "Condition",
    "DependsOn", "Metadata",   "CreationPolicy", "UpdatePolicy"};

std::string provider_of(std::string_view type) {
    size_t sep = type.find("::");
    std::string p(type.substr(0, sep == std::string_view::npos ? type.size() : sep));
    std::transform(p.begin(), p.end(), p.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return p;
}

// Properties whose CloudFormation type is a list of rules, which CloudFormation rejects
// when written as a single mapping ("must be of type List"). Policies iterate them as
// lists, so such a mapping is reported where it is written and stands as unknown.
struct ListProperty {
    std::string_view type, property;
};
constexpr ListProperty kListProperties[] = {
    {"AWS::EC2::SecurityGroup", "SecurityGroupIngress"},
    {"AWS::EC2::SecurityGroup", "SecurityGroupEgress"},
};

bool must_be_list(std::string_view type, std::string_view property) {
    return std::any_of(
        std::begin(kListProperties), std::end(kListProperties),
        [&](const ListProperty& l) { return l.type == type && l.property == property; });
}

bool names_resource(const std::string& ref) {
    return !ref.starts_with("param.") && !ref.starts_with("condition.") &&
           !ref.starts_with("import.");
}

CVal map_of(std::vector<std::pair<std::string, CVal>> members, SourceLoc loc) {
    CVal m;
    m.kind = CVal::Kind::Map;
    m.loc = loc;
    m.members = std::move(members);
    return m;
}

class Loader {
  public:
    Loader(SourceManager& sm, FileId file, ModelBuilder& b, std::vector<ModelError>& errors,
           const FrontendOptions& opts, const TemplateContext& ctx)
        : sm_(sm), file_(file), b_(b), errors_(errors), opts_(opts), ctx_(ctx) {}

    bool run() {
        std::string_view text = sm_.text(file_);
        size_t start = text.find_first_not_of(" \t\r\n");
        bool is_json = start != std::string_view::npos && text[start] == '{';
        ReadError error;
        bool ok =
            is_json ? read_json(text, file_, doc_, error) : read_yaml(text, file_, doc_, error);
        for (const ReadError& p : doc_.problems) errors_.push_back({p.loc, p.message});
        if (!ok) {
            errors_.push_back({error.loc, error.message});
            return false;
        }
        t_.address_prefix = ctx_.address_prefix;
        t_.exports = ctx_.exports;
        index_template(doc_, t_, errors_);
        if (!doc_.root->is(NodeKind::Mapping)) return false;
        Evaluator ev(t_, opts_.cfn_params, errors_);
        ev_ = &ev;
        b_.stack_field("frontend", b_.str(frontend_name(ctx_.kind)));
        if (const Node* transform = doc_.get(*doc_.root, "Transform"))
            b_.stack_field("transform",
                           ValueWriter(b_, "").write(ev.literal(*transform), "transform"));
        load_parameters();
        load_mappings();
        load_conditions();
        if (t_.resources) load_resources();
        load_outputs();
        return true;
    }

  private:
    void problem(SourceLoc loc, std::string message) {
        if (!muted_) errors_.push_back({loc, std::move(message)});
    }

    std::string entry_name(std::string_view name) const {
        return ctx_.address_prefix + std::string(name);
    }

    void load_parameters() {
        if (!t_.parameters) return;
        for (const Member& m : doc_.members(*t_.parameters)) {
            if (!m.value->is(NodeKind::Mapping)) {
                errors_.push_back({doc_.loc(*m.value), "parameter `" + std::string(m.key) +
                                                           "` must be a mapping with a Type"});
                continue;
            }
            if (!doc_.get(*m.value, "Type"))
                errors_.push_back(
                    {m.key_loc, "parameter `" + std::string(m.key) + "` has no Type"});
            CVal entry = ev_->literal(*m.value);
            if (const CVal* value = ev_->parameter(m.key))
                entry.members.emplace_back("Value", *value);
            std::string name = entry_name(m.key);
            b_.stack_entry("parameters", name,
                           ValueWriter(b_, "").write(entry, "parameters." + name));
        }
    }

    void load_mappings() {
        if (!t_.mappings) return;
        for (const Member& m : doc_.members(*t_.mappings)) {
            std::string name = entry_name(m.key);
            b_.stack_entry("mappings", name,
                           ValueWriter(b_, "").write(ev_->literal(*m.value), "mappings." + name));
        }
    }

    void load_conditions() {
        if (!t_.conditions) return;
        for (const Member& m : doc_.members(*t_.conditions)) {
            Decision d = ev_->condition(m.key, m.key_loc);
            CVal value;
            if (d.truth == Truth::Undecided) {
                value = CVal::unknown(d.reason, doc_.loc(*m.value), d.refs);
            } else {
                value.kind = CVal::Kind::Bool;
                value.boolean = d.truth == Truth::True;
                value.loc = doc_.loc(*m.value);
                value.state = ValueState::Computed;
                value.refs = d.refs;
            }
            std::string name = entry_name(m.key);
            CVal entry =
                map_of({{"Value", value}, {"Expression", ev_->literal(*m.value)}}, m.key_loc);
            b_.stack_entry("conditions", name,
                           ValueWriter(b_, "").write(entry, "conditions." + name));
        }
    }

    void load_outputs() {
        if (!t_.outputs) return;
        for (const Member& m : doc_.members(*t_.outputs)) {
            if (!m.value->is(NodeKind::Mapping) || !doc_.get(*m.value, "Value")) {
                errors_.push_back({doc_.loc(*m.value), "output `" + std::string(m.key) +
                                                           "` must be a mapping with a Value"});
                continue;
            }
            std::string name = entry_name(m.key);
            CVal entry = ev_->eval(*m.value);
            if (const Node* cond = doc_.get(*m.value, "Condition");
                cond && cond->is(NodeKind::String))
                ev_->condition(cond->text(), doc_.loc(*cond));
            record_export(entry);
            b_.stack_entry("outputs", name, ValueWriter(b_, "").write(entry, "outputs." + name));
        }
    }

    // An output with a known Export.Name makes its value's resources importable by the
    // other stacks of the same cdk.out.
    void record_export(const CVal& output) {
        if (!ctx_.exports || !output.is(CVal::Kind::Map)) return;
        const CVal *value = nullptr, *name = nullptr;
        for (const auto& [key, v] : output.members) {
            if (key == "Value") value = &v;
            if (key == "Export" && v.is(CVal::Kind::Map))
                for (const auto& [k, n] : v.members)
                    if (k == "Name" && n.is(CVal::Kind::String)) name = &n;
        }
        if (!value || !name) return;
        std::vector<std::string> refs, targets;
        collect_refs(*value, refs);
        for (const std::string& r : refs)
            if (names_resource(r)) targets.push_back(r);
        (*ctx_.exports)[name->text] = std::move(targets);
    }

    // The native attributes of a resource: Properties at the top level, then the
    // resource-level keys under their own names.
    // Undecided Fn::If conditions met in each top-level attribute.
    using ConditionsByAttribute = std::unordered_map<std::string, std::vector<std::string>>;

    std::vector<std::pair<std::string, CVal>>
    native_members(const Member& res, std::string_view type, ConditionsByAttribute* conditions) {
        std::vector<std::pair<std::string, CVal>> out;
        auto note = [&](std::string_view key) {
            std::vector<std::string> met = ev_->take_undecided_conditions();
            if (conditions && !met.empty()) (*conditions)[std::string(key)] = std::move(met);
        };
        ev_->take_undecided_conditions();
        const Node& node = *res.value;
        if (const Node* props = doc_.get(node, "Properties")) {
            bool plain = props->is(NodeKind::Mapping) && !props->tagged() &&
                         !(props->count == 1 && doc_.members(*props)[0].key.starts_with("Fn::"));
            if (plain) {
                MemberList members = doc_.members(*props);
                out.reserve(members.size() + std::size(kResourceAttributes));
                for (const Member& p : members) {
                    CVal v = ev_->eval(*p.value);
                    note(p.key);
                    if (v.is(CVal::Kind::Map) && must_be_list(type, p.key)) {
                        problem(doc_.loc(*p.value),
                                "`" + std::string(p.key) + "` of `" + std::string(res.key) + "` (" +
                                    std::string(type) +
                                    ") must be a list: CloudFormation rejects a "
                                    "single rule written as a mapping; write it "
                                    "as a one-element list");
                        v = CVal::unknown("written as a mapping, not a list (invalid template)",
                                          v.loc);
                    }
                    if (!v.is(CVal::Kind::Absent))
                        out.emplace_back(std::string(p.key), std::move(v));
                }
            } else if (!props->is(NodeKind::Null)) {
                // Properties written as one intrinsic (e.g. Fn::If of two mappings).
                CVal v = ev_->eval(*props);
                if (v.is(CVal::Kind::Unknown))
                    note("Properties");
                else
                    ev_->take_undecided_conditions();
                if (v.is(CVal::Kind::Map))
                    out = std::move(v.members);
                else if (v.is(CVal::Kind::Unknown))
                    out.emplace_back("Properties", std::move(v));
                else if (!v.is(CVal::Kind::Absent))
                    problem(doc_.loc(*props),
                            "the Properties of `" + std::string(res.key) + "` must be a mapping");
            }
        }
        if (t_.sam && t_.globals) merge_sam_globals(*ev_, doc_, *t_.globals, type, out);
        ev_->take_undecided_conditions(); // Fn::If in Globals stays unknown in place, without
                                          // branch views
        for (std::string_view attr : kResourceAttributes) {
            if (attr == "Type" || attr == "Properties") continue;
            const Node* v = doc_.get(node, attr);
            if (!v) continue;
            if (attr == "DependsOn")
                out.emplace_back("DependsOn", depends_on(*v));
            else if (attr == "Condition")
                out.emplace_back("Condition", condition_attribute(*v));
            else
                out.emplace_back(std::string(attr), ev_->eval(*v));
            note(attr);
        }
        return out;
    }

    CVal depends_on(const Node& v) {
        CVal out = ev_->literal(v);
        auto check = [&](CVal& name) {
            if (!name.is(CVal::Kind::String)) {
                problem(name.loc, "DependsOn takes logical ids");
                return;
            }
            if (!t_.resource_ids.count(name.text))
                problem(name.loc, "DependsOn names `" + name.text + "`, which is not a resource");
            name.add_ref(ctx_.address_prefix + name.text);
        };
        if (out.is(CVal::Kind::List))
            for (CVal& item : out.items) check(item);
        else
            check(out);
        return out;
    }

    CVal condition_attribute(const Node& v) {
        CVal out = ev_->literal(v);
        if (!v.is(NodeKind::String) || v.tagged()) {
            problem(doc_.loc(v), "a resource's Condition is the name of a condition");
            return out;
        }
        Decision d = ev_->condition(v.text(), doc_.loc(v));
        out.add_refs(d.refs);
        return out;
    }

    // For each condition an undecided Fn::If depends on, the attributes that depend on
    // it as they would be with the condition true and false (other undecided conditions
    // stay unknown): {"IsProd=true": {...}, "IsProd=false": {...}}.
    CVal branch_views(const Member& res, std::string_view type,
                      const ConditionsByAttribute& by_attribute) {
        std::vector<std::string> conditions;
        for (const auto& [key, met] : by_attribute)
            for (const std::string& c : met)
                if (std::find(conditions.begin(), conditions.end(), c) == conditions.end())
                    conditions.push_back(c);
        std::sort(conditions.begin(), conditions.end());
        if (conditions.size() > kMaxBranchConditions) conditions.resize(kMaxBranchConditions);
        CVal views;
        views.kind = CVal::Kind::Map;
        views.loc = res.key_loc;
        ev_->set_muted(true);
        muted_ = true;
        for (const std::string& c : conditions)
            for (bool value : {true, false}) {
                ev_->assume(c, value);
                std::vector<std::pair<std::string, CVal>> attrs;
                for (auto& [key, v] : native_members(res, type, nullptr)) {
                    auto it = by_attribute.find(key);
                    if (it != by_attribute.end() &&
                        std::find(it->second.begin(), it->second.end(), c) != it->second.end())
                        attrs.emplace_back(key, std::move(v));
                }
                ev_->clear_assumptions();
                std::string name = c + (value ? "=true" : "=false");
                CVal view = map_of(std::move(attrs), res.key_loc);
                view.pointer = "Fn::If " + name;
                views.members.emplace_back(name, std::move(view));
            }
        ev_->take_undecided_conditions();
        ev_->set_muted(false);
        muted_ = false;
        return views;
    }

    // Each resource's body is needed only while it is loaded: once it is, its nodes are
    // released (unless aliases may share them), so that the template's document and the
    // model it becomes are not both whole at the same time.
    void load_resources() {
        MemberList resources = doc_.members(*t_.resources);
        if (resources.empty()) return;
        // The resources' table grows here, not by doubling while the model is largest (a
        // doubling copies the table and holds both for a moment).
        std::vector<Resource>& table = b_.model().resources;
        if (table.size() + resources.size() > table.capacity())
            table.reserve(std::max(table.size() + resources.size(), 2 * table.capacity()));
        bool release = !doc_.has_aliases;
        // Bodies are numbered in document order; a repeated key keeps its first place but
        // the later body, so the frontier is the first body of those not loaded yet.
        std::vector<NodeId> frontier(resources.size() + 1);
        NodeId first = resources[0].value_id, last = first;
        for (const Member& m : resources) {
            first = std::min(first, m.value_id);
            last = std::max(last, m.value_id);
        }
        frontier.back() = release ? doc_.subtree_end(last) : 0;
        for (size_t i = resources.size(); i-- > 0;)
            frontier[i] = std::min(frontier[i + 1], resources[i].value_id);
        for (size_t i = 0; i < resources.size(); ++i) {
            load_resource(resources[i]);
            if (release) doc_.release(first, frontier[i + 1]);
        }
    }

    void load_resource(const Member& res) {
        std::string id(res.key);
        if (res.key.starts_with("Fn::ForEach")) {
            errors_.push_back(
                {res.key_loc, "Fn::ForEach (AWS::LanguageExtensions) is not supported; `" + id +
                                  "` was not expanded"});
            return;
        }
        if (!res.value->is(NodeKind::Mapping)) {
            errors_.push_back(
                {doc_.loc(*res.value), "resource `" + id + "` must be a mapping with a Type"});
            return;
        }
        const Node* type = doc_.get(*res.value, "Type");
        if (!type || !type->is(NodeKind::String) || type->tagged()) {
            errors_.push_back(
                {type ? doc_.loc(*type) : res.key_loc, "resource `" + id + "` has no Type"});
            return;
        }
        for (const Member& m : doc_.members(*res.value))
            if (std::find(std::begin(kResourceAttributes), std::end(kResourceAttributes), m.key) ==
                std::end(kResourceAttributes))
                errors_.push_back(
                    {m.key_loc, "resource `" + id + "` has an unknown attribute `" +
                                    std::string(m.key) +
                                    "` (Properties, DependsOn, Condition, Metadata, ...)"});

        ConditionsByAttribute undecided;
        std::vector<std::pair<std::string, CVal>> members =
            native_members(res, type->text(), &undecided);
        // Only the members that name something keep their references.
        std::vector<std::pair<std::string, std::vector<std::string>>> refs;
        std::vector<std::string> named;
        for (const auto& [key, value] : members) {
            collect_refs(value, named);
            if (!named.empty()) refs.emplace_back(key, std::move(named));
            named.clear();
        }
        if (!undecided.empty())
            members.emplace_back("Fn::If", branch_views(res, type->text(), undecided));

        std::string address = ctx_.address_prefix + id;
        Resource r;
        r.address = b_.key(address);
        r.native_type = b_.key(type->text());
        r.frontend = b_.key(frontend_name(ctx_.kind));
        r.provider = b_.key(provider_of(type->text()));
        r.loc = res.key_loc;
        writer_.set_prefix(construct_path(id, *res.value));
        r.native = writer_.write(map_of(std::move(members), doc_.loc(*res.value)), address);
        uint32_t index = b_.add_resource(r);
        for (const auto& [key, targets] : refs)
            for (const std::string& target : targets)
                if (names_resource(target)) b_.add_reference(index, key, target);
    }

    std::string construct_path(const std::string& id, const Node& res) const {
        if (const Node* meta = doc_.get(res, "Metadata"))
            if (const Node* path = doc_.get(*meta, "aws:cdk:path");
                path && path->is(NodeKind::String))
                return std::string(path->text());
        auto it = ctx_.construct_paths.find(id);
        return it == ctx_.construct_paths.end() ? std::string() : it->second;
    }

    SourceManager& sm_;
    FileId file_;
    ModelBuilder& b_;
    std::vector<ModelError>& errors_;
    const FrontendOptions& opts_;
    const TemplateContext& ctx_;
    Document doc_;
    Template t_;
    Evaluator* ev_ = nullptr;
    ValueWriter writer_{b_, ""}; // the resources' (its buffers kept from one to the next)
    bool muted_ = false;         // branch views evaluate again: their problems are already reported
};

} // namespace

bool load_template(SourceManager& sm, FileId file, ModelBuilder& b, std::vector<ModelError>& errors,
                   const FrontendOptions& opts, const TemplateContext& ctx) {
    return Loader(sm, file, b, errors, opts, ctx).run();
}

} // namespace tenet::cfn

namespace tenet {

bool load_cloudformation(SourceManager& sm, FileId file, ModelBuilder& b,
                         std::vector<ModelError>& errors, const FrontendOptions& opts,
                         FrontendKind as) {
    cfn::TemplateContext ctx;
    ctx.kind = as;
    return cfn::load_template(sm, file, b, errors, opts, ctx);
}

} // namespace tenet
