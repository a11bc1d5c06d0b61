// The evaluator's core: dispatch on short-form tags and single-key `Fn::` maps,
// parameters and pseudo parameters, Ref and Fn::GetAtt.
#include "evaluator.h"

#include <algorithm>
#include <charconv>

namespace tenet::cfn {

namespace {

constexpr uint32_t kMaxEvalDepth = 600;
constexpr std::string_view kSamTransform = "AWS::Serverless-2016-10-31";

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool parse_number(std::string_view s, double& out) {
    s = trim(s);
    if (s.empty()) return false;
    auto res = std::from_chars(s.data(), s.data() + s.size(), out);
    return res.ec == std::errc() && res.ptr == s.data() + s.size();
}

bool is_list_type(std::string_view type) {
    return type == "CommaDelimitedList" || type.starts_with("List<");
}

void relocate(CVal& v, SourceLoc loc) {
    v.loc = loc;
    for (CVal& item : v.items) relocate(item, loc);
    for (auto& [k, m] : v.members) relocate(m, loc);
}

} // namespace

void collect_refs(const CVal& v, std::vector<std::string>& out) {
    for (const std::string& r : v.refs)
        if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
    for (const CVal& item : v.items) collect_refs(item, out);
    for (const auto& [k, m] : v.members) collect_refs(m, out);
}

void index_template(const Document& doc, Template& t, std::vector<ModelError>& problems) {
    t.doc = &doc;
    if (!doc.root || !doc.root->is(NodeKind::Mapping)) {
        SourceLoc at = doc.root ? doc.loc(*doc.root) : SourceLoc{doc.file, 1, 1};
        problems.push_back({at, "a template is a mapping with a Resources section"});
        return;
    }
    auto section = [&](std::string_view name) -> const Node* {
        const Node* value = doc.get(*doc.root, name);
        if (!value) return nullptr;
        if (value->is(NodeKind::Mapping)) return value;
        if (!value->is(NodeKind::Null))
            problems.push_back(
                {doc.loc(*value), "the " + std::string(name) + " section must be a mapping"});
        return nullptr;
    };
    t.parameters = section("Parameters");
    t.mappings = section("Mappings");
    t.conditions = section("Conditions");
    t.resources = section("Resources");
    t.outputs = section("Outputs");
    t.globals = section("Globals");
    if (!t.resources && !doc.get(*doc.root, "Resources"))
        problems.push_back({doc.loc(*doc.root), "the template has no Resources section"});
    if (const Node* transform = doc.get(*doc.root, "Transform")) {
        if (transform->is(NodeKind::String)) t.sam |= transform->text() == kSamTransform;
        for (const Node* item : doc.items(*transform)) t.sam |= item->text() == kSamTransform;
    }
    if (t.resources)
        for (const Member& m : doc.members(*t.resources)) t.resource_ids.insert(m.key);
}

Evaluator::Evaluator(const Template& t, const std::vector<std::string>& overrides,
                     std::vector<ModelError>& problems)
    : t_(t), doc_(*t.doc), problems_(problems) {
    init_parameters(overrides);
}

// ---- problems

void Evaluator::report(SourceLoc at, std::string message) {
    if (muted_) return;
    auto key = std::make_pair(message, std::make_tuple(at.file, at.line, at.column));
    if (!reported_.insert(key).second) return;
    problems_.push_back({at, std::move(message)});
}

CVal Evaluator::invalid(SourceLoc at, std::string message) {
    report(at, message);
    return CVal::unknown(std::move(message), at);
}

bool Evaluator::list_args(const Node& arg, std::string_view fn, size_t min, size_t max,
                          SourceLoc at, std::vector<const Node*>& out) {
    auto items = doc_.items(arg);
    if (!arg.is(NodeKind::Sequence) || items.size() < min || items.size() > max) {
        std::string want =
            min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max);
        report(at, std::string(fn) + " takes a list of " + want + " arguments");
        return false;
    }
    out.clear();
    out.reserve(items.size());
    for (const Node* item : items) out.push_back(item);
    return true;
}

bool Evaluator::known_string(const CVal& v, std::string_view what, SourceLoc at, CVal& failed) {
    if (v.is(CVal::Kind::Unknown)) {
        failed = v;
        failed.loc = at;
        return false;
    }
    if (v.is_scalar()) return true;
    failed = invalid(at, std::string(what) + " must be a string");
    return false;
}

// ---- parameters

