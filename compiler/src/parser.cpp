// parse_file: text -> ANTLR parse tree -> ast::File. This file holds the ANTLR plumbing:
// UTF-8 decoding with byte-exact positions, the lexical pre-scan (bad characters, strings,
// numbers, nesting depth), the error strategy that words syntax errors for humans and
// caps recovery, and the error listener that turns them into diagnostics.
#include "parser_internal.h"

#include <cmath>
#include <cstdlib>

namespace tenet {
namespace parse {

using tenet_antlr::TenetLexer;

Session::Session(const SourceManager& sm_, FileId file_, DiagnosticBag& diags_,
                 const ParseLimits& limits_)
    : sm(sm_), file(file_), diags(diags_), limits(limits_) {
    const std::string& text = sm.text(file);
    line_starts_.push_back(0);
    for (uint32_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') line_starts_.push_back(i + 1);
}

SourceLoc Session::loc_at(uint32_t byte) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), byte);
    uint32_t line = static_cast<uint32_t>(it - line_starts_.begin());
    return SourceLoc{file, line, byte - line_starts_[line - 1] + 1};
}

void Session::syntax_error(Diag code, SourceSpan span, const std::string& message) {
    if (errors >= limits.max_errors) {
        diags.report(Diag::TooManyErrors, span);
        ++errors;
        throw TooManyErrors{};
    }
    error(code, span, message);
}

