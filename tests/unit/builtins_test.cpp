// The builtin table: every builtin on good input, null, bad kinds and unknowns.
#include "tenet/model/arena.h"
#include "tenet/model/interner.h"
#include "tenet/model/model.h"
#include "tenet/model/value_json.h"
#include "tenet/runtime/builtins.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

using namespace tenet;

namespace {

struct TestContext : BuiltinContext {
    Arena scratch;
    const Model* m = nullptr;
    std::string error;
    bool failed = false;
    Arena& arena() override { return scratch; }
    const Model* model() override { return m; }
    void fail(std::string message) override {
        if (!failed) error = std::move(message);
        failed = true;
    }
};

struct Result {
    Value value;
    bool failed;
    std::string error;
    std::string json() const { return value_to_json(value); }
};

// Calls a builtin the way the VM does: arity checked, unknowns propagated when the
// table says so.
Result call(const char* name, std::vector<Value> args, const Model* model = nullptr) {
    int i = find_builtin(name);
    REQUIRE(i >= 0);
    const BuiltinInfo& info = builtin_info(i);
    REQUIRE(args.size() >= info.min_args);
    REQUIRE(args.size() <= info.max_args);
    if (info.propagate_unknown)
        for (const Value& a : args)
            if (a.is_unknown()) return {a, false, {}};
    static thread_local TestContext ctx; // results must outlive the call
    ctx.m = model;
    ctx.failed = false;
    ctx.error.clear();
    Value v = info.fn(ctx, args);
    return {v, ctx.failed, ctx.error};
}

Arena values_arena;
Value S(std::string_view s) {
    return Value::string(intern(s));
}
Value N(double n) {
    return Value::number(n);
}
Value B(bool b) {
    return Value::boolean(b);
}
Value Null() {
    return Value::null();
}
Value U(std::string_view reason) {
    return Value::unknown(intern(reason));
}
Value L(std::vector<Value> items) {
    return Value::list(values_arena.make_list(items));
}
Value M(std::vector<std::pair<std::string, Value>> kv) {
    std::vector<MapEntry> e;
    for (auto& [k, v] : kv) e.push_back({intern(k), v});
    return Value::map(values_arena.make_map(e));
}
Value J(std::string_view json) {
    Value v;
    std::string error;
    REQUIRE(json_to_value(json, values_arena, v, error, true));
    return v;
}

std::string text(const Result& r) {
    REQUIRE_FALSE(r.failed);
    REQUIRE(r.value.is(Kind::String));
    return std::string(r.value.as_view());
}
double number(const Result& r) {
    REQUIRE_FALSE(r.failed);
    REQUIRE(r.value.is(Kind::Number));
    return r.value.as_number();
}
bool truth(const Result& r) {
    INFO(r.error);
    REQUIRE_FALSE(r.failed);
    REQUIRE(r.value.is(Kind::Bool));
    return r.value.as_bool();
}
bool is_null(const Result& r) {
    return !r.failed && r.value.is_null();
}
std::string unknown_reason(const Result& r) {
    REQUIRE_FALSE(r.failed);
    REQUIRE(r.value.is_unknown());
    return std::string(r.value.unknown_reason()->view());
}

} // namespace

TEST_CASE("The table lists every documented builtin once, with sane arities and docs",
          "[builtins]") {
    const char* documented[] = {
        "len",         "has",         "type_of",       "is_unknown",     "default",
        "lower",       "upper",       "trim",          "starts_with",    "ends_with",
        "contains",    "split",       "join",          "replace",        "substr",
        "format",      "matches",     "regex_find",    "regex_replace",  "abs",
        "min",         "max",         "floor",         "ceil",           "to_number",
        "keys",        "values",      "flatten",       "distinct",       "sort",
        "first",       "last",        "sum",           "any_true",       "all_true",
        "json_decode", "json_encode", "cidr_contains", "cidr_is_public", "cidr_prefix",
        "is_ip",       "is_cidr",     "port_in_range", "to_string",      "iam_document"};
    for (const char* name : documented) {
        INFO(name);
        REQUIRE(find_builtin(name) >= 0);
    }
    std::set<std::string> names;
    for (int i = 0; i < builtin_count(); ++i) {
        const BuiltinInfo& b = builtin_info(i);
        INFO(b.name);
        REQUIRE(names.insert(b.name).second);
        REQUIRE(find_builtin(b.name) == i);
        REQUIRE(b.min_args <= b.max_args);
        REQUIRE(b.fn != nullptr);
        REQUIRE(std::string(b.doc).size() > 5);
    }
    REQUIRE(find_builtin("no_such_builtin") == -1);
}

