// Tenet's own AST. The parser builds it from the ANTLR parse tree (ANTLR types never
// leave the parser module); the resolver and type checker annotate it in place
// (the fields marked "checker"); lowering and the reference evaluator read it.
//
// Nodes are owned by the AstArena of the CompileUnit (std::unique_ptr in vectors);
// raw pointers between nodes are non-owning.
#pragma once

#include "tenet/common/source.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tenet::ast {

// ---------------------------------------------------------------- types

struct TypeDecl;

// A resolved type. Interned by the TypeTable; compare by pointer.
struct Type {
    enum class Tag : uint8_t {
        Error, // a checked expression that already failed: silences cascades
        Any,   // dynamic
        Null,  // the type of the literal `null` (assignable to every type)
        Bool,
        Number,
        String,
        List,     // elem
        Map,      // elem (string keys)
        Record,   // decl (a declared `type`), used as a value (not a rule target)
        Resource, // decl != nullptr: canonical resource of that type; native != "": native type;
                  // both empty: any resource
    };
    Tag tag = Tag::Any;
    const Type* elem = nullptr;
    const TypeDecl* decl = nullptr;
    std::string native; // native resource type name, for Tag::Resource

    std::string to_string() const;
};

// Syntax of a type as written: `list<string>`, `s3_bucket`, ...
struct TypeExpr {
    SourceSpan span;
    std::string name; // bool, number, string, any, list, map, resource, or a type name
    std::vector<std::unique_ptr<TypeExpr>> args; // list<T>, map<T>
    const Type* resolved = nullptr;              // checker
};

// ---------------------------------------------------------------- expressions

struct Decl;
struct PredDecl;
struct ParamDecl;
struct LetDecl;

enum class ExprKind : uint8_t {
    Null,
    Bool,
    Number,
    String,     // literals
    Template,   // "text {expr} text": parts = alternating literal String exprs and exprs
    List,       // items
    MapLit,     // keys (String literal exprs) + items
    Name,       // name (resolution filled by the checker)
    Field,      // lhs.name
    Index,      // lhs[rhs]
    Projection, // lhs[*].rest: lhs = list (or map: its values), rhs = the rest of the path
                // applied to each element, written against an ElemRef; result is a list
    ElemRef,    // the current element inside a Projection
    MapValues,  // lhs.*
    Unary,      // op, lhs
    Binary,     // op, lhs, rhs
    And,
    Or,            // lhs, rhs (three-valued, short-circuit)
    Not,           // lhs
    If,            // cond (lhs), then (rhs), else (third)
    Quant,         // quantifier: some / all / count; var, lhs = collection, rhs = body
    Coalesce,      // lhs ?? rhs
    Call,          // name(args): predicate or builtin
    Apply,         // lhs pred: apply predicate `name` to the value of lhs
    Relation,      // lhs <- type.attribute
    References,    // lhs references target (var.X / param.X / Type.name)
    Matches,       // lhs matches rhs
    In,            // lhs in rhs
    Comprehension, // [rhs for var in lhs if third] (third may be null); a map
                   // comprehension {items[0]: rhs for var in lhs if third} has one item
};

enum class BinOp : uint8_t { Add, Sub, Mul, Div, Mod, Eq, Ne, Lt, Le, Gt, Ge };
enum class UnOp : uint8_t { Neg };
enum class QuantKind : uint8_t { Some, All, Count };

// What a Name refers to (checker).
enum class NameKind : uint8_t {
    Unresolved,
    Local,  // a quantifier variable, predicate parameter, rule-local `let`, or the rule's resource
    Global, // a `param` or top-level `let`: index into the global table
    Field,  // implicit field of the rule's resource: `ingress` == it.ingress
    Stack,  // the `stack` entity
};

struct Expr {
    ExprKind kind;
    SourceSpan span;

    // Literal payloads.
    bool bool_value = false;
    double number_value = 0;
    std::string string_value; // String literal, Field/Call/Apply/Name name, Relation type,
                              // References target

    BinOp bin_op = BinOp::Add;
    UnOp un_op = UnOp::Neg;
    QuantKind quant = QuantKind::Some;

    std::unique_ptr<Expr> lhs, rhs, third;
    std::vector<std::unique_ptr<Expr>>
        items;                     // List items, MapLit values, Call args, Template parts
    std::vector<std::string> keys; // MapLit keys
    std::string var;               // Quant / Comprehension variable
    std::string
        attribute; // Relation attribute; References: target kind ("var", "param", or a type)

    // ---- checker annotations
    const Type* type = nullptr;
    NameKind name_kind = NameKind::Unresolved;
    uint32_t slot = 0;                // Local slot (within the enclosing function), or Global index
    uint32_t var_slot = 0;            // Quant, Comprehension: slot of the bound variable
    const PredDecl* callee = nullptr; // Call/Apply of a predicate
    int builtin = -1;                 // Call of a builtin: index into the builtin table
    bool implicit_resource_arg = false; // Name that is a bare predicate applied to `it`
};

using ExprPtr = std::unique_ptr<Expr>;

// ---------------------------------------------------------------- declarations

enum class DeclKind : uint8_t { Param, Let, Pred, Type, Map, Rule };

struct Decl {
    DeclKind kind;
    SourceSpan span;
    SourceSpan name_span;
    std::string name;
    std::string package; // set by the parser from the file's package line
    virtual ~Decl() = default;

  protected:
    explicit Decl(DeclKind k) : kind(k) {}
};

struct ParamDecl : Decl {
    ParamDecl() : Decl(DeclKind::Param) {}
    std::unique_ptr<TypeExpr> type;
    ExprPtr default_value; // may be null
    uint32_t global = 0;   // checker: index into the global table
};

