// The value-building intrinsics: Fn::Sub, Fn::Join, Fn::Select, Fn::Split,
// Fn::FindInMap, Fn::Base64, Fn::GetAZs, Fn::ImportValue, Fn::Length,
// Fn::ToJsonString, Fn::Transform (Fn::Cidr is in cidr.cpp). Each is evaluated when
// its inputs are known; otherwise the result is unknown with the first unknown input's
// reason and the refs of every input.
#include "evaluator.h"
#include "tenet/common/json.h"

#include <algorithm>
#include <cstdlib>

namespace tenet::cfn {

namespace {

// The first unknown in `v` (itself or an element), or nullptr.
const CVal* first_unknown(const CVal& v) {
    if (v.is(CVal::Kind::Unknown)) return &v;
    for (const CVal& item : v.items)
        if (const CVal* u = first_unknown(item)) return u;
    for (const auto& [k, m] : v.members)
        if (const CVal* u = first_unknown(m)) return u;
    return nullptr;
}

CVal unknown_from(const CVal& cause, SourceLoc at, std::vector<std::string> refs) {
    return CVal::unknown(cause.text, at, std::move(refs));
}

CVal computed_string(std::string text, SourceLoc at, std::vector<std::string> refs) {
    CVal v = CVal::string(std::move(text), at, ValueState::Computed);
    v.refs = std::move(refs);
    return v;
}

std::string base64(std::string_view in) {
    static const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
        for (int s : {18, 12, 6, 0}) out += alphabet[(n >> s) & 63];
    }
    if (i + 1 == in.size()) {
        uint32_t n = uint8_t(in[i]) << 16;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
        out += '=';
    }
    return out;
}

void write_json(const CVal& v, std::string& out) {
    switch (v.kind) {
    case CVal::Kind::Bool:
        out += v.boolean ? "true" : "false";
        break;
    case CVal::Kind::Number:
        json::append_number(out, v.number);
        break;
    case CVal::Kind::String:
        json::append_quoted(out, v.text);
        break;
    case CVal::Kind::List:
        out += '[';
        for (size_t i = 0; i < v.items.size(); ++i) {
            if (i) out += ',';
            write_json(v.items[i], out);
        }
        out += ']';
        break;
    case CVal::Kind::Map:
        out += '{';
        for (size_t i = 0; i < v.members.size(); ++i) {
            if (i) out += ',';
            json::append_quoted(out, v.members[i].first);
            out += ':';
            write_json(v.members[i].second, out);
        }
        out += '}';
        break;
    default:
        out += "null";
        break;
    }
}

} // namespace

CVal Evaluator::fn_sub(const Node& arg, bool short_form, SourceLoc at) {
    const Node* text_node = &arg;
    const Node* vars = nullptr;
    if (arg.is(NodeKind::Sequence)) {
        std::vector<const Node*> args;
        if (!list_args(arg, "Fn::Sub", 1, 2, at, args)) return CVal::unknown("invalid Fn::Sub", at);
        text_node = args[0];
        if (args.size() == 2) {
            if (!args[1]->is(NodeKind::Mapping) || args[1]->tagged())
                return invalid(doc_.loc(*args[1]), "Fn::Sub: the variables must be a mapping");
            vars = args[1];
        }
    }
    if (!text_node->is(NodeKind::String) || (text_node != &arg && text_node->tagged()))
        return invalid(doc_.loc(*text_node), "Fn::Sub takes a string, or [string, {variables}]");
    std::string_view s = text_node->text();
    std::string out;
    std::vector<std::string> refs;
    const CVal* unknown = nullptr;
    CVal unknown_holder;
    bool substituted = false;
    size_t i = 0;
    while (i < s.size()) {
        size_t open = s.find("${", i);
        if (open == std::string_view::npos) {
            out.append(s.substr(i));
            break;
        }
        out.append(s.substr(i, open - i));
        size_t close = s.find('}', open + 2);
        if (close == std::string_view::npos)
            return invalid(doc_.loc(*text_node), "Fn::Sub: `${` without a closing `}`");
        std::string_view name = s.substr(open + 2, close - open - 2);
        i = close + 1;
        if (name.starts_with("!")) { // ${!Literal} is written out as ${Literal}
            out.append("${").append(name.substr(1)).append("}");
            continue;
        }
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        substituted = true;
        CVal v;
        if (const Node* var = vars ? doc_.get(*vars, name) : nullptr)
            v = eval(*var);
        else if (size_t dot = name.find('.');
                 dot != std::string_view::npos && !name.starts_with("AWS::"))
            v = get_att(name.substr(0, dot), name.substr(dot + 1), at, {});
        else
            v = ref(name, at);
        collect_refs(v, refs);
        if (v.is(CVal::Kind::Unknown)) {
            if (!unknown) {
                unknown_holder = v;
                unknown = &unknown_holder;
            }
        } else if (v.is_scalar()) {
            out += scalar_text(v);
        } else {
            return invalid(at, "Fn::Sub: `${" + std::string(name) + "}` is not a string");
        }
    }
    if (unknown) return unknown_from(*unknown, at, std::move(refs));
    CVal v = computed_string(std::move(out), at, std::move(refs));
    if (!substituted) v.state = ValueState::Explicit;
    (void)short_form;
    return v;
}

