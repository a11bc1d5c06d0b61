// The positioned document both template syntaxes are read into: YAML (libyaml events)
// and JSON (the common JSON reader) become the same tree of Nodes, each with the
// line and column where it starts. Intrinsic evaluation works on this tree only.
//
// Nodes live in a Document and refer to their children by index; a YAML alias refers
// to the anchored node (the tree is a DAG), and the readers count each subtree's
// expanded size so that alias bombs are refused before anything walks them.
#pragma once

#include "tenet/common/source.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tenet::cfn {

enum class NodeKind : uint8_t { Null, Bool, Number, String, Sequence, Mapping };

// A node's index in its Document.
using NodeId = uint32_t;

// 24 bytes: a template has a node per value, and the whole tree stays alive while its
// intrinsics are evaluated. The file is the Document's (Document::loc), the tag an index
// into its tags, the text a view (of the template's text, or of the Document's storage
// for what had to be unescaped or rewritten).
struct Node {
    NodeKind kind = NodeKind::Null;
    bool boolean = false;
    uint16_t tag = 0; // Document::tag(); 0: none (JSON, untagged YAML)
    uint32_t line = 0;
    uint32_t column = 0;
    uint32_t size = 0; // scalars: the text's length
    union {
        // Scalars: the text as written (numbers keep "1.10", booleans "true"); strings
        // unescaped. A Number's text is in the Document's storage, after its double.
        const char* data = nullptr;
        struct { // Sequence, Mapping: the children, a slice of the document's pool
            uint32_t first;
            uint32_t count;
        };
    };

    bool is(NodeKind k) const { return kind == k; }
    bool is_scalar() const { return kind != NodeKind::Sequence && kind != NodeKind::Mapping; }
    bool tagged() const { return tag != 0; }
    std::string_view text() const {
        return is_scalar() && data ? std::string_view(data, size) : std::string_view();
    }
    double number() const; // Number nodes
};
static_assert(sizeof(Node) == 24, "a template has a node per value: keep Node in 24 bytes");

// A mapping entry as the document keeps it (24 bytes).
struct MemberSlot {
    const char* key;
    uint32_t key_size;
    uint32_t key_line;
    uint32_t key_column;
    NodeId value;
};

// A mapping entry as callers see it.
struct Member {
    std::string_view key;
    SourceLoc key_loc;
    const Node* value = nullptr;
    NodeId value_id = 0;
};

// Limits for hostile input: nesting depth and the expanded size of aliases.
struct ReadLimits {
    uint32_t max_depth = 256;
    uint64_t max_expanded_nodes = 2'000'000; // plus 8 per node actually written
};

struct ReadError {
    SourceLoc loc;
    std::string message;
};

class Document;

