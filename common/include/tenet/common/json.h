// JSON: a parser that keeps the line and column of every node (findings and input
// errors point into JSON files), and a writer with stable output for reports.
//
// The DOM is for small and medium documents (parameters, bundles' metadata, reports,
// plan JSON). The model loader may use parse_events() to build Values directly
// without a DOM, which is what makes large models load fast.
#pragma once

#include "tenet/common/source.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tenet::json {

enum class Type : uint8_t { Null, Bool, Number, String, Array, Object };

struct Node {
    Type type = Type::Null;
    SourceLoc loc; // where the value starts
    bool boolean = false;
    double number = 0;
    std::string string;                                // String payload (unescaped UTF-8)
    std::vector<Node> items;                           // Array
    std::vector<std::pair<std::string, Node>> members; // Object, in document order
    std::vector<SourceLoc> key_locs;                   // Object: where each key starts

    // Object member by key (the last one if repeated); nullptr when absent or not an object.
    const Node* get(std::string_view key) const;
    bool is(Type t) const { return type == t; }
};

struct ParseError {
    SourceLoc loc;
    std::string message; // plain: "expected `,` or `}` after an object member"
};

struct ParseOptions {
    uint32_t max_depth = 512; // deeper nesting is an error, never a stack overflow
    // Doc only: keep where each object key starts (Elem::key_loc); 12 bytes per member.
    bool key_locations = true;
};

// Parses one JSON document (RFC 8259; no comments, no trailing commas). `file` is
// stamped into every SourceLoc. On failure returns false and fills `error`.
bool parse(std::string_view text, FileId file, Node& out, ParseError& error,
           const ParseOptions& opts = {});

// A compact read-only DOM for large documents (plan JSON, Pulumi exports): one
// 32-byte Elem per value, children in contiguous slices, everything in a few large
// blocks owned by a Doc, and strings viewing the parsed text where they have no
// escapes. The text passed to parse() must therefore outlive the Doc's use (a
// SourceManager's text does). Accessors are type-safe: items() of a non-array is
// empty, str() of a non-string is "", so malformed documents read as absent values.
struct Member;

class Elem {
  public:
    Type type = Type::Null;
    bool boolean = false;
    SourceLoc loc; // where the value starts

    bool is(Type t) const { return type == t; }
    double number() const { return type == Type::Number ? u_.number : 0; }
    std::string_view str() const {
        return type == Type::String ? std::string_view(u_.chars, size_) : std::string_view();
    }
    std::span<const Elem> items() const {
        return type == Type::Array ? std::span<const Elem>(u_.items, size_)
                                   : std::span<const Elem>();
    }
    std::span<const Member> members() const;
    // Where the i-th member's key starts (i < members().size()); the member's value's
    // location when the Doc was parsed without key_locations.
    SourceLoc key_loc(size_t i) const;
    // Object member by key (the last one if repeated); nullptr when absent or not an object.
    const Elem* get(std::string_view key) const;

  private:
    friend class DocBuilder;
    bool key_locs_ = false; // an object whose members are followed by their keys' locations
    uint32_t size_ = 0;     // string length or number of children
    union {
        double number;
        const char* chars;
        const Elem* items;
        const Member* members; // followed by `size_` SourceLocs (the keys' positions)
    } u_{0.0};
};

struct Member {
    std::string_view first; // the key
    Elem second;            // the value
};

inline std::span<const Member> Elem::members() const {
    return type == Type::Object ? std::span<const Member>(u_.members, size_)
                                : std::span<const Member>();
}

// Owns the Elems and unescaped strings of one parsed document.
class Doc {
  public:
    Doc() = default;
    Doc(Doc&&) noexcept = default;
    Doc& operator=(Doc&&) noexcept = default;
    const Elem& root() const { return root_; }

  private:
    friend class DocBuilder;
    Elem root_;
    std::vector<std::unique_ptr<std::byte[]>> blocks_;
    size_t block_used_ = 0, block_size_ = 0;
};

// Parses one JSON document into `out` (same syntax and errors as the Node parse).
bool parse(std::string_view text, FileId file, Doc& out, ParseError& error,
           const ParseOptions& opts = {});

// Streaming interface: the parser calls these in document order. Returning false
// from a callback stops the parse (parse_events then returns false with the error
// message "stopped").
class Handler {
  public:
    virtual ~Handler() = default;
    virtual bool null_value(SourceLoc loc) = 0;
    virtual bool bool_value(bool b, SourceLoc loc) = 0;
    virtual bool number_value(double n, SourceLoc loc) = 0;
    virtual bool string_value(std::string_view s, SourceLoc loc) = 0;
    virtual bool begin_array(SourceLoc loc) = 0;
    virtual bool end_array() = 0;
    virtual bool begin_object(SourceLoc loc) = 0;
    virtual bool key(std::string_view k, SourceLoc loc) = 0;
    virtual bool end_object() = 0;
};
bool parse_events(std::string_view text, FileId file, Handler& handler, ParseError& error,
                  const ParseOptions& opts = {});

// Appends `s` as a quoted JSON string (escapes control characters, `"` and `\`;
// invalid UTF-8 becomes U+FFFD).
void append_quoted(std::string& out, std::string_view s);
// Shortest text that reads back as the same double; integers print without ".0".
void append_number(std::string& out, double n);

// A streaming writer producing indented JSON with members in the order written.
class Writer {
  public:
    explicit Writer(int indent = 2) : indent_(indent) {}
    Writer& begin_object();
    Writer& end_object();
    Writer& begin_array();
    Writer& end_array();
    Writer& key(std::string_view k);
    Writer& value(std::string_view s);
    Writer& value(const char* s) { return value(std::string_view(s)); }
    Writer& value(double n);
    Writer& value(int64_t n) { return value(static_cast<double>(n)); }
    Writer& value(bool b);
    Writer& null();
    // Inserts already-serialized JSON as the next value.
    Writer& raw(std::string_view json);
    const std::string& str() const { return out_; }

  private:
    void before_value();
    std::string out_;
    int indent_;
    std::vector<bool> first_; // per open container: no member written yet
    bool after_key_ = false;
};

} // namespace tenet::json
