// Resolver and type checker: binds every name, checks every type, orders globals,
// forbids recursion, and annotates the AST in place for lowering and the reference
// evaluator.
#pragma once

#include "tenet/compiler/ast.h"
#include "tenet/compiler/diagnostics.h"
#include "tenet/compiler/types.h"

#include <memory>
#include <vector>

namespace tenet {

struct CheckedProgram {
    std::vector<ast::File> files; // owns the AST
    std::unique_ptr<ast::TypeTable> types = std::make_unique<ast::TypeTable>();
    // Global slots (params and top-level lets) in initialization order:
    // globals[i]->global == i; a let's initializer only reads globals before it.
    std::vector<const ast::Decl*> globals;
    std::vector<const ast::PredDecl*> preds;
    std::vector<const ast::TypeDecl*> type_decls;
    std::vector<const ast::MapDecl*> maps;
    std::vector<const ast::RuleDecl*> rules; // in file order, then declaration order
    std::vector<const ast::TestDecl*> tests; // in file order, then declaration order
};

// Returns false if any error was reported. On errors the AST may be partly annotated;
// do not lower it.
bool check_program(CheckedProgram& program, const SourceManager& sm, DiagnosticBag& diags);

} // namespace tenet
