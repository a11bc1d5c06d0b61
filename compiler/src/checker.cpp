// check_program: the order of the checking passes, and whole-program checks that need
// every rule (duplicate ids) or every use (unused parameters).
#include "checker_internal.h"

namespace tenet {
namespace check {

bool Checker::run() {
    size_t errors_before = diags_.error_count();
    collect();
    check_imports();
    resolve_type_decls();
    check_decls();
    check_recursion();
    order_globals();
    mark_scan_lets();

    std::map<std::string, const RuleDecl*> ids;
    for (const RuleDecl* r : prog_.rules) {
        auto [it, fresh] = ids.emplace(r->id, r);
        if (!fresh) {
            auto& d = diags_.report(Diag::DuplicateRuleId, r->name_span, r->id);
            d.notes.push_back(
                {it->second->name_span, "also used by rule `" + it->second->name + "`"});
        }
    }
    check_tests();
    // Unused parameters of the user's packages (the standard library's are optional).
    for (const Decl* g : prog_.globals)
        if (g->kind == DeclKind::Param && !used_params_.count(g) &&
            g->package.rfind("std.", 0) != 0)
            diags_.report(Diag::UnusedParam, g->name_span, g->name);
    return diags_.error_count() == errors_before;
}

} // namespace check

bool check_program(CheckedProgram& program, const SourceManager& sm, DiagnosticBag& diags) {
    check::Checker c(program, sm, diags);
    return c.run();
}

} // namespace tenet
