#include "tenet/common/json.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <random>

using namespace tenet;

namespace {

json::ParseError parse_error(std::string_view text, const json::ParseOptions& opts = {}) {
    json::Node n;
    json::ParseError e;
    REQUIRE_FALSE(json::parse(text, 7, n, e, opts));
    return e;
}

json::Node parse_ok(std::string_view text) {
    json::Node n;
    json::ParseError e;
    INFO(e.message);
    REQUIRE(json::parse(text, 7, n, e));
    return n;
}

// Counts events and stops at the n-th one.
struct StopAfter final : json::Handler {
    int left;
    explicit StopAfter(int n) : left(n) {}
    bool tick() { return --left > 0; }
    bool null_value(SourceLoc) override { return tick(); }
    bool bool_value(bool, SourceLoc) override { return tick(); }
    bool number_value(double, SourceLoc) override { return tick(); }
    bool string_value(std::string_view, SourceLoc) override { return tick(); }
    bool begin_array(SourceLoc) override { return tick(); }
    bool end_array() override { return tick(); }
    bool begin_object(SourceLoc) override { return tick(); }
    bool key(std::string_view, SourceLoc) override { return tick(); }
    bool end_object() override { return tick(); }
};

} // namespace

TEST_CASE("JSON DOM keeps values, member order and positions", "[json]") {
    json::Node n = parse_ok("{\n  \"name\": \"b\",\n  \"tags\": {\"a\": 1, \"a\": 2},\n  \"list\": "
                            "[true, false, null, -1.5e2]\n}");
    REQUIRE(n.is(json::Type::Object));
    REQUIRE(n.members.size() == 3);
    CHECK(n.members[0].first == "name");
    CHECK(n.members[2].first == "list");
    CHECK(n.key_locs[1].line == 3);
    CHECK(n.key_locs[1].column == 3);
    const json::Node* name = n.get("name");
    REQUIRE(name);
    CHECK(name->string == "b");
    CHECK(name->loc.file == 7);
    CHECK(name->loc.line == 2);
    CHECK(name->loc.column == 11);
    CHECK(n.get("tags")->get("a")->number == 2); // the last repeated key
    const json::Node* list = n.get("list");
    REQUIRE(list->items.size() == 4);
    CHECK(list->items[0].boolean);
    CHECK(list->items[2].is(json::Type::Null));
    CHECK(list->items[3].number == -150);
    CHECK(list->items[3].loc.column == 31);
    CHECK(n.get("missing") == nullptr);
    CHECK(list->get("x") == nullptr);
    CHECK(parse_ok("  42  ").number == 42);
    CHECK(parse_ok("\xEF\xBB\xBF\"bom\"").string == "bom");
}

