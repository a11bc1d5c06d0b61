// The positioned document both template syntaxes are read into: YAML (libyaml events)
// and JSON (the common JSON reader) become the same tree of Nodes, each with the
// line and column where it starts. Intrinsic evaluation works on this tree only.
//
// Nodes live in a Document and point at each other; a YAML alias points at the
// anchored node (the tree is a DAG), and `weight` counts a node's expanded size so
// that alias bombs are refused before anything walks them.
#pragma once

#include "tenet/common/source.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tenet::cfn {

enum class NodeKind : uint8_t { Null, Bool, Number, String, Sequence, Mapping };

struct Node;

struct Member {
    std::string_view key;
    SourceLoc key_loc;
    const Node* value;
};

struct Node {
    NodeKind kind = NodeKind::Null;
    bool boolean = false;
    SourceLoc loc;
    // A YAML local tag as written ("!Ref", "!GetAtt"); empty for JSON and untagged YAML.
    std::string_view tag;
    // Scalars: the text as written (numbers keep "1.10", booleans "true"); strings unescaped.
    std::string_view text;
    union {
        double number = 0; // Number
        struct {           // Sequence, Mapping: the children, a slice of the document's pool
            uint32_t first;
            uint32_t count;
        };
    };
    uint64_t weight = 1; // nodes in the expanded subtree (aliases counted at full size)

    bool is(NodeKind k) const { return kind == k; }
    bool is_scalar() const { return kind != NodeKind::Sequence && kind != NodeKind::Mapping; }
};
static_assert(sizeof(Node) <= 64, "a template has a node per value: keep Node in 64 bytes");

// Limits for hostile input: nesting depth and the expanded size of aliases.
struct ReadLimits {
    uint32_t max_depth = 256;
    uint64_t max_expanded_nodes = 2'000'000; // plus 8 per node actually written
};

struct ReadError {
    SourceLoc loc;
    std::string message;
};

class Document {
  public:
    FileId file = 0;
    const Node* root = nullptr;
    std::vector<ReadError> problems; // not fatal: duplicate keys (the last one wins)

    std::span<const Node* const> items(const Node& n) const;
    std::span<const Member> members(const Node& n) const;
    // The member's value (the last one when a key repeats); nullptr when absent or `n` is no
    // mapping.
    const Node* get(const Node& n, std::string_view key) const;
    const Member* member(const Node& n, std::string_view key) const;

    // ---- building (used by the readers)
    Node& new_node();
    std::string_view save(std::string_view text); // copies into the document's storage
    // Appends children contiguously and returns the slice start.
    uint32_t add_items(std::span<const Node* const> items);
    uint32_t add_members(std::span<const Member> members);
    // Gives back the room the child pools grew into but do not use (up to half of them),
    // once the document is read: the document stays alive while the model is built.
    void compact();

  private:
    // Nodes in chunks (stable addresses, one allocation per 4096 nodes).
    std::vector<std::unique_ptr<Node[]>> node_chunks_;
    size_t nodes_in_chunk_ = 0;
    std::vector<const Node*> item_pool_;
    std::vector<Member> member_pool_;
    std::vector<std::unique_ptr<char[]>> chunks_;
    size_t chunk_used_ = 0;
    size_t chunk_size_ = 0;
};

// The children of the containers being read, on one stack shared by every open
// container (no allocation per container); when a container closes, its children move
// into the document's pool. A repeated mapping key replaces the earlier value (where it
// stood) and is reported as a problem.
class ChildStack {
  public:
    struct Open {
        size_t from = 0; // where the container's children start on the stack
        std::unique_ptr<std::unordered_map<std::string_view, size_t>> index; // large mappings only
    };
    Open open_sequence() const { return Open{items_.size(), nullptr}; }
    Open open_mapping() const { return Open{members_.size(), nullptr}; }
    void add_item(const Node* n) { items_.push_back(n); }
    void add_member(Open& o, const Member& m, std::vector<ReadError>& problems);
    // Moves the children into `doc`, sets `n`'s slice and weight.
    void close(Document& doc, Node& n, const Open& o);

  private:
    std::vector<const Node*> items_;
    std::vector<Member> members_;
};

// YAML 1.2 core-schema resolution of an untagged plain scalar into `n` (null, bool,
// number or string). Decimal integers with a leading zero ("0123", account ids, octal
// in YAML 1.1) stay strings so no digits are lost.
void resolve_plain_scalar(Node& n, std::string_view text);

// Reads a template; on a syntax error returns false with the error located. Both
// readers stamp `file` into every location.
// read_json's Document views `text` (its unescaped strings and keys): keep the text alive.
bool read_yaml(std::string_view text, FileId file, Document& doc, ReadError& error,
               const ReadLimits& limits = {});
bool read_json(std::string_view text, FileId file, Document& doc, ReadError& error,
               const ReadLimits& limits = {});

} // namespace tenet::cfn
