// JSON reader (streaming events and a DOM built from them) with line/column positions.
//
// The reader is iterative (an explicit container stack, never recursion) so that no
// input, however deep, can overflow the call stack; the depth cap only bounds memory.
#include "tenet/common/json.h"

#include "json_utf8.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <new>

namespace tenet::json {

const Node* Node::get(std::string_view key) const {
    if (type != Type::Object) return nullptr;
    for (size_t i = members.size(); i-- > 0;)
        if (members[i].first == key) return &members[i].second;
    return nullptr;
}

namespace {

class Reader {
  public:
    Reader(std::string_view text, FileId file, Handler& handler, ParseError& error,
           const ParseOptions& opts)
        : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()),
          line_start_(text.data()), file_(file), handler_(handler), error_(error), opts_(opts) {}

    bool run();

  private:
    SourceLoc loc_at(const char* at) const {
        return SourceLoc{file_, line_, static_cast<uint32_t>(at - line_start_) + 1};
    }
    bool fail(const char* at, std::string message) {
        error_.loc = loc_at(at);
        error_.message = std::move(message);
        return false;
    }
    bool stopped(const char* at) { return fail(at, "stopped"); }

    void skip_space() {
        while (p_ < end_) {
            char c = *p_;
            if (c == ' ' || c == '\t' || c == '\r') {
                ++p_;
            } else if (c == '\n') {
                ++p_;
                ++line_;
                line_start_ = p_;
            } else {
                return;
            }
        }
    }

    bool scalar_or_open(); // one value at p_ (pushes a container when it opens one)
    bool parse_string(std::string_view& out);
    const char* unescape(const char* esc);
    bool read_hex4(const char* at, uint32_t& cp) const;
    bool parse_number(double& out);
    bool parse_literal();
    bool unexpected(const char* what_expected);
    std::string describe_here() const;

