// Locating the value that decided a verdict (Finding::value_loc): the engine re-runs
// the deciding rule function in the VM's trace mode. Models built in code, with each
// value's provenance on its own line, so a test reads which value was chosen.
#include "tenet/compiler/compiler.h"
#include "tenet/model/interner.h"
#include "tenet/model/model.h"
#include "tenet/runtime/engine.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>

using namespace tenet;

namespace {

std::unique_ptr<CompileResult> compile_policy(SourceManager& sm, const std::string& text) {
    FileId id = sm.add("t.tenet", text);
    CompileOptions opts;
    opts.include_stdlib = true;
    auto result = std::make_unique<CompileResult>(compile(sm, {id}, opts));
    std::string diags;
    for (const Diagnostic& d : result->diags.items())
        if (d.severity() == DiagSeverity::Error) diags += render_diagnostic(d, sm, false);
    INFO(diags);
    REQUIRE(result->program);
    return result;
}

// Values whose provenance is a line of file 1 (column 7), resources declared on lines
// 100, 101, ...
class Located {
  public:
    ProvId at(uint32_t line, ValueState state = ValueState::Explicit) {
        Provenance p;
        p.loc = SourceLoc{1, line, 7};
        p.state = state;
        return model.add_provenance(p);
    }
    Value s(const char* text, ProvId p = 0) { return Value::string(intern(text), p); }
    Value list(std::vector<Value> items, ProvId p = 0) {
        return Value::list(model.arena.make_list(items), p);
    }
    Value map(std::vector<std::pair<const char*, Value>> fields, ProvId p = 0) {
        std::vector<MapEntry> entries;
        for (auto& [k, v] : fields) entries.push_back({intern(k), v});
        return Value::map(model.arena.make_map(entries), p);
    }
    uint32_t add(const char* address, const char* type, Value attributes) {
        Resource r;
        r.address = intern(address);
        r.native_type = intern(type);
        r.frontend = intern("terraform");
        r.loc = SourceLoc{1, static_cast<uint32_t>(100 + model.resources.size()), 1};
        r.native = attributes;
        model.resources.push_back(r);
        return static_cast<uint32_t>(model.resources.size() - 1);
    }
    Model model;
};

// "verdict address rule @line" per finding; @- when no value was located.
std::string located(const Program& p, Model& model, EngineOptions options = {}) {
    Engine engine(p, options);
    std::vector<std::string> errors;
    REQUIRE(engine.init_globals({}, errors));
    engine.normalize(model);
    std::string out;
    for (const Finding& f : engine.evaluate(model)) {
        out += std::string(verdict_name(f.verdict)) + " ";
        out += f.resource == kStackResource
                   ? "<stack>"
                   : std::string(model.resources[f.resource].address->view());
        out += " " + p.rules[f.rule].name.substr(p.rules[f.rule].name.rfind('.') + 1);
        out += f.value_loc.valid() ? " @" + std::to_string(f.value_loc.line) : " @-";
        out += "\n";
    }
    return out;
}

} // namespace

TEST_CASE("locate: the attribute a comparison read, absent and default values not", "[locate]") {
    SourceManager sm;
    // `acl == "private"` is a fused shape the scan runs without the dispatch loop.
    auto c = compile_policy(sm, R"(rule private { every x_store requires acl == "private" })");
    Located m;
    m.add("x_store.public", "x_store", m.map({{"acl", m.s("public-read", m.at(5))}}));
    m.add("x_store.fine", "x_store", m.map({{"acl", m.s("private", m.at(6))}}));
    m.add("x_store.absent", "x_store", m.map({}));
    m.add("x_store.defaulted", "x_store",
          m.map({{"acl", m.s("public-read", m.at(8, ValueState::Default))}}));
    m.add("x_store.nowhere", "x_store", m.map({{"acl", m.s("public-read")}}));
    m.model.finalize();
    CHECK(located(*c->program, m.model) == "fail x_store.public private @5\n"
                                           "fail x_store.absent private @-\n"
                                           "fail x_store.defaulted private @-\n"
                                           "fail x_store.nowhere private @-\n");
    EngineOptions off;
    off.locate_values = false;
    CHECK(located(*c->program, m.model, off) == "fail x_store.public private @-\n"
                                                "fail x_store.absent private @-\n"
                                                "fail x_store.defaulted private @-\n"
                                                "fail x_store.nowhere private @-\n");
}

