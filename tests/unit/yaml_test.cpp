#include "tenet/common/yaml.h"

#include <catch2/catch.hpp>

using tenet::json::Node;
using tenet::json::ParseError;
using tenet::json::Type;

namespace {

Node parse_ok(const char* text) {
    Node n;
    ParseError e;
    INFO(text);
    REQUIRE(tenet::yaml::parse(text, 1, n, e));
    return n;
}

ParseError parse_err(const char* text, tenet::yaml::ParseOptions opts = {}) {
    Node n;
    ParseError e;
    REQUIRE_FALSE(tenet::yaml::parse(text, 1, n, e, opts));
    return e;
}

} // namespace

TEST_CASE("yaml: core schema scalars") {
    Node n =
        parse_ok("a: 1\nb: 2.5\nc: true\nd: ~\ne: hello\nf: \"1\"\ng: !!str 3\nh: 0x1f\ni: -4e2\n");
    REQUIRE(n.is(Type::Object));
    CHECK(n.get("a")->number == 1);
    CHECK(n.get("b")->number == 2.5);
    CHECK(n.get("c")->boolean);
    CHECK(n.get("d")->is(Type::Null));
    CHECK(n.get("e")->string == "hello");
    CHECK(n.get("f")->is(Type::String));
    CHECK(n.get("g")->string == "3");
    CHECK(n.get("h")->number == 31);
    CHECK(n.get("i")->number == -400);
}

TEST_CASE("yaml: positions of nested nodes") {
    Node n = parse_ok("waivers:\n  - rule: TNT-S3-001\n    reason: public site\n");
    const Node* list = n.get("waivers");
    REQUIRE(list);
    REQUIRE(list->items.size() == 1);
    const Node* reason = list->items[0].get("reason");
    REQUIRE(reason);
    CHECK(reason->loc.line == 3);
    CHECK(reason->loc.column == 13);
    CHECK(list->items[0].key_locs[1].line == 3);
    CHECK(list->items[0].key_locs[1].column == 5);
}

TEST_CASE("yaml: anchors and aliases") {
    Node n = parse_ok("base: &b {x: 1}\nother: *b\n");
    CHECK(n.get("other")->get("x")->number == 1);
    ParseError e = parse_err("a: *nope\n");
    CHECK(e.message.find("names no anchor") != std::string::npos);
}

TEST_CASE("yaml: an alias bomb is an error, not a hang") {
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'k'; ++c)
        bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) + ", *" +
                char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) +
                ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" +
                char(c - 1) + "]\n";
    ParseError e = parse_err(bomb.c_str());
    CHECK(e.message.find("expands to more than") != std::string::npos);
}

TEST_CASE("yaml: malformed input is located") {
    ParseError e = parse_err("a: [1, 2\nb: 3\n");
    CHECK(e.loc.line >= 1);
    CHECK_FALSE(e.message.empty());
    tenet::yaml::ParseOptions shallow;
    shallow.max_depth = 3;
    ParseError d = parse_err("a: [[[[[1]]]]]\n", shallow);
    CHECK(d.message.find("nesting deeper") != std::string::npos);
}

TEST_CASE("yaml: empty document is null") {
    Node n = parse_ok("");
    CHECK(n.is(Type::Null));
    Node only_first = parse_ok("a: 1\n---\nb: 2\n");
    CHECK(only_first.get("a"));
    CHECK_FALSE(only_first.get("b"));
}