namespace {

// The input stream over text we decoded ourselves, so that invalid UTF-8 is reported
// with a position instead of an exception from the runtime's converter.
class U32Input : public antlr4::ANTLRInputStream {
  public:
    explicit U32Input(std::u32string data) {
        _data = std::move(data);
        p = 0;
    }
};

// Decodes UTF-8; invalid bytes become spaces. Returns the offset of the first invalid
// byte, or npos.
size_t decode_utf8(std::string_view text, std::u32string& out, std::vector<uint32_t>& cp_bytes) {
    size_t bad = std::string_view::npos;
    size_t i = 0;
    while (i < text.size()) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        char32_t cp = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
        bool ok = len != 0 && i + len <= text.size();
        for (size_t k = 1; ok && k < len; ++k) {
            unsigned char cc = static_cast<unsigned char>(text[i + k]);
            if ((cc >> 6) != 2) ok = false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        if (ok && (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
        if (!ok) {
            if (bad == std::string_view::npos) bad = i;
            cp = U' ';
            len = 1;
        }
        out.push_back(cp);
        cp_bytes.push_back(static_cast<uint32_t>(i));
        i += len;
    }
    cp_bytes.push_back(static_cast<uint32_t>(text.size()));
    return bad;
}

// How a token type reads in a message.
std::string token_name(const antlr4::dfa::Vocabulary& vocab, size_t type) {
    switch (type) {
    case antlr4::Token::EOF:
        return "end of file";
    case TenetLexer::IDENT:
        return "a name";
    case TenetLexer::STRING:
        return "a string";
    case TenetLexer::NUMBER:
        return "a number";
    default:
        break;
    }
    std::string lit = vocab.getLiteralName(type);
    if (lit.size() >= 2 && lit.front() == '\'') return "`" + lit.substr(1, lit.size() - 2) + "`";
    return vocab.getSymbolicName(type);
}

std::string found_text(antlr4::Token* t) {
    if (!t || t->getType() == antlr4::Token::EOF) return "end of file";
    std::string s = t->getText();
    if (s.size() > 24) s = s.substr(0, 21) + "...";
    return "`" + s + "`";
}

std::string expected_text(const antlr4::dfa::Vocabulary& vocab,
                          const antlr4::misc::IntervalSet& set) {
    std::vector<size_t> types;
    for (auto& iv : set.getIntervals())
        for (ssize_t t = iv.a; t <= iv.b; ++t) types.push_back(static_cast<size_t>(t));
    auto has = [&](size_t t) { return std::find(types.begin(), types.end(), t) != types.end(); };
    if (has(TenetLexer::NUMBER) && has(TenetLexer::STRING) && has(TenetLexer::LPAREN))
        return "an expression";
    if (has(TenetLexer::IDENT)) {
        // Soft keywords are names too; do not list them separately.
        std::erase_if(types, [](size_t t) {
            return t == TenetLexer::AT || t == TenetLexer::LEAST || t == TenetLexer::OF ||
                   t == TenetLexer::TO || t == TenetLexer::AS || t == TenetLexer::TEST ||
                   t == TenetLexer::INPUT || t == TenetLexer::EXPECT || t == TenetLexer::FAILS ||
                   t == TenetLexer::PASSES || t == TenetLexer::UNKNOWN ||
                   t == TenetLexer::APPLICABLE || t == TenetLexer::FINDINGS ||
                   t == TenetLexer::FOR || t == TenetLexer::ON;
        });
        if (types.size() > 6) return "a name";
    }
    if (types.empty() || types.size() > 6) return "";
    std::string out;
    for (size_t i = 0; i < types.size(); ++i) {
        if (i) out += i + 1 == types.size() ? " or " : ", ";
        out += token_name(vocab, types[i]);
    }
    return out;
}

// Words syntax errors as "expected X, found Y" and hands them to the listener.
class ErrorStrategy : public antlr4::DefaultErrorStrategy {
  protected:
    void report(antlr4::Parser* p, antlr4::Token* t, const antlr4::misc::IntervalSet& expected) {
        std::string exp = expected_text(p->getVocabulary(), expected);
        std::string msg = exp.empty() ? "unexpected " + found_text(t)
                                      : "expected " + exp + ", found " + found_text(t);
        p->notifyErrorListeners(t, msg, nullptr);
    }
    void reportNoViableAlternative(antlr4::Parser* p,
                                   const antlr4::NoViableAltException& e) override {
        report(p, e.getOffendingToken(), p->getExpectedTokens());
    }
    void reportInputMismatch(antlr4::Parser* p, const antlr4::InputMismatchException& e) override {
        report(p, e.getOffendingToken(), e.getExpectedTokens());
    }
    void reportFailedPredicate(antlr4::Parser* p,
                               const antlr4::FailedPredicateException& e) override {
        report(p, e.getOffendingToken(), p->getExpectedTokens());
    }
    void reportUnwantedToken(antlr4::Parser* p) override {
        if (inErrorRecoveryMode(p)) return;
        beginErrorCondition(p);
        report(p, p->getCurrentToken(), getExpectedTokens(p));
    }
    void reportMissingToken(antlr4::Parser* p) override {
        if (inErrorRecoveryMode(p)) return;
        beginErrorCondition(p);
        report(p, p->getCurrentToken(), getExpectedTokens(p));
    }
};

// The one error listener: positions from our own byte map, diagnostics into the session.
class ErrorListener : public antlr4::BaseErrorListener {
  public:
    ErrorListener(Run& run, Diag code) : run_(run), code_(code) {}
    void syntaxError(antlr4::Recognizer*, antlr4::Token* t, size_t, size_t, const std::string& msg,
                     std::exception_ptr) override {
        SourceSpan span = t ? run_.span(t) : SourceSpan{};
        // After an unterminated text block, the missing end of the file is no news.
        if (run_.session().open_text_block && t && t->getType() == antlr4::Token::EOF) return;
        run_.session().syntax_error(code_, span, msg);
    }

  private:
    Run& run_;
    Diag code_;
};

bool is_open(size_t t) {
    return t == TenetLexer::LPAREN || t == TenetLexer::LBRACK || t == TenetLexer::LBRACE;
}
bool is_close(size_t t) {
    return t == TenetLexer::RPAREN || t == TenetLexer::RBRACK || t == TenetLexer::RBRACE;
}
// Tokens that can end an operand: a `-` after them is binary.
bool ends_operand(size_t t) {
    return t == TenetLexer::IDENT || t == TenetLexer::NUMBER || t == TenetLexer::STRING ||
           t == TenetLexer::RPAREN || t == TenetLexer::RBRACK || t == TenetLexer::RBRACE ||
           t == TenetLexer::K_TRUE || t == TenetLexer::K_FALSE || t == TenetLexer::K_NULL;
}
// Tokens after which nothing before them at the same bracket level is still open.
bool resets_depth(size_t t) {
    switch (t) {
    case TenetLexer::COMMA:
    case TenetLexer::SEMI:
    case TenetLexer::ASSIGN:
    case TenetLexer::WHERE:
    case TenetLexer::REQUIRES:
    case TenetLexer::RULE:
    case TenetLexer::PRED:
    case TenetLexer::LET:
    case TenetLexer::PARAM:
    case TenetLexer::MAP:
    case TenetLexer::TYPE:
        return true;
    default:
        return false;
    }
}

} // namespace

struct Run::Impl {
    Impl(std::u32string data, Run& run, Diag code)
        : input(std::move(data)), lexer(&input), tokens(&lexer), parser(&tokens),
          listener(run, code) {
        lexer.removeErrorListeners();
        lexer.addErrorListener(&listener);
        parser.removeErrorListeners();
        parser.addErrorListener(&listener);
        parser.setErrorHandler(std::make_shared<ErrorStrategy>());
    }
    U32Input input;
    TenetLexer lexer;
    antlr4::CommonTokenStream tokens;
    tenet_antlr::TenetParser parser;
    ErrorListener listener;
    Diag code;
};

Run::Run(Session& s, std::string_view text, uint32_t base, Diag syntax_code)
    : session_(s), base_(base), errors_at_start_(s.errors) {
    std::u32string data;
    size_t bad = decode_utf8(text, data, cp_bytes_);
    if (bad != std::string_view::npos)
        s.error(Diag::SyntaxError, s.span_bytes(base + bad, base + bad + 1),
                "the file is not valid UTF-8");
    impl_ = std::make_unique<Impl>(std::move(data), *this, syntax_code);
    parser_ = &impl_->parser;
}

Run::~Run() = default;

uint32_t Run::byte_at_cp(size_t cp) const {
    if (cp >= cp_bytes_.size()) cp = cp_bytes_.size() - 1;
    return base_ + cp_bytes_[cp];
}
uint32_t Run::byte_of(antlr4::Token* t) const {
    if (t->getType() == antlr4::Token::EOF) return byte_at_cp(cp_bytes_.size() - 1);
    return byte_at_cp(t->getStartIndex());
}
uint32_t Run::byte_end_of(antlr4::Token* t) const {
    if (t->getType() == antlr4::Token::EOF) return byte_of(t);
    return byte_at_cp(t->getStopIndex() + 1);
}
SourceSpan Run::span(antlr4::Token* t) const {
    return session_.span_bytes(byte_of(t), byte_end_of(t));
}
SourceSpan Run::span(antlr4::ParserRuleContext* ctx) const {
    antlr4::Token* b = ctx->getStart();
    antlr4::Token* e = ctx->getStop();
    if (!b) return {};
    uint32_t begin = byte_of(b);
    uint32_t end = e && e->getTokenIndex() >= b->getTokenIndex() ? byte_end_of(e) : byte_end_of(b);
    return session_.span_bytes(begin, std::max(begin, end));
}

bool Run::prescan() {
    Session& s = session_;
    impl_->tokens.fill();
    // Nesting estimate: open brackets plus prefix operators (`not`, unary `-`, `if`,
    // quantifiers) not yet closed by a separator. It never underestimates the depth ANTLR
    // recurses to, so a hostile file is refused before it can exhaust the stack.
    std::vector<unsigned> prefix_per_level{0};
    unsigned depth = 0;
    const unsigned hard_cap = std::max(4u * s.limits.max_depth, 64u);
    size_t prev = antlr4::Token::INVALID_TYPE;
    for (antlr4::Token* tok : impl_->tokens.getTokens()) {
        auto* t = dynamic_cast<antlr4::CommonToken*>(tok);
        size_t type = t->getType();
        switch (type) {
        case TenetLexer::BAD_CHAR: {
            std::string text = t->getText();
            unsigned char c = text.empty() ? 0 : static_cast<unsigned char>(text[0]);
            std::string shown = c >= 0x20 && c != 0x7f ? text : fmt::format("\\x{:02x}", c);
            s.syntax_error(Diag::SyntaxError, span(t), "unexpected character `" + shown + "`");
            t->setChannel(antlr4::Token::HIDDEN_CHANNEL);
            continue;
        }
        case TenetLexer::UNTERMINATED_STRING:
            s.error(Diag::UnterminatedString, span(t));
            t->setType(TenetLexer::STRING);
            break;
        case TenetLexer::STRING:
            decode_string(s, t->getText(), byte_of(t), true);
            break;
        case TenetLexer::UNTERMINATED_TEXT_BLOCK:
            s.error(Diag::UnterminatedTextBlock, s.span_bytes(byte_of(t), byte_of(t) + 3));
            s.open_text_block = true;
            t->setType(TenetLexer::TEXT_BLOCK);
            break;
        case TenetLexer::BAD_NUMBER:
            s.error(Diag::InvalidNumber, span(t), t->getText());
            t->setType(TenetLexer::NUMBER);
            break;
        case TenetLexer::NUMBER: {
            double v = std::strtod(t->getText().c_str(), nullptr);
            if (!std::isfinite(v)) s.error(Diag::InvalidNumber, span(t), t->getText());
            break;
        }
        default:
            break;
        }
        if (is_open(type)) {
            prefix_per_level.push_back(0);
            ++depth;
        } else if (is_close(type)) {
            if (prefix_per_level.size() > 1) {
                depth -= 1 + prefix_per_level.back();
                prefix_per_level.pop_back();
            }
        } else if (type == TenetLexer::NOT || type == TenetLexer::IF || type == TenetLexer::SOME ||
                   type == TenetLexer::ALL || type == TenetLexer::COUNT ||
                   (type == TenetLexer::MINUS && !ends_operand(prev))) {
            ++prefix_per_level.back();
            ++depth;
        } else if (resets_depth(type)) {
            depth -= prefix_per_level.back();
            prefix_per_level.back() = 0;
        }
        if (depth > hard_cap) {
            if (!s.depth_reported) s.error(Diag::NestingTooDeep, span(t), s.limits.max_depth);
            s.depth_reported = true;
            return false;
        }
        prev = type;
    }
    impl_->tokens.seek(0); // re-skips any leading token hidden above
    return true;
}

} // namespace parse

ast::File parse_file(const SourceManager& sm, FileId file, DiagnosticBag& diags,
                     const ParseLimits& limits) {
    ast::File out;
    out.file = file;
    parse::Session s(sm, file, diags, limits);
    try {
        parse::Run run(s, sm.text(file), 0, Diag::SyntaxError);
        if (!run.prescan()) return out;
        auto* tree = run.parser().file();
        if (s.errors) return out; // no half-built declarations: they would only cascade
        parse::Builder builder(run);
        out = builder.file(tree, file);
        if (s.errors) {
            ast::File empty;
            empty.file = file;
            empty.package = out.package;
            return empty;
        }
    } catch (const parse::TooManyErrors&) {
        out.decls.clear();
    } catch (const std::exception& e) {
        diags.report(Diag::SyntaxError, SourceSpan{SourceLoc{file, 1, 1}, SourceLoc{file, 1, 1}},
                     std::string("the parser gave up: ") + e.what());
        out.decls.clear();
    } catch (...) {
        diags.report(Diag::SyntaxError, SourceSpan{SourceLoc{file, 1, 1}, SourceLoc{file, 1, 1}},
                     "the parser gave up");
        out.decls.clear();
    }
    return out;
}

} // namespace tenet
