// String functions: format, join, split, replace, regex (RE2, as Terraform's own RE2
// syntax), case, trimming and substrings. Lengths and offsets count Unicode characters.
#include "tf_functions.h"

#include <cstdio>
#include <re2/re2.h>

namespace tenet::tf {

namespace {

// Byte offsets of every UTF-8 character start, plus the end.
std::vector<size_t> char_starts(const std::string& s) {
    std::vector<size_t> starts;
    for (size_t i = 0; i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
    starts.push_back(s.size());
    return starts;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string trim_space(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && is_space(s[b])) ++b;
    while (e > b && is_space(s[e - 1])) --e;
    return s.substr(b, e - b);
}

// One `%` verb of format(): flags, width, precision and the verb letter.
bool format_verb(const std::string& fn, const std::string& spec, char verb, const ValPtr& arg,
                 std::string& out, std::string& error) {
    char buf[512];
    std::string text;
    switch (verb) {
    case 'v':
    case 's':
        if (!to_text(*arg, text)) {
            if (verb == 's') {
                error = std::string("%s needs a primitive value, not a ") + type_name(*arg);
                return false;
            }
            to_json(*arg, text);
        }
        std::snprintf(buf, sizeof buf, ("%" + spec + "s").c_str(), text.c_str());
        out += buf;
        return true;
    case 'q':
        if (!to_text(*arg, text)) {
            error = "%q needs a string";
            return false;
        }
        {
            std::string q;
            to_json(*v_str(text), q);
            out += q;
        }
        return true;
    case 't': {
        bool b;
        if (!to_bool(*arg, b)) {
            error = "%t needs a bool";
            return false;
        }
        out += b ? "true" : "false";
        return true;
    }
    case 'd':
    case 'x':
    case 'X':
    case 'o':
    case 'b': {
        long long n;
        if (!want_int(arg, n)) {
            error = std::string("%") + verb + " needs a whole number";
            return false;
        }
        if (verb == 'b') {
            std::string bits;
            unsigned long long u =
                n < 0 ? static_cast<unsigned long long>(-n) : static_cast<unsigned long long>(n);
            do {
                bits.insert(bits.begin(), static_cast<char>('0' + (u & 1)));
                u >>= 1;
            } while (u);
            out += (n < 0 ? "-" : "") + bits;
            return true;
        }
        std::snprintf(buf, sizeof buf, ("%" + spec + "ll" + verb).c_str(), n);
        out += buf;
        return true;
    }
    case 'f':
    case 'e':
    case 'E':
    case 'g':
    case 'G': {
        double n;
        if (!to_number(*arg, n)) {
            error = std::string("%") + verb + " needs a number";
            return false;
        }
        std::snprintf(buf, sizeof buf, ("%" + spec + verb).c_str(), n);
        out += buf;
        return true;
    }
    default:
        error = std::string("unsupported verb %") + verb;
        return false;
    }
    (void)fn;
}

ValPtr format(const std::string& fn, const std::vector<ValPtr>& args, SourceLoc loc) {
    std::string f;
    if (args.empty() || !want_string(args[0], f))
        return arg_error(fn, "the first argument must be a format string", loc);
    std::string out;
    size_t next = 1;
    for (size_t i = 0; i < f.size(); ++i) {
        if (f[i] != '%') {
            out += f[i];
            continue;
        }
        if (i + 1 < f.size() && f[i + 1] == '%') {
            out += '%';
            ++i;
            continue;
        }
        size_t j = i + 1;
        std::string spec;
        while (j < f.size() &&
               std::string_view("+- #0123456789.").find(f[j]) != std::string_view::npos)
            spec += f[j++];
        if (j >= f.size()) return arg_error(fn, "the format string ends inside a verb", loc);
        if (spec.size() > 8) return arg_error(fn, "the verb's width or precision is too long", loc);
        if (next >= args.size())
            return arg_error(fn, "not enough arguments for the format string", loc);
        std::string error;
        if (!format_verb(fn, spec, f[j], args[next++], out, error))
            return arg_error(fn, error, loc);
        i = j;
    }
    return v_str(out);
}

ValPtr formatlist(const std::string& fn, const std::vector<ValPtr>& args, SourceLoc loc) {
    size_t n = SIZE_MAX;
    for (size_t i = 1; i < args.size(); ++i)
        if (args[i]->is(VKind::List)) {
            if (n != SIZE_MAX && n != args[i]->items.size())
                return arg_error(fn, "the lists differ in length", loc);
            n = args[i]->items.size();
        }
    if (n == SIZE_MAX) n = 1;
    std::vector<ValPtr> out;
    for (size_t k = 0; k < n; ++k) {
        std::vector<ValPtr> row{args.empty() ? v_null() : args[0]};
        for (size_t i = 1; i < args.size(); ++i)
            row.push_back(args[i]->is(VKind::List) ? args[i]->items[k] : args[i]);
        ValPtr s = format(fn, row, loc);
        if (s->unknown()) return s;
        out.push_back(s);
    }
    return v_list(out);
}

const re2::RE2* compile(const std::string& pattern, std::string& error) {
    static thread_local std::vector<std::pair<std::string, std::unique_ptr<re2::RE2>>> cache;
    for (auto& [p, re] : cache)
        if (p == pattern) return re.get();
    re2::RE2::Options opts;
    opts.set_log_errors(false);
    auto re = std::make_unique<re2::RE2>(pattern, opts);
    if (!re->ok()) {
        error = "invalid regular expression: " + re->error();
        return nullptr;
    }
    if (cache.size() > 256) cache.clear();
    cache.emplace_back(pattern, std::move(re));
    return cache.back().second.get();
}

// The value regex() returns for one match: the whole match, a list of the groups, or a
// map of the named groups.
ValPtr match_value(const re2::RE2& re, const std::vector<re2::StringPiece>& groups) {
    int n = re.NumberOfCapturingGroups();
    if (n == 0) return v_str(std::string(groups[0]));
    const auto& names = re.CapturingGroupNames();
    if (!names.empty()) {
        Members m;
        for (auto& [idx, name] : names)
            m.emplace_back(name, groups[idx].data() ? v_str(std::string(groups[idx])) : v_null());
        return v_map(m);
    }
    std::vector<ValPtr> items;
    for (int i = 1; i <= n; ++i)
        items.push_back(groups[i].data() ? v_str(std::string(groups[i])) : v_null());
    return v_list(items);
}

ValPtr regex(const std::string& fn, const std::vector<ValPtr>& args, SourceLoc loc) {
    std::string pattern, s, error;
    if (args.size() != 2 || !want_string(args[0], pattern) || !want_string(args[1], s))
        return arg_error(fn, "takes a pattern and a string", loc);
    const re2::RE2* re = compile(pattern, error);
    if (!re) return arg_error(fn, error, loc);
    std::vector<re2::StringPiece> groups(re->NumberOfCapturingGroups() + 1);
    std::vector<ValPtr> all;
    size_t pos = 0;
    while (pos <= s.size()) {
        if (!re->Match(s, pos, s.size(), re2::RE2::UNANCHORED, groups.data(),
                       static_cast<int>(groups.size())))
            break;
        all.push_back(match_value(*re, groups));
        if (fn == "regex") return all.back();
        size_t end = static_cast<size_t>(groups[0].data() - s.data()) + groups[0].size();
        pos = end > pos ? end : pos + 1;
    }
    if (fn == "regex") return arg_error(fn, "the pattern did not match", loc);
    return v_list(all);
}

ValPtr replace(const std::string& fn, const std::vector<ValPtr>& args, SourceLoc loc) {
    std::string s, search, with, error;
    if (args.size() != 3 || !want_string(args[0], s) || !want_string(args[1], search) ||
        !want_string(args[2], with))
        return arg_error(fn, "takes three strings", loc);
    if (search.size() >= 2 && search.front() == '/' && search.back() == '/') {
        const re2::RE2* re = compile(search.substr(1, search.size() - 2), error);
        if (!re) return arg_error(fn, error, loc);
        // Terraform writes groups as $1 or ${1}; RE2 as \1.
        std::string rewrite;
        for (size_t i = 0; i < with.size(); ++i) {
            if (with[i] == '$' && i + 1 < with.size() &&
                std::isdigit(static_cast<unsigned char>(with[i + 1]))) {
                rewrite += '\\';
                rewrite += with[++i];
            } else if (with[i] == '$' && i + 3 < with.size() && with[i + 1] == '{' &&
                       with[i + 3] == '}') {
                rewrite += '\\';
                rewrite += with[i + 2];
                i += 3;
            } else if (with[i] == '\\') {
                rewrite += "\\\\";
            } else {
                rewrite += with[i];
            }
        }
        re2::RE2::GlobalReplace(&s, *re, rewrite);
        return v_str(s);
    }
    if (search.empty()) return v_str(s);
    std::string out;
    size_t pos = 0;
    while (true) {
        size_t hit = s.find(search, pos);
        if (hit == std::string::npos) break;
        out.append(s, pos, hit - pos).append(with);
        pos = hit + search.size();
    }
    out.append(s, pos, std::string::npos);
    return v_str(out);
}

ValPtr substr(const std::string& fn, const std::vector<ValPtr>& args, SourceLoc loc) {
    std::string s;
    long long offset, length;
    if (args.size() != 3 || !want_string(args[0], s) || !want_int(args[1], offset) ||
        !want_int(args[2], length))
        return arg_error(fn, "takes a string, an offset and a length", loc);
    auto starts = char_starts(s);
    long long n = static_cast<long long>(starts.size()) - 1;
    if (offset < 0) offset += n;
    if (offset < 0 || offset > n) return arg_error(fn, "the offset is out of range", loc);
    long long end = length < 0 ? n : std::min(n, offset + length);
    return v_str(s.substr(starts[offset], starts[end] - starts[offset]));
}

} // namespace

ValPtr call_string_function(const std::string& name, std::vector<ValPtr>& args, const FnEnv& env) {
    SourceLoc loc = env.loc;
    if (name == "format") return format(name, args, loc);
    if (name == "formatlist") return formatlist(name, args, loc);
    if (name == "regex" || name == "regexall") return regex(name, args, loc);
    if (name == "replace") return replace(name, args, loc);
    if (name == "substr") return substr(name, args, loc);
    if (name == "join") {
        std::string sep, out, item;
        if (args.size() < 2 || !want_string(args[0], sep))
            return arg_error(name, "takes a separator and lists", loc);
        bool first = true;
        for (size_t i = 1; i < args.size(); ++i) {
            if (!args[i]->is(VKind::List))
                return arg_error(name, "every argument after the separator must be a list", loc);
            for (const ValPtr& v : args[i]->items) {
                if (!want_string(v, item))
                    return arg_error(name, std::string("cannot join a ") + type_name(*v), loc);
                if (!first) out += sep;
                out += item;
                first = false;
            }
        }
        return v_str(out);
    }
    if (name == "split") {
        std::string sep, s;
        if (args.size() != 2 || !want_string(args[0], sep) || !want_string(args[1], s))
            return arg_error(name, "takes a separator and a string", loc);
        std::vector<ValPtr> parts;
        if (sep.empty()) {
            auto starts = char_starts(s);
            for (size_t i = 0; i + 1 < starts.size(); ++i)
                parts.push_back(v_str(s.substr(starts[i], starts[i + 1] - starts[i])));
            return v_list(parts);
        }
        size_t pos = 0;
        while (true) {
            size_t hit = s.find(sep, pos);
            parts.push_back(
                v_str(s.substr(pos, hit == std::string::npos ? std::string::npos : hit - pos)));
            if (hit == std::string::npos) break;
            pos = hit + sep.size();
        }
        return v_list(parts);
    }
    // One-string functions.
    static const char* unary[] = {"lower", "upper", "title", "trimspace", "chomp", "strrev"};
    for (const char* u : unary) {
        if (name != u) continue;
        std::string s;
        if (args.size() != 1 || !want_string(args[0], s))
            return arg_error(name, "takes one string", loc);
        if (name == "lower") {
            for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (name == "upper") {
            for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        } else if (name == "title") {
            bool start = true;
            for (char& c : s) {
                if (start && std::isalpha(static_cast<unsigned char>(c)))
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                start = !std::isalnum(static_cast<unsigned char>(c));
            }
        } else if (name == "trimspace") {
            s = trim_space(s);
        } else if (name == "chomp") {
            while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
        } else {
            auto starts = char_starts(s);
            std::string r;
            for (size_t i = starts.size() - 1; i-- > 0;)
                r += s.substr(starts[i], starts[i + 1] - starts[i]);
            s = r;
        }
        return v_str(s);
    }
    // Two-string functions.
    static const char* binary[] = {"trim",       "trimprefix", "trimsuffix",
                                   "startswith", "endswith",   "strcontains"};
    for (const char* b : binary) {
        if (name != b) continue;
        std::string s, t;
        if (args.size() != 2 || !want_string(args[0], s) || !want_string(args[1], t))
            return arg_error(name, "takes two strings", loc);
        if (name == "startswith") return v_bool(s.starts_with(t));
        if (name == "endswith") return v_bool(s.ends_with(t));
        if (name == "strcontains") return v_bool(s.find(t) != std::string::npos);
        if (name == "trimprefix") return v_str(s.starts_with(t) ? s.substr(t.size()) : s);
        if (name == "trimsuffix")
            return v_str(s.ends_with(t) ? s.substr(0, s.size() - t.size()) : s);
        size_t bgn = 0, end = s.size();
        while (bgn < end && t.find(s[bgn]) != std::string::npos) ++bgn;
        while (end > bgn && t.find(s[end - 1]) != std::string::npos) --end;
        return v_str(s.substr(bgn, end - bgn));
    }
    if (name == "indent") {
        long long n;
        std::string s;
        if (args.size() != 2 || !want_int(args[0], n) || !want_string(args[1], s) || n < 0 ||
            n > 1000)
            return arg_error(name, "takes a number of spaces and a string", loc);
        std::string out;
        for (char c : s) {
            out += c;
            if (c == '\n') out.append(static_cast<size_t>(n), ' ');
        }
        return v_str(out);
    }
    return nullptr;
}

} // namespace tenet::tf
