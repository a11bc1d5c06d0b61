// Parsing of spec cases: splitting a .tenet file into policy files and reading the
// directives written in its comments (see spec_case.h).
#include "spec_case.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tenet::spec {

namespace {

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

std::string trim(std::string s) {
    size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    size_t e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

// `L:C` -> line, column.
bool parse_position(const std::string& s, uint32_t& line, uint32_t& column) {
    size_t colon = s.find(':');
    if (colon == std::string::npos) return false;
    try {
        line = static_cast<uint32_t>(std::stoul(s.substr(0, colon)));
        column = static_cast<uint32_t>(std::stoul(s.substr(colon + 1)));
    } catch (...) {
        return false;
    }
    return true;
}

// `error E0303 [at L:C]` / `warning W0001 [at L:C]`.
bool parse_diag(std::istringstream& words, ExpectedDiag& d) {
    if (!(words >> d.code)) return false;
    std::string at, pos;
    if (words >> at) {
        if (at != "at" || !(words >> pos) || !parse_position(pos, d.line, d.column)) return false;
    }
    return true;
}

// `VERDICT ADDRESS [rule=NAME] [message="..."] [reason="..."]`; quoted values end at
// the next `"` not preceded by a backslash (`\"` is a quote, `\\` a backslash).
bool parse_finding(const std::string& rest, ExpectedFinding& f, std::string& error) {
    size_t i = 0;
    auto word = [&]() {
        while (i < rest.size() && rest[i] == ' ') ++i;
        size_t b = i;
        while (i < rest.size() && rest[i] != ' ') ++i;
        return rest.substr(b, i - b);
    };
    f.verdict = word();
    f.address = word();
    if (f.address.empty()) {
        error = "expected `VERDICT ADDRESS`";
        return false;
    }
    while (true) {
        while (i < rest.size() && rest[i] == ' ') ++i;
        if (i >= rest.size()) return true;
        size_t eq = rest.find('=', i);
        if (eq == std::string::npos) {
            error = "expected KEY=VALUE in `" + rest.substr(i) + "`";
            return false;
        }
        std::string key = rest.substr(i, eq - i);
        i = eq + 1;
        std::string value;
        if (i < rest.size() && rest[i] == '"') {
            ++i;
            while (i < rest.size() && rest[i] != '"') {
                if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
                value += rest[i++];
            }
            if (i >= rest.size()) {
                error = "unterminated quoted value for `" + key + "`";
                return false;
            }
            ++i;
        } else {
            value = word();
        }
        if (key == "rule")
            f.rule = value;
        else if (key == "message")
            f.message = value;
        else if (key == "reason")
            f.reason = value;
        else {
            error = "unknown key `" + key + "` (rule, message, reason)";
            return false;
        }
    }
}

bool parse_expect(const std::string& rest, uint32_t line, Case& c, std::string& error) {
    std::istringstream words(rest);
    std::string kind;
    words >> kind;
    if (kind == "error" || kind == "warning") {
        ExpectedDiag d;
        if (!parse_diag(words, d)) {
            error = "expected `" + kind + " CODE [at LINE:COLUMN]`";
            return false;
        }
        (kind == "error" ? c.errors : c.warnings).push_back(d);
        return true;
    }
    if (kind == "init-error") {
        c.init_error = trim(rest.substr(kind.size()));
        return true;
    }
    if (kind != "pass" && kind != "fail" && kind != "unknown" && kind != "evalerror") {
        error = "unknown expectation `" + kind +
                "` (error, warning, init-error, pass, fail, unknown, evalerror)";
        return false;
    }
    ExpectedFinding f;
    f.line = line;
    if (!parse_finding(rest, f, error)) return false;
    c.findings.push_back(std::move(f));
    return true;
}

} // namespace

bool load_case(const std::string& path, Case& c, std::string& error) {
    std::string text;
    if (!read_file(path, text)) {
        error = "cannot read " + path;
        return false;
    }
    c.path = path;
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) lines.push_back(l);

    std::vector<std::string> owner_names = {path}; // file names, index = owner
    std::vector<size_t> owner(lines.size(), 0);
    size_t current = 0;
    std::string inline_model;
    namespace fs = std::filesystem;
    for (size_t i = 0; i < lines.size(); ++i) {
        uint32_t line_no = static_cast<uint32_t>(i + 1);
        std::string t = trim(lines[i]);
        auto directive = [&](const char* head) -> std::optional<std::string> {
            std::string h = head;
            if (t.rfind(h, 0) != 0) return std::nullopt;
            return trim(t.substr(h.size()));
        };
        auto bad = [&](const std::string& why) {
            error = path + ":" + std::to_string(line_no) + ": " + why;
            return false;
        };
        if (auto name = directive("# file:")) {
            owner_names.push_back((fs::path(path).parent_path() / *name).string());
            current = owner_names.size() - 1;
            owner[i] = current;
            continue;
        }
        owner[i] = current;
        if (t.rfind("#|", 0) == 0) {
            inline_model += t.size() > 2 && t[2] == ' ' ? t.substr(3) : t.substr(2);
            inline_model += '\n';
        } else if (auto m = directive("# model:")) {
            std::string model_path = (fs::path(path).parent_path() / *m).string();
            if (!read_file(model_path, c.model_json)) return bad("cannot read model " + model_path);
            c.model_name = model_path;
        } else if (auto p = directive("# param:")) {
            size_t eq = p->find('=');
            if (eq == std::string::npos) return bad("expected `# param: NAME=JSON`");
            c.params.push_back({trim(p->substr(0, eq)), trim(p->substr(eq + 1))});
        } else if (auto b = directive("# budget:")) {
            c.budget = std::stoull(*b);
        } else if (auto mem = directive("# memory:")) {
            c.memory = std::stoull(*mem);
        } else if (auto opt = directive("# compile:")) {
            if (*opt != "with-policies") return bad("expected `# compile: with-policies`");
            c.with_policies = true;
        } else if (auto e = directive("# expect:")) {
            std::string why;
            if (!parse_expect(*e, line_no, c, why)) return bad(why);
        }
    }
    if (!inline_model.empty()) {
        if (!c.model_json.empty()) {
            error = path + ": both `# model:` and an inline `#|` model";
            return false;
        }
        c.model_json = inline_model;
        c.model_name = path + ".model.json";
    }
    for (size_t f = 0; f < owner_names.size(); ++f) {
        SourceFile sf;
        sf.name = owner_names[f];
        for (size_t i = 0; i < lines.size(); ++i) {
            if (owner[i] == f) sf.text += lines[i];
            sf.text += '\n';
        }
        c.files.push_back(std::move(sf));
    }
    return true;
}

} // namespace tenet::spec
