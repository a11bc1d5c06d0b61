#include "config.h"

#include "cli_common.h"
#include "tenet/common/yaml.h"

#include <filesystem>
#include <fmt/format.h>

namespace tenet::cli {

namespace fs = std::filesystem;

std::string find_config(const std::string& start) {
    std::error_code ec;
    fs::path p = fs::absolute(start.empty() ? "." : start, ec);
    if (!fs::is_directory(p, ec)) p = p.parent_path();
    while (!p.empty()) {
        fs::path candidate = p / ".tenet.yaml";
        if (fs::is_regular_file(candidate, ec)) return candidate.string();
        if (p == p.parent_path()) break;
        p = p.parent_path();
    }
    return {};
}

namespace {

struct Reader {
    const std::string& path;
    fs::path dir;
    std::vector<std::string>& errors;
    bool ok = true;

    void error(const json::Node& n, const std::string& m) {
        errors.push_back(fmt::format("{}:{}:{}: {}", path, n.loc.line, n.loc.column, m));
        ok = false;
    }
    std::string relative(const std::string& p) const {
        if (p.empty() || fs::path(p).is_absolute()) return p;
        return (dir / p).lexically_normal().string();
    }
    std::optional<std::string> string(const json::Node& n, const char* key) {
        if (n.is(json::Type::String)) return n.string;
        error(n, fmt::format("`{}` expects a string", key));
        return std::nullopt;
    }
    std::vector<std::string> strings(const json::Node& n, const char* key) {
        std::vector<std::string> out;
        if (n.is(json::Type::String)) return {n.string};
        if (!n.is(json::Type::Array)) {
            error(n, fmt::format("`{}` expects a list of strings", key));
            return out;
        }
        for (auto& item : n.items)
            if (auto s = string(item, key)) out.push_back(*s);
        return out;
    }
};

// A YAML value as JSON text, for --param-style overrides.
std::string to_json(const json::Node& n) {
    std::string out;
    switch (n.type) {
    case json::Type::Null:
        return "null";
    case json::Type::Bool:
        return n.boolean ? "true" : "false";
    case json::Type::Number:
        json::append_number(out, n.number);
        return out;
    case json::Type::String:
        json::append_quoted(out, n.string);
        return out;
    case json::Type::Array:
        out = "[";
        for (size_t i = 0; i < n.items.size(); ++i) out += (i ? "," : "") + to_json(n.items[i]);
        return out + "]";
    case json::Type::Object:
        out = "{";
        for (size_t i = 0; i < n.members.size(); ++i) {
            if (i) out += ",";
            json::append_quoted(out, n.members[i].first);
            out += ":" + to_json(n.members[i].second);
        }
        return out + "}";
    }
    return "null";
}

} // namespace

bool load_config(const std::string& path, ConfigFile& out, std::vector<std::string>& errors) {
    std::string text, error;
    if (!read_file(path, text, error)) {
        errors.push_back(error);
        return false;
    }
    json::Node doc;
    json::ParseError perr;
    if (!yaml::parse(text, 0, doc, perr)) {
        errors.push_back(
            fmt::format("{}:{}:{}: {}", path, perr.loc.line, perr.loc.column, perr.message));
        return false;
    }
    out.path = path;
    if (doc.is(json::Type::Null)) return true;
    Reader r{path, fs::path(path).parent_path(), errors};
    if (!doc.is(json::Type::Object)) {
        r.error(doc, "the config is a mapping of settings (see docs/ci.md)");
        return false;
    }
    for (auto& [key, v] : doc.members) {
        if (key == "policies") {
            for (auto& p : r.strings(v, "policies")) out.policies.push_back(r.relative(p));
        } else if (key == "default_policies") {
            if (v.is(json::Type::Bool))
                out.default_policies = v.boolean;
            else
                r.error(v, "`default_policies` expects true or false");
        } else if (key == "params") {
            if (!v.is(json::Type::Object))
                r.error(v, "`params` expects a mapping of parameter names to values");
            else
                for (auto& [name, value] : v.members) out.params.push_back({name, to_json(value)});
        } else if (key == "fail_on") {
            out.fail_on = r.string(v, "fail_on");
        } else if (key == "unknown") {
            out.unknown = r.string(v, "unknown");
        } else if (key == "format") {
            out.format = r.string(v, "format");
        } else if (key == "outputs") {
            if (!v.is(json::Type::Object))
                r.error(v, "`outputs` expects a mapping of format to file");
            else
                for (auto& [format, file] : v.members)
                    if (auto f = r.string(file, "outputs"))
                        out.outputs.push_back({format, r.relative(*f)});
        } else if (key == "exclude") {
            out.exclude = r.strings(v, "exclude");
        } else if (key == "waivers") {
            if (auto s = r.string(v, "waivers")) out.waivers = r.relative(*s);
        } else if (key == "baseline") {
            if (auto s = r.string(v, "baseline")) out.baseline = r.relative(*s);
        } else if (key == "jobs") {
            if (v.is(json::Type::Number) && v.number >= 1 && v.number <= 1024)
                out.jobs = static_cast<unsigned>(v.number);
            else
                r.error(v, "`jobs` expects a number from 1 to 1024");
        } else {
            r.error(v, fmt::format("unknown setting `{}` (policies, default_policies, params, "
                                   "fail_on, unknown, format, "
                                   "outputs, exclude, waivers, baseline, jobs)",
                                   key));
        }
    }
    return r.ok;
}

} // namespace tenet::cli
