// Parameter overrides: which parameter a name means, how its text becomes a value, and
// whether that value has the declared type.
#include "builtins_internal.h"
#include "engine_internal.h"
#include "tenet/model/interner.h"
#include "tenet/model/value_json.h"

#include <fmt/format.h>

namespace tenet {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

// `list<map<string>>` -> `map<string>` for prefix "list<"; empty when it does not apply.
std::string_view inner(std::string_view type, std::string_view prefix) {
    if (!type.starts_with(prefix) || !type.ends_with('>')) return {};
    return trim(type.substr(prefix.size(), type.size() - prefix.size() - 1));
}

} // namespace

bool value_has_type(const Value& v, std::string_view type) {
    type = trim(type);
    if (type == "any" || type.empty()) return true;
    if (type == "null") return v.is_null();
    if (type == "bool") return v.is(Kind::Bool);
    if (type == "number") return v.is(Kind::Number);
    if (type == "string") return v.is(Kind::String);
    if (std::string_view elem = inner(type, "list<"); !elem.empty()) {
        if (!v.is(Kind::List)) return false;
        for (const Value& e : v.as_list()->span())
            if (!value_has_type(e, elem)) return false;
        return true;
    }
    if (std::string_view elem = inner(type, "map<"); !elem.empty()) {
        if (!v.is(Kind::Map)) return false;
        for (const MapEntry& e : v.as_map()->span())
            if (!value_has_type(e.value, elem)) return false;
        return true;
    }
    // A record type: its fields are checked where they are read.
    return v.is(Kind::Map);
}

int resolve_param(const Program& program, std::string_view name, std::string& error) {
    std::vector<int> candidates;
    for (size_t i = 0; i < program.globals.size(); ++i) {
        const std::string& g = program.globals[i].name;
        if (g == name) {
            candidates = {static_cast<int>(i)};
            break;
        }
        if (g.size() > name.size() && g.ends_with(name) && g[g.size() - name.size() - 1] == '.')
            candidates.push_back(static_cast<int>(i));
    }
    if (candidates.empty()) {
        error = fmt::format("--param {}: no parameter of that name", name);
        return -1;
    }
    if (candidates.size() > 1) {
        std::string names;
        for (int i : candidates) names += (names.empty() ? "" : ", ") + program.globals[i].name;
        error = fmt::format("--param {}: ambiguous, it could be {}; give the qualified name", name,
                            names);
        return -1;
    }
    const GlobalInfo& g = program.globals[candidates[0]];
    if (!g.is_param) {
        error = fmt::format("--param {}: `{}` is a let, not a parameter", name, g.name);
        return -1;
    }
    return candidates[0];
}

bool parse_override(std::string_view text, std::string_view type, Arena& arena, Value& out,
                    std::string& error) {
    std::string json_error;
    if (!json_to_value(text, arena, out, json_error, /*intern_strings=*/true)) {
        // A bare word (`--param env=prod`) is a string; other text is a JSON mistake.
        if (!value_has_type(Value::string(intern(text)), type)) {
            error = fmt::format("`{}` is not valid JSON ({}), and the parameter is a {}", text,
                                json_error, type);
            return false;
        }
        out = Value::string(intern(text));
    }
    if (!value_has_type(out, type)) {
        error = fmt::format("expected {}, found {} `{}`", type, kind_phrase(out.kind()), text);
        return false;
    }
    return true;
}

} // namespace tenet