CVal Evaluator::fn_join(const Node& arg, bool, SourceLoc at) {
    std::vector<const Node*> args;
    if (!list_args(arg, "Fn::Join", 2, 2, at, args)) return CVal::unknown("invalid Fn::Join", at);
    CVal delim = eval(*args[0]), list = eval(*args[1]), failed;
    if (!known_string(delim, "Fn::Join: the delimiter", doc_.loc(*args[0]), failed)) return failed;
    std::vector<std::string> refs;
    collect_refs(delim, refs);
    collect_refs(list, refs);
    if (list.is(CVal::Kind::Unknown)) return unknown_from(list, at, std::move(refs));
    if (!list.is(CVal::Kind::List))
        return invalid(doc_.loc(*args[1]), "Fn::Join: the second argument must be a list");
    if (const CVal* u = first_unknown(list)) return unknown_from(*u, at, std::move(refs));
    std::string out;
    for (size_t i = 0; i < list.items.size(); ++i) {
        if (!list.items[i].is_scalar())
            return invalid(list.items[i].loc, "Fn::Join: list items must be strings");
        if (i) out += scalar_text(delim);
        out += scalar_text(list.items[i]);
    }
    return computed_string(std::move(out), at, std::move(refs));
}

CVal Evaluator::fn_select(const Node& arg, bool, SourceLoc at) {
    std::vector<const Node*> args;
    if (!list_args(arg, "Fn::Select", 2, 2, at, args))
        return CVal::unknown("invalid Fn::Select", at);
    CVal index = eval(*args[0]), list = eval(*args[1]);
    std::vector<std::string> refs;
    collect_refs(index, refs);
    collect_refs(list, refs);
    if (index.is(CVal::Kind::Unknown)) return unknown_from(index, at, std::move(refs));
    double n = -1;
    if (index.is(CVal::Kind::Number))
        n = index.number;
    else if (index.is(CVal::Kind::String) && !index.text.empty() && index.text.size() <= 9 &&
             std::all_of(index.text.begin(), index.text.end(),
                         [](char c) { return c >= '0' && c <= '9'; }))
        n = std::strtod(index.text.c_str(), nullptr);
    if (!(n >= 0 && n <= 1e9) || n != static_cast<double>(static_cast<uint64_t>(n)))
        return invalid(doc_.loc(*args[0]),
                       "Fn::Select: the index must be a whole number, 0 or more");
    if (list.is(CVal::Kind::Unknown)) return unknown_from(list, at, std::move(refs));
    if (!list.is(CVal::Kind::List))
        return invalid(doc_.loc(*args[1]), "Fn::Select: the second argument must be a list");
    if (n >= static_cast<double>(list.items.size()))
        return invalid(doc_.loc(*args[0]),
                       "Fn::Select: index " + std::to_string(static_cast<uint64_t>(n)) +
                           " is out of range for a list of " + std::to_string(list.items.size()));
    CVal v = list.items[static_cast<size_t>(n)];
    for (const std::string& r : refs) v.add_ref(r);
    return v;
}

CVal Evaluator::fn_split(const Node& arg, bool, SourceLoc at) {
    std::vector<const Node*> args;
    if (!list_args(arg, "Fn::Split", 2, 2, at, args)) return CVal::unknown("invalid Fn::Split", at);
    CVal delim = eval(*args[0]), source = eval(*args[1]), failed;
    if (!known_string(delim, "Fn::Split: the delimiter", doc_.loc(*args[0]), failed)) return failed;
    std::vector<std::string> refs;
    collect_refs(delim, refs);
    collect_refs(source, refs);
    if (!known_string(source, "Fn::Split: the source", doc_.loc(*args[1]), failed)) {
        failed.refs = refs;
        return failed;
    }
    std::string d = scalar_text(delim), s = scalar_text(source);
    if (d.empty()) return invalid(doc_.loc(*args[0]), "Fn::Split: the delimiter must not be empty");
    CVal out;
    out.kind = CVal::Kind::List;
    out.loc = at;
    out.state = ValueState::Computed;
    out.refs = refs;
    size_t start = 0;
    while (true) {
        size_t pos = s.find(d, start);
        out.items.push_back(
            CVal::string(s.substr(start, pos == std::string::npos ? pos : pos - start), at,
                         ValueState::Computed));
        if (pos == std::string::npos) break;
        start = pos + d.size();
    }
    return out;
}