    const char* begin_;
    const char* p_;
    const char* end_;
    const char* line_start_;
    uint32_t line_ = 1;
    FileId file_;
    Handler& handler_;
    ParseError& error_;
    const ParseOptions& opts_;
    std::vector<bool> stack_; // true = object
    std::string scratch_;     // unescaped string text when escapes are present
};

std::string Reader::describe_here() const {
    if (p_ >= end_) return "end of input";
    unsigned char c = static_cast<unsigned char>(*p_);
    if (c < 0x20 || c >= 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%02X", c);
        return std::string("byte ") + buf;
    }
    return std::string("`") + static_cast<char>(c) + "`";
}

bool Reader::unexpected(const char* what_expected) {
    if (p_ < end_ && *p_ == '/') return fail(p_, "comments are not allowed in JSON");
    return fail(p_, std::string("expected ") + what_expected + ", found " + describe_here());
}

bool Reader::parse_literal() {
    SourceLoc loc = loc_at(p_);
    auto rest = static_cast<size_t>(end_ - p_);
    auto word_is = [&](const char* w, size_t n) { return rest >= n && std::memcmp(p_, w, n) == 0; };
    bool ok;
    if (word_is("true", 4)) {
        p_ += 4;
        ok = handler_.bool_value(true, loc);
    } else if (word_is("false", 5)) {
        p_ += 5;
        ok = handler_.bool_value(false, loc);
    } else if (word_is("null", 4)) {
        p_ += 4;
        ok = handler_.null_value(loc);
    } else {
        if (*p_ == '\'') return fail(p_, "strings must use double quotes");
        if ((*p_ >= 'a' && *p_ <= 'z') || (*p_ >= 'A' && *p_ <= 'Z')) {
            const char* q = p_;
            while (q < end_ && q - p_ < 32 &&
                   ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
                ++q;
            return fail(p_, "invalid literal `" + std::string(p_, q) +
                                "` (expected true, false or null)");
        }
        return unexpected("a value");
    }
    return ok || stopped(p_);
}

// Magnitude order of a decimal number text: > 0 means it overflowed, <= 0 underflowed.
long decimal_order(const char* b, const char* e) {
    const char* p = b;
    if (*p == '-') ++p;
    long order = 0;
    bool seen_nonzero = false;
    for (; p < e && *p >= '0' && *p <= '9'; ++p) {
        if (*p != '0') seen_nonzero = true;
        if (seen_nonzero) ++order;
    }
    if (p < e && *p == '.') {
        for (++p; p < e && *p >= '0' && *p <= '9'; ++p) {
            if (seen_nonzero) continue;
            if (*p != '0')
                seen_nonzero = true;
            else
                --order;
        }
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        ++p;
        bool neg = false;
        if (*p == '+' || *p == '-') neg = *p++ == '-';
        long x = 0;
        for (; p < e; ++p) x = x < 100000 ? x * 10 + (*p - '0') : x;
        order += neg ? -x : x;
    }
    return order;
}

bool Reader::parse_number(double& out) {
    const char* b = p_;
    const char* p = p_;
    auto digit = [&](const char* q) { return q < end_ && *q >= '0' && *q <= '9'; };
    if (*p == '-') ++p;
    if (!digit(p)) return fail(p, "invalid number: expected a digit");
    bool integral = true;
    if (*p == '0') {
        ++p;
        if (digit(p)) return fail(b, "invalid number: leading zeros are not allowed");
    } else {
        while (digit(p)) ++p;
    }
    if (p < end_ && *p == '.') {
        integral = false;
        ++p;
        if (!digit(p)) return fail(p, "invalid number: expected a digit after `.`");
        while (digit(p)) ++p;
    }
    if (p < end_ && (*p == 'e' || *p == 'E')) {
        integral = false;
        ++p;
        if (p < end_ && (*p == '+' || *p == '-')) ++p;
        if (!digit(p)) return fail(p, "invalid number: expected a digit in the exponent");
        while (digit(p)) ++p;
    }
    p_ = p;
    // Fast path: short integers are exact in a double.
    if (integral && p - b <= 16) {
        const char* q = b;
        bool neg = *q == '-';
        if (neg) ++q;
        int64_t v = 0;
        for (; q < p; ++q) v = v * 10 + (*q - '0');
        out = neg ? -static_cast<double>(v) : static_cast<double>(v);
        if (neg && v == 0) out = -0.0;
        return true;
    }
    auto r = std::from_chars(b, p, out);
    if (r.ec == std::errc::result_out_of_range) {
        if (decimal_order(b, p) > 0) return fail(b, "number is too large for a double");
        out = *b == '-' ? -0.0 : 0.0;
        return true;
    }
    if (r.ec != std::errc() || r.ptr != p) return fail(b, "invalid number");
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Skips string bytes that need no attention (printable ASCII other than `"` and `\`),
// eight at a time: strings are most of a model's bytes.
const char* skip_plain_bytes(const char* p, const char* end) {
    constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (end - p >= 8) {
        uint64_t x;
        std::memcpy(&x, p, 8);
        uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
        uint64_t special =
            ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) | (x - ones * 0x20) | x;
        if (special & highs) break; // one of these bytes is `"`, `\`, a control or non-ASCII byte
        p += 8;
    }
    while (p < end && static_cast<unsigned char>(*p) >= 0x20 &&
           static_cast<unsigned char>(*p) < 0x80 && *p != '"' && *p != '\\')
        ++p;
    return p;
}

bool Reader::parse_string(std::string_view& out) {
    const char* open = p_;
    const char* p = p_ + 1;
    const char* run = p;  // start of the text not yet copied to scratch_
    bool escaped = false; // once an escape is seen, the text is assembled in scratch_
    while (p < end_) {
        p = skip_plain_bytes(p, end_);
        if (p >= end_) break;
        auto c = static_cast<unsigned char>(*p);
        if (c == '"') {
            if (escaped) {
                scratch_.append(run, p);
                out = scratch_;
            } else {
                out = std::string_view(run, static_cast<size_t>(p - run));
            }
            p_ = p + 1;
            return true;
        }
        if (c < 0x20) {
            if (c == '\n') return fail(open, "unterminated string (strings cannot span lines)");
            return fail(p, "control character in string (it must be escaped)");
        }
        if (c >= 0x80) {
            size_t n = utf8_sequence_length(p, end_);
            if (n == 0) return fail(p, "invalid UTF-8 in string");
            p += n;
            continue;
        }
        if (c != '\\') {
            ++p;
            continue;
        }
        if (!escaped) scratch_.clear();
        escaped = true;
        scratch_.append(run, p);
        p = unescape(p);
        if (p == nullptr) return false;
        run = p;
    }
    return fail(open, "unterminated string");
}

// Appends the escape at `esc` (a backslash) to scratch_; returns the position after
// it, or nullptr after reporting an error.
const char* Reader::unescape(const char* esc) {
    const char* p = esc + 1;
    if (p >= end_) return fail(esc, "unterminated string"), nullptr;
    switch (*p) {
    case '"':
        scratch_.push_back('"');
        break;
    case '\\':
        scratch_.push_back('\\');
        break;
    case '/':
        scratch_.push_back('/');
        break;
    case 'b':
        scratch_.push_back('\b');
        break;
    case 'f':
        scratch_.push_back('\f');
        break;
    case 'n':
        scratch_.push_back('\n');
        break;
    case 'r':
        scratch_.push_back('\r');
        break;
    case 't':
        scratch_.push_back('\t');
        break;
    case 'u': {
        uint32_t cp;
        if (!read_hex4(p + 1, cp))
            return fail(esc, "invalid \\u escape (expected 4 hex digits)"), nullptr;
        p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (end_ - p >= 7 && p[1] == '\\' && p[2] == 'u' && read_hex4(p + 3, low) &&
                low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                p += 6;
            } else {
                cp = 0xFFFD; // lone high surrogate
            }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0xFFFD; // lone low surrogate
        }
        append_utf8(scratch_, cp);
        break;
    }
    default:
        return fail(esc, "invalid escape `\\" + std::string(1, *p) + "` in string"), nullptr;
    }
    return p + 1;
}

bool Reader::read_hex4(const char* at, uint32_t& cp) const {
    if (end_ - at < 4) return false;
    cp = 0;
    for (int i = 0; i < 4; ++i) {
        int h = hex_value(at[i]);
        if (h < 0) return false;
        cp = cp * 16 + static_cast<uint32_t>(h);
    }
    return true;
}

bool Reader::scalar_or_open() {
    if (p_ >= end_) return unexpected("a value");
    char c = *p_;
    SourceLoc loc = loc_at(p_);
    switch (c) {
    case '{':
    case '[':
        if (stack_.size() >= opts_.max_depth)
            return fail(p_,
                        "nesting is deeper than " + std::to_string(opts_.max_depth) + " levels");
        ++p_;
        stack_.push_back(c == '{');
        if (!(c == '{' ? handler_.begin_object(loc) : handler_.begin_array(loc)))
            return stopped(p_ - 1);
        return true;
    case '"': {
        std::string_view s;
        if (!parse_string(s)) return false;
        return handler_.string_value(s, loc) || stopped(p_);
    }
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9': {
        double n;
        if (!parse_number(n)) return false;
        return handler_.number_value(n, loc) || stopped(p_);
    }
    default:
        return parse_literal();
    }
}

