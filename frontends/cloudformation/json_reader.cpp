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
        Node& n = make(NodeKind::Bool, loc, b ? "true" : "false");
        n.boolean = b;
        return attach(n);
    }
    bool number_value(double v, SourceLoc loc) override {
        number_text_.clear();
        json::append_number(number_text_, v);
        Node& n = make(NodeKind::Number, loc, doc_.save(number_text_));
        n.number = v;
        return attach(n);
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
        Node* node;
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

    Node& make(NodeKind kind, SourceLoc loc, std::string_view text) {
        Node& n = doc_.new_node();
        n.kind = kind;
        n.loc = loc;
        n.text = text;
        return n;
    }
    bool leaf(NodeKind kind, SourceLoc loc, std::string_view text) {
        return attach(make(kind, loc, text));
    }

    bool open(NodeKind kind, SourceLoc loc) {
        ChildStack::Open children =
            kind == NodeKind::Sequence ? kids_.open_sequence() : kids_.open_mapping();
        stack_.push_back(Frame{&make(kind, loc, {}), std::move(children), {}, {}});
        return true;
    }

    bool close() {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        Node& n = *f.node;
        kids_.close(doc_, n, f.children);
        return attach(n);
    }

    bool attach(const Node& n) {
        if (stack_.empty()) {
            doc_.root = &n;
            return true;
        }
        Frame& parent = stack_.back();
        if (parent.node->is(NodeKind::Sequence)) {
            kids_.add_item(&n);
            return true;
        }
        kids_.add_member(parent.children, Member{parent.key, parent.key_loc, &n}, doc_.problems);
        return true;
    }

    Document& doc_;
    std::string_view text_;
    std::string number_text_;
    std::vector<Frame> stack_;
    ChildStack kids_;
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
