#include "tenet/model/arena.h"
#include "tenet/model/interner.h"
#include "tenet/model/value_json.h"

#include <catch2/catch.hpp>

using namespace tenet;

TEST_CASE("JSON text becomes Values in an arena", "[json][value]") {
    Arena arena;
    Value v;
    std::string error;
    REQUIRE(json_to_value(R"({"b": [1, "x", null, true], "a": {"n": -2.5}})", arena, v, error));
    REQUIRE(v.is(Kind::Map));
    const Value* b = v.as_map()->find("b");
    REQUIRE(b);
    REQUIRE(b->as_list()->size == 4);
    CHECK(b->as_list()->items()[1].as_view() == "x");
    CHECK_FALSE(b->as_list()->items()[1].as_string()->interned);
    CHECK(v.as_map()->find("a")->as_map()->find("n")->as_number() == -2.5);

    REQUIRE(json_to_value(R"(["interned"])", arena, v, error, true));
    CHECK(v.as_list()->items()[0].as_string() == intern("interned"));

    CHECK_FALSE(json_to_value("{\"a\": }", arena, v, error));
    CHECK(error == "1:7: expected a value, found `}`");

    Arena capped;
    capped.set_cap(256);
    std::string big = "[";
    for (int i = 0; i < 100; ++i)
        big += "\"a string that is long enough to fill the cap quickly\",";
    big += "0]";
    CHECK_FALSE(json_to_value(big, capped, v, error));
    CHECK_THAT(error, Catch::Contains("memory cap"));
}

TEST_CASE("Values print as compact JSON with sorted keys", "[json][value]") {
    Arena arena;
    Value v;
    std::string error;
    REQUIRE(json_to_value(R"({"z": 1, "a": [0.5, "q\"", false, null], "m": {}})", arena, v, error));
    CHECK(value_to_json(v) == R"({"a":[0.5,"q\"",false,null],"m":{},"z":1})");
    CHECK(value_to_json(Value::unknown(intern("r.x: known after apply"))) ==
          R"({"$unknown":"r.x: known after apply"})");
    CHECK(value_to_json(Value::resource(3, View::Canonical)) == R"({"$resource":3})");
    CHECK(value_to_display(Value::string(intern("plain"))) == "plain");
    CHECK(value_to_display(Value::number(3)) == "3");
    CHECK(value_to_display(Value::unknown(intern("why"))) == "unknown (why)");
    CHECK(value_to_display(v.as_map()->find("a")->as_list()->items()[1]) == "q\"");
    CHECK(value_to_display(*v.as_map()->find("a")) == R"([0.5,"q\"",false,null])");
}