TEST_CASE("locate: and, or, not and where pick the operand that decided", "[locate]") {
    SourceManager sm;
    auto c = compile_policy(sm, R"(
rule both { every x_db where engine == "mysql" requires encrypted and backups > 6 }
rule either { every x_db requires encrypted or backups > 6 }
rule never { no x_db where not encrypted and engine == "mysql" }
)");
    Located m;
    auto db = [&](const char* address, bool encrypted, double backups, uint32_t line) {
        m.add(address, "x_db",
              m.map({{"engine", m.s("mysql", m.at(line))},
                     {"encrypted", Value::boolean(encrypted, m.at(line + 1))},
                     {"backups", Value::number(backups, m.at(line + 2))}}));
    };
    db("x_db.plain", false, 7, 10);   // encrypted (11) decides `and`
    db("x_db.short", true, 1, 20);    // backups (22) decides `and`
    db("x_db.neither", false, 1, 30); // `or` false: both decided, the first is shown
    m.model.finalize();
    CHECK(located(*c->program, m.model) == "fail x_db.plain both @11\n"
                                           "fail x_db.short both @22\n"
                                           "fail x_db.neither both @31\n"
                                           "fail x_db.neither either @31\n"
                                           "fail x_db.plain never @11\n"
                                           "fail x_db.neither never @31\n");
}

TEST_CASE("locate: quantifiers, membership, predicates and unknowns", "[locate]") {
    SourceManager sm;
    auto c = compile_policy(sm, R"(
pred open(cidr: any) = cidr == "0.0.0.0/0"
rule closed { no x_sg where some r in ingress: open(r.cidr) }
rule no_star { every x_role requires not ("*" in actions) }
rule sized { every x_role requires len(name) > 3 }
)");
    Located m;
    m.add("x_sg.web", "x_sg",
          m.map({{"ingress", m.list({m.map({{"cidr", m.s("10.0.0.0/8", m.at(3))}}),
                                     m.map({{"cidr", m.s("0.0.0.0/0", m.at(4))}})},
                                    m.at(2))}}));
    m.add("x_role.admin", "x_role",
          m.map({{"actions", m.list({m.s("s3:Get", m.at(8)), m.s("*", m.at(9))}, m.at(7))},
                 {"name", Value::unknown(intern("x_role.admin.name: known after apply"),
                                         m.at(10, ValueState::Unknown))}}));
    m.model.finalize();
    CHECK(located(*c->program, m.model) == "fail x_sg.web closed @4\n"
                                           "fail x_role.admin no_star @9\n"
                                           "unknown x_role.admin sized @10\n");
}

TEST_CASE("locate: a canonical attribute a mapping computed points at its native value",
          "[locate]") {
    SourceManager sm;
    auto c = compile_policy(sm, R"(
type x_vault { versioned: bool  name: string }
map terraform "x_native_vault" as v to x_vault {
  versioned = first((v <- x_vault_versioning.vault)[*].status) == "Enabled" or v.legacy == true
  name = v.bucket
}
rule versioned { every x_vault requires versioned }
rule named { every x_vault requires name == "logs" }
)");
    Located m;
    uint32_t a =
        m.add("x_native_vault.a", "x_native_vault", m.map({{"bucket", m.s("data", m.at(2))}}));
    uint32_t ver = m.add("x_vault_versioning.a", "x_vault_versioning",
                         m.map({{"vault", m.s("x_native_vault.a.id", m.at(4))},
                                {"status", m.s("Suspended", m.at(5))}}));
    m.add("x_native_vault.b", "x_native_vault", m.map({{"bucket", m.s("logs", m.at(7))}}));
    m.model.edges.push_back({ver, intern("vault"), a});
    m.model.finalize();
    CHECK(located(*c->program, m.model) == "fail x_native_vault.a versioned @5\n"
                                           "fail x_native_vault.b versioned @-\n"
                                           "fail x_native_vault.a named @2\n");
}

TEST_CASE("locate: the same locations whatever the number of jobs", "[locate]") {
    SourceManager sm;
    auto c = compile_policy(sm, R"(rule small { every x_q requires size < 50 or name == "big" })");
    Located m;
    for (uint32_t i = 0; i < 3000; ++i) {
        std::string address = "x_q.r" + std::to_string(i);
        m.add(address.c_str(), "x_q",
              m.map({{"size", Value::number(i % 100, i % 3 ? m.at(2 * i + 1) : 0)},
                     {"name", m.s(i % 7 ? "small" : "big", m.at(2 * i + 2))}}));
    }
    m.model.finalize();
    EngineOptions one, many;
    many.jobs = 4;
    std::string a = located(*c->program, m.model, one), b = located(*c->program, m.model, many);
    CHECK(a == b);
    CHECK(a.find("fail x_q.r51 small @104\n") != std::string::npos); // size has no provenance
    CHECK(a.find("fail x_q.r52 small @105\n") != std::string::npos);
}
