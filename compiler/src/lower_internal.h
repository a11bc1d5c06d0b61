// Shared state of lowering: the program being built, its constant and regex pools,
// the source-file table, and the expression lowering (lower_expr.cpp) used by the
// declaration lowering (lower.cpp).
#pragma once

#include "lower_emitter.h"
#include "tenet/compiler/checker.h"
#include "tenet/runtime/program.h"

#include <functional>
#include <set>
#include <string>
#include <unordered_map>

namespace tenet::lower {

using namespace tenet::ast;

class Lowerer {
  public:
    Lowerer(const CheckedProgram& checked, const SourceManager& sm, Program& program)
        : checked_(checked), sm_(sm), prog_(program) {}

    // Lowers every declaration into prog_ (functions, globals, rules, mappings).
    void run();

    // ---- pools (lower_constants.cpp)
    // Index of an equal constant already in the pool, or of `v` appended.
    uint32_t constant(const Value& v);
    uint32_t number_constant(double n) { return constant(Value::number(n)); }
    uint32_t string_constant(std::string_view s);
    // Literals, and lists and maps made only of literals, as one constant value.
    bool fold(const Expr& e, Value& out);
    uint32_t regex(const std::string& pattern);
    uint32_t file_index(FileId file);
    LineEntry loc(const SourceSpan& span);

    // ---- expressions (lower_expr.cpp)
    void expr(Emitter& em, const Expr& e);

  private:
    // ---- declarations (lower.cpp)
    Function build_function(std::string name, uint16_t arity, uint32_t locals, const Expr* body,
                            const std::function<void(Emitter&)>& emit_body);
    uint32_t add_function(std::string name, uint16_t arity, uint32_t locals, const Expr* body,
                          const std::function<void(Emitter&)>& emit_body);
    void lower_globals();
    void lower_rule(const RuleDecl& r);
    void lower_mapping(const MapDecl& m);
    // Emits the rule-local lets that `body` reads, directly or through other lets.
    void rule_lets(Emitter& em, const RuleDecl& r, const Expr& body);

    // ---- expression helpers (lower_expr.cpp)
    void quantifier(Emitter& em, const Expr& e);
    void projection(Emitter& em, const Expr& e);
    void comprehension(Emitter& em, const Expr& e);
    void conditional(Emitter& em, const Expr& e);
    void call(Emitter& em, const Expr& e);
    uint32_t function_of(const PredDecl* p) const;

    const CheckedProgram& checked_;
    const SourceManager& sm_;
    Program& prog_;
    std::unordered_map<std::string, uint32_t> constant_index_; // structural key -> index
    std::unordered_map<std::string, uint32_t> regex_index_;
    std::unordered_map<FileId, uint32_t> file_index_;
    std::unordered_map<const PredDecl*, uint32_t> pred_fn_;
};

// Local slots an expression reads (Names bound to locals), for rule-let dependencies.
void locals_read(const Expr& e, std::set<uint32_t>& out);
// One more than the greatest local slot an expression binds or reads (0 if none).
uint32_t locals_needed(const Expr& e);

} // namespace tenet::lower
