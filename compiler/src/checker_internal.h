// Shared state of the resolver and type checker (checker.cpp, check_decl.cpp,
// check_expr.cpp, check_graph.cpp).
#pragma once

#include "tenet/compiler/checker.h"

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace tenet::check {

using namespace tenet::ast;

// One package: every file that declares it, and its namespace.
struct Package {
    std::string name;
    std::vector<File*> files;
    std::map<std::string, Decl*> names; // params, lets, preds, types
    std::map<std::string, RuleDecl*> rules;
};

// What a function body (rule, predicate, mapping field, global initializer) sees.
struct Scope {
    enum class Kind { Rule, Pred, MapField, Global } kind = Kind::Global;
    struct Local {
        std::string name;
        uint32_t slot;
        const Type* type;
    };
    std::vector<Local> locals; // innermost last
    uint32_t next_slot = 0;
    const Type* resource = nullptr; // the rule's resource (Rule only)
    const Package* package = nullptr;
    const File* file = nullptr;
    const Decl* owner = nullptr;    // the declaration whose body this is (dependency graph)
    std::vector<const Type*> elems; // ElemRef types of enclosing projections
    std::vector<uint32_t> elem_slots;

    uint32_t add_local(std::string name, const Type* type) {
        locals.push_back({std::move(name), next_slot, type});
        return next_slot++;
    }
    const Local* find(const std::string& name) const {
        for (auto it = locals.rbegin(); it != locals.rend(); ++it)
            if (it->name == name) return &*it;
        return nullptr;
    }
};

class Checker {
  public:
    Checker(CheckedProgram& p, const SourceManager& sm, DiagnosticBag& d)
        : prog_(p), types_(*p.types), sm_(sm), diags_(d) {}
    bool run();

    // ---- declarations (check_decl.cpp)
    void collect();
    void check_imports();
    void resolve_type_decls();
    void check_decls();
    void check_param(ParamDecl& d, const File& f);
    void check_let(LetDecl& d, const File& f);
    // The type of a top-level let, checking its initializer first if needed.
    const Type* let_type(LetDecl& d);
    void check_pred(PredDecl& d, const File& f);
    void check_map(MapDecl& d, const File& f);
    void check_rule(RuleDecl& d, const File& f);
    void check_metadata(RuleDecl& d);
    // `at least NAME% of`: NAME is a number parameter or constant (not one computed per
    // scan), and a literal default lies in 0..100.
    void check_percent_param(RuleDecl& d, const File& f);
    const Type* resolve_type(TypeExpr& t, const File& f, bool resource_position);
    const Type* resource_type_named(const std::string& name, SourceSpan span, const File& f);

    // ---- tests (check_tests.cpp): inputs, parameters, the rules expectations name
    void check_tests();
    void check_test(TestDecl& t, const File& f);
    void check_test_param(TestParam& p, const File& f);

    // ---- graphs (check_graph.cpp): recursion, let cycles, global order
    void order_globals();
    // Marks the top-level lets that read the model as scan-level (LetDecl::scan);
    // reports parameters and mappings that would read the model before it exists.
    void mark_scan_lets();
    void check_recursion();

    // ---- expressions (check_expr.cpp)
    const Type* expr(Expr& e, Scope& s);
    const Type* truth(Expr& e, Scope& s); // a boolean position
    bool assignable(const Type* from, const Type* to) const;
    // Checks `e` against an expected type; map literals against records field by field.
    bool check_against(Expr& e, const Type* expected, Scope& s, const Type** got);

    // ---- lookup helpers
    Package* package_of(const File& f) { return &packages_[f.package]; }
    // A name visible in file `f`: own package first, then unqualified imports.
    Decl* lookup(const std::string& name, const File& f, SourceSpan use, bool report_ambiguous);
    Decl* lookup_qualified(const std::string& alias, const std::string& name, const File& f);
    const Import* import_alias(const std::string& alias, const File& f) const;
    bool type_is_ambiguous(const std::string& name) const;
    const TypeDecl* lookup_type(const std::string& name, const File& f);
    std::vector<std::string> visible_names(const File& f, const Scope* s);
    void note_use(const Scope& s, const Decl* used);

    CheckedProgram& prog_;
    TypeTable& types_;
    const SourceManager& sm_;
    DiagnosticBag& diags_;
    std::map<std::string, Package> packages_;
    std::set<const TypeDecl*> resource_decls_; // declared types that are rule or map targets
    // Dependency edges for the global order and recursion: decl -> decls it uses.
    std::map<const Decl*, std::vector<const Decl*>> uses_;
    std::map<const Decl*, const File*> decl_file_;
    // Name expressions that read a global: patched with the final global index.
    std::vector<std::pair<Expr*, const Decl*>> global_refs_;
    std::set<const Decl*> used_params_;
    std::set<const Decl*> lets_started_;
    // Declarations whose own body reads the model directly (`stack`, `resources_of`):
    // where it first does.
    std::map<const Decl*, SourceSpan> model_reads_;
};

} // namespace tenet::check