bool Reader::run() {
    if (end_ - p_ >= 3 && std::memcmp(p_, "\xEF\xBB\xBF", 3) == 0)
        line_start_ = p_ += 3; // UTF-8 BOM
    skip_space();
    if (p_ >= end_) return fail(p_, "empty document (expected a JSON value)");
    if (!scalar_or_open()) return false;
    // After each value: close containers, or read the separator and the next member.
    // `just_opened` means the top container has no element yet.
    bool just_opened = !stack_.empty();
    while (!stack_.empty()) {
        skip_space();
        bool is_object = stack_.back();
        char close = is_object ? '}' : ']';
        if (p_ < end_ && *p_ == close) {
            ++p_;
            stack_.pop_back();
            if (!(is_object ? handler_.end_object() : handler_.end_array())) return stopped(p_ - 1);
            just_opened = false;
            continue;
        }
        if (!just_opened) {
            if (p_ >= end_ || *p_ != ',')
                return unexpected(is_object ? "`,` or `}` after an object member"
                                            : "`,` or `]` after an array element");
            SourceLoc comma = loc_at(p_++); // before skip_space() moves to another line
            skip_space();
            if (p_ < end_ && *p_ == close) {
                error_.loc = comma;
                error_.message = std::string("trailing comma before `") + close + "`";
                return false;
            }
        }
        if (is_object) {
            if (p_ >= end_ || *p_ != '"')
                return unexpected(just_opened ? "a string key or `}`" : "a string key");
            SourceLoc key_loc = loc_at(p_);
            std::string_view k;
            if (!parse_string(k)) return false;
            if (!handler_.key(k, key_loc)) return stopped(p_);
            skip_space();
            if (p_ >= end_ || *p_ != ':') return unexpected("`:` after an object key");
            ++p_;
            skip_space();
        }
        size_t depth = stack_.size();
        if (!scalar_or_open()) return false;
        just_opened = stack_.size() > depth;
    }
    skip_space();
    if (p_ < end_) return fail(p_, "unexpected " + describe_here() + " after the JSON value");
    return true;
}