TEST_CASE("JSON errors say what is wrong and exactly where", "[json]") {
    struct Case {
        const char* text;
        uint32_t line, column;
        const char* message;
    };
    const Case cases[] = {
        {"", 1, 1, "empty document"},
        {"{\"a\": 1,}", 1, 8, "trailing comma before `}`"},
        {"[1, 2,\n ]", 1, 6, "trailing comma before `]`"},
        {"[1 2]", 1, 4, "expected `,` or `]` after an array element, found `2`"},
        {"{\n  \"a\": tru\n}", 2, 8, "invalid literal `tru`"},
        {"{\"a\" 1}", 1, 6, "expected `:` after an object key"},
        {"{1: 2}", 1, 2, "expected a string key or `}`"},
        {"{\"a\": 1 \"b\": 2}", 1, 9, "expected `,` or `}` after an object member"},
        {"[\"abc", 1, 2, "unterminated string"},
        {"[\"a\nb\"]", 1, 2, "strings cannot span lines"},
        {"[\"a\tb\"]", 1, 4, "control character in string"},
        {"[\"\\x\"]", 1, 3, "invalid escape `\\x`"},
        {"[\"\\u12g4\"]", 1, 3, "invalid \\u escape"},
        {"[\"\xff\"]", 1, 3, "invalid UTF-8"},
        {"[\"\xc0\xaf\"]", 1, 3, "invalid UTF-8"},
        {"[01]", 1, 2, "leading zeros"},
        {"[1.]", 1, 4, "expected a digit after `.`"},
        {"[1e]", 1, 4, "expected a digit in the exponent"},
        {"[-]", 1, 3, "expected a digit"},
        {"[1e400]", 1, 2, "too large"},
        {"['a']", 1, 2, "double quotes"},
        {"{} x", 1, 4, "unexpected `x` after the JSON value"},
        {"// note\n{}", 1, 1, "comments are not allowed"},
        {"[1,\n\n   ", 3, 4, "expected a value, found end of input"},
        {"[NaN]", 1, 2, "invalid literal `NaN`"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        json::ParseError e = parse_error(c.text);
        CHECK(e.loc.file == 7);
        CHECK(e.loc.line == c.line);
        CHECK(e.loc.column == c.column);
        CHECK_THAT(e.message, Catch::Contains(c.message));
    }
}

TEST_CASE("JSON nesting is capped without recursion", "[json]") {
    json::ParseOptions opts;
    opts.max_depth = 64;
    std::string ok = std::string(64, '[') + std::string(64, ']');
    json::Node n;
    json::ParseError e;
    CHECK(json::parse(ok, 1, n, e, opts));
    std::string deep = std::string(65, '[') + std::string(65, ']');
    e = parse_error(deep, opts);
    CHECK(e.loc.column == 65);
    CHECK_THAT(e.message, Catch::Contains("deeper than 64"));
    // A million open brackets with the default cap: an error, not a stack overflow.
    e = parse_error(std::string(1000000, '['));
    CHECK_THAT(e.message, Catch::Contains("deeper than 512"));
    e = parse_error(std::string(100000, '{'));
    CHECK_THAT(e.message, Catch::Contains("expected a string key"));
}

TEST_CASE("JSON string escapes decode to UTF-8", "[json]") {
    json::Node n = parse_ok(
        R"(["a\"b\\c\/d\b\f\n\r\t", "\u0041\u00e9\u20ac", "\ud83d\ude00", "x\udc00y\ud800", "é😀"])");
    CHECK(n.items[0].string == "a\"b\\c/d\b\f\n\r\t");
    CHECK(n.items[1].string == "A\xC3\xA9\xE2\x82\xAC");
    CHECK(n.items[2].string == "\xF0\x9F\x98\x80");
    CHECK(n.items[3].string == "x\xEF\xBF\xBDy\xEF\xBF\xBD"); // lone surrogates become U+FFFD
    CHECK(n.items[4].string == "\xC3\xA9\xF0\x9F\x98\x80");
    CHECK(parse_ok(R"("\u0000")").string == std::string(1, '\0'));
}

TEST_CASE("JSON numbers print shortest and read back exactly", "[json]") {
    auto text = [](double d) {
        std::string s;
        json::append_number(s, d);
        return s;
    };
    CHECK(text(0) == "0");
    CHECK(text(22) == "22");
    CHECK(text(-3) == "-3");
    CHECK(text(0.1) == "0.1");
    CHECK(text(1.5) == "1.5");
    CHECK(text(1e21) == "1e+21");
    CHECK(text(9007199254740993.0) == "9007199254740992");
    CHECK(text(1.0 / 3) == "0.3333333333333333");
    CHECK(text(std::numeric_limits<double>::infinity()) == "null");
    CHECK(text(std::nan("")) == "null");
    CHECK(parse_ok("1e-400").number == 0);
    CHECK(parse_ok("123456789012345678901234567890").number == 1.2345678901234568e29);

    std::mt19937_64 rng(12345);
    for (int i = 0; i < 20000; ++i) {
        uint64_t bits = rng();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        if (!std::isfinite(d)) continue;
        std::string s = text(d);
        json::Node n = parse_ok(s);
        INFO(s);
        REQUIRE(n.number == d);
    }
}