void Evaluator::init_parameters(const std::vector<std::string>& overrides) {
    std::unordered_map<std::string, std::string> given;
    for (const std::string& o : overrides) {
        size_t eq = o.find('=');
        if (eq == std::string::npos || eq == 0) continue;
        given[o.substr(0, eq)] = o.substr(eq + 1);
    }
    for (auto& [name, text] : given)
        if (name.starts_with("AWS::")) {
            CVal v = CVal::string(text, SourceLoc{});
            v.pointer = "--cfn-param " + name;
            pseudo_overrides_[name] = v;
        }
    if (!t_.parameters) return;
    for (const Member& m : doc_.members(*t_.parameters)) {
        std::string name(m.key);
        std::string ref = "param." + name;
        const Node* type_node = doc_.get(*m.value, "Type");
        std::string_view type =
            type_node && type_node->is_scalar() ? type_node->text() : std::string_view("String");
        const Node* def = doc_.get(*m.value, "Default");
        CVal v;
        auto from_text = [&](std::string_view text, SourceLoc loc) {
            if (is_list_type(type)) {
                v.kind = CVal::Kind::List;
                size_t start = 0;
                while (true) {
                    size_t comma = text.find(',', start);
                    std::string_view part =
                        text.substr(start, comma == std::string_view::npos ? comma : comma - start);
                    v.items.push_back(CVal::string(std::string(trim(part)), loc));
                    if (comma == std::string_view::npos) break;
                    start = comma + 1;
                }
            } else if (double n = 0; type == "Number" && parse_number(text, n)) {
                v.kind = CVal::Kind::Number;
                v.number = n;
                v.text = std::string(trim(text));
            } else {
                v = CVal::string(std::string(text), loc);
            }
            v.loc = loc;
        };
        if (auto it = given.find(name); it != given.end()) {
            from_text(it->second, m.key_loc);
            v.pointer = "--cfn-param " + name;
        } else if (type.starts_with("AWS::SSM::Parameter::Value<")) {
            std::string where =
                def && def->is_scalar() ? " `" + std::string(def->text()) + "`" : "";
            v = CVal::unknown("param " + name + " is read from the SSM parameter" + where +
                                  " at deploy time",
                              m.key_loc);
        } else if (def && def->is_scalar() && !def->is(NodeKind::Null)) {
            from_text(def->text(), doc_.loc(*def));
            if (def->is(NodeKind::Number) && type == "Number") v.number = def->number();
            v.pointer = "Parameters." + name + ".Default";
        } else if (def && def->is(NodeKind::Sequence)) {
            v = literal(*def);
            v.pointer = "Parameters." + name + ".Default";
        } else {
            v = CVal::unknown("param " + name + " has no value", m.key_loc);
        }
        v.add_ref(ref);
        params_[name] = std::move(v);
    }
}

const CVal* Evaluator::parameter(std::string_view name) const {
    auto it = params_.find(std::string(name));
    return it == params_.end() ? nullptr : &it->second;
}

CVal Evaluator::ref(std::string_view name, SourceLoc at) {
    if (const CVal* p = parameter(name)) {
        CVal v = *p;
        relocate(v, at);
        return v;
    }
    if (name.starts_with("AWS::")) {
        std::string n(name);
        if (n == "AWS::NoValue") return CVal::absent(at);
        if (auto it = pseudo_overrides_.find(n); it != pseudo_overrides_.end()) {
            CVal v = it->second;
            v.loc = at;
            v.add_ref("param." + n);
            return v;
        }
        if (n == "AWS::Partition") {
            CVal v = CVal::string("aws", at, ValueState::Default);
            v.add_ref("param." + n);
            return v;
        }
        if (n == "AWS::Region" || n == "AWS::AccountId" || n == "AWS::StackName" ||
            n == "AWS::StackId" || n == "AWS::URLSuffix" || n == "AWS::NotificationARNs")
            return CVal::unknown(n + " is known at deploy time", at, {"param." + n});
        return invalid(at, "`" + n + "` is not a pseudo parameter");
    }
    std::string target = t_.address_prefix + std::string(name);
    if (t_.resource_ids.count(name)) return CVal::unknown("known after deploy", at, {target});
    if (t_.sam)
        return CVal::unknown("`" + std::string(name) +
                                 "` is not declared in the template (made by the SAM transform?)",
                             at, {target});
    return invalid(at, "Ref to `" + std::string(name) +
                           "`, which is neither a parameter nor a resource");
}

