#include "cfn_node.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <new>

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#define TENET_CFN_MMAP 1
#else
#define TENET_CFN_MMAP 0
#endif

namespace tenet::cfn {

double Node::number() const {
    double v = 0;
    if (kind == NodeKind::Number && data) std::memcpy(&v, data - sizeof v, sizeof v);
    return v;
}

Pages::Pages(size_t bytes) : bytes_(bytes) {
#if TENET_CFN_MMAP
    data_ = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data_ == MAP_FAILED) {
        data_ = nullptr;
        throw std::bad_alloc();
    }
#else
    data_ = ::operator new(bytes);
#endif
}

void Pages::reset() {
    if (!data_) return;
#if TENET_CFN_MMAP
    munmap(data_, bytes_);
#else
    ::operator delete(data_);
#endif
    data_ = nullptr;
    bytes_ = 0;
}

NodeList Document::items(const Node& n) const {
    if (n.kind != NodeKind::Sequence || n.count == 0) return {};
    return {this, item_pool_.at(n.first), n.count};
}

MemberList Document::members(const Node& n) const {
    if (n.kind != NodeKind::Mapping || n.count == 0) return {};
    return {this, member_pool_.at(n.first), n.count};
}

const MemberSlot* Document::find(const Node& n, std::string_view key) const {
    if (n.kind != NodeKind::Mapping || n.count == 0) return nullptr;
    const MemberSlot* found = nullptr;
    for (const MemberSlot *s = member_pool_.at(n.first), *e = s + n.count; s != e; ++s)
        if (s->key_size == key.size() && std::string_view(s->key, s->key_size) == key) found = s;
    return found;
}

Member Document::member(const Node& n, std::string_view key) const {
    const MemberSlot* found = find(n, key);
    return found ? member_of(*this, *found) : Member{};
}

const Node* Document::get(const Node& n, std::string_view key) const {
    const MemberSlot* found = find(n, key);
    return found ? &node(found->value) : nullptr;
}

NodeId Document::new_node() {
    if ((nodes_ & kChunkMask) == 0) node_chunks_.emplace_back((kChunkMask + 1) * sizeof(Node));
    NodeId id = nodes_++;
    new (&at(id)) Node();
    return id;
}

std::string_view Document::save(std::string_view text) {
    if (text.empty()) return {};
    if (chunks_.empty() || chunk_used_ + text.size() > chunk_size_) {
        chunk_size_ = std::max<size_t>(64 * 1024, text.size());
        chunks_.push_back(std::make_unique<char[]>(chunk_size_));
        chunk_used_ = 0;
    }
    char* dst = chunks_.back().get() + chunk_used_;
    std::memcpy(dst, text.data(), text.size());
    chunk_used_ += text.size();
    return {dst, text.size()};
}

const char* Document::save_number(double value, std::string_view text) {
    std::string block(sizeof value + text.size(), '\0');
    std::memcpy(block.data(), &value, sizeof value);
    std::memcpy(block.data() + sizeof value, text.data(), text.size());
    return save(block).data() + sizeof value;
}

bool Document::add_tag(std::string_view tag, uint16_t& id) {
    id = 0;
    if (tag.empty()) return true;
    for (size_t i = 1; i < tags_.size(); ++i)
        if (tags_[i] == tag) {
            id = static_cast<uint16_t>(i);
            return true;
        }
    if (tags_.size() > UINT16_MAX) return false;
    tags_.push_back(save(tag));
    id = static_cast<uint16_t>(tags_.size() - 1);
    return true;
}

uint32_t Document::add_items(std::span<const NodeId> items, NodeId owner) {
    return item_pool_.add(items, owner);
}

uint32_t Document::add_members(std::span<const MemberSlot> members, NodeId owner) {
    return member_pool_.add(members, owner);
}

NodeId Document::subtree_end(NodeId id) const {
    while (true) {
        const Node& n = node(id);
        if (n.is_scalar() || n.count == 0) return id + 1;
        NodeId last = id;
        if (n.is(NodeKind::Sequence))
            for (NodeId c : std::span(item_pool_.at(n.first), n.count)) last = std::max(last, c);
        else
            for (const MemberSlot& m : std::span(member_pool_.at(n.first), n.count))
                last = std::max(last, m.value);
        id = last;
    }
}

void Document::release(NodeId from, NodeId to) {
    for (; nodes_released_ < node_chunks_.size(); ++nodes_released_) {
        auto begin = static_cast<NodeId>(nodes_released_ << kChunkBits);
        if (begin + kChunkMask >= to) break; // its last node is not released yet
        if (begin >= from) node_chunks_[nodes_released_].reset();
    }
    item_pool_.release(from, to);
    member_pool_.release(from, to);
}

