// YAML templates through libyaml's event parser: every node gets the line and column
// of its first character. Anchors and aliases are honoured (an alias shares the
// anchored node) with a cap on their expanded size; nesting depth is capped too.
#include "cfn_node.h"

#include <string>
#include <unordered_map>
#include <yaml.h>

namespace tenet::cfn {

namespace {

// libyaml counts columns in characters; SourceLoc counts bytes.
class Positions {
  public:
    Positions(std::string_view text, FileId file) : text_(text), file_(file) {
        starts_.push_back(0);
        unsigned char high = 0;
        for (size_t i = 0; i < text.size(); ++i) {
            high |= static_cast<unsigned char>(text[i]);
            if (text[i] == '\n') starts_.push_back(i + 1);
        }
        ascii_ = high < 0x80;
    }
    SourceLoc at(const yaml_mark_t& m) const {
        SourceLoc loc{file_, static_cast<uint32_t>(m.line + 1),
                      static_cast<uint32_t>(m.column + 1)};
        if (ascii_ || m.line >= starts_.size()) return loc;
        size_t pos = starts_[m.line], chars = 0;
        while (chars < m.column && pos < text_.size() && text_[pos] != '\n') {
            ++pos;
            while (pos < text_.size() && (static_cast<unsigned char>(text_[pos]) & 0xC0) == 0x80)
                ++pos;
            ++chars;
        }
        loc.column = static_cast<uint32_t>(pos - starts_[m.line] + 1);
        return loc;
    }

  private:
    std::string_view text_;
    FileId file_;
    std::vector<size_t> starts_;
    bool ascii_ = true; // then characters are bytes
};

constexpr std::string_view kCoreTag = "tag:yaml.org,2002:";

uint64_t saturating_add(uint64_t a, uint64_t b) {
    return a + b < a ? UINT64_MAX : a + b;
}

class TreeBuilder {
  public:
    TreeBuilder(Document& doc, const Positions& pos, const ReadLimits& limits, ReadError& error)
        : doc_(doc), pos_(pos), limits_(limits), error_(error) {}

    // Returns false (with error_ set) to stop.
    bool on(const yaml_event_t& e) {
        switch (e.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++documents_ > 1)
                return fail(e.start_mark, "a template is one YAML document; found a second `---`");
            return true;
        case YAML_SCALAR_EVENT:
            return scalar(e);
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            return open(e);
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            return close(e);
        case YAML_ALIAS_EVENT:
            return alias(e);
        default:
            return true;
        }
    }

  private:
    struct Frame {
        Node* node;
        std::string anchor;
        ChildStack::Open children;
        bool have_key = false;
        std::string_view key;
        SourceLoc key_loc;
    };

    bool fail(const yaml_mark_t& m, std::string message) {
        error_.loc = pos_.at(m);
        error_.message = std::move(message);
        return false;
    }

    static std::string_view str(const yaml_char_t* s) {
        return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
    }

    bool scalar(const yaml_event_t& e) {
        auto& s = e.data.scalar;
        std::string_view text = doc_.save({reinterpret_cast<const char*>(s.value), s.length});
        if (!stack_.empty() && stack_.back().node->is(NodeKind::Mapping) &&
            !stack_.back().have_key && !s.anchor) {
            // A mapping key needs no node of its own: its text and position are enough.
            Frame& parent = stack_.back();
            parent.have_key = true;
            parent.key = text;
            parent.key_loc = pos_.at(e.start_mark);
            return true;
        }
        Node& n = doc_.new_node();
        n.loc = pos_.at(e.start_mark);
        std::string_view tag = str(s.tag);
        if (tag.empty() && s.style == YAML_PLAIN_SCALAR_STYLE) {
            resolve_plain_scalar(n, text);
        } else if (tag.starts_with(kCoreTag)) {
            std::string_view t = tag.substr(kCoreTag.size());
            resolve_plain_scalar(n, text);
            bool ok = (t == "str") || (t == "null" && n.is(NodeKind::Null)) ||
                      (t == "bool" && n.is(NodeKind::Bool)) ||
                      ((t == "int" || t == "float") && n.is(NodeKind::Number));
            if (t == "str") n.kind = NodeKind::String;
            if (!ok)
                return fail(e.start_mark,
                            "`" + std::string(text) + "` is not a valid !!" + std::string(t));
        } else {
            n.kind = NodeKind::String;
            n.text = text;
            if (tag != "!") n.tag = doc_.save(tag);
        }
        return attach(n, str(s.anchor), e.start_mark);
    }

