// Parser: source text -> ast::File. ANTLR stays inside parser.cpp; every syntax
// error becomes a located diagnostic, error recovery and nesting depth are capped,
// and nothing is thrown past this function.
#pragma once

#include "tenet/common/source.h"
#include "tenet/compiler/ast.h"
#include "tenet/compiler/diagnostics.h"

#include <string>
#include <string_view>

namespace tenet {

struct ParseLimits {
    unsigned max_errors = 20; // per file, then E0105
    unsigned max_depth = 200; // expression nesting, then E0104
};

ast::File parse_file(const SourceManager& sm, FileId file, DiagnosticBag& diags,
                     const ParseLimits& limits = {});

// The value of a string literal's body (the text between its quotes) with the escapes
// decoded; an invalid escape is kept as written. For metadata kept as source text,
// such as a rule's message template.
std::string decode_string_body(std::string_view body);

} // namespace tenet