CVal Evaluator::get_att(std::string_view resource, std::string_view attribute, SourceLoc at,
                        std::vector<std::string> refs) {
    std::string target = t_.address_prefix + std::string(resource) + "." + std::string(attribute);
    refs.push_back(target);
    if (t_.resource_ids.count(resource)) return CVal::unknown("known after deploy", at, refs);
    if (t_.sam)
        return CVal::unknown("`" + std::string(resource) +
                                 "` is not declared in the template (made by the SAM transform?)",
                             at, refs);
    return invalid(at, "Fn::GetAtt of `" + std::string(resource) +
                           "`, which is not a resource of this template");
}

CVal Evaluator::fn_ref(const Node& arg, bool, SourceLoc at) {
    if (!arg.is(NodeKind::String))
        return invalid(at, "Ref takes the name of a parameter or resource");
    return ref(arg.text(), at);
}

CVal Evaluator::fn_get_att(const Node& arg, bool, SourceLoc at) {
    if (arg.is(NodeKind::String)) {
        size_t dot = arg.text().find('.');
        if (dot == std::string_view::npos || dot == 0 || dot + 1 == arg.text().size())
            return invalid(at, "Fn::GetAtt takes `Resource.Attribute` or [Resource, Attribute]");
        return get_att(arg.text().substr(0, dot), arg.text().substr(dot + 1), at, {});
    }
    std::vector<const Node*> args;
    if (!list_args(arg, "Fn::GetAtt", 2, 2, at, args))
        return CVal::unknown("invalid Fn::GetAtt", at);
    if (!args[0]->is(NodeKind::String) || args[0]->tagged())
        return invalid(doc_.loc(*args[0]), "Fn::GetAtt: the resource must be a logical id");
    CVal attr = eval(*args[1]);
    CVal failed;
    if (!known_string(attr, "Fn::GetAtt: the attribute", doc_.loc(*args[1]), failed)) {
        failed.add_ref(t_.address_prefix + std::string(args[0]->text()));
        return failed;
    }
    return get_att(args[0]->text(), scalar_text(attr), at, attr.refs);
}

// ---- dispatch

Evaluator::Fn Evaluator::function(std::string_view name) {
    static const std::pair<std::string_view, Fn> table[] = {
        {"Ref", &Evaluator::fn_ref},
        {"Fn::GetAtt", &Evaluator::fn_get_att},
        {"Fn::Sub", &Evaluator::fn_sub},
        {"Fn::Join", &Evaluator::fn_join},
        {"Fn::Select", &Evaluator::fn_select},
        {"Fn::Split", &Evaluator::fn_split},
        {"Fn::FindInMap", &Evaluator::fn_find_in_map},
        {"Fn::Base64", &Evaluator::fn_base64},
        {"Fn::Cidr", &Evaluator::fn_cidr},
        {"Fn::GetAZs", &Evaluator::fn_get_azs},
        {"Fn::ImportValue", &Evaluator::fn_import_value},
        {"Fn::Length", &Evaluator::fn_length},
        {"Fn::ToJsonString", &Evaluator::fn_to_json_string},
        {"Fn::Transform", &Evaluator::fn_transform},
        {"Fn::If", &Evaluator::fn_if},
    };
    for (auto& [n, fn] : table)
        if (n == name) return fn;
    return nullptr;
}

bool Evaluator::is_boolean_function(std::string_view fn) {
    return fn == "Fn::Equals" || fn == "Fn::Not" || fn == "Fn::And" || fn == "Fn::Or" ||
           fn == "Condition";
}

namespace {

// "!Ref" -> "Ref", "!Condition" -> "Condition", "!Sub" -> "Fn::Sub"; empty when unknown.
std::string tag_function(std::string_view tag) {
    if (tag == "!Ref") return "Ref";
    if (tag == "!Condition") return "Condition";
    static const std::string_view short_forms[] = {
        "Base64", "Cidr",   "FindInMap", "GetAtt", "GetAZs",    "ImportValue",
        "Join",   "Select", "Split",     "Sub",    "Transform", "If",
        "Equals", "Not",    "And",       "Or",     "Length",    "ToJsonString"};
    if (!tag.starts_with("!")) return {};
    for (std::string_view f : short_forms)
        if (tag.substr(1) == f) return "Fn::" + std::string(f);
    return {};
}

} // namespace

