// The engine end to end: small policies compiled with tenet::compile, run over models
// built in code. Verdict aggregation for every rule form, messages, unknowns and
// errors, parameters, mappings, and identical findings whatever the number of jobs.
#include "tenet/compiler/compiler.h"
#include "tenet/model/interner.h"
#include "tenet/model/model.h"
#include "tenet/model/value_json.h"
#include "tenet/runtime/engine.h"

#include <catch2/catch.hpp>
#include <string>

using namespace tenet;

namespace {

struct Compiled {
    SourceManager sm;
    CompileResult result;
    const Program& program() const { return *result.program; }
};

std::unique_ptr<Compiled> compile_policy(const std::string& text) {
    auto c = std::make_unique<Compiled>();
    FileId id = c->sm.add("t.tenet", text);
    CompileOptions opts;
    opts.include_stdlib = true;
    c->result = compile(c->sm, {id}, opts);
    std::string diags;
    for (const Diagnostic& d : c->result.diags.items())
        if (d.severity() == DiagSeverity::Error) diags += render_diagnostic(d, c->sm, false);
    INFO(diags);
    REQUIRE(c->result.program);
    return c;
}

// Resources with JSON attributes; `{"$unknown": "why"}` anywhere becomes an unknown whose
// reason is "<address>.<attribute>: why", as the model loader writes them.
class ModelMaker {
  public:
    uint32_t add(const std::string& address, const std::string& type, const std::string& json,
                 const std::string& frontend = "terraform", const char* canonical_type = nullptr) {
        Resource r;
        r.address = intern(address);
        r.native_type = intern(type);
        r.frontend = intern(frontend);
        if (canonical_type) r.canonical_type = intern(canonical_type);
        r.loc = SourceLoc{1, static_cast<uint32_t>(model.resources.size() + 1), 1};
        Value v;
        std::string error;
        INFO(json);
        REQUIRE(json_to_value(json, model.arena, v, error, true));
        r.native = unknowns(v, address);
        model.resources.push_back(r);
        return static_cast<uint32_t>(model.resources.size() - 1);
    }
    void edge(uint32_t from, const char* attribute, uint32_t to) {
        model.edges.push_back({from, intern(attribute), to});
    }
    Model& done() {
        model.finalize();
        return model;
    }
    Model model;

  private:
    Value unknowns(const Value& v, const std::string& path) {
        if (v.is(Kind::Map)) {
            if (const Value* u = v.as_map()->find("$unknown"); u && v.as_map()->size == 1)
                return Value::unknown(intern(path + ": " + std::string(u->as_view())));
            std::vector<MapEntry> entries;
            for (const MapEntry& e : v.as_map()->span())
                entries.push_back(
                    {e.key, unknowns(e.value, path + "." + std::string(e.key->view()))});
            return Value::map(model.arena.make_map(entries));
        }
        if (v.is(Kind::List)) {
            std::vector<Value> items;
            for (size_t i = 0; i < v.as_list()->size; ++i)
                items.push_back(
                    unknowns(v.as_list()->items()[i], path + "[" + std::to_string(i) + "]"));
            return Value::list(model.arena.make_list(items));
        }
        return v;
    }
};

// "verdict address rule-name" lines, with message or reason when given.
std::string describe(const Program& p, const Model& m, const std::vector<Finding>& findings) {
    std::string out;
    for (const Finding& f : findings) {
        out += verdict_name(f.verdict);
        out += " ";
        out += f.resource == kStackResource ? "<stack>"
                                            : std::string(m.resources[f.resource].address->view());
        out += " " + p.rules[f.rule].name.substr(p.rules[f.rule].name.rfind('.') + 1);
        if (!f.message.empty()) out += " | " + f.message;
        if (!f.reason.empty()) out += " | " + f.reason;
        if (!f.related.empty()) {
            out += " | related";
            for (uint32_t r : f.related) out += " " + std::string(m.resources[r].address->view());
        }
        out += "\n";
    }
    return out;
}

std::string check(const Compiled& c, Model& model, EngineOptions options = {},
                  const std::vector<ParamOverride>& overrides = {}) {
    Engine engine(c.program(), options);
    std::vector<std::string> errors;
    REQUIRE(engine.init_globals(overrides, errors));
    engine.normalize(model);
    return describe(c.program(), model, engine.evaluate(model));
}

} // namespace

