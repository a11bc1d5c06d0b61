// Parser: source text -> ast::File. ANTLR stays inside parser.cpp; every syntax
// error becomes a located diagnostic, error recovery and nesting depth are capped,
// and nothing is thrown past this function.
#pragma once

#include "tenet/common/source.h"
#include "tenet/compiler/ast.h"
#include "tenet/compiler/diagnostics.h"

namespace tenet {

struct ParseLimits {
    unsigned max_errors = 20; // per file, then E0105
    unsigned max_depth = 200; // expression nesting, then E0104
};

ast::File parse_file(const SourceManager& sm, FileId file, DiagnosticBag& diags,
                     const ParseLimits& limits = {});

} // namespace tenet