TEST_CASE("JSON quoting escapes controls and repairs invalid UTF-8", "[json]") {
    std::string out;
    json::append_quoted(out, std::string_view("a\"b\\c\n\x01\xC3\xA9\xFFz", 11));
    CHECK(out == "\"a\\\"b\\\\c\\n\\u0001\xC3\xA9\xEF\xBF\xBDz\"");
    // What append_quoted writes always parses back.
    std::string back;
    json::append_quoted(back, "tab\there \xF0\x9F\x98\x80");
    CHECK(parse_ok(back).string == "tab\there \xF0\x9F\x98\x80");
}

TEST_CASE("JSON writer output is indented and stable", "[json]") {
    json::Writer w;
    w.begin_object();
    w.key("name").value("b");
    w.key("n").value(int64_t{3});
    w.key("ok").value(true);
    w.key("none").null();
    w.key("empty").begin_array().end_array();
    w.key("list")
        .begin_array()
        .value(1.5)
        .begin_object()
        .key("k")
        .value("v")
        .end_object()
        .end_array();
    w.key("raw").raw("{\"x\":1}");
    w.end_object();
    CHECK(w.str() == "{\n"
                     "  \"name\": \"b\",\n"
                     "  \"n\": 3,\n"
                     "  \"ok\": true,\n"
                     "  \"none\": null,\n"
                     "  \"empty\": [],\n"
                     "  \"list\": [\n"
                     "    1.5,\n"
                     "    {\n"
                     "      \"k\": \"v\"\n"
                     "    }\n"
                     "  ],\n"
                     "  \"raw\": {\"x\":1}\n"
                     "}");
    json::Writer compact(0);
    compact.begin_array().value("a").begin_object().key("b").value(false).end_object().end_array();
    CHECK(compact.str() == "[\"a\",{\"b\":false}]");
    parse_ok(w.str());
}

TEST_CASE("JSON event handlers can stop the parse", "[json]") {
    StopAfter h(3);
    json::ParseError e;
    CHECK_FALSE(json::parse_events("[1, 2, 3, 4]", 1, h, e));
    CHECK(e.message == "stopped");
}

TEST_CASE("JSON reader survives mutated input", "[json]") {
    const std::string seed =
        R"({"a": [1, -2.5e3, "x\u00e9\n", {"b": null, "c": [true, false]}], "d": "\ud83d\ude00"})";
    std::mt19937 rng(7);
    const char alphabet[] = "{}[]:,\"\\u0e-+.tfn \n\xff\x80";
    for (int i = 0; i < 20000; ++i) {
        std::string s = seed;
        int edits = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < edits; ++k) {
            size_t at = rng() % (s.size() + 1);
            switch (rng() % 3) {
            case 0:
                s.insert(at, 1, alphabet[rng() % (sizeof alphabet - 1)]);
                break;
            case 1:
                if (at < s.size()) s.erase(at, 1);
                break;
            default:
                if (at < s.size()) s[at] = alphabet[rng() % (sizeof alphabet - 1)];
                break;
            }
        }
        json::Node n;
        json::ParseError e;
        if (!json::parse(s, 1, n, e)) {
            REQUIRE(e.loc.line >= 1);
            REQUIRE(e.loc.column >= 1);
            REQUIRE_FALSE(e.message.empty());
        }
    }
}

TEST_CASE("JSON strings are scanned correctly at every offset", "[json]") {
    // The reader skips plain bytes eight at a time; a special byte must be seen wherever it falls.
    for (size_t k = 0; k < 24; ++k) {
        std::string pad(k, 'a');
        INFO(k);
        CHECK(parse_ok("\"" + pad + "\\n" + pad + "\"").string == pad + "\n" + pad);
        CHECK(parse_ok("\"" + pad + "\xC3\xA9" + pad + "\"").string == pad + "\xC3\xA9" + pad);
        CHECK(parse_ok("[\"" + pad + "\", \"" + pad + "b\"]").items[1].string == pad + "b");
        json::ParseError e = parse_error("\"" + pad + "\t" + pad + "\"");
        CHECK(e.loc.column == k + 2);
        e = parse_error("\"" + pad + "\xFF" + pad + "\"");
        CHECK(e.loc.column == k + 2);
        e = parse_error("\"" + pad);
        CHECK_THAT(e.message, Catch::Contains("unterminated string"));
    }
}

