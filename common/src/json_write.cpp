// JSON output: quoting, shortest round-trip numbers, and the indented Writer.
#include "json_utf8.h"
#include "tenet/common/json.h"

#include <charconv>
#include <cmath>

namespace tenet::json {

void append_quoted(std::string& out, std::string_view s) {
    static const char* const kHex = "0123456789abcdef";
    out.push_back('"');
    const char* p = s.data();
    const char* end = p + s.size();
    while (p < end) {
        auto c = static_cast<unsigned char>(*p);
        if (c >= 0x80) {
            size_t n = utf8_sequence_length(p, end);
            if (n == 0) {
                out.append("\xEF\xBF\xBD"); // U+FFFD for each invalid byte
                ++p;
            } else {
                out.append(p, n);
                p += n;
            }
            continue;
        }
        ++p;
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        default:
            if (c < 0x20) {
                out.append("\\u00");
                out.push_back(kHex[c >> 4]);
                out.push_back(kHex[c & 15]);
            } else {
                out.push_back(static_cast<char>(c));
            }
        }
    }
    out.push_back('"');
}

void append_number(std::string& out, double n) {
    // JSON has no NaN or infinity; null is the conventional stand-in.
    if (!std::isfinite(n)) {
        out.append("null");
        return;
    }
    char buf[32];
    std::to_chars_result r;
    if (n == std::trunc(n) &&
        std::fabs(n) < 9007199254740992.0) // exact integers: no ".0", no exponent
        r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(n));
    else
        r = std::to_chars(buf, buf + sizeof buf, n); // shortest text that reads back exactly
    out.append(buf, r.ptr);
}

void Writer::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (first_.empty()) {
        if (!out_.empty()) out_.push_back('\n'); // several top-level values: one per line
        return;
    }
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
    if (indent_ > 0) {
        out_.push_back('\n');
        out_.append(first_.size() * static_cast<size_t>(indent_), ' ');
    }
}

Writer& Writer::begin_object() {
    before_value();
    out_.push_back('{');
    first_.push_back(true);
    return *this;
}

Writer& Writer::begin_array() {
    before_value();
    out_.push_back('[');
    first_.push_back(true);
    return *this;
}

static void close_container(std::string& out, std::vector<bool>& first, int indent, char close) {
    if (first.empty()) return; // unbalanced end: ignore rather than corrupt memory
    bool empty = first.back();
    first.pop_back();
    if (!empty && indent > 0) {
        out.push_back('\n');
        out.append(first.size() * static_cast<size_t>(indent), ' ');
    }
    out.push_back(close);
}

Writer& Writer::end_object() {
    close_container(out_, first_, indent_, '}');
    return *this;
}

Writer& Writer::end_array() {
    close_container(out_, first_, indent_, ']');
    return *this;
}

Writer& Writer::key(std::string_view k) {
    before_value();
    append_quoted(out_, k);
    out_.append(indent_ > 0 ? ": " : ":");
    after_key_ = true;
    return *this;
}

Writer& Writer::value(std::string_view s) {
    before_value();
    append_quoted(out_, s);
    return *this;
}

Writer& Writer::value(double n) {
    before_value();
    append_number(out_, n);
    return *this;
}

Writer& Writer::value(bool b) {
    before_value();
    out_.append(b ? "true" : "false");
    return *this;
}

Writer& Writer::null() {
    before_value();
    out_.append("null");
    return *this;
}

Writer& Writer::raw(std::string_view json) {
    before_value();
    out_.append(json);
    return *this;
}

} // namespace tenet::json
