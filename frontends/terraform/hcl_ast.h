// The HCL2 syntax tree shared by the native-syntax parser and the JSON-syntax reader.
//
// A File owns its nodes' storage: expressions, their item lists and every name and
// literal text live in the file's arena (chunks with stable addresses, freed with the
// file), so nodes point at each other with plain pointers and names are views.
// Every node keeps the line and column where it starts.
#pragma once

#include "tenet/common/source.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
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

struct Expr;

// A list of expressions in the file's arena.
class ExprList {
  public:
    ExprList() = default;
    ExprList(Expr* const* data, uint32_t size) : data_(data), size_(size) {}
    Expr* const* begin() const { return data_; }
    Expr* const* end() const { return data_ + size_; }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    Expr* operator[](size_t i) const { return data_[i]; }
    Expr* front() const { return data_[0]; }
    Expr* back() const { return data_[size_ - 1]; }

  private:
    Expr* const* data_ = nullptr;
    uint32_t size_ = 0;
};

struct Expr {
    ExprKind kind = ExprKind::Literal;
    LitKind lit = LitKind::Null;
    Op op = Op::Or;
    bool boolean = false;
    bool expand = false;     // Call: `f(args...)`; For: grouping `v...`
    bool object_for = false; // For: `{for ...}`
    bool unwrap = false;     // Template: exactly one interpolation, its value is returned as is;
                             // Literal: a quoted string without interpolations (a template)
    SourceLoc loc;
    // string literal, variable, attribute, function, key variable (in the file's arena)
    std::string_view name;
    union {
        std::string_view name2; // For, TemplateFor: the value variable
        // Tuple elements, Call arguments, Template parts; Object: key, value, key, value...
        ExprList items;
    };
    Expr* a = nullptr;
    Expr* b = nullptr;
    Expr* c = nullptr;
    union {
        Expr* d;       // For: the `if` condition
        double number; // Literal Number
    };

    // Kinds share the storage of the fields they do not use (92 bytes instead of 124).
    Expr() : items(), d(nullptr) {}

    // Object members.
    size_t member_count() const { return items.size() / 2; }
    const Expr* member_key(size_t i) const { return items[2 * i]; }
    const Expr* member_value(size_t i) const { return items[2 * i + 1]; }
};

struct Block;

struct Attribute {
    std::string_view name; // in the file's arena
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
    std::string_view type; // in the file's arena
    std::vector<std::string> labels;
    std::vector<SourceLoc> label_locs;
    SourceLoc loc;
    Body body;
};

// One parsed file. Its arena starts with one chunk of the size the parser estimates from
// the token count (about 26 bytes of nodes, lists and names per token), then grows by
// small chunks, so that little room is left unused.
struct File {
    FileId id = 0;
    bool json = false;
    Body body;

    File() = default;
    File(const File&) = delete;
    File& operator=(const File&) = delete;
    // Nodes stay where they are: the chunks move to the new file.
    File(File&& o) noexcept
        : id(o.id), json(o.json), body(std::move(o.body)), chunks_(std::move(o.chunks_)),
          cur_(std::exchange(o.cur_, nullptr)), left_(std::exchange(o.left_, 0)),
          next_chunk_(o.next_chunk_) {}

    Expr* make(ExprKind kind, SourceLoc loc) {
        Expr* e = new (alloc(sizeof(Expr), alignof(Expr))) Expr();
        e->kind = kind;
        e->loc = loc;
        return e;
    }
    // A copy of `s` for the file's lifetime.
    std::string_view keep(std::string_view s) {
        if (s.empty()) return {};
        char* p = static_cast<char*>(alloc(s.size(), 1));
        std::char_traits<char>::copy(p, s.data(), s.size());
        return {p, s.size()};
    }
    ExprList list(const std::vector<Expr*>& items) {
        if (items.empty()) return {};
        auto** p = static_cast<Expr**>(alloc(items.size() * sizeof(Expr*), alignof(Expr*)));
        std::char_traits<char>::copy(reinterpret_cast<char*>(p),
                                     reinterpret_cast<const char*>(items.data()),
                                     items.size() * sizeof(Expr*));
        return {p, static_cast<uint32_t>(items.size())};
    }
    // The size of the next chunk (the parser's estimate of what the file needs).
    void reserve(size_t bytes) {
        if (left_ < bytes) next_chunk_ = std::min<size_t>(bytes, kMaxChunk);
    }

  private:
    void* alloc(size_t n, size_t align) {
        size_t pad = (align - reinterpret_cast<uintptr_t>(cur_) % align) % align;
        if (pad + n > left_) {
            size_t size = std::max(next_chunk_, n + align);
            chunks_.push_back(std::unique_ptr<char[]>(new char[size])); // not zeroed
            cur_ = chunks_.back().get();
            left_ = size;
            next_chunk_ = kGrowChunk;
            pad = (align - reinterpret_cast<uintptr_t>(cur_) % align) % align;
        }
        char* p = cur_ + pad;
        cur_ = p + n;
        left_ -= pad + n;
        return p;
    }

    static constexpr size_t kMaxChunk = 4 << 20;
    static constexpr size_t kGrowChunk = 4096;
    std::vector<std::unique_ptr<char[]>> chunks_;
    char* cur_ = nullptr;
    size_t left_ = 0;
    size_t next_chunk_ = kGrowChunk;
};

} // namespace tenet::hcl