void ChildStack::add_member(Open& o, std::string_view key, SourceLoc key_loc, NodeId value,
                            uint64_t weight, std::vector<ReadError>& problems) {
    constexpr size_t kIndexFrom = 16; // below this, a linear scan is cheaper than hashing
    MemberSlot m{key.data(), static_cast<uint32_t>(key.size()), key_loc.line, key_loc.column,
                 value};
    size_t count = members_.size() - o.from;
    size_t found = SIZE_MAX;
    if (o.index) {
        auto it = o.index->find(key);
        if (it != o.index->end()) found = it->second;
    } else {
        for (size_t i = o.from; i < members_.size(); ++i)
            if (std::string_view(members_[i].key, members_[i].key_size) == key) found = i;
    }
    if (found != SIZE_MAX) {
        problems.push_back(
            {key_loc, "duplicate key `" + std::string(key) + "` (the last one is used)"});
        members_[found] = m;
        if (weighted_) member_weights_[found] = weight;
        return;
    }
    members_.push_back(m);
    if (weighted_) member_weights_.push_back(weight);
    if (o.index) {
        o.index->emplace(key, members_.size() - 1);
    } else if (count + 1 >= kIndexFrom) {
        o.index = std::make_unique<std::unordered_map<std::string_view, size_t>>();
        for (size_t i = o.from; i < members_.size(); ++i)
            o.index->emplace(std::string_view(members_[i].key, members_[i].key_size), i);
    }
}

namespace {
uint64_t saturating_add(uint64_t a, uint64_t b) {
    return a + b < a ? UINT64_MAX : a + b;
}
} // namespace

uint64_t ChildStack::close(Document& doc, NodeId id, const Open& o) {
    Node& n = doc.at(id);
    uint64_t weight = 1;
    if (n.is(NodeKind::Sequence)) {
        std::span<const NodeId> kids(items_.data() + o.from, items_.size() - o.from);
        n.first = doc.add_items(kids, id);
        n.count = static_cast<uint32_t>(kids.size());
        items_.resize(o.from);
        if (weighted_) {
            for (size_t i = o.from; i < item_weights_.size(); ++i)
                weight = saturating_add(weight, item_weights_[i]);
            item_weights_.resize(o.from);
        }
    } else {
        std::span<const MemberSlot> kids(members_.data() + o.from, members_.size() - o.from);
        n.first = doc.add_members(kids, id);
        n.count = static_cast<uint32_t>(kids.size());
        members_.resize(o.from);
        if (weighted_) {
            for (size_t i = o.from; i < member_weights_.size(); ++i)
                weight = saturating_add(weight, member_weights_[i]);
            member_weights_.resize(o.from);
        }
    }
    return weight;
}

namespace {

bool all_of(std::string_view s, bool (*pred)(char)) {
    if (s.empty()) return false;
    for (char c : s)
        if (!pred(c)) return false;
    return true;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_octal(char c) {
    return c >= '0' && c <= '7';
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?  (the core schema's float, which
// includes its integers)
bool is_decimal_number(std::string_view s) {
    size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t int_digits = 0, frac_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
    }
    if (int_digits == 0 && frac_digits == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
        size_t exp_digits = 0;
        while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
        if (exp_digits == 0) return false;
    }
    return i == s.size();
}

bool has_leading_zero(std::string_view s) {
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
    return s.size() > 1 && s[0] == '0' && is_digit(s[1]);
}

} // namespace

void resolve_plain_scalar(Node& n, std::string_view text, double& number) {
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
        n.kind = NodeKind::Null;
        return;
    }
    if (text == "true" || text == "True" || text == "TRUE" || text == "false" || text == "False" ||
        text == "FALSE") {
        n.kind = NodeKind::Bool;
        n.boolean = text[0] == 't' || text[0] == 'T';
        return;
    }
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) {
        std::string_view digits = text.substr(2);
        bool hex = text[1] == 'x';
        if (all_of(digits, hex ? is_hex : is_octal) && digits.size() <= 15) {
            uint64_t v = 0;
            std::from_chars(digits.data(), digits.data() + digits.size(), v, hex ? 16 : 8);
            n.kind = NodeKind::Number;
            number = static_cast<double>(v);
            return;
        }
    }
    if (is_decimal_number(text) && !has_leading_zero(text)) {
        std::string_view s = text[0] == '+' ? text.substr(1) : text;
        double v = 0;
        auto res = std::from_chars(s.data(), s.data() + s.size(), v);
        if (res.ec == std::errc() && res.ptr == s.data() + s.size()) {
            n.kind = NodeKind::Number;
            number = v;
            return;
        }
    }
    n.kind = NodeKind::String;
}

} // namespace tenet::cfn
