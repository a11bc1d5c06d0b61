#include "tenet/common/yaml.h"

#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <yaml.h>

namespace tenet::yaml {

namespace {

using json::Node;
using json::Type;

bool is_plain_null(std::string_view s) {
    return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

bool parse_number(std::string_view s, double& out) {
    if (s.empty()) return false;
    if (s == ".inf" || s == "+.inf" || s == ".Inf") {
        out = INFINITY;
        return true;
    }
    if (s == "-.inf" || s == "-.Inf") {
        out = -INFINITY;
        return true;
    }
    std::string_view body = s;
    if (body[0] == '+') body.remove_prefix(1);
    if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o')) {
        uint64_t v = 0;
        auto [p, ec] =
            std::from_chars(body.data() + 2, body.data() + body.size(), v, body[1] == 'x' ? 16 : 8);
        if (ec != std::errc() || p != body.data() + body.size()) return false;
        out = static_cast<double>(v);
        return true;
    }
    // Only what the core schema calls a number: digits, one dot, an exponent.
    for (char c : body)
        if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' ||
              c == '-' || c == '+'))
            return false;
    auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), out);
    return ec == std::errc() && p == body.data() + body.size();
}

// One libyaml event, copied out so the builder can look ahead freely.
struct Event {
    yaml_event_type_t type = YAML_NO_EVENT;
    SourceLoc loc;
    std::string value;  // scalar text
    std::string anchor; // anchor defined here, or the alias's target
    bool plain = false; // plain scalar without a !!str tag
};

bool read_events(std::string_view text, FileId file, std::vector<Event>& events,
                 json::ParseError& error) {
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    auto loc_of = [&](const yaml_mark_t& m) {
        return SourceLoc{file, static_cast<uint32_t>(m.line) + 1,
                         static_cast<uint32_t>(m.column) + 1};
    };
    bool ok = true;
    int documents = 0;
    while (true) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            error.loc = loc_of(parser.problem_mark);
            error.message = parser.problem ? parser.problem : "invalid YAML";
            if (parser.context) error.message = std::string(parser.context) + ": " + error.message;
            ok = false;
            break;
        }
        yaml_event_type_t t = ev.type;
        if (t == YAML_DOCUMENT_START_EVENT) ++documents;
        // Only the first document matters.
        if (documents == 1 && t != YAML_STREAM_START_EVENT && t != YAML_DOCUMENT_START_EVENT &&
            t != YAML_DOCUMENT_END_EVENT && t != YAML_STREAM_END_EVENT) {
            Event e;
            e.type = t;
            e.loc = loc_of(ev.start_mark);
            auto str = [](const yaml_char_t* c) {
                return c ? std::string(reinterpret_cast<const char*>(c)) : std::string();
            };
            if (t == YAML_SCALAR_EVENT) {
                e.value.assign(reinterpret_cast<const char*>(ev.data.scalar.value),
                               ev.data.scalar.length);
                e.anchor = str(ev.data.scalar.anchor);
                std::string tag = str(ev.data.scalar.tag);
                e.plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                          tag != "tag:yaml.org,2002:str";
            } else if (t == YAML_ALIAS_EVENT) {
                e.anchor = str(ev.data.alias.anchor);
            } else if (t == YAML_SEQUENCE_START_EVENT) {
                e.anchor = str(ev.data.sequence_start.anchor);
            } else if (t == YAML_MAPPING_START_EVENT) {
                e.anchor = str(ev.data.mapping_start.anchor);
            }
            events.push_back(std::move(e));
        }
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT || (t == YAML_DOCUMENT_END_EVENT && documents == 1)) break;
    }
    yaml_parser_delete(&parser);
    return ok;
}

class Builder {
  public:
    Builder(const std::vector<Event>& events, json::ParseError& error, const ParseOptions& opts)
        : ev_(events), error_(error), opts_(opts) {}

    bool build(Node& out) {
        if (ev_.empty()) {
            out = Node{};
            return true;
        }
        return node(out, 0);
    }

