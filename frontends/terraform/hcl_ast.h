// The HCL2 syntax tree shared by the native-syntax parser and the JSON-syntax reader.
//
// A File owns its expressions in a deque (stable addresses), so nodes point at each
// other with plain pointers. Every node keeps the line and column where it starts.
#pragma once

#include "tenet/common/source.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace tenet::hcl {

enum class ExprKind : uint8_t {
    Literal,     // null, bool, number, or a string without interpolation (JSON keys)
    Template,    // parts: literal strings, interpolations, TemplateIf / TemplateFor
    TemplateIf,  // a: condition, b: then (Template), c: else (Template or null)
    TemplateFor, // key_var, value_var, a: collection, b: body (Template)
    Variable,    // name: the root of a traversal (var, local, aws_s3_bucket, each, ...)
    GetAttr,     // a.name
    Index,       // a[b]
    Splat,       // a: source, b: what applies to each element (built on a SplatItem)
    SplatItem,   // the current element inside a splat's `b`
    Call,        // name(items...), expand: the last argument is followed by `...`
    Conditional, // a ? b : c
    Binary,      // a op b
    Unary,       // op a
    Tuple,       // [items...]
    Object,      // {members...}
    For,         // [for key_var, value_var in a : c if d] / {for ... : b => c... if d}
    Parens,      // (a): kept so that `(k) = v` in an object evaluates its key
};

enum class LitKind : uint8_t { Null, Bool, Number, String };

enum class Op : uint8_t { Or, And, Eq, Ne, Lt, Le, Gt, Ge, Add, Sub, Mul, Div, Mod, Not, Neg };

const char* op_text(Op op);

struct Expr {
    ExprKind kind = ExprKind::Literal;
    SourceLoc loc;
    LitKind lit = LitKind::Null;
    Op op = Op::Or;
    bool boolean = false;
    bool expand = false;     // Call: `f(args...)`; For: grouping `v...`
    bool object_for = false; // For: `{for ...}`
    bool unwrap = false;     // Template: exactly one interpolation, its value is returned as is;
                             // Literal: a quoted string without interpolations (a template)
    double number = 0;
    std::string name;       // string literal, variable, attribute, function, key variable
    std::string_view name2; // value variable of for expressions (File::keep holds it)
    Expr* a = nullptr;
    Expr* b = nullptr;
    Expr* c = nullptr;
    Expr* d = nullptr;
    // Tuple elements, Call arguments, Template parts; Object: key, value, key, value...
    std::vector<Expr*> items;

    // Object members.
    size_t member_count() const { return items.size() / 2; }
    const Expr* member_key(size_t i) const { return items[2 * i]; }
    const Expr* member_value(size_t i) const { return items[2 * i + 1]; }
    void add_member(Expr* key, Expr* value) {
        items.push_back(key);
        items.push_back(value);
    }
};

struct Block;

struct Attribute {
    std::string name;
    SourceLoc loc;
    Expr* expr = nullptr;
};

struct Body {
    SourceLoc loc;
    std::vector<Attribute> attributes;
    std::vector<Block> blocks;
    // JSON syntax only: the "//" member (CDKTF keeps construct metadata there).
    std::string json_comment_path;

    const Attribute* attribute(std::string_view name) const;
};

struct Block {
    std::string type;
    std::vector<std::string> labels;
    std::vector<SourceLoc> label_locs;
    SourceLoc loc;
    Body body;
};

// One parsed file. Expressions live in the file's pool: chunks of 64 nodes (stable
// addresses, one allocation per 64 expressions, little unused room in small files).
struct File {
    FileId id = 0;
    bool json = false;
    Body body;

    Expr* make(ExprKind kind, SourceLoc loc) {
        if (pool_.empty() || pool_used_ == kPoolChunk) {
            pool_.push_back(std::make_unique<Expr[]>(kPoolChunk));
            pool_used_ = 0;
        }
        Expr& e = pool_.back()[pool_used_++];
        e.kind = kind;
        e.loc = loc;
        return &e;
    }

    // Keeps a name for the file's lifetime (the value variables of for expressions).
    std::string_view keep(std::string s) { return names_.emplace_back(std::move(s)); }

  private:
    static constexpr size_t kPoolChunk = 64;
    std::vector<std::unique_ptr<Expr[]>> pool_;
    size_t pool_used_ = 0;
    std::deque<std::string> names_;
};

} // namespace tenet::hcl