TEST_CASE("General builtins", "[builtins]") {
    CHECK(number(call("len", {S("héllo")})) == 5); // characters, not bytes
    CHECK(number(call("len", {L({N(1), N(2)})})) == 2);
    CHECK(number(call("len", {M({{"a", N(1)}})})) == 1);
    CHECK(number(call("len", {Null()})) == 0);
    CHECK(call("len", {N(3)}).error == "len: expected a list, map or string, found a number");
    CHECK(unknown_reason(call("len", {U("x: known after apply")})) == "x: known after apply");

    CHECK(truth(call("has", {S("")})));
    CHECK_FALSE(truth(call("has", {Null()})));
    CHECK(truth(call("has", {U("later")}))); // present, value unknown

    CHECK(text(call("type_of", {L({})})) == "list");
    CHECK(text(call("type_of", {Null()})) == "null");
    CHECK(truth(call("is_unknown", {U("r")})));
    CHECK_FALSE(truth(call("is_unknown", {Null()})));

    CHECK(number(call("default", {Null(), N(5)})) == 5);
    CHECK(number(call("default", {N(1), N(5)})) == 1);
    CHECK(unknown_reason(call("default", {U("r"), N(5)})) == "r");

    CHECK(text(call("to_string", {N(3)})) == "3");
    CHECK(text(call("to_string", {N(0.5)})) == "0.5");
    CHECK(text(call("to_string", {B(true)})) == "true");
    CHECK(text(call("to_string", {Null()})) == "null");
    CHECK(text(call("to_string", {J(R"({"b":[1,"x"],"a":null})")})) == R"({"a":null,"b":[1,"x"]})");
    CHECK(unknown_reason(call("to_string", {L({N(1), U("deep")})})) == "deep");
}

TEST_CASE("address and to_string show a resource by its address", "[builtins]") {
    Model model;
    Resource r;
    r.address = intern("aws_s3_bucket.logs");
    model.resources.push_back(r);
    CHECK(text(call("address", {Value::resource(0, View::Canonical)}, &model)) ==
          "aws_s3_bucket.logs");
    CHECK(text(call("to_string", {Value::resource(0, View::Native)}, &model)) ==
          "aws_s3_bucket.logs");
}

TEST_CASE("String builtins", "[builtins]") {
    CHECK(text(call("lower", {S("AbC-É")})) == "abc-É");
    CHECK(text(call("upper", {S("abc")})) == "ABC");
    CHECK(text(call("trim", {S(" \t x y \n")})) == "x y");
    CHECK(text(call("trim", {S("   ")})) == "");
    CHECK(truth(call("starts_with", {S("prod-db"), S("prod-")})));
    CHECK_FALSE(truth(call("ends_with", {S("prod-db"), S("prod")})));
    CHECK(truth(call("contains", {S("a-b-c"), S("-b-")})));
    CHECK(truth(call("contains", {L({N(1), S("x")}), S("x")})));
    CHECK_FALSE(truth(call("contains", {L({N(1)}), S("x")})));
    CHECK(unknown_reason(call("contains", {L({U("u"), N(1)}), N(2)})) == "u");
    CHECK(truth(call("contains", {L({U("u"), N(2)}), N(2)})));
    CHECK(call("split", {S("a,b,,c"), S(",")}).json() == R"(["a","b","","c"])");
    CHECK(call("split", {S("aé"), S("")}).json() == R"(["a","é"])");
    CHECK(text(call("join", {L({S("a"), N(1), B(false)}), S("-")})) == "a-1-false");
    CHECK(text(call("join", {Null(), S("-")})) == "");
    CHECK(unknown_reason(call("join", {L({S("a"), U("j")}), S("-")})) == "j");
    CHECK(text(call("replace", {S("a.b.c"), S("."), S("::")})) == "a::b::c");
    CHECK(text(call("replace", {S("abc"), S(""), S("x")})) == "abc");
    CHECK(text(call("substr", {S("héllo"), N(1), N(3)})) == "éll");
    CHECK(text(call("substr", {S("hello"), N(3)})) == "lo");
    CHECK(text(call("substr", {S("hello"), N(10), N(2)})) == "");
    CHECK(call("substr", {S("hello"), N(-1)}).failed);
    CHECK(call("substr", {S("hello"), N(0.5)}).failed);
    CHECK(text(call("format", {S("{}-{} {{x}}"), S("a"), N(2)})) == "a-2 {x}");
    CHECK(call("format", {S("{} {}"), S("a")}).error ==
          "format: more {} placeholders than arguments");
    CHECK(call("format", {S("{}"), S("a"), S("b")}).failed);
    CHECK(call("format", {S("{oops}"), S("a")}).failed);
    CHECK(unknown_reason(call("format", {S("{}"), L({U("f")})})) == "f");

    // Null in, null out; other kinds are errors; unknown propagates.
    CHECK(is_null(call("lower", {Null()})));
    CHECK(is_null(call("starts_with", {S("a"), Null()})));
    CHECK(call("upper", {N(1)}).error == "upper: expected a string, found a number");
    CHECK(call("split", {L({}), S(",")}).failed);
    CHECK(unknown_reason(call("replace", {S("a"), U("r2"), S("b")})) == "r2");
}

