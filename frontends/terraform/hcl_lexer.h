// HCL2 native-syntax lexer: the whole file becomes a token vector up front.
//
// Templates (quoted strings and heredocs) are lexed in their own mode: literal text
// comes out as TemplateLit tokens (escapes already decoded, `$${` and `%%{` already
// unescaped, the indentation of `<<-` heredocs already removed), `${` and `%{` open an
// interpolation or directive lexed as ordinary tokens up to the matching TemplateSeqEnd.
// A mode stack pairs every `}` with what it closes.
#pragma once

#include "tenet/common/source.h"

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace tenet::hcl {

enum class Tok : uint8_t {
    Eof,
    Newline,
    Ident,
    Number,
    LBrace,
    RBrace,
    LBrack,
    RBrack,
    LParen,
    RParen,
    Assign,      // =
    Comma,       // ,
    Dot,         // .
    Ellipsis,    // ...
    Question,    // ?
    Colon,       // :
    FatArrow,    // =>
    DoubleColon, // :: (provider-defined functions)
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Not,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    OQuote,          // "
    CQuote,          // "
    OHeredoc,        // <<EOF or <<-EOF (text: the delimiter)
    CHeredoc,        // the closing delimiter line
    TemplateLit,     // text: decoded literal
    TemplateInterp,  // ${ (strip: `${~`)
    TemplateControl, // %{ (strip: `%{~`)
    TemplateSeqEnd,  // } closing an interpolation or directive (strip: `~}`)
};

const char* tok_name(Tok t);

// `text` views the source (identifiers, numbers, literal text without escapes) or the
// LexResult's `decoded` strings: valid while both live.
struct Token {
    Tok kind = Tok::Eof;
    bool strip = false;
    SourceLoc loc;
    std::string_view text;
};

struct LexError {
    SourceLoc loc;
    std::string message;
};

struct LexResult {
    std::vector<Token> tokens;       // always ends with Eof
    std::deque<std::string> decoded; // literal texts that differ from the source
    bool ok = true;
    LexError error;
};

// A native-syntax file.
LexResult lex_file(std::string_view text, FileId file);
// A bare template (the strings of the JSON syntax): literal text and `${}`/`%{}`
// sequences up to the end of `text`, no quotes, no escapes. `start` is where the text
// begins; columns advance from there.
LexResult lex_template(std::string_view text, SourceLoc start);

} // namespace tenet::hcl