CVal Evaluator::call(std::string_view fn, const Node& arg, bool short_form, SourceLoc at) {
    if (is_boolean_function(fn)) {
        Decision d = decide(fn, arg, at);
        if (d.truth == Truth::Undecided) return CVal::unknown(d.reason, at, d.refs);
        CVal v;
        v.kind = CVal::Kind::Bool;
        v.boolean = d.truth == Truth::True;
        v.loc = at;
        v.state = ValueState::Computed;
        v.refs = d.refs;
        return v;
    }
    Fn f = function(fn);
    if (!f) {
        if (fn.starts_with("Fn::ForEach"))
            return invalid(at, "Fn::ForEach (AWS::LanguageExtensions) is not supported");
        return invalid(at, "unknown intrinsic function `" + std::string(fn) + "`");
    }
    return (this->*f)(arg, short_form, at);
}

CVal Evaluator::eval_node(const Node& n, bool ignore_tag) {
    DepthGuard guard(depth_);
    if (depth_ > kMaxEvalDepth) return invalid(doc_.loc(n), "intrinsic functions nest too deeply");
    if (!ignore_tag && n.tagged()) {
        std::string fn = tag_function(doc_.tag(n));
        if (fn.empty())
            return invalid(doc_.loc(n), "unknown tag `" + std::string(doc_.tag(n)) + "`");
        return call(fn, n, true, doc_.loc(n));
    }
    if (n.is(NodeKind::Mapping)) {
        auto members = doc_.members(n);
        if (members.size() == 1 && (members[0].key == "Ref" || members[0].key.starts_with("Fn::")))
            return call(members[0].key, *members[0].value, false, doc_.loc(n));
        CVal m;
        m.kind = CVal::Kind::Map;
        m.loc = doc_.loc(n);
        m.members.reserve(members.size());
        for (const Member& member : members) {
            CVal v = eval_node(*member.value, false);
            if (!v.is(CVal::Kind::Absent))
                m.members.emplace_back(std::string(member.key), std::move(v));
        }
        return m;
    }
    if (n.is(NodeKind::Sequence)) {
        CVal l;
        l.kind = CVal::Kind::List;
        l.loc = doc_.loc(n);
        auto items = doc_.items(n);
        l.items.reserve(items.size());
        for (const Node* item : items) {
            CVal v = eval_node(*item, false);
            if (!v.is(CVal::Kind::Absent)) l.items.push_back(std::move(v));
        }
        return l;
    }
    return scalar(n);
}

CVal Evaluator::scalar(const Node& n) const {
    CVal v;
    v.loc = doc_.loc(n);
    switch (n.kind) {
    case NodeKind::Null:
        v.kind = CVal::Kind::Null;
        break;
    case NodeKind::Bool:
        v.kind = CVal::Kind::Bool;
        v.boolean = n.boolean;
        break;
    case NodeKind::Number:
        v.kind = CVal::Kind::Number;
        v.number = n.number();
        v.text = std::string(n.text());
        break;
    default:
        v.kind = CVal::Kind::String;
        v.text = std::string(n.text());
        break;
    }
    return v;
}

CVal Evaluator::literal(const Node& n) const {
    if (n.tagged()) {
        std::string fn = tag_function(doc_.tag(n));
        Node untagged = n;
        untagged.tag = 0;
        CVal m;
        m.kind = CVal::Kind::Map;
        m.loc = doc_.loc(n);
        m.members.emplace_back(fn.empty() ? std::string(doc_.tag(n)) : fn, literal(untagged));
        return m;
    }
    if (n.is(NodeKind::Mapping)) {
        CVal m;
        m.kind = CVal::Kind::Map;
        m.loc = doc_.loc(n);
        for (const Member& member : doc_.members(n))
            m.members.emplace_back(std::string(member.key), literal(*member.value));
        return m;
    }
    if (n.is(NodeKind::Sequence)) {
        CVal l;
        l.kind = CVal::Kind::List;
        l.loc = doc_.loc(n);
        for (const Node* item : doc_.items(n)) l.items.push_back(literal(*item));
        return l;
    }
    return scalar(n);
}

// ---- branch views

void Evaluator::assume(std::string_view name, bool value) {
    assumptions_[std::string(name)] = value;
    decided_.clear();
}

void Evaluator::clear_assumptions() {
    assumptions_.clear();
    decided_.clear();
}

std::vector<std::string> Evaluator::take_undecided_conditions() {
    std::vector<std::string> out;
    out.swap(undecided_);
    return out;
}

} // namespace tenet::cfn