// Builds a DOM from the event stream.
class DomBuilder final : public Handler {
  public:
    explicit DomBuilder(Node& root) : root_(root) {}

    bool null_value(SourceLoc loc) override { return add(make(Type::Null, loc)); }
    bool bool_value(bool b, SourceLoc loc) override {
        Node n = make(Type::Bool, loc);
        n.boolean = b;
        return add(std::move(n));
    }
    bool number_value(double x, SourceLoc loc) override {
        Node n = make(Type::Number, loc);
        n.number = x;
        return add(std::move(n));
    }
    bool string_value(std::string_view s, SourceLoc loc) override {
        Node n = make(Type::String, loc);
        n.string.assign(s);
        return add(std::move(n));
    }
    bool begin_array(SourceLoc loc) override {
        open_.push_back({make(Type::Array, loc), {}, {}});
        return true;
    }
    bool begin_object(SourceLoc loc) override {
        open_.push_back({make(Type::Object, loc), {}, {}});
        return true;
    }
    bool key(std::string_view k, SourceLoc loc) override {
        open_.back().key.assign(k);
        open_.back().key_loc = loc;
        return true;
    }
    bool end_array() override { return close(); }
    bool end_object() override { return close(); }

  private:
    struct Open {
        Node node;
        std::string key;
        SourceLoc key_loc;
    };
    static Node make(Type t, SourceLoc loc) {
        Node n;
        n.type = t;
        n.loc = loc;
        return n;
    }
    bool add(Node n) {
        if (open_.empty()) {
            root_ = std::move(n);
            return true;
        }
        Open& top = open_.back();
        if (top.node.type == Type::Object) {
            top.node.members.emplace_back(std::move(top.key), std::move(n));
            top.node.key_locs.push_back(top.key_loc);
        } else {
            top.node.items.push_back(std::move(n));
        }
        return true;
    }
    bool close() {
        Node n = std::move(open_.back().node);
        open_.pop_back();
        return add(std::move(n));
    }
    Node& root_;
    std::vector<Open> open_;
};

} // namespace

const Elem* Elem::get(std::string_view key) const {
    auto m = members();
    for (size_t i = m.size(); i-- > 0;)
        if (m[i].first == key) return &m[i].second;
    return nullptr;
}

SourceLoc Elem::key_loc(size_t i) const {
    if (!key_locs_) return members()[i].second.loc;
    return reinterpret_cast<const SourceLoc*>(u_.members + size_)[i];
}

// Builds a Doc from the event stream: the children of every open container wait on
// shared stacks and move into one slice of the Doc's blocks when it closes.
class DocBuilder final : public Handler {
  public:
    DocBuilder(Doc& doc, std::string_view text, bool key_locations)
        : doc_(doc), text_(text), key_locations_(key_locations) {}