TEST_CASE("engine: every T where C requires E", "[engine]") {
    auto c = compile_policy(R"(
rule sized {
  message = "{resource} holds {size} items"
  every x_store where enabled requires size >= 10
}
)");
    ModelMaker mm;
    mm.add("x_store.big", "x_store", R"({"enabled": true, "size": 20})");
    mm.add("x_store.small", "x_store", R"({"enabled": true, "size": 3})");
    mm.add("x_store.off", "x_store", R"({"enabled": false, "size": 3})");
    mm.add("x_store.absent", "x_store", R"({"size": 3})");
    mm.add("x_store.later", "x_store",
           R"({"enabled": true, "size": {"$unknown": "known after apply"}})");
    mm.add("x_store.maybe", "x_store",
           R"({"enabled": {"$unknown": "from a variable"}, "size": 1})");
    mm.add("y_thing.other", "y_thing", R"({"enabled": true, "size": 1})");
    Model& model = mm.done();
    EngineOptions with_passes;
    with_passes.include_passes = true;
    CHECK(check(*c, model, with_passes) ==
          "pass x_store.big sized\n"
          "fail x_store.small sized | x_store.small holds 3 items\n"
          // The message has an unknown part, so the raw text stands in for it.
          "unknown x_store.later sized | {resource} holds {size} items | x_store.later.size: known "
          "after apply\n"
          "unknown x_store.maybe sized | x_store.maybe holds 1 items | x_store.maybe.enabled: from "
          "a variable\n");
    CHECK(check(*c, model) == "fail x_store.small sized | x_store.small holds 3 items\n"
                              "unknown x_store.later sized | {resource} holds {size} items | "
                              "x_store.later.size: known after apply\n"
                              "unknown x_store.maybe sized | x_store.maybe holds 1 items | "
                              "x_store.maybe.enabled: from a variable\n");
}

TEST_CASE("engine: no T where C", "[engine]") {
    auto c = compile_policy(R"(rule no_open { no x_port where open and port == 22 })");
    ModelMaker mm;
    mm.add("x_port.a", "x_port", R"({"open": true, "port": 22})");
    mm.add("x_port.b", "x_port", R"({"open": false, "port": 22})");
    mm.add("x_port.c", "x_port", R"({"open": true, "port": {"$unknown": "later"}})");
    mm.add("x_port.d", "x_port",
           R"({"open": false, "port": {"$unknown": "later"}})"); // false and unknown
    Model& model = mm.done();
    EngineOptions with_passes;
    with_passes.include_passes = true;
    CHECK(check(*c, model, with_passes) == "fail x_port.a no_open\n"
                                           "pass x_port.b no_open\n"
                                           "unknown x_port.c no_open | x_port.c.port: later\n"
                                           "pass x_port.d no_open\n");
}

TEST_CASE("engine: exists T where C aggregates into one stack finding", "[engine]") {
    auto c = compile_policy(R"(rule trail { exists x_trail where multi_region })");
    EngineOptions with_passes;
    with_passes.include_passes = true;
    {
        ModelMaker mm;
        mm.add("x_trail.a", "x_trail", R"({"multi_region": false})");
        mm.add("x_trail.b", "x_trail", R"({"multi_region": {"$unknown": "later"}})");
        mm.add("x_trail.c", "x_trail", R"({"multi_region": true})");
        CHECK(check(*c, mm.done(), with_passes) ==
              "pass <stack> trail | related x_trail.a x_trail.b x_trail.c\n");
    }
    {
        ModelMaker mm;
        mm.add("x_trail.a", "x_trail", R"({"multi_region": false})");
        mm.add("x_trail.b", "x_trail", R"({"multi_region": {"$unknown": "later"}})");
        mm.add("x_trail.c", "x_trail", R"({"multi_region": {"$unknown": "also later"}})");
        CHECK(check(*c, mm.done()) == "unknown <stack> trail | no x_trail satisfies the condition "
                                      "| x_trail.b.multi_region: later | "
                                      "related x_trail.a x_trail.b x_trail.c\n");
    }
    {
        ModelMaker mm;
        mm.add("x_trail.a", "x_trail", R"({"multi_region": false})");
        CHECK(check(*c, mm.done()) ==
              "fail <stack> trail | no x_trail satisfies the condition | related x_trail.a\n");
    }
    {
        ModelMaker mm; // no resource of the type at all
        mm.add("y.a", "y_other", R"({})");
        CHECK(check(*c, mm.done()) == "fail <stack> trail | no x_trail satisfies the condition\n");
    }
}