TEST_CASE("Regex builtins use RE2", "[builtins]") {
    CHECK(truth(call("matches", {S("prod-db-1"), S("db-[0-9]+$")})));
    CHECK_FALSE(truth(call("matches", {S("prod"), S("^dev")})));
    CHECK_FALSE(truth(call("matches", {Null(), S("x")})));
    CHECK(call("matches", {S("x"), S("(unclosed")})
              .error.find("invalid regular expression `(unclosed`") != std::string::npos);
    CHECK(call("matches", {N(1), S("x")}).failed);
    CHECK(text(call("regex_find", {S("arn:aws:s3:::my-bucket/key"), S(":::([^/]+)")})) ==
          "my-bucket");
    CHECK(text(call("regex_find", {S("v12.3"), S("[0-9]+")})) == "12");
    CHECK(is_null(call("regex_find", {S("abc"), S("[0-9]")})));
    CHECK(text(call("regex_replace", {S("a1b22c"), S("[0-9]+"), S("#")})) == "a#b#c");
    CHECK(text(call("regex_replace", {S("key=value"), S("(\\w+)=(\\w+)"), S("\\2=\\1")})) ==
          "value=key");
    CHECK(call("regex_replace", {S("a"), S("a"), S("\\3")}).failed);
    CHECK(unknown_reason(call("matches", {U("m"), S("x")})) == "m");
    // Backtracking-hostile patterns run in linear time.
    std::string long_a(5000, 'a');
    CHECK_FALSE(truth(call("matches", {S(long_a + "b"), S("^(a+)+$")})));
}

TEST_CASE("Number builtins", "[builtins]") {
    CHECK(number(call("abs", {N(-2.5)})) == 2.5);
    CHECK(number(call("floor", {N(2.7)})) == 2);
    CHECK(number(call("ceil", {N(2.1)})) == 3);
    CHECK(number(call("min", {N(3), N(1), N(2)})) == 1);
    CHECK(number(call("max", {L({N(3), N(7), N(2)})})) == 7);
    CHECK(is_null(call("max", {L({})})));
    CHECK(unknown_reason(call("min", {L({N(1), U("n")})})) == "n");
    CHECK(call("min", {N(1), S("a")}).failed);
    CHECK(call("max", {S("a")}).failed);
    CHECK(number(call("to_number", {S("443")})) == 443);
    CHECK(number(call("to_number", {S("-1.5e2")})) == -150);
    CHECK(number(call("to_number", {N(8)})) == 8);
    CHECK(call("to_number", {S("12abc")}).error == "to_number: \"12abc\" is not a number");
    CHECK(call("to_number", {S("")}).failed);
    CHECK(call("to_number", {S("inf")}).failed);
    CHECK(call("to_number", {B(true)}).failed);
    CHECK(is_null(call("abs", {Null()})));
    CHECK(call("abs", {S("1")}).failed);
}

