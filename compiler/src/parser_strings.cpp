// String literals: escape decoding (E0103) and the splitting of `message` templates
// into literal text and `{expr}` parts (E0107). Works on the raw token text, so every
// position can be mapped back to the file.
#include "parser_internal.h"

namespace tenet::parse {
namespace {

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

// Decodes the escape starting at raw[i] == '\\'; returns its length in bytes, or 0 if
// it is invalid (then `len_bad` is how much of it to show).
size_t decode_escape(std::string_view raw, size_t i, std::string& out, size_t& len_bad) {
    len_bad = i + 1 < raw.size() ? 2 : 1;
    if (i + 1 >= raw.size()) return 0;
    switch (raw[i + 1]) {
    case '"':
        out += '"';
        return 2;
    case '\\':
        out += '\\';
        return 2;
    case 'n':
        out += '\n';
        return 2;
    case 't':
        out += '\t';
        return 2;
    case 'r':
        out += '\r';
        return 2;
    case 'u': {
        size_t j = i + 2;
        if (j >= raw.size() || raw[j] != '{') return 0;
        uint32_t cp = 0;
        size_t digits = 0;
        for (++j; j < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[j]));
             ++j, ++digits)
            cp = cp * 16 + static_cast<uint32_t>(std::stoul(std::string(1, raw[j]), nullptr, 16));
        len_bad = std::min(j + 1, raw.size()) - i;
        if (j >= raw.size() || raw[j] != '}' || digits == 0 || digits > 6) return 0;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
        append_utf8(out, cp);
        return j + 1 - i;
    }
    default:
        return 0;
    }
}

} // namespace

DecodedString decode_string(Session& s, std::string_view raw, uint32_t base, bool report) {
    DecodedString r;
    for (size_t i = 1; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '"') break; // closing quote (missing in unterminated strings)
        if (c != '\\') {
            r.value += c;
            continue;
        }
        size_t bad_len = 0;
        size_t n = decode_escape(raw, i, r.value, bad_len);
        if (n == 0) {
            r.ok = false;
            if (report)
                s.error(Diag::InvalidEscape, s.span_bytes(base + i, base + i + bad_len),
                        std::string(raw.substr(i, bad_len)));
            n = bad_len;
        }
        i += n - 1;
    }
    return r;
}

} // namespace tenet::parse

namespace tenet {

std::string decode_string_body(std::string_view body) {
    std::string out;
    for (size_t i = 0; i < body.size(); ++i) {
        size_t bad_len = 0;
        size_t n = body[i] == '\\' ? parse::decode_escape(body, i, out, bad_len) : 0;
        if (n == 0) {
            out += body[i];
            continue;
        }
        i += n - 1;
    }
    return out;
}

} // namespace tenet

namespace tenet::parse {

bool split_template(Session& s, std::string_view raw, uint32_t base,
                    std::vector<TemplatePart>& out) {
    TemplatePart lit;
    lit.begin = base + 1;
    size_t i = 1;
    auto bad = [&](size_t b, size_t e, const char* msg) {
        s.error(Diag::BadTemplate, s.span_bytes(base + b, base + e), msg);
        return false;
    };
    while (i < raw.size() && raw[i] != '"') {
        char c = raw[i];
        if (c == '\\') {
            size_t bad_len = 0;
            size_t n = decode_escape(raw, i, lit.literal, bad_len);
            i += n ? n : bad_len;
            continue;
        }
        if (c == '}') {
            if (i + 1 < raw.size() && raw[i + 1] == '}') {
                lit.literal += '}';
                i += 2;
                continue;
            }
            return bad(i, i + 1, "unmatched `}` (write `}}` for a literal brace)");
        }
        if (c != '{') {
            lit.literal += c;
            ++i;
            continue;
        }
        if (i + 1 < raw.size() && raw[i + 1] == '{') {
            lit.literal += '{';
            i += 2;
            continue;
        }
        // `{expr}`: find the matching brace, skipping strings written as \"...\".
        size_t open = i, j = i + 1;
        int depth = 1;
        bool in_string = false;
        std::string text;
        while (j < raw.size() && depth > 0) {
            char d = raw[j];
            if (d == '\\' && j + 1 < raw.size()) {
                // Keeps columns: an opening `\"` reads as ` "`, a closing one as `" `.
                if (raw[j + 1] == '"') in_string = !in_string;
                if (raw[j + 1] == '"' && !in_string) {
                    text += "\" ";
                } else {
                    text += ' ';
                    text += raw[j + 1];
                }
                j += 2;
                continue;
            }
            if (d == '"') break; // the closing quote of the whole string
            if (!in_string && d == '{') ++depth;
            if (!in_string && d == '}' && --depth == 0) break;
            text += d;
            ++j;
        }
        if (depth != 0 || j >= raw.size() || raw[j] != '}')
            return bad(open, std::min(j, raw.size()),
                       "unclosed `{` (write `{{` for a literal brace)");
        if (text.find_first_not_of(" \t") == std::string::npos)
            return bad(open, j + 1, "empty `{}` (write `{{}}` for literal braces)");
        lit.end = base + open;
        out.push_back(std::move(lit));
        lit = TemplatePart{};
        TemplatePart e;
        e.is_expr = true;
        e.expr_text = std::move(text);
        e.begin = base + open + 1;
        e.end = base + j;
        out.push_back(std::move(e));
        i = j + 1;
        lit.begin = base + i;
    }
    lit.end = base + i;
    out.push_back(std::move(lit));
    return true;
}

} // namespace tenet::parse