    bool open(const yaml_event_t& e) {
        if (stack_.size() >= limits_.max_depth)
            return fail(e.start_mark,
                        "nesting is deeper than " + std::to_string(limits_.max_depth) + " levels");
        bool seq = e.type == YAML_SEQUENCE_START_EVENT;
        Node& n = doc_.new_node();
        n.kind = seq ? NodeKind::Sequence : NodeKind::Mapping;
        n.loc = pos_.at(e.start_mark);
        std::string_view tag = seq ? str(e.data.sequence_start.tag) : str(e.data.mapping_start.tag);
        std::string_view anchor =
            seq ? str(e.data.sequence_start.anchor) : str(e.data.mapping_start.anchor);
        if (!tag.empty() && !tag.starts_with(kCoreTag) && tag != "!") n.tag = doc_.save(tag);
        if (!stack_.empty() && stack_.back().node->is(NodeKind::Mapping) && !stack_.back().have_key)
            return fail(e.start_mark, "a mapping key must be plain text, not a list or mapping");
        stack_.push_back(Frame{&n,
                               std::string(anchor),
                               seq ? kids_.open_sequence() : kids_.open_mapping(),
                               false,
                               {},
                               {}});
        return true;
    }

    bool close(const yaml_event_t& e) {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        Node& n = *f.node;
        kids_.close(doc_, n, f.children);
        return attach(n, f.anchor, e.start_mark);
    }

    bool alias(const yaml_event_t& e) {
        std::string name(str(e.data.alias.anchor));
        auto it = anchors_.find(name);
        if (it == anchors_.end())
            return fail(e.start_mark, "alias *" + name + " names no anchor defined before it");
        expanded_ = saturating_add(expanded_, it->second->weight);
        if (expanded_ > limits_.max_expanded_nodes)
            return fail(e.start_mark, "aliases expand to more than " +
                                          std::to_string(limits_.max_expanded_nodes) +
                                          " nodes (an alias bomb?)");
        return attach(*it->second, {}, e.start_mark);
    }

    // Places a finished node into its parent (as key or value) or as the root.
    bool attach(const Node& n, std::string_view anchor, const yaml_mark_t& mark) {
        if (!anchor.empty()) anchors_[std::string(anchor)] = &n;
        if (stack_.empty()) {
            if (!doc_.root) doc_.root = &n;
            return true;
        }
        Frame& parent = stack_.back();
        if (parent.node->is(NodeKind::Sequence)) {
            kids_.add_item(&n);
            return true;
        }
        if (!parent.have_key) {
            if (!n.is_scalar())
                return fail(mark, "a mapping key must be plain text, not a list or mapping");
            parent.have_key = true;
            parent.key = n.text;
            parent.key_loc = n.loc;
            return true;
        }
        kids_.add_member(parent.children, Member{parent.key, parent.key_loc, &n}, doc_.problems);
        parent.have_key = false;
        return true;
    }

    Document& doc_;
    const Positions& pos_;
    const ReadLimits& limits_;
    ReadError& error_;
    std::vector<Frame> stack_;
    ChildStack kids_;
    std::unordered_map<std::string, const Node*> anchors_;
    uint64_t expanded_ = 0;
    int documents_ = 0;
};

} // namespace

bool read_yaml(std::string_view text, FileId file, Document& doc, ReadError& error,
               const ReadLimits& limits) {
    doc.file = file;
    Positions pos(text, file);
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        error = {SourceLoc{file, 1, 1}, "out of memory starting the YAML parser"};
        return false;
    }
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    TreeBuilder builder(doc, pos, limits, error);
    bool ok = true;
    while (true) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            std::string message = parser.problem ? parser.problem : "invalid YAML";
            if (parser.context) message = std::string(parser.context) + ": " + message;
            error = {pos.at(parser.problem_mark), "YAML: " + message};
            ok = false;
            break;
        }
        bool done = event.type == YAML_STREAM_END_EVENT;
        bool go = builder.on(event);
        yaml_event_delete(&event);
        if (!go) {
            ok = false;
            break;
        }
        if (done) break;
    }
    yaml_parser_delete(&parser);
    doc.compact();
    if (ok && !doc.root) {
        error = {SourceLoc{file, 1, 1}, "the template is empty"};
        return false;
    }
    return ok;
}

} // namespace tenet::cfn
