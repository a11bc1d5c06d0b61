#include "hcl_lexer.h"

#include <cstdint>

namespace tenet::hcl {

const char* tok_name(Tok t) {
    switch (t) {
    case Tok::Eof:
        return "end of file";
    case Tok::Newline:
        return "newline";
    case Tok::Ident:
        return "identifier";
    case Tok::Number:
        return "number";
    case Tok::LBrace:
        return "`{`";
    case Tok::RBrace:
        return "`}`";
    case Tok::LBrack:
        return "`[`";
    case Tok::RBrack:
        return "`]`";
    case Tok::LParen:
        return "`(`";
    case Tok::RParen:
        return "`)`";
    case Tok::Assign:
        return "`=`";
    case Tok::Comma:
        return "`,`";
    case Tok::Dot:
        return "`.`";
    case Tok::Ellipsis:
        return "`...`";
    case Tok::Question:
        return "`?`";
    case Tok::Colon:
        return "`:`";
    case Tok::FatArrow:
        return "`=>`";
    case Tok::DoubleColon:
        return "`::`";
    case Tok::Eq:
        return "`==`";
    case Tok::Ne:
        return "`!=`";
    case Tok::Lt:
        return "`<`";
    case Tok::Le:
        return "`<=`";
    case Tok::Gt:
        return "`>`";
    case Tok::Ge:
        return "`>=`";
    case Tok::And:
        return "`&&`";
    case Tok::Or:
        return "`||`";
    case Tok::Not:
        return "`!`";
    case Tok::Plus:
        return "`+`";
    case Tok::Minus:
        return "`-`";
    case Tok::Star:
        return "`*`";
    case Tok::Slash:
        return "`/`";
    case Tok::Percent:
        return "`%`";
    case Tok::OQuote:
        return "`\"`";
    case Tok::CQuote:
        return "closing `\"`";
    case Tok::OHeredoc:
        return "heredoc";
    case Tok::CHeredoc:
        return "end of heredoc";
    case Tok::TemplateLit:
        return "template text";
    case Tok::TemplateInterp:
        return "`${`";
    case Tok::TemplateControl:
        return "`%{`";
    case Tok::TemplateSeqEnd:
        return "`}`";
    }
    return "token";
}

namespace {

bool is_ident_start(unsigned char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
// Identifier characters by byte: a table, as identifiers are most of the source's tokens.
struct IdentTable {
    bool ident[256] = {};
    constexpr IdentTable() {
        for (int c = 0; c < 256; ++c)
            ident[c] = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 ||
                       (c >= '0' && c <= '9') || c == '-';
    }
};
constexpr IdentTable kIdent;
bool is_ident_char(unsigned char c) {
    return kIdent.ident[c];
}
bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

enum class Mode : uint8_t { Normal, Brace, Interp, Quoted, Heredoc, Bare };

struct Frame {
    Mode mode;
    std::string_view delim; // Heredoc (a view of the source)
    size_t indent = 0;      // Heredoc `<<-`: columns removed from every line
    bool line_start = true;
};

struct LexFailure {};

class Lexer {
  public:
    Lexer(std::string_view text, SourceLoc start)
        : s_(text), line_(start.line), col_(start.column), file_(start.file) {}

    LexResult run(Mode first) {
        LexResult r;
        out_.reserve(s_.size() / 4 + 16);
        stack_.push_back({first});
        try {
            while (pos_ < s_.size()) {
                switch (stack_.back().mode) {
                case Mode::Quoted:
                    quoted_part();
                    break;
                case Mode::Heredoc:
                    heredoc_part();
                    break;
                case Mode::Bare:
                    bare_part();
                    break;
                default:
                    normal_token();
                    break;
                }
            }
            Mode m = stack_.back().mode;
            if (m == Mode::Quoted) fail(here(), "unterminated string: expected a closing `\"`");
            if (m == Mode::Heredoc)
                fail(here(),
                     "unterminated heredoc: expected `" + std::string(stack_.back().delim) + "`");
            if (m == Mode::Interp) fail(here(), "unterminated template sequence: expected `}`");
        } catch (const LexFailure&) {
            r.ok = false;
            r.error = error_;
        }
        push(Tok::Eof, here());
        r.tokens = std::move(out_);
        r.decoded = std::move(decoded_);
        return r;
    }

  private:
    SourceLoc here() const { return {file_, line_, col_}; }
    char peek(size_t k = 0) const { return pos_ + k < s_.size() ? s_[pos_ + k] : '\0'; }
    void advance(size_t n = 1) {
        for (size_t i = 0; i < n && pos_ < s_.size(); ++i) {
            if (s_[pos_] == '\n') {
                ++line_;
                col_ = 1;
            } else {
                ++col_;
            }
            ++pos_;
        }
    }
    // Moves over `n` bytes known to hold no newline.
    void skip_in_line(size_t n) {
        pos_ += n;
        col_ += static_cast<uint32_t>(n);
    }
    [[noreturn]] void fail(SourceLoc loc, std::string msg) {
        error_ = {loc, std::move(msg)};
        throw LexFailure{};
    }
    Token& push(Tok k, SourceLoc loc, std::string_view text = {}) {
        out_.push_back(Token{k, false, loc, text});
        return out_.back();
    }
    // A literal text that differs from the source (escapes decoded, indentation removed),
    // kept for the tokens' lifetime.
    std::string& decoded(std::string_view start) { return decoded_.emplace_back(start); }

    void normal_token() {
        char c = peek();
        SourceLoc at = here();
        if (c == ' ' || c == '\t' || c == '\r') {
            size_t e = pos_;
            while (e < s_.size() && (s_[e] == ' ' || s_[e] == '\t' || s_[e] == '\r')) ++e;
            skip_in_line(e - pos_);
            return;
        }
        if (c == '\n') {
            push(Tok::Newline, at);
            ++pos_;
            ++line_;
            col_ = 1;
            return;
        }
        if (c == '#' || (c == '/' && peek(1) == '/')) {
            size_t end = s_.find('\n', pos_);
            skip_in_line((end == std::string_view::npos ? s_.size() : end) - pos_);
            return;
        }
        if (c == '/' && peek(1) == '*') {
            advance(2);
            while (pos_ < s_.size() && !(peek() == '*' && peek(1) == '/')) advance();
            if (pos_ >= s_.size()) fail(at, "unterminated comment: expected `*/`");
            advance(2);
            return;
        }
        if (is_ident_start(static_cast<unsigned char>(c))) {
            size_t b = pos_, e = pos_;
            while (e < s_.size() && is_ident_char(static_cast<unsigned char>(s_[e]))) ++e;
            skip_in_line(e - b);
            push(Tok::Ident, at, s_.substr(b, e - b));
            return;
        }
        if (is_digit(static_cast<unsigned char>(c))) {
            number(at);
            return;
        }
        switch (c) {
        case '"':
            push(Tok::OQuote, at);
            advance();
            stack_.push_back({Mode::Quoted});
            return;
        case '{':
            push(Tok::LBrace, at);
            advance();
            stack_.push_back({Mode::Brace});
            return;
        case '}':
            close_brace(at, false);
            return;
        case '~':
            if (peek(1) == '}') {
                close_brace(at, true);
                return;
            }
            break;
        case '<':
            if (peek(1) == '<') {
                heredoc_open(at);
                return;
            }
            if (peek(1) == '=') return op(Tok::Le, at, 2);
            return op(Tok::Lt, at, 1);
        case '[':
            return op(Tok::LBrack, at, 1);
        case ']':
            return op(Tok::RBrack, at, 1);
        case '(':
            return op(Tok::LParen, at, 1);
        case ')':
            return op(Tok::RParen, at, 1);
        case ',':
            return op(Tok::Comma, at, 1);
        case '?':
            return op(Tok::Question, at, 1);
        case '+':
            return op(Tok::Plus, at, 1);
        case '-':
            return op(Tok::Minus, at, 1);
        case '*':
            return op(Tok::Star, at, 1);
        case '/':
            return op(Tok::Slash, at, 1);
        case '%':
            return op(Tok::Percent, at, 1);
        case '.':
            if (peek(1) == '.' && peek(2) == '.') return op(Tok::Ellipsis, at, 3);
            return op(Tok::Dot, at, 1);
        case ':':
            if (peek(1) == ':') return op(Tok::DoubleColon, at, 2);
            return op(Tok::Colon, at, 1);
        case '=':
            if (peek(1) == '=') return op(Tok::Eq, at, 2);
            if (peek(1) == '>') return op(Tok::FatArrow, at, 2);
            return op(Tok::Assign, at, 1);
        case '!':
            if (peek(1) == '=') return op(Tok::Ne, at, 2);
            return op(Tok::Not, at, 1);
        case '>':
            if (peek(1) == '=') return op(Tok::Ge, at, 2);
            return op(Tok::Gt, at, 1);
        case '&':
            if (peek(1) == '&') return op(Tok::And, at, 2);
            break;
        case '|':
            if (peek(1) == '|') return op(Tok::Or, at, 2);
            break;
        default:
            break;
        }
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
            fail(at, "unexpected control character in the source");
        fail(at, std::string("unexpected character `") + c + "`");
    }

    void op(Tok k, SourceLoc at, size_t n) { // operators hold no newline
        push(k, at);
        skip_in_line(n);
    }

    void number(SourceLoc at) {
        size_t b = pos_;
        while (is_digit(static_cast<unsigned char>(peek()))) advance();
        if (peek() == '.' && is_digit(static_cast<unsigned char>(peek(1)))) {
            advance();
            while (is_digit(static_cast<unsigned char>(peek()))) advance();
        }
        if (peek() == 'e' || peek() == 'E') {
            size_t k = 1;
            if (peek(1) == '+' || peek(1) == '-') k = 2;
            if (is_digit(static_cast<unsigned char>(peek(k)))) {
                advance(k);
                while (is_digit(static_cast<unsigned char>(peek()))) advance();
            }
        }
        push(Tok::Number, at, s_.substr(b, pos_ - b));
    }

    void close_brace(SourceLoc at, bool strip) {
        Mode m = stack_.back().mode;
        if (m == Mode::Interp) {
            push(Tok::TemplateSeqEnd, at).strip = strip;
            advance(strip ? 2 : 1);
            stack_.pop_back();
            return;
        }
        if (strip) fail(at, "unexpected `~`");
        push(Tok::RBrace, at);
        advance();
        if (m == Mode::Brace) stack_.pop_back();
    }

    // `${` or `%{` (with an optional `~`) at the current position, in a template mode.
    bool template_sequence() {
        char c = peek();
        if ((c != '$' && c != '%') || peek(1) != '{') return false;
        SourceLoc at = here();
        bool strip = peek(2) == '~';
        push(c == '$' ? Tok::TemplateInterp : Tok::TemplateControl, at).strip = strip;
        advance(strip ? 3 : 2);
        stack_.push_back({Mode::Interp});
        return true;
    }

    // `$${` and `%%{` stand for the literal `${` and `%{`.
    bool escaped_sequence(std::string& lit) {
        char c = peek();
        if ((c == '$' || c == '%') && peek(1) == c && peek(2) == '{') {
            lit += c;
            lit += '{';
            advance(3);
            return true;
        }
        return false;
    }

    void quoted_part() {
        if (peek() == '"') {
            push(Tok::CQuote, here());
            advance();
            stack_.pop_back();
            return;
        }
        if (template_sequence()) return;
        SourceLoc at = here();
        size_t b = pos_;
        std::string* lit = nullptr; // once an escape makes the text differ from the source
        while (pos_ < s_.size()) {
            char c = s_[pos_];
            if (c == '"') break;
            if (c == '$' || c == '%') {
                if (peek(1) == '{') break;
                if (peek(1) == c && peek(2) == '{') {
                    if (!lit) lit = &decoded(s_.substr(b, pos_ - b));
                    escaped_sequence(*lit);
                    continue;
                }
            } else if (c == '\n') {
                fail(here(),
                     "unterminated string: a quoted string cannot span lines (use a heredoc)");
            } else if (c == '\\') {
                if (!lit) lit = &decoded(s_.substr(b, pos_ - b));
                escape(*lit);
                continue;
            }
            if (lit) *lit += c;
            skip_in_line(1);
        }
        push(Tok::TemplateLit, at, lit ? std::string_view(*lit) : s_.substr(b, pos_ - b));
    }

    void escape(std::string& lit) {
        SourceLoc at = here();
        char e = peek(1);
        advance(2);
        switch (e) {
        case 'n':
            lit += '\n';
            return;
        case 'r':
            lit += '\r';
            return;
        case 't':
            lit += '\t';
            return;
        case '"':
            lit += '"';
            return;
        case '\\':
            lit += '\\';
            return;
        case 'u':
        case 'U': {
            size_t digits = e == 'u' ? 4 : 8;
            uint32_t cp = 0;
            for (size_t i = 0; i < digits; ++i) {
                char h = peek();
                uint32_t d;
                if (h >= '0' && h <= '9')
                    d = static_cast<uint32_t>(h - '0');
                else if (h >= 'a' && h <= 'f')
                    d = static_cast<uint32_t>(h - 'a' + 10);
                else if (h >= 'A' && h <= 'F')
                    d = static_cast<uint32_t>(h - 'A' + 10);
                else
                    fail(at, "invalid unicode escape: expected " + std::to_string(digits) +
                                 " hex digits");
                cp = cp * 16 + d;
                advance();
            }
            append_utf8(lit, cp);
            return;
        }
        default:
            fail(at, std::string("invalid escape sequence `\\") + e + "`");
        }
    }

    // `<<EOF` / `<<-EOF` then a newline. Finds the closing line now, to know the
    // indentation a `<<-` heredoc removes.
    void heredoc_open(SourceLoc at) {
        advance(2);
        bool flush = false;
        if (peek() == '-') {
            flush = true;
            advance();
        }
        if (!is_ident_start(static_cast<unsigned char>(peek())))
            fail(at, "expected a heredoc delimiter after `<<`");
        size_t b = pos_;
        while (is_ident_char(static_cast<unsigned char>(peek()))) advance();
        std::string_view delim = s_.substr(b, pos_ - b);
        if (peek() == '\r') advance();
        if (peek() != '\n') fail(here(), "a heredoc delimiter must be followed by a newline");
        advance();
        size_t indent = SIZE_MAX;
        bool closed = false;
        for (size_t p = pos_; p < s_.size();) {
            size_t e = s_.find('\n', p);
            if (e == std::string_view::npos) e = s_.size();
            std::string_view line = s_.substr(p, e - p);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            size_t ws = 0;
            while (ws < line.size() && (line[ws] == ' ' || line[ws] == '\t')) ++ws;
            if (line.substr(ws) == delim) {
                closed = true;
                break;
            }
            if (ws < line.size()) indent = std::min(indent, ws);
            p = e + 1;
        }
        if (!closed)
            fail(at, "unterminated heredoc: expected a line with `" + std::string(delim) + "`");
        push(Tok::OHeredoc, at, delim);
        stack_.push_back({Mode::Heredoc, delim, flush && indent != SIZE_MAX ? indent : 0, true});
    }

    bool at_heredoc_end() {
        Frame& f = stack_.back();
        size_t e = s_.find('\n', pos_);
        if (e == std::string_view::npos) e = s_.size();
        std::string_view line = s_.substr(pos_, e - pos_);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        size_t ws = 0;
        while (ws < line.size() && (line[ws] == ' ' || line[ws] == '\t')) ++ws;
        if (line.substr(ws) != f.delim) return false;
        SourceLoc at = here();
        advance(ws + f.delim.size());
        if (peek() == '\r') advance();
        push(Tok::CHeredoc, at);
        stack_.pop_back();
        return true;
    }

    void heredoc_part() {
        if (stack_.back().line_start && at_heredoc_end()) return;
        if ((peek() == '$' || peek() == '%') && peek(1) == '{') {
            stack_.back().line_start = false; // before the push below moves the frames
            template_sequence();
            return;
        }
        SourceLoc at = here();
        std::string lit;
        while (pos_ < s_.size()) {
            Frame& fr = stack_.back();
            if (fr.line_start) {
                size_t e = s_.find('\n', pos_);
                std::string_view line =
                    s_.substr(pos_, e == std::string_view::npos ? s_.size() - pos_ : e - pos_);
                size_t ws = 0;
                while (ws < line.size() && (line[ws] == ' ' || line[ws] == '\t')) ++ws;
                std::string_view rest = line.substr(ws);
                if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
                if (rest == fr.delim) break;
                advance(std::min(ws, fr.indent));
                fr.line_start = false;
                continue;
            }
            char c = peek();
            if ((c == '$' || c == '%') && peek(1) == '{') break;
            if (escaped_sequence(lit)) continue;
            lit += c;
            advance();
            if (c == '\n') fr.line_start = true;
        }
        if (!lit.empty()) push(Tok::TemplateLit, at, decoded(lit));
    }

    void bare_part() {
        if (template_sequence()) return;
        SourceLoc at = here();
        std::string lit;
        while (pos_ < s_.size()) {
            char c = peek();
            if ((c == '$' || c == '%') && peek(1) == '{') break;
            if (escaped_sequence(lit)) continue;
            lit += c;
            advance();
        }
        push(Tok::TemplateLit, at, decoded(lit));
    }

    std::string_view s_;
    size_t pos_ = 0;
    uint32_t line_;
    uint32_t col_;
    FileId file_;
    std::vector<Frame> stack_;
    std::vector<Token> out_;
    std::deque<std::string> decoded_;
    LexError error_;
};

} // namespace

LexResult lex_file(std::string_view text, FileId file) {
    // A UTF-8 byte order mark is not part of the source.
    size_t skip = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    return Lexer(text.substr(skip), SourceLoc{file, 1, 1}).run(Mode::Normal);
}

LexResult lex_template(std::string_view text, SourceLoc start) {
    if (text.empty()) {
        LexResult r;
        r.tokens.push_back(Token{Tok::Eof, false, start, {}});
        return r;
    }
    return Lexer(text, start).run(Mode::Bare);
}

} // namespace tenet::hcl