TEST_CASE("List and map builtins", "[builtins]") {
    Value m = J(R"({"b": 2, "a": 1, "c": 3})");
    CHECK(call("keys", {m}).json() == R"(["a","b","c"])");
    CHECK(call("values", {m}).json() == "[1,2,3]");
    CHECK(call("keys", {Null()}).json() == "[]");
    CHECK(call("keys", {L({})}).failed);
    CHECK(call("flatten", {J("[1,[2,[3,[]]],4]")}).json() == "[1,2,3,4]");
    CHECK(call("distinct", {J(R"([1,"a",1,{"k":[1]},{"k":[1]},"a"])")}).json() ==
          R"([1,"a",{"k":[1]}])");
    CHECK(unknown_reason(call("distinct", {L({N(1), U("d")})})) == "d");
    CHECK(call("sort", {J("[3,1,2]")}).json() == "[1,2,3]");
    CHECK(call("sort", {J(R"(["b","a"])")}).json() == R"(["a","b"])");
    CHECK(call("sort", {J(R"([1,"a"])")}).failed);
    CHECK(call("sort", {J("[[1]]")}).failed);
    CHECK(number(call("first", {J("[5,6]")})) == 5);
    CHECK(number(call("last", {J("[5,6]")})) == 6);
    CHECK(is_null(call("first", {J("[]")})));
    CHECK(is_null(call("last", {Null()})));
    CHECK(number(call("sum", {J("[1,2,3.5]")})) == 6.5);
    CHECK(number(call("sum", {J("[]")})) == 0);
    CHECK(call("sum", {J(R"([1,"2"])")}).failed);
    CHECK(call("first", {S("abc")}).failed);

    // Three-valued folds: false/true decide, unknown otherwise, null counts as false.
    CHECK(truth(call("any_true", {L({B(false), U("a"), B(true)})})));
    CHECK(unknown_reason(call("any_true", {L({B(false), U("a"), U("b")})})) == "a");
    CHECK_FALSE(truth(call("any_true", {L({B(false), Null()})})));
    CHECK_FALSE(truth(call("any_true", {Null()})));
    CHECK_FALSE(truth(call("all_true", {L({U("a"), B(false)})})));
    CHECK(unknown_reason(call("all_true", {L({B(true), U("a")})})) == "a");
    CHECK(truth(call("all_true", {L({})})));
    CHECK(call("all_true", {L({N(1)})}).error ==
          "all_true: expected a list of truths, found a number");
}

TEST_CASE("JSON builtins", "[builtins]") {
    Result r = call("json_decode", {S(R"({"Version":"2012-10-17","n":[1,2]})")});
    REQUIRE_FALSE(r.failed);
    CHECK(r.json() == R"({"Version":"2012-10-17","n":[1,2]})");
    CHECK(call("json_decode", {S("{bad")}).error.rfind("json_decode: invalid JSON: ", 0) == 0);
    CHECK(is_null(call("json_decode", {Null()})));
    CHECK(call("json_decode", {N(1)}).failed);
    CHECK(text(call("json_encode", {J(R"({"b":1,"a":[true,null,"x"]})")})) ==
          R"({"a":[true,null,"x"],"b":1})");
    CHECK(text(call("json_encode", {S("q\"")})) == R"("q\"")");
    CHECK(unknown_reason(call("json_encode", {M({{"k", U("enc")}})})) == "enc");
}