    bool null_value(SourceLoc loc) override { return add(make(Type::Null, loc)); }
    bool bool_value(bool b, SourceLoc loc) override {
        Elem e = make(Type::Bool, loc);
        e.boolean = b;
        return add(e);
    }
    bool number_value(double x, SourceLoc loc) override {
        Elem e = make(Type::Number, loc);
        e.u_.number = x;
        return add(e);
    }
    bool string_value(std::string_view s, SourceLoc loc) override {
        Elem e = make(Type::String, loc);
        e.u_.chars = stable(s);
        e.size_ = static_cast<uint32_t>(s.size());
        return add(e);
    }
    bool begin_array(SourceLoc loc) override {
        open_.push_back({make(Type::Array, loc), items_.size(), {}, {}});
        return true;
    }
    bool begin_object(SourceLoc loc) override {
        open_.push_back({make(Type::Object, loc), members_.size(), {}, {}});
        return true;
    }
    bool key(std::string_view k, SourceLoc loc) override {
        open_.back().key = {stable(k), k.size()};
        open_.back().key_loc = loc;
        return true;
    }
    bool end_array() override {
        Open o = open_.back();
        open_.pop_back();
        size_t n = items_.size() - o.from;
        auto* out = static_cast<Elem*>(allocate(n * sizeof(Elem), alignof(Elem)));
        if (n) std::memcpy(static_cast<void*>(out), items_.data() + o.from, n * sizeof(Elem));
        items_.resize(o.from);
        o.elem.u_.items = out;
        o.elem.size_ = static_cast<uint32_t>(n);
        return add(o.elem);
    }
    bool end_object() override {
        Open o = open_.back();
        open_.pop_back();
        size_t n = members_.size() - o.from;
        size_t loc_bytes = key_locations_ ? n * sizeof(SourceLoc) : 0;
        auto* out = static_cast<Member*>(allocate(n * sizeof(Member) + loc_bytes, alignof(Member)));
        auto* locs = reinterpret_cast<SourceLoc*>(out + n);
        for (size_t i = 0; i < n; ++i) {
            new (out + i) Member(members_[o.from + i]);
            if (key_locations_) locs[i] = key_locs_[o.from + i];
        }
        members_.resize(o.from);
        if (key_locations_) key_locs_.resize(o.from);
        o.elem.key_locs_ = key_locations_;
        o.elem.u_.members = out;
        o.elem.size_ = static_cast<uint32_t>(n);
        return add(o.elem);
    }

  private:
    struct Open {
        Elem elem;
        size_t from; // where its children start on items_ / members_
        std::string_view key;
        SourceLoc key_loc;
    };
    static Elem make(Type t, SourceLoc loc) {
        Elem e;
        e.type = t;
        e.loc = loc;
        return e;
    }
    bool add(const Elem& e) {
        if (open_.empty()) {
            doc_.root_ = e;
            return true;
        }
        Open& top = open_.back();
        if (top.elem.type == Type::Object) {
            members_.push_back(Member{top.key, e});
            if (key_locations_) key_locs_.push_back(top.key_loc);
        } else {
            items_.push_back(e);
        }
        return true;
    }
    // Text without escapes is a view of the document; unescaped text is copied.
    const char* stable(std::string_view s) {
        if (s.data() >= text_.data() && s.data() + s.size() <= text_.data() + text_.size())
            return s.data();
        auto* p = static_cast<char*>(allocate(s.size() + 1, 1));
        if (!s.empty()) std::memcpy(p, s.data(), s.size());
        p[s.size()] = '\0';
        return p;
    }
    void* allocate(size_t bytes, size_t align) {
        size_t at = (doc_.block_used_ + align - 1) & ~(align - 1);
        if (doc_.blocks_.empty() || at + bytes > doc_.block_size_) {
            size_t size = std::max<size_t>(bytes, size_t{1} << 20);
            doc_.blocks_.emplace_back(new std::byte[size]); // not zeroed: pages are touched as used
            doc_.block_size_ = size;
            at = 0;
        }
        doc_.block_used_ = at + bytes;
        return doc_.blocks_.back().get() + at;
    }

    Doc& doc_;
    std::string_view text_;
    bool key_locations_;
    std::vector<Open> open_;
    std::vector<Elem> items_;
    std::vector<Member> members_;
    std::vector<SourceLoc> key_locs_;
};

bool parse_events(std::string_view text, FileId file, Handler& handler, ParseError& error,
                  const ParseOptions& opts) {
    Reader reader(text, file, handler, error, opts);
    return reader.run();
}

bool parse(std::string_view text, FileId file, Node& out, ParseError& error,
           const ParseOptions& opts) {
    out = Node{};
    DomBuilder builder(out);
    if (parse_events(text, file, builder, error, opts)) return true;
    out = Node{};
    return false;
}

bool parse(std::string_view text, FileId file, Doc& out, ParseError& error,
           const ParseOptions& opts) {
    out = Doc{};
    DocBuilder builder(out, text, opts.key_locations);
    if (parse_events(text, file, builder, error, opts)) return true;
    out = Doc{};
    return false;
}

} // namespace tenet::json