namespace {

// The compact Doc and the Node DOM must read every document alike.
void same_tree(const json::Node& n, const json::Elem& e) {
    REQUIRE(n.type == e.type);
    CHECK(n.loc.file == e.loc.file);
    CHECK(n.loc.line == e.loc.line);
    CHECK(n.loc.column == e.loc.column);
    switch (n.type) {
    case json::Type::Bool:
        CHECK(n.boolean == e.boolean);
        break;
    case json::Type::Number:
        CHECK(n.number == e.number());
        break;
    case json::Type::String:
        CHECK(n.string == e.str());
        break;
    case json::Type::Array:
        REQUIRE(n.items.size() == e.items().size());
        for (size_t i = 0; i < n.items.size(); ++i) same_tree(n.items[i], e.items()[i]);
        break;
    case json::Type::Object:
        REQUIRE(n.members.size() == e.members().size());
        for (size_t i = 0; i < n.members.size(); ++i) {
            CHECK(n.members[i].first == e.members()[i].first);
            CHECK(n.key_locs[i].line == e.key_loc(i).line);
            CHECK(n.key_locs[i].column == e.key_loc(i).column);
            same_tree(n.members[i].second, e.members()[i].second);
        }
        break;
    case json::Type::Null:
        break;
    }
}

} // namespace

TEST_CASE("JSON compact Doc reads like the Node DOM", "[json]") {
    std::string text =
        "{\n  \"name\": \"b\",\n  \"esc\": \"a\\\"b\\u00e9\",\n  \"tags\": {\"a\": 1, \"a\": 2},\n"
        "  \"list\": [true, false, null, -1.5e2, [], {}, [[1], {\"k\\n\": \"v\"}]]\n}";
    json::Node n = parse_ok(text);
    json::Doc d;
    json::ParseError e;
    REQUIRE(json::parse(text, 7, d, e));
    same_tree(n, d.root());
    const json::Elem& r = d.root();
    CHECK(r.get("tags")->get("a")->number() == 2); // the last repeated key
    CHECK(r.get("esc")->str() == "a\"b\xC3\xA9");
    // Type-safe accessors: a wrong type reads as empty.
    CHECK(r.get("name")->items().empty());
    CHECK(r.get("name")->members().empty());
    CHECK(r.get("name")->get("x") == nullptr);
    CHECK(r.get("list")->str().empty());
    CHECK(r.get("list")->number() == 0);
    CHECK(sizeof(json::Elem) == 32);

    // Errors are those of the Node parser, and leave an empty Doc.
    for (std::string_view bad : {"{\"a\": [1,}", "[1, 2,\n ]", "{\"a\": \"x\\q\"}", ""}) {
        json::ParseError node_error = parse_error(bad);
        REQUIRE_FALSE(json::parse(bad, 7, d, e));
        CHECK(e.message == node_error.message);
        CHECK(e.loc.line == node_error.loc.line);
        CHECK(e.loc.column == node_error.loc.column);
        CHECK(d.root().is(json::Type::Null));
    }

    // Without key locations, a key's location is its value's.
    json::ParseOptions no_keys;
    no_keys.key_locations = false;
    REQUIRE(json::parse(text, 7, d, e, no_keys));
    CHECK(d.root().get("tags")->get("a")->number() == 2);
    CHECK(d.root().key_loc(0).line == d.root().members()[0].second.loc.line);
    CHECK(d.root().key_loc(0).column == d.root().members()[0].second.loc.column);

    // Larger documents spill over several blocks.
    std::mt19937_64 rng(7);
    std::string big = "[";
    for (int i = 0; i < 60000; ++i) {
        if (i) big += ",\n";
        big += "{\"k" + std::to_string(rng() % 50) + "\": [" + std::to_string(rng() % 1000) +
               ", \"s\\t" + std::to_string(i) + "\", null]}";
    }
    big += "]";
    json::Node bn = parse_ok(big);
    REQUIRE(json::parse(big, 7, d, e));
    same_tree(bn, d.root());
}
