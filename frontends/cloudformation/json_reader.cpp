// JSON templates (and cdk.out's *.template.json) through the common JSON reader's
// event interface, straight into the positioned Node tree. Strings and keys without
// escapes are views of the template's text (the SourceManager keeps it for findings);
// only unescaped ones and numbers' texts are copied into the Document.
#include "cfn_node.h"
#include "tenet/common/json.h"

#include <string>

namespace tenet::cfn {

namespace {

class TreeHandler : public json::Handler {
  public:
    TreeHandler(Document& doc, std::string_view text) : doc_(doc), text_(text) {}

    bool null_value(SourceLoc loc) override { return leaf(NodeKind::Null, loc, "null"); }
    bool bool_value(bool b, SourceLoc loc) override {
        NodeId id = make(NodeKind::Bool, loc, b ? "true" : "false");
        doc_.at(id).boolean = b;
        return attach(id);
    }
    bool number_value(double v, SourceLoc loc) override {
        number_text_.clear();
        json::append_number(number_text_, v);
        NodeId id = make(NodeKind::Number, loc, {});
        Node& n = doc_.at(id);
        n.data = doc_.save_number(v, number_text_);
        n.size = static_cast<uint32_t>(number_text_.size());
        return attach(id);
    }
    bool string_value(std::string_view s, SourceLoc loc) override {
        return leaf(NodeKind::String, loc, stable(s));
    }
    bool begin_array(SourceLoc loc) override { return open(NodeKind::Sequence, loc); }
    bool begin_object(SourceLoc loc) override { return open(NodeKind::Mapping, loc); }
    bool key(std::string_view k, SourceLoc loc) override {
        stack_.back().key = stable(k);
        stack_.back().key_loc = loc;
        return true;
    }
    bool end_array() override { return close(); }
    bool end_object() override { return close(); }

  private:
    struct Frame {
        NodeId node;
        bool sequence;
        ChildStack::Open children;
        std::string_view key;
        SourceLoc key_loc;
    };

    // A view of the template's text when `s` lies in it (no escapes), else a copy.
    std::string_view stable(std::string_view s) {
        if (s.data() >= text_.data() && s.data() + s.size() <= text_.data() + text_.size())
            return s;
        return doc_.save(s);
    }

    NodeId make(NodeKind kind, SourceLoc loc, std::string_view text) {
        NodeId id = doc_.new_node();
        Node& n = doc_.at(id);
        n.kind = kind;
        n.line = loc.line;
        n.column = loc.column;
        if (kind != NodeKind::Sequence && kind != NodeKind::Mapping) {
            n.data = text.data();
            n.size = static_cast<uint32_t>(text.size());
        }
        return id;
    }
    bool leaf(NodeKind kind, SourceLoc loc, std::string_view text) {
        return attach(make(kind, loc, text));
    }

    bool open(NodeKind kind, SourceLoc loc) {
        bool seq = kind == NodeKind::Sequence;
        ChildStack::Open children = seq ? kids_.open_sequence() : kids_.open_mapping();
        stack_.push_back(Frame{make(kind, loc, {}), seq, std::move(children), {}, {}});
        return true;
    }

    bool close() {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        kids_.close(doc_, f.node, f.children);
        return attach(f.node);
    }

    // JSON has no aliases: a subtree's expanded size is its written size, which the
    // reader does not need to count.
    bool attach(NodeId n) {
        if (stack_.empty()) {
            doc_.root = &doc_.node(n);
            return true;
        }
        Frame& parent = stack_.back();
        if (parent.sequence) {
            kids_.add_item(n, 1);
            return true;
        }
        kids_.add_member(parent.children, parent.key, parent.key_loc, n, 1, doc_.problems);
        return true;
    }

    Document& doc_;
    std::string_view text_;
    std::string number_text_;
    std::vector<Frame> stack_;
    ChildStack kids_{false};
};

} // namespace

bool read_json(std::string_view text, FileId file, Document& doc, ReadError& error,
               const ReadLimits& limits) {
    doc.file = file;
    TreeHandler handler(doc, text);
    json::ParseError perr;
    json::ParseOptions opts;
    opts.max_depth = limits.max_depth;
    if (!json::parse_events(text, file, handler, perr, opts)) {
        error = {perr.loc, "JSON: " + perr.message};
        return false;
    }
    return true;
}

} // namespace tenet::cfn
