#include "tenet/common/ignore_rules.h"

#include "tenet/common/glob.h"

namespace tenet {

namespace {

// Trailing spaces are dropped unless escaped with a backslash.
std::string_view trim_trailing_spaces(std::string_view line) {
    while (!line.empty() && line.back() == ' ') {
        if (line.size() >= 2 && line[line.size() - 2] == '\\') break;
        line.remove_suffix(1);
    }
    return line;
}

std::string unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        out += s[i];
    }
    return out;
}

// glob_match with gitignore's `**` forms: a leading `**/` and an inner `/**/` also
// match zero folders.
bool match_with_globstars(const std::string& glob, std::string_view text) {
    if (glob_match(glob, text)) return true;
    if (glob.rfind("**/", 0) == 0 && match_with_globstars(glob.substr(3), text)) return true;
    if (size_t inner = glob.find("/**/"); inner != std::string::npos) {
        std::string fewer = glob.substr(0, inner) + glob.substr(inner + 3);
        if (match_with_globstars(fewer, text)) return true;
    }
    return false;
}

} // namespace

void IgnoreRules::add(std::string_view text, const std::string& base) {
    while (!text.empty()) {
        size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        line = trim_trailing_spaces(line);
        if (line.empty() || line[0] == '#') continue;
        Pattern p;
        p.base = base;
        if (line[0] == '!') {
            p.negated = true;
            line.remove_prefix(1);
        }
        if (!line.empty() && line.back() == '/') {
            p.dir_only = true;
            line.remove_suffix(1);
        }
        if (!line.empty() && line[0] == '/') {
            p.anchored = true;
            line.remove_prefix(1);
        }
        if (line.find('/') != std::string_view::npos) p.anchored = true;
        if (line.empty()) continue;
        p.glob = unescape(line);
        patterns_.push_back(std::move(p));
    }
}

bool IgnoreRules::ignored(std::string_view path, bool is_dir) const {
    bool result = false;
    for (const Pattern& p : patterns_) {
        if (p.negated != result) continue; // it could not change the answer
        if (p.dir_only && !is_dir) continue;
        std::string_view rel = path;
        if (!p.base.empty()) {
            if (rel.size() <= p.base.size() || rel.compare(0, p.base.size(), p.base) != 0 ||
                rel[p.base.size()] != '/')
                continue;
            rel.remove_prefix(p.base.size() + 1);
        }
        bool hit;
        if (p.anchored) {
            hit = match_with_globstars(p.glob, rel);
        } else {
            size_t slash = rel.rfind('/');
            hit = glob_match(p.glob, slash == std::string_view::npos ? rel : rel.substr(slash + 1));
        }
        if (hit) result = !p.negated;
    }
    return result;
}

} // namespace tenet