TEST_CASE("engine: at least N% of T where C requires E", "[engine]") {
    auto c = compile_policy(
        R"(rule most_tagged { at least 50% of x_vm where managed requires has(tags) })");
    auto run = [&](std::vector<std::string> vms) {
        ModelMaker mm;
        for (size_t i = 0; i < vms.size(); ++i)
            mm.add("x_vm.v" + std::to_string(i), "x_vm", vms[i]);
        EngineOptions with_passes;
        with_passes.include_passes = true;
        return check(*c, mm.done(), with_passes);
    };
    const std::string tagged = R"({"managed": true, "tags": {"a": "b"}})";
    const std::string untagged = R"({"managed": true})";
    const std::string unmanaged = R"({"managed": false})";
    const std::string unknown_tags = R"({"managed": true, "tags": {"$unknown": "later"}})";
    const std::string unknown_where = R"({"managed": {"$unknown": "maybe"}, "tags": {"a": "b"}})";
    // has(unknown) is true: an unknown tag map is present.
    CHECK(run({tagged, untagged, unmanaged}) ==
          "pass <stack> most_tagged | 1 of 2 (50%) x_vm resources pass; "
          "at least 50% must | related x_vm.v1\n");
    CHECK(run({tagged, untagged, untagged, unmanaged}) ==
          "fail <stack> most_tagged | 1 of 3 (33.3%) x_vm resources pass; at least 50% must | "
          "related x_vm.v1 x_vm.v2\n");
    // 1 pass, 1 unknown (where), 1 fail of 3: 33% now, 67% if the unknown passes.
    CHECK(run({tagged, unknown_where, untagged}) ==
          "unknown <stack> most_tagged | 1 of 3 (33.3%) x_vm resources pass; at least 50% must (1 "
          "unknown) | "
          "x_vm.v1.managed: maybe | related x_vm.v2\n");
    CHECK(run({unknown_tags, untagged}) ==
          "pass <stack> most_tagged | 1 of 2 (50%) x_vm resources pass; at least "
          "50% must | related x_vm.v1\n");
    CHECK(run({unmanaged}) ==
          "pass <stack> most_tagged | 0 of 0 (100%) x_vm resources pass; at least 50% must\n");
}

TEST_CASE("engine: evaluation errors become error verdicts and the scan goes on", "[engine]") {
    auto c = compile_policy(R"(
rule ratio { every x_thing requires total / parts > 1 }
rule after { every x_thing requires true }
)");
    ModelMaker mm;
    mm.add("x_thing.zero", "x_thing", R"({"total": 4, "parts": 0})");
    mm.add("x_thing.text", "x_thing", R"({"total": "4", "parts": 2})");
    mm.add("x_thing.ok", "x_thing", R"({"total": 4, "parts": 2})");
    Model& model = mm.done();
    EngineOptions opts;
    opts.include_passes = true;
    CHECK(check(*c, model, opts) ==
          "error x_thing.zero ratio | division by zero\n"
          "error x_thing.text ratio | cannot apply `/` to a string and a number\n"
          "pass x_thing.ok ratio\n"
          "pass x_thing.zero after\n"
          "pass x_thing.text after\n"
          "pass x_thing.ok after\n");
}

TEST_CASE("engine: budget and memory cap per evaluation", "[engine]") {
    auto c = compile_policy(R"(
rule busy { every x_thing requires all i in items: i >= 0 and i < 100000 }
rule grows { every x_thing requires len(json_encode(items) + json_encode(items)) > 0 }
)");
    ModelMaker mm;
    std::string items = "[";
    for (int i = 0; i < 2000; ++i) items += (i ? "," : "") + std::to_string(i);
    items += "]";
    mm.add("x_thing.a", "x_thing", R"({"items": )" + items + "}");
    mm.add("x_thing.b", "x_thing", R"({"items": [1]})");
    Model& model = mm.done();
    EngineOptions opts;
    opts.instruction_budget = 5000;
    opts.memory_cap = 4096;
    CHECK(check(*c, model, opts) == "error x_thing.a busy | instruction budget of 5000 exhausted\n"
                                    "error x_thing.a grows | memory cap exceeded\n");
}

TEST_CASE("engine: rules meet only the resources of their target type", "[engine]") {
    auto c = compile_policy(R"(
rule a { every x_a requires true }
rule b { every x_b requires true }
rule any { every resource requires true }
)");
    ModelMaker mm;
    for (int i = 0; i < 5; ++i) mm.add("x_a.r" + std::to_string(i), "x_a", "{}");
    for (int i = 0; i < 3; ++i) mm.add("x_b.r" + std::to_string(i), "x_b", "{}");
    Model& model = mm.done();
    Engine engine(c->program(), EngineOptions{});
    std::vector<std::string> errors;
    REQUIRE(engine.init_globals({}, errors));
    CHECK(engine.evaluate(model).empty());
    CHECK(engine.evaluations() == 5 + 3 + 8);
    CHECK(engine.instructions() > 0);
}

