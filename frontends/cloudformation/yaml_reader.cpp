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
    TreeBuilder(std::string_view text, Document& doc, const Positions& pos,
                const ReadLimits& limits, ReadError& error)
        : text_(text), doc_(doc), pos_(pos), limits_(limits), error_(error) {}

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
        NodeId node;
        bool sequence;
        std::string anchor;
        ChildStack::Open children;
        bool have_key = false;
        std::string_view key;
        SourceLoc key_loc;
    };
    struct Anchored {
        NodeId node;
        uint64_t weight;
    };

    bool fail(const yaml_mark_t& m, std::string message) {
        error_.loc = pos_.at(m);
        error_.message = std::move(message);
        return false;
    }

    static std::string_view str(const yaml_char_t* s) {
        return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
    }

    // The scalar's value as a view of the template's text where it is written there as
    // it reads (no escapes, folding or line breaks), else a copy in the document.
    std::string_view stable(const yaml_event_t& e) {
        auto& s = e.data.scalar;
        std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
        size_t from = e.start_mark.index, to = e.end_mark.index;
        if (from <= to && to <= text_.size() && !value.empty()) {
            std::string_view written = text_.substr(from, to - from);
            if (s.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                s.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
                char quote = s.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ? '\'' : '"';
                if (written.size() >= value.size() + 2 && written.back() == quote)
                    written.remove_suffix(1);
                else
                    written = {};
            }
            if (written.ends_with(value)) return written.substr(written.size() - value.size());
        }
        return doc_.save(value);
    }

    bool set_tag(Node& n, std::string_view tag, const yaml_mark_t& mark) {
        if (doc_.add_tag(tag, n.tag)) return true;
        return fail(mark, "more than " + std::to_string(UINT16_MAX) + " distinct tags");
    }

    bool scalar(const yaml_event_t& e) {
        auto& s = e.data.scalar;
        std::string_view text = stable(e);
        if (!stack_.empty() && !stack_.back().sequence && !stack_.back().have_key && !s.anchor) {
            // A mapping key needs no node of its own: its text and position are enough.
            Frame& parent = stack_.back();
            parent.have_key = true;
            parent.key = text;
            parent.key_loc = pos_.at(e.start_mark);
            return true;
        }
        NodeId id = doc_.new_node();
        Node& n = doc_.at(id);
        SourceLoc loc = pos_.at(e.start_mark);
        n.line = loc.line;
        n.column = loc.column;
        n.data = text.data();
        n.size = static_cast<uint32_t>(text.size());
        std::string_view tag = str(s.tag);
        double number = 0;
        if (tag.empty() && s.style == YAML_PLAIN_SCALAR_STYLE) {
            resolve_plain_scalar(n, text, number);
        } else if (tag.starts_with(kCoreTag)) {
            std::string_view t = tag.substr(kCoreTag.size());
            resolve_plain_scalar(n, text, number);
            bool ok = (t == "str") || (t == "null" && n.is(NodeKind::Null)) ||
                      (t == "bool" && n.is(NodeKind::Bool)) ||
                      ((t == "int" || t == "float") && n.is(NodeKind::Number));
            if (t == "str") n.kind = NodeKind::String;
            if (!ok)
                return fail(e.start_mark,
                            "`" + std::string(text) + "` is not a valid !!" + std::string(t));
        } else {
            n.kind = NodeKind::String;
            if (!tag.empty() && tag != "!" && !set_tag(n, tag, e.start_mark)) return false;
        }
        if (n.is(NodeKind::Number)) n.data = doc_.save_number(number, text);
        return attach(id, 1, str(s.anchor), e.start_mark);
    }

    bool open(const yaml_event_t& e) {
        if (stack_.size() >= limits_.max_depth)
            return fail(e.start_mark,
                        "nesting is deeper than " + std::to_string(limits_.max_depth) + " levels");
        bool seq = e.type == YAML_SEQUENCE_START_EVENT;
        NodeId id = doc_.new_node();
        Node& n = doc_.at(id);
        n.kind = seq ? NodeKind::Sequence : NodeKind::Mapping;
        SourceLoc loc = pos_.at(e.start_mark);
        n.line = loc.line;
        n.column = loc.column;
        std::string_view tag = seq ? str(e.data.sequence_start.tag) : str(e.data.mapping_start.tag);
        std::string_view anchor =
            seq ? str(e.data.sequence_start.anchor) : str(e.data.mapping_start.anchor);
        if (!tag.empty() && !tag.starts_with(kCoreTag) && tag != "!" &&
            !set_tag(n, tag, e.start_mark))
            return false;
        if (!stack_.empty() && !stack_.back().sequence && !stack_.back().have_key)
            return fail(e.start_mark, "a mapping key must be plain text, not a list or mapping");
        stack_.push_back(Frame{id,
                               seq,
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
        uint64_t weight = kids_.close(doc_, f.node, f.children);
        return attach(f.node, weight, f.anchor, e.start_mark);
    }

    bool alias(const yaml_event_t& e) {
        std::string name(str(e.data.alias.anchor));
        auto it = anchors_.find(name);
        if (it == anchors_.end())
            return fail(e.start_mark, "alias *" + name + " names no anchor defined before it");
        doc_.has_aliases = true;
        expanded_ = saturating_add(expanded_, it->second.weight);
        if (expanded_ > limits_.max_expanded_nodes)
            return fail(e.start_mark, "aliases expand to more than " +
                                          std::to_string(limits_.max_expanded_nodes) +
                                          " nodes (an alias bomb?)");
        return attach(it->second.node, it->second.weight, {}, e.start_mark);
    }

    // Places a finished node into its parent (as key or value) or as the root.
    bool attach(NodeId id, uint64_t weight, std::string_view anchor, const yaml_mark_t& mark) {
        if (!anchor.empty()) anchors_[std::string(anchor)] = Anchored{id, weight};
        const Node& n = doc_.node(id);
        if (stack_.empty()) {
            if (!doc_.root) doc_.root = &n;
            return true;
        }
        Frame& parent = stack_.back();
        if (parent.sequence) {
            kids_.add_item(id, weight);
            return true;
        }
        if (!parent.have_key) {
            if (!n.is_scalar())
                return fail(mark, "a mapping key must be plain text, not a list or mapping");
            parent.have_key = true;
            parent.key = n.text();
            parent.key_loc = doc_.loc(n);
            return true;
        }
        kids_.add_member(parent.children, parent.key, parent.key_loc, id, weight, doc_.problems);
        parent.have_key = false;
        return true;
    }

    std::string_view text_;
    Document& doc_;
    const Positions& pos_;
    const ReadLimits& limits_;
    ReadError& error_;
    std::vector<Frame> stack_;
    ChildStack kids_{true};
    std::unordered_map<std::string, Anchored> anchors_;
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
    TreeBuilder builder(text, doc, pos, limits, error);
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
    if (ok && !doc.root) {
        error = {SourceLoc{file, 1, 1}, "the template is empty"};
        return false;
    }
    return ok;
}

} // namespace tenet::cfn
