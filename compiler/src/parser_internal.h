// Shared pieces of the parser module (parser*.cpp). Only parser*.cpp include this header:
// it pulls in the ANTLR runtime and the generated parser.
#pragma once

#include "TenetLexer.h"
#include "TenetParser.h"
#include "antlr4-runtime.h"
#include "tenet/compiler/parser.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tenet::parse {

using TP = tenet_antlr::TenetParser;

// Thrown out of ANTLR when a file has more than ParseLimits::max_errors syntax errors.
struct TooManyErrors {};

// Per-file state: positions, the diagnostic bag, the error budget.
class Session {
  public:
    Session(const SourceManager& sm, FileId file, DiagnosticBag& diags, const ParseLimits& limits);

    const SourceManager& sm;
    FileId file;
    DiagnosticBag& diags;
    ParseLimits limits;
    unsigned errors = 0;          // every error reported for this file
    bool depth_reported = false;  // E0104 once per file
    bool open_text_block = false; // E0108: the rest of the file is in the block

    SourceLoc loc_at(uint32_t byte) const;
    SourceSpan span_bytes(uint32_t begin, uint32_t end) const {
        return {loc_at(begin), loc_at(end)};
    }

    // Reports a syntax-level error; throws TooManyErrors once the budget is spent.
    void syntax_error(Diag code, SourceSpan span, const std::string& message);
    template <typename... Args> Diagnostic& error(Diag d, SourceSpan span, Args&&... args) {
        ++errors;
        return diags.report(d, span, std::forward<Args>(args)...);
    }

  private:
    std::vector<uint32_t> line_starts_;
};

// One ANTLR run over a piece of the file (the whole file, or the text of one `{...}`
// interpolation): `base` is the byte offset of `text` in the file.
class Run {
  public:
    Run(Session& s, std::string_view text, uint32_t base, Diag syntax_code);
    ~Run();

    // Lexical checks (bad characters, strings, escapes, numbers) and the nesting
    // pre-scan; false when the input must not be handed to the parser.
    bool prescan();
    TP& parser() { return *parser_; }
    bool had_errors() const { return session_.errors != errors_at_start_; }

    SourceSpan span(antlr4::Token* t) const;
    SourceSpan span(antlr4::ParserRuleContext* ctx) const;
    uint32_t byte_of(antlr4::Token* t) const; // file byte offset of the token's start
    uint32_t byte_end_of(antlr4::Token* t) const;

    Session& session() { return session_; }

  private:
    uint32_t byte_at_cp(size_t cp) const;
    Session& session_;
    uint32_t base_;
    unsigned errors_at_start_;
    std::vector<uint32_t> cp_bytes_; // code point index -> byte offset in `text` (+1 end entry)
    struct Impl;
    std::unique_ptr<Impl> impl_;
    TP* parser_ = nullptr;
};

// ---- string literals (parser_strings.cpp)

// A decoded string literal piece and where its raw text starts in the file.
struct DecodedString {
    std::string value;
    bool ok = true;
};

// Decodes the raw token text (with its quotes; the closing quote may be missing).
// Reports E0103 for bad escapes when `report` is set.
DecodedString decode_string(Session& s, std::string_view raw, uint32_t base, bool report);

// One part of a message template, as raw source text.
struct TemplatePart {
    bool is_expr = false;
    std::string literal;   // decoded text (is_expr == false)
    std::string expr_text; // the expression's text, escapes blanked (is_expr == true)
    uint32_t begin = 0;    // file byte offset of the part
    uint32_t end = 0;
};

// Splits a string token into literal and `{expr}` parts; reports E0107 and returns false
// on malformed braces.
bool split_template(Session& s, std::string_view raw, uint32_t base,
                    std::vector<TemplatePart>& out);

// ---- tree walk (parser_build.cpp, parser_expr.cpp)

class Builder {
  public:
    Builder(Run& run) : run_(run), s_(run.session()) {}
    ast::File file(TP::FileContext* ctx, FileId id);
    ast::ExprPtr expr(TP::ExprContext* ctx);

  private:
    std::unique_ptr<ast::Decl> decl(TP::DeclContext* ctx, const std::string& package);
    // Tests (parser_tests.cpp).
    std::unique_ptr<ast::TestDecl> test(TP::TestDeclContext* ctx, const std::string& package);
    void test_stmt(ast::TestDecl& test, TP::TestStmtContext* ctx);
    // The text of a run of tokens that must touch (a rule id, an address); reports E0101
    // when they are spread out.
    std::string adjacent_text(antlr4::ParserRuleContext* ctx, const char* what);
    void rule_item(ast::RuleDecl& rule, TP::RuleItemContext* ctx);
    void rule_body(ast::RuleDecl& rule, TP::RuleBodyContext* ctx);
    std::unique_ptr<ast::TypeExpr> type_ref(TP::TypeRefContext* ctx);
    ast::ExprPtr expr_inner(TP::ExprContext* ctx);
    ast::ExprPtr primary(TP::PrimaryContext* ctx);
    ast::ExprPtr postfix(ast::ExprPtr base, bool base_open, TP::ExprContext* ctx, bool& open);
    ast::ExprPtr string_literal(antlr4::Token* tok);
    ast::ExprPtr message_template(TP::ExprContext* ctx);
    ast::ExprPtr make(ast::ExprKind k, antlr4::ParserRuleContext* ctx);
    double number(antlr4::Token* tok);
    std::string text(antlr4::ParserRuleContext* ctx) const;

    Run& run_;
    Session& s_;
    unsigned depth_ = 0;
};

} // namespace tenet::parse