CVal Evaluator::fn_find_in_map(const Node& arg, bool, SourceLoc at) {
    std::vector<const Node*> args;
    if (!list_args(arg, "Fn::FindInMap", 3, 4, at, args))
        return CVal::unknown("invalid Fn::FindInMap", at);
    std::vector<std::string> refs;
    std::string keys[3];
    for (int i = 0; i < 3; ++i) {
        CVal k = eval(*args[i]), failed;
        collect_refs(k, refs);
        if (!known_string(k, "Fn::FindInMap: a key", doc_.loc(*args[i]), failed)) {
            failed.refs = refs;
            failed.loc = at;
            return failed;
        }
        keys[i] = scalar_text(k);
    }
    const Node* defaults = nullptr;
    if (args.size() == 4) {
        defaults = args[3]->is(NodeKind::Mapping) ? doc_.get(*args[3], "DefaultValue") : nullptr;
        if (!defaults)
            return invalid(doc_.loc(*args[3]),
                           "Fn::FindInMap: the fourth argument is {DefaultValue: ...}");
    }
    const Node* node = t_.mappings ? doc_.get(*t_.mappings, keys[0]) : nullptr;
    std::string missing = node ? "" : "no mapping named `" + keys[0] + "`";
    for (int i = 1; i < 3 && node; ++i) {
        const Node* next = node->is(NodeKind::Mapping) ? doc_.get(*node, keys[i]) : nullptr;
        if (!next)
            missing = "mapping `" + keys[0] + "` has no key `" + keys[i] + "`" +
                      (i == 2 ? " under `" + keys[1] + "`" : "");
        node = next;
    }
    if (!node) {
        if (defaults) {
            CVal v = eval(*defaults);
            v.add_refs(refs);
            return v;
        }
        return invalid(at, "Fn::FindInMap: " + missing);
    }
    CVal v = literal(*node);
    v.loc = at;
    v.state = ValueState::Computed;
    v.refs = refs;
    v.pointer = "Mappings." + keys[0] + "." + keys[1] + "." + keys[2];
    return v;
}

CVal Evaluator::fn_base64(const Node& arg, bool short_form, SourceLoc at) {
    CVal v = eval_node(arg, short_form), failed;
    if (!known_string(v, "Fn::Base64: the value", at, failed)) return failed;
    return computed_string(base64(scalar_text(v)), at, v.refs);
}

CVal Evaluator::fn_get_azs(const Node& arg, bool short_form, SourceLoc at) {
    CVal region = eval_node(arg, short_form);
    std::vector<std::string> refs;
    collect_refs(region, refs);
    std::string which = "the stack's region";
    if (region.is(CVal::Kind::String) && !region.text.empty()) which = region.text;
    if (region.is(CVal::Kind::Null) || (region.is(CVal::Kind::String) && region.text.empty()))
        refs.push_back("param.AWS::Region");
    return CVal::unknown("the availability zones of " + which + " are known at deploy time", at,
                         refs);
}

CVal Evaluator::fn_import_value(const Node& arg, bool short_form, SourceLoc at) {
    CVal name = eval_node(arg, short_form), failed;
    std::vector<std::string> refs;
    collect_refs(name, refs);
    if (!known_string(name, "Fn::ImportValue: the export name", at, failed)) {
        failed.refs = refs;
        return failed;
    }
    refs.push_back("import." + scalar_text(name));
    if (t_.exports)
        if (auto it = t_.exports->find(scalar_text(name)); it != t_.exports->end())
            for (const std::string& r : it->second)
                if (std::find(refs.begin(), refs.end(), r) == refs.end()) refs.push_back(r);
    return CVal::unknown("Fn::ImportValue `" + scalar_text(name) +
                             "` is exported by another stack, known at deploy time",
                         at, refs);
}

CVal Evaluator::fn_length(const Node& arg, bool short_form, SourceLoc at) {
    CVal list = eval_node(arg, short_form);
    std::vector<std::string> refs;
    collect_refs(list, refs);
    if (list.is(CVal::Kind::Unknown)) return unknown_from(list, at, refs);
    if (!list.is(CVal::Kind::List)) return invalid(at, "Fn::Length takes a list");
    CVal v;
    v.kind = CVal::Kind::Number;
    v.number = static_cast<double>(list.items.size());
    v.text = std::to_string(list.items.size());
    v.loc = at;
    v.state = ValueState::Computed;
    v.refs = refs;
    return v;
}

CVal Evaluator::fn_to_json_string(const Node& arg, bool short_form, SourceLoc at) {
    CVal v = eval_node(arg, short_form);
    std::vector<std::string> refs;
    collect_refs(v, refs);
    if (const CVal* u = first_unknown(v)) return unknown_from(*u, at, refs);
    if (!v.is(CVal::Kind::List) && !v.is(CVal::Kind::Map))
        return invalid(at, "Fn::ToJsonString takes a list or mapping");
    std::string out;
    write_json(v, out);
    return computed_string(std::move(out), at, refs);
}

CVal Evaluator::fn_transform(const Node& arg, bool, SourceLoc at) {
    const Node* name = arg.is(NodeKind::Mapping) ? doc_.get(arg, "Name") : nullptr;
    if (!name || !name->is(NodeKind::String))
        return invalid(at, "Fn::Transform takes {Name: ..., Parameters: ...}");
    return CVal::unknown("the macro `" + std::string(name->text()) +
                             "` (Fn::Transform) is applied at deploy time",
                         at);
}

} // namespace tenet::cfn