  private:
    bool fail(SourceLoc loc, std::string message) {
        error_.loc = loc;
        error_.message = std::move(message);
        return false;
    }

    bool count(SourceLoc loc, uint64_t n) {
        nodes_ += n;
        if (nodes_ > opts_.max_nodes)
            return fail(loc, "the document expands to more than " +
                                 std::to_string(opts_.max_nodes) +
                                 " nodes (aliases nested too deeply?)");
        return true;
    }

    static uint64_t size_of(const Node& n) {
        uint64_t s = 1;
        for (auto& i : n.items) s += size_of(i);
        for (auto& m : n.members) s += size_of(m.second);
        return s;
    }

    static std::string key_text(const Node& key) {
        switch (key.type) {
        case Type::String:
            return key.string;
        case Type::Null:
            return "null";
        case Type::Bool:
            return key.boolean ? "true" : "false";
        default: {
            std::string s;
            json::append_number(s, key.number);
            return s;
        }
        }
    }

    bool node(Node& out, uint32_t depth) {
        if (pos_ >= ev_.size())
            return fail(ev_.empty() ? SourceLoc{} : ev_.back().loc,
                        "unexpected end of the document");
        const Event& e = ev_[pos_++];
        out = Node{};
        out.loc = e.loc;
        if (depth > opts_.max_depth)
            return fail(e.loc, "nesting deeper than " + std::to_string(opts_.max_depth));
        if (!count(e.loc, 1)) return false;
        switch (e.type) {
        case YAML_ALIAS_EVENT: {
            auto it = anchors_.find(e.anchor);
            if (it == anchors_.end()) return fail(e.loc, "alias *" + e.anchor + " names no anchor");
            if (!count(e.loc, size_of(*it->second))) return false;
            out = *it->second;
            out.loc = e.loc;
            return true;
        }
        case YAML_SCALAR_EVENT: {
            double n;
            if (e.plain && is_plain_null(e.value)) {
                out.type = Type::Null;
            } else if (e.plain &&
                       (e.value == "true" || e.value == "True" || e.value == "TRUE" ||
                        e.value == "false" || e.value == "False" || e.value == "FALSE")) {
                out.type = Type::Bool;
                out.boolean = e.value[0] == 't' || e.value[0] == 'T';
            } else if (e.plain && parse_number(e.value, n)) {
                out.type = Type::Number;
                out.number = n;
            } else {
                out.type = Type::String;
                out.string = e.value;
            }
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
            out.type = Type::Array;
            while (pos_ < ev_.size() && ev_[pos_].type != YAML_SEQUENCE_END_EVENT) {
                out.items.emplace_back();
                if (!node(out.items.back(), depth + 1)) return false;
            }
            ++pos_;
            break;
        case YAML_MAPPING_START_EVENT:
            out.type = Type::Object;
            while (pos_ < ev_.size() && ev_[pos_].type != YAML_MAPPING_END_EVENT) {
                Node key;
                if (!node(key, depth + 1)) return false;
                if (key.type == Type::Object || key.type == Type::Array)
                    return fail(key.loc, "a mapping key must be a scalar");
                Node value;
                if (!node(value, depth + 1)) return false;
                out.members.push_back({key_text(key), std::move(value)});
                out.key_locs.push_back(key.loc);
            }
            ++pos_;
            break;
        default:
            return fail(e.loc, "unexpected YAML structure");
        }
        if (!e.anchor.empty()) anchors_[e.anchor] = std::make_shared<Node>(out);
        return true;
    }

    const std::vector<Event>& ev_;
    json::ParseError& error_;
    const ParseOptions& opts_;
    size_t pos_ = 0;
    uint64_t nodes_ = 0;
    std::map<std::string, std::shared_ptr<Node>> anchors_;
};

} // namespace

bool parse(std::string_view text, FileId file, json::Node& out, json::ParseError& error,
           const ParseOptions& opts) {
    std::vector<Event> events;
    if (!read_events(text, file, events, error)) return false;
    return Builder(events, error, opts).build(out);
}

} // namespace tenet::yaml