// Memory for the document's chunks, straight from the system where it can be (mmap):
// a released chunk's pages go back at once, instead of staying with the allocator as
// holes that the model's allocations, made meanwhile, fit badly.
class Pages {
  public:
    Pages() = default;
    explicit Pages(size_t bytes);
    Pages(Pages&& o) noexcept
        : data_(std::exchange(o.data_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
    Pages& operator=(Pages&& o) noexcept {
        if (this != &o) {
            reset();
            data_ = std::exchange(o.data_, nullptr);
            bytes_ = std::exchange(o.bytes_, 0);
        }
        return *this;
    }
    Pages(const Pages&) = delete;
    Pages& operator=(const Pages&) = delete;
    ~Pages() { reset(); }
    void* data() const { return data_; }
    void reset();

  private:
    void* data_ = nullptr;
    size_t bytes_ = 0;
};

// The children's slices of one kind, in chunks: a slice never straddles two chunks, so
// that a chunk can be given back once every container whose children it holds (its
// owners) is released. A slice's start is its chunk (high bits) and offset (low bits).
template <class T> class SlicePool {
  public:
    static constexpr uint32_t kBits = 12;
    static constexpr uint32_t kChunk = 1u << kBits;

    uint32_t add(std::span<const T> slice, NodeId owner) {
        if (slice.empty()) return 0;
        if (chunks_.empty() || used_ + slice.size() > chunks_.back().capacity) {
            size_t capacity = std::max<size_t>(kChunk, slice.size());
            // The pages a chunk does not fill are never touched.
            chunks_.push_back(Chunk{Pages(capacity * sizeof(T)), capacity, owner, owner});
            used_ = 0;
        }
        Chunk& c = chunks_.back();
        std::memcpy(static_cast<T*>(c.data.data()) + used_, slice.data(), slice.size_bytes());
        c.min_owner = std::min(c.min_owner, owner);
        c.max_owner = std::max(c.max_owner, owner);
        auto first = static_cast<uint32_t>(((chunks_.size() - 1) << kBits) | used_);
        used_ += slice.size();
        return first;
    }
    const T* at(uint32_t first) const {
        return static_cast<const T*>(chunks_[first >> kBits].data.data()) + (first & (kChunk - 1));
    }
    // Frees the chunks whose owners all lie in [from, to); `to` grows from call to call.
    void release(NodeId from, NodeId to) {
        for (; released_ < chunks_.size(); ++released_) {
            Chunk& c = chunks_[released_];
            if (c.max_owner >= to) return; // not yet
            if (c.min_owner >= from) c.data.reset();
        }
    }

  private:
    struct Chunk {
        Pages data;
        size_t capacity;
        NodeId min_owner, max_owner;
    };
    std::vector<Chunk> chunks_;
    size_t used_ = 0;
    size_t released_ = 0;
};

const Node& node_of(const Document& doc, const NodeId& id);
Member member_of(const Document& doc, const MemberSlot& slot);

// A slice of one of the document's child pools, each slot seen as an Item (made on the
// fly by `View`): the items of a sequence as `const Node*`, the entries of a mapping as
// Members.
template <class Slot, class Item, Item (*View)(const Document&, const Slot&)> class Children {
  public:
    class iterator {
      public:
        using iterator_category = std::input_iterator_tag;
        using value_type = Item;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = Item;
        iterator(const Document* doc, const Slot* at) : doc_(doc), at_(at) {}
        Item operator*() const { return View(*doc_, *at_); }
        iterator& operator++() {
            ++at_;
            return *this;
        }
        bool operator==(const iterator& o) const { return at_ == o.at_; }

      private:
        const Document* doc_;
        const Slot* at_;
    };
    Children() = default;
    Children(const Document* doc, const Slot* begin, size_t size)
        : doc_(doc), begin_(begin), size_(size) {}
    iterator begin() const { return {doc_, begin_}; }
    iterator end() const { return {doc_, begin_ + size_}; }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    Item operator[](size_t i) const { return View(*doc_, begin_[i]); }

  private:
    const Document* doc_ = nullptr;
    const Slot* begin_ = nullptr;
    size_t size_ = 0;
};

inline const Node* node_ptr_of(const Document& doc, const NodeId& id) {
    return &node_of(doc, id);
}
using NodeList = Children<NodeId, const Node*, &node_ptr_of>;
using MemberList = Children<MemberSlot, Member, &member_of>;

class Document {
  public:
    FileId file = 0;
    const Node* root = nullptr;
    std::vector<ReadError> problems; // not fatal: duplicate keys (the last one wins)

    SourceLoc loc(const Node& n) const { return {file, n.line, n.column}; }
    // The node's YAML local tag as written ("!Ref", "!GetAtt"); empty when it has none.
    std::string_view tag(const Node& n) const { return tags_[n.tag]; }
    NodeList items(const Node& n) const;
    MemberList members(const Node& n) const;
    // The member's value (the last one when a key repeats); nullptr when absent or `n` is no
    // mapping.
    const Node* get(const Node& n, std::string_view key) const;
    // The member named `key`; its value is nullptr when absent or `n` is no mapping.
    Member member(const Node& n, std::string_view key) const;
    const Node& node(NodeId id) const {
        return static_cast<const Node*>(node_chunks_[id >> kChunkBits].data())[id & kChunkMask];
    }

    // ---- building (used by the readers)
    NodeId new_node();
    Node& at(NodeId id) {
        return static_cast<Node*>(node_chunks_[id >> kChunkBits].data())[id & kChunkMask];
    }
    std::string_view save(std::string_view text); // copies into the document's storage
    // Stores a number with its text; returns the text's copy (Node::data of a Number).
    const char* save_number(double value, std::string_view text);
    // The index of tag `tag` for Node::tag; false when the document has too many distinct tags.
    bool add_tag(std::string_view tag, uint16_t& id);
    // Appends children contiguously and returns the slice start.
    uint32_t add_items(std::span<const NodeId> items, NodeId owner);
    uint32_t add_members(std::span<const MemberSlot> members, NodeId owner);
    // The end of the ids of `id`'s subtree (nodes are numbered in document order, a
    // container before its children). Not for documents with aliases.
    NodeId subtree_end(NodeId id) const;
    // Frees the nodes with ids in [from, to) and their children's slices, as far as whole
    // chunks allow; nothing may look at them afterwards. Calls grow `to` with the same
    // `from`. Only for documents without aliases (an alias may share a released node).
    void release(NodeId from, NodeId to);
    bool has_aliases = false;

  private:
    // The last slot of mapping `n` with key `key`, or nullptr.
    const MemberSlot* find(const Node& n, std::string_view key) const;
    static constexpr uint32_t kChunkBits = 12;
    static constexpr uint32_t kChunkMask = (1u << kChunkBits) - 1;
    // Nodes in chunks (stable addresses, one allocation per 4096 nodes).
    std::vector<Pages> node_chunks_;
    uint32_t nodes_ = 0;
    size_t nodes_released_ = 0; // chunks
    SlicePool<NodeId> item_pool_;
    SlicePool<MemberSlot> member_pool_;
    std::vector<std::string_view> tags_{std::string_view()};
    std::vector<std::unique_ptr<char[]>> chunks_;
    size_t chunk_used_ = 0;
    size_t chunk_size_ = 0;
};

inline const Node& node_of(const Document& doc, const NodeId& id) {
    return doc.node(id);
}

inline Member member_of(const Document& doc, const MemberSlot& s) {
    return Member{std::string_view(s.key, s.key_size),
                  SourceLoc{doc.file, s.key_line, s.key_column}, &doc.node(s.value), s.value};
}

// The children of the containers being read, on one stack shared by every open
// container (no allocation per container); when a container closes, its children move
// into the document's pool. A repeated mapping key replaces the earlier value (where it
// stood) and is reported as a problem. Each child's weight (the nodes of its expanded
// subtree, aliases counted at full size) is kept beside it so that alias bombs are
// refused before anything walks them.
class ChildStack {
  public:
    struct Open {
        size_t from = 0; // where the container's children start on the stack
        std::unique_ptr<std::unordered_map<std::string_view, size_t>> index; // large mappings only
    };
    // Without `weighted` (JSON: no aliases), weights are neither kept nor summed.
    explicit ChildStack(bool weighted) : weighted_(weighted) {}
    Open open_sequence() const { return Open{items_.size(), nullptr}; }
    Open open_mapping() const { return Open{members_.size(), nullptr}; }
    void add_item(NodeId n, uint64_t weight) {
        items_.push_back(n);
        if (weighted_) item_weights_.push_back(weight);
    }
    void add_member(Open& o, std::string_view key, SourceLoc key_loc, NodeId value, uint64_t weight,
                    std::vector<ReadError>& problems);
    // Moves the children into `doc`, sets the slice of node `id`; returns its weight.
    uint64_t close(Document& doc, NodeId id, const Open& o);

  private:
    bool weighted_;
    std::vector<NodeId> items_;
    std::vector<uint64_t> item_weights_;
    std::vector<MemberSlot> members_;
    std::vector<uint64_t> member_weights_;
};

// YAML 1.2 core-schema resolution of an untagged plain scalar into `n` (null, bool,
// number or string). Decimal integers with a leading zero ("0123", account ids, octal
// in YAML 1.1) stay strings so no digits are lost.
// Sets n.kind (and n.boolean); a number's value goes to `number`.
void resolve_plain_scalar(Node& n, std::string_view text, double& number);

// Reads a template; on a syntax error returns false with the error located. Both
// readers stamp `file` into every location.
// The Document views `text` (strings and keys that needed no unescaping): keep the text
// alive as long as the Document.
bool read_yaml(std::string_view text, FileId file, Document& doc, ReadError& error,
               const ReadLimits& limits = {});
bool read_json(std::string_view text, FileId file, Document& doc, ReadError& error,
               const ReadLimits& limits = {});

} // namespace tenet::cfn