TEST_CASE("Network builtins: IPv4 and IPv6", "[builtins]") {
    CHECK(truth(call("cidr_contains", {S("10.0.0.0/8"), S("10.1.2.3")})));
    CHECK(truth(call("cidr_contains", {S("10.0.0.0/8"), S("10.1.0.0/16")})));
    CHECK_FALSE(truth(call("cidr_contains", {S("10.1.0.0/16"), S("10.0.0.0/8")})));
    CHECK_FALSE(truth(call("cidr_contains", {S("10.0.0.0/8"), S("11.0.0.1")})));
    CHECK(truth(call("cidr_contains", {S("0.0.0.0/0"), S("203.0.113.9")})));
    CHECK(truth(call("cidr_contains", {S("2001:db8::/32"), S("2001:db8:1::1")})));
    CHECK_FALSE(truth(call("cidr_contains", {S("2001:db8::/32"), S("10.0.0.1")})));
    CHECK(truth(call("cidr_contains", {S("10.0.0.0/8"), S("::ffff:10.2.3.4")})));

    for (const char* pub :
         {"0.0.0.0/0", "::/0", "203.0.113.0/24", "8.8.8.8/32", "2001:db8::/32", "10.0.0.0/7"}) {
        INFO(pub);
        CHECK(truth(call("cidr_is_public", {S(pub)})));
    }
    for (const char* priv : {"10.0.0.0/8", "10.20.0.0/16", "172.16.0.0/12", "172.31.255.0/24",
                             "192.168.1.0/24", "127.0.0.1/32", "169.254.169.254/32",
                             "100.64.0.0/10", "::1/128", "fe80::/64", "fd00:1234::/48"}) {
        INFO(priv);
        CHECK_FALSE(truth(call("cidr_is_public", {S(priv)})));
    }
    CHECK(number(call("cidr_prefix", {S("10.0.0.0/16")})) == 16);
    CHECK(number(call("cidr_prefix", {S("2001:db8::/48")})) == 48);
    CHECK(truth(call("is_ip", {S("192.0.2.1")})));
    CHECK(truth(call("is_ip", {S("2001:db8::1")})));
    CHECK_FALSE(truth(call("is_ip", {S("192.0.2.0/24")})));
    CHECK_FALSE(truth(call("is_ip", {S("300.1.1.1")})));
    CHECK_FALSE(truth(call("is_ip", {N(1)})));
    CHECK(truth(call("is_cidr", {S("192.0.2.0/24")})));
    CHECK_FALSE(truth(call("is_cidr", {S("192.0.2.0/33")})));
    CHECK_FALSE(truth(call("is_cidr", {S("192.0.2.1")})));
    CHECK_FALSE(truth(call("is_cidr", {S("10.0.0.0/")})));

    CHECK(call("cidr_is_public", {S("not-a-cidr")}).error ==
          "cidr_is_public: \"not-a-cidr\" is not a CIDR");
    CHECK(call("cidr_contains", {S("10.0.0.0/8"), S("x")}).failed);
    CHECK(call("cidr_prefix", {N(8)}).failed);
    CHECK(is_null(call("cidr_is_public", {Null()})));
    CHECK(unknown_reason(call("cidr_is_public", {U("cidr later")})) == "cidr later");

    CHECK(truth(call("port_in_range", {N(22), N(0), N(65535)})));
    CHECK(truth(call("port_in_range", {S("22"), N(22), S("22")})));
    CHECK_FALSE(truth(call("port_in_range", {N(22), N(80), N(443)})));
    CHECK(is_null(call("port_in_range", {Null(), N(80), N(443)})));
    CHECK(call("port_in_range", {S("ssh"), N(80), N(443)}).failed);
}

TEST_CASE("iam_document normalizes policy documents", "[builtins]") {
    const char* policy =
        R"({"Version":"2012-10-17","Statement":{"Sid":"TLS","Effect":"Deny","Action":"s3:*",
        "Principal":"*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
        "Condition":{"Bool":{"aws:SecureTransport":"false"}}}})";
    Result from_text = call("iam_document", {S(policy)});
    REQUIRE_FALSE(from_text.failed);
    CHECK(
        from_text.json() ==
        R"({"statements":[{"actions":["s3:*"],"condition":{"Bool":{"aws:SecureTransport":"false"}},)"
        R"("effect":"Deny","not_actions":[],"not_resources":[],"principals":["*"],)"
        R"("resources":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"sid":"TLS"}]})");
    Result from_object =
        call("iam_document", {J(R"({"Statement":[{"Effect":"Allow","Action":["a","b"],
        "Principal":{"Service":"cloudfront.amazonaws.com","AWS":["arn:1","arn:2"]}}]})")});
    REQUIRE_FALSE(from_object.failed);
    CHECK(
        from_object.json() ==
        R"({"statements":[{"actions":["a","b"],"condition":null,"effect":"Allow","not_actions":[],)"
        R"("not_resources":[],"principals":["AWS:arn:1","AWS:arn:2","Service:cloudfront.amazonaws.com"],)"
        R"("resources":[],"sid":null}]})");
    CHECK(call("iam_document", {S("{not json")})
              .error.rfind("iam_document: the policy is not valid JSON", 0) == 0);
    CHECK(call("iam_document", {N(3)}).failed);
    CHECK(is_null(call("iam_document", {Null()})));
    CHECK(unknown_reason(call("iam_document", {U("policy later")})) == "policy later");
}
