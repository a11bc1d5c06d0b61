#include "tenet/model/arena.h"
#include "tenet/model/interner.h"
#include "tenet/model/value.h"

#include <catch2/catch.hpp>

using namespace tenet;

TEST_CASE("Value stays 16 bytes and keeps provenance", "[value]") {
    STATIC_REQUIRE(sizeof(Value) == 16);
    Value v = Value::number(3.5, 42);
    REQUIRE(v.kind() == Kind::Number);
    REQUIRE(v.as_number() == 3.5);
    REQUIRE(v.prov() == 42);
    REQUIRE(v.with_prov(7).prov() == 7);
}

TEST_CASE("Interned strings are unique by content", "[value]") {
    const StrObj* a = intern("encryption");
    const StrObj* b = intern(std::string("encrypt") + "ion");
    REQUIRE(a == b);
    REQUIRE(Interner::global().find("encryption") == a);
    REQUIRE(Interner::global().find("no-such-string-interned-anywhere") == nullptr);
}

TEST_CASE("Maps find keys by interned pointer and by content", "[value]") {
    Arena arena;
    std::vector<MapEntry> entries;
    for (int i = 0; i < 20; ++i)
        entries.push_back({intern("k" + std::to_string(i)), Value::number(i)});
    entries.push_back({intern("k3"), Value::number(99)}); // duplicate: last wins
    const MapObj* m = arena.make_map(entries);
    REQUIRE(m->size == 20);
    REQUIRE(m->find(intern("k7"))->as_number() == 7);
    REQUIRE(m->find("k3")->as_number() == 99);
    const StrObj* temp = arena.make_string("k11");
    REQUIRE(m->find(temp)->as_number() == 11);
    REQUIRE(m->find("missing") == nullptr);
}

TEST_CASE("Structural equality", "[value]") {
    Arena arena;
    Value xs[] = {Value::number(1), Value::string(intern("a"))};
    Value ys[] = {Value::number(1), Value::string(arena.make_string("a"))};
    REQUIRE(values_equal(Value::list(arena.make_list(xs)), Value::list(arena.make_list(ys))));
    Value zs[] = {Value::number(2), Value::string(intern("a"))};
    REQUIRE_FALSE(values_equal(Value::list(arena.make_list(xs)), Value::list(arena.make_list(zs))));
    REQUIRE_FALSE(values_equal(Value::unknown(intern("r")), Value::unknown(intern("r"))));
}

TEST_CASE("Arena cap fails cleanly", "[value]") {
    Arena arena(1024);
    arena.set_cap(4096);
    bool failed = false;
    for (int i = 0; i < 100 && !failed; ++i)
        failed = arena.make_string(std::string(100, 'x')) == nullptr;
    REQUIRE(failed);
    REQUIRE(arena.over_cap());
    arena.reset();
    REQUIRE(arena.make_string("ok") != nullptr);
}