TEST_CASE("engine: parameters and their overrides", "[engine]") {
    auto c = compile_policy(R"(
package p.q
param allowed: list<string> = ["a"]
param env: string = "dev"
param limit: number
let doubled = limit * 2
rule r { every x_t requires kind in allowed and name == env and size <= doubled }
)");
    ModelMaker mm;
    mm.add("x_t.one", "x_t", R"({"kind": "b", "name": "prod", "size": 8})");
    Model& model = mm.done();
    Engine engine(c->program(), EngineOptions{});
    std::vector<std::string> errors;
    CHECK_FALSE(engine.init_globals({}, errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] ==
          "parameter `p.q.limit` (number) has no default: give it with --param p.q.limit=VALUE");

    errors.clear();
    CHECK_FALSE(engine.init_globals(
        {{"limit", "\"x\""}, {"nope", "1"}, {"doubled", "3"}, {"allowed", "[1]"}}, errors));
    CHECK(errors == std::vector<std::string>{
                        "--param nope: no parameter of that name",
                        "--param doubled: `p.q.doubled` is a let, not a parameter",
                        "--param p.q.allowed: expected list<string>, found a list `[1]`",
                        "--param p.q.limit: expected number, found a string `\"x\"`",
                    });
    errors.clear();
    CHECK_FALSE(engine.init_globals({{"limit", "[1,"}}, errors));
    CHECK(errors.at(0).rfind("--param p.q.limit: `[1,` is not valid JSON", 0) == 0);

    EngineOptions opts;
    CHECK(check(*c, model, opts,
                {{"limit", "4"}, {"p.q.allowed", R"(["a","b"])"}, {"env", "prod"}}) == "");
    CHECK(check(*c, model, opts,
                {{"limit", "3"}, {"p.q.allowed", R"(["a","b"])"}, {"env", "prod"}}) ==
          "fail x_t.one r\n");
    CHECK(check(*c, model, opts, {{"limit", "4"}}) == "fail x_t.one r\n");
}

TEST_CASE("engine: normalize applies mappings, keeps model views, and turns failing fields unknown",
          "[engine]") {
    auto c = compile_policy(R"(
type bucket { name: string  size: number  ratio: number  owner: string }
map terraform "x_store" as b to bucket {
  name = b.bucket_name
  size = b.count * 2
  ratio = 1 / b.zero
  owner = b.missing
}
rule named { every bucket requires name == "logs" and size == 6 }
rule ratio { every bucket requires ratio > 0 }
rule native { every x_store requires bucket_name == "logs" }
)");
    ModelMaker mm;
    mm.add("x_store.tf", "x_store", R"({"bucket_name": "logs", "count": 3, "zero": 0})");
    mm.add("x_store.cdktf", "x_store", R"({"bucket_name": "other", "count": 3, "zero": 0})",
           "cdktf");
    mm.add("x_store.pulumi", "x_store", R"({"bucket_name": "logs"})",
           "pulumi"); // no mapping applies
    mm.add("model.b", "x_model_bucket", R"({"name": "logs", "size": 6, "ratio": 1})", "model",
           "bucket");
    Model& model = mm.done();
    EngineOptions opts;
    opts.include_passes = true;
    CHECK(check(*c, model, opts) == "pass x_store.tf named\n"
                                    "fail x_store.cdktf named\n"
                                    "pass model.b named\n"
                                    "unknown x_store.tf ratio | division by zero\n"
                                    "unknown x_store.cdktf ratio | division by zero\n"
                                    "pass model.b ratio\n"
                                    "pass x_store.tf native\n"
                                    "fail x_store.cdktf native\n"
                                    "pass x_store.pulumi native\n");
    const Value& view = model.resources[0].canonical;
    REQUIRE(view.is(Kind::Map));
    CHECK(view.as_map()->find("owner") == nullptr); // null results are omitted
    CHECK(model.resources[0].canonical_type == intern("bucket"));
    CHECK(model.resources[2].canonical_type == nullptr);
    CHECK(model.of_type(intern("bucket")).size() == 3);
}

TEST_CASE("engine: findings are identical with 1 and 4 jobs", "[engine]") {
    auto c = compile_policy(R"(
rule even { every x_n where has(v) requires v % 2 == 0 }
rule most { at least 60% of x_n requires v < 1500 }
rule some_big { exists x_n where v > 1990 }
rule none_odd_seven { no x_n where v % 7 == 3 }
)");
    ModelMaker mm;
    for (int i = 0; i < 2000; ++i) {
        std::string v = i % 97 == 0 ? R"({"$unknown": "later"})" : std::to_string(i);
        mm.add("x_n.r" + std::to_string(i), "x_n", R"({"v": )" + v + "}");
    }
    Model& model = mm.done();
    EngineOptions one, four;
    one.include_passes = four.include_passes = true;
    four.jobs = 4;
    std::string a = check(*c, model, one), b = check(*c, model, four);
    CHECK(a.size() > 10000);
    CHECK(a == b);
}