struct LetDecl : Decl {
    LetDecl() : Decl(DeclKind::Let) {}
    std::unique_ptr<TypeExpr> type; // optional
    ExprPtr value;
    uint32_t global = 0; // checker
    uint32_t local = 0;  // checker, for rule-local lets: the slot
    // checker, top-level lets: the value reads the model (`stack`, `resources_of`, a
    // predicate or let that does), so it is computed once per scan, on first use.
    bool scan = false;
};

struct PredParam {
    SourceSpan span;
    std::string name;
    std::unique_ptr<TypeExpr> type;
};

struct PredDecl : Decl {
    PredDecl() : Decl(DeclKind::Pred) {}
    std::vector<PredParam> params;
    std::unique_ptr<TypeExpr> result; // null: bool
    ExprPtr body;
    uint32_t num_locals = 0; // checker: params first, then quantifier variables
};

struct FieldDecl {
    SourceSpan span;
    std::string name;
    std::unique_ptr<TypeExpr> type;
};

struct TypeDecl : Decl {
    TypeDecl() : Decl(DeclKind::Type) {}
    std::vector<FieldDecl> fields;
    const FieldDecl* field(std::string_view n) const {
        for (auto& f : fields)
            if (f.name == n) return &f;
        return nullptr;
    }
};

struct MapField {
    SourceSpan span;
    std::string name;
    ExprPtr value;
    uint32_t num_locals = 0; // checker: slot 0 is the bound native resource
};

struct MapDecl : Decl {
    MapDecl() : Decl(DeclKind::Map) {}
    std::string frontend;    // terraform, cloudformation, pulumi, cdk, cdktf, model
    std::string native_type; // "aws_s3_bucket"
    std::string binder;      // `as b`
    std::string target;      // canonical type name
    std::vector<MapField> fields;
    const TypeDecl* target_decl = nullptr; // checker
};

enum class RuleForm : uint8_t { Every, No, Exists, AtLeast };

struct MetaEntry {
    SourceSpan span;
    std::string key;
    ExprPtr value; // string literal, template, identifier (severity/level), list of strings
};

struct RuleDecl : Decl {
    RuleDecl() : Decl(DeclKind::Rule) {}
    std::vector<MetaEntry> meta;
    std::vector<std::unique_ptr<LetDecl>> lets; // rule-local constants, evaluated per resource
    RuleForm form = RuleForm::Every;
    std::unique_ptr<TypeExpr> target; // the resource type
    std::string binder;               // `as x`; empty: only `it`
    ExprPtr where;                    // may be null
    ExprPtr requires_;                // Every / AtLeast
    double percent = 100;             // AtLeast
    ExprPtr percent_param;            // AtLeast with `param.NAME%` / `NAME%`: a Name
    SourceSpan body_span;

    // ---- checker: normalized metadata
    std::string id, title, fix, severity = "medium", level = "hard";
    std::vector<std::string> controls;
    ExprPtr message;         // Template expression (or null)
    uint32_t num_locals = 0; // slot 0: the resource
};

// ---------------------------------------------------------------- tests (`tenet test`)

// Where each line of a text block's dedented text starts in the file it was written in:
// line i of the text (0-based) starts at line_locs[i]; its column c (1-based) is at
// column line_locs[i].column + c - 1 there.
struct TextBlock {
    std::string text;
    std::vector<SourceLoc> line_locs;
    // The file position of (line, column) of `text` (1-based); clamped to the block.
    SourceLoc map(uint32_t line, uint32_t column) const;
};

struct TestInput {
    SourceSpan span;
    std::string frontend; // terraform, cloudformation, plan, pulumi, model; empty: a fixture
    SourceSpan frontend_span;
    std::string file_name; // as written (`input terraform "vars.tf" ...`), or empty
    SourceSpan file_name_span;
    TextBlock block;  // inline text
    std::string path; // fixture path as written, relative to the test file
    SourceSpan path_span;
    // ---- checker
    std::string file;          // inline: the file name the text is written to (main.tf, ...)
    std::string resolved_path; // fixture: the path relative to the working folder
    bool is_fixture() const { return frontend.empty(); }
};

struct TestParam {
    SourceSpan span;
    SourceSpan name_span;
    std::string name; // as written: `environment_suffix` or `aws.naming.environment_suffix`
    ExprPtr value;    // a literal
    // ---- checker
    std::string qualified; // package.name of the parameter
    std::string json;      // the value as JSON, as --param takes it
};

enum class Expectation : uint8_t { Fails, Passes, Unknown, NotApplicable, NoFindings };

struct TestExpect {
    SourceSpan span;
    Expectation what = Expectation::Fails;
    std::string rule; // id or name as written; empty: `expect no findings`
    SourceSpan rule_span;
    std::string address; // empty: any resource (or the stack)
    SourceSpan address_span;
    // ---- checker
    std::string rule_id;   // the rule's id
    std::string rule_name; // package.name
};

struct TestDecl {
    SourceSpan span;
    SourceSpan name_span;
    std::string name;
    std::string package;
    std::vector<TestInput> inputs;
    std::vector<TestParam> params;
    std::vector<TestExpect> expects;
};

struct Import {
    SourceSpan span;
    std::string package; // std.iam
    std::string alias;   // iam (defaults to the last segment)
};

// One parsed file.
struct File {
    FileId file = 0;
    std::string package = "main";
    SourceSpan package_span;
    std::vector<Import> imports;
    std::vector<std::unique_ptr<Decl>> decls;
    std::vector<std::unique_ptr<TestDecl>> tests; // checked, never lowered
};

} // namespace tenet::ast
