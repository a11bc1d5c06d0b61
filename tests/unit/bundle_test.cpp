// Bundles: byte-identical round trips, and hostile input (every truncation, every
// single-byte corruption, and corruptions with a forged checksum) is rejected with a
// message or, if it still verifies, runs safely; never a crash.
#include "lower_test_support.h"
#include "tenet/model/interner.h"
#include "tenet/model/value_json.h"
#include "tenet/runtime/bundle.h"
#include "tenet/runtime/disasm.h"
#include "tenet/runtime/engine.h"

#include <cstring>

using namespace tenet;
using namespace tenet::test;

namespace {

// Every kind of section entry: globals, nested constants, a regex, a mapping, lets,
// quantifiers, projections, every rule form and a message.
const char* kPolicy = R"(package b
type cfg { algorithm: string  tags: list<string> }
param allowed: list<string> = ["aws:kms", "aws:kms:dsse"]
let table = {a: [1, 2, {x: null}], b: true}
pred kms(r: cfg) = r.algorithm in allowed and r.algorithm matches "^aws:"
map terraform "aws_s3_bucket" as b to cfg {
  algorithm = b.sse ?? "none"
  tags = b.tags[*].key
}
rule enc {
  id = "B-1"
  severity = high
  controls = ["C1", "C2"]
  message = "{resource} uses {algorithm}"
  let n = len(tags ?? [])
  every cfg where n >= 0 requires kms and (count t in tags: t == "x") < 3
}
rule none_public { no aws_s3_bucket where if acl then acl == "public-read" else false }
rule some_bucket { exists aws_s3_bucket where some k in table.a: k == 1 }
rule most { at least 50% of resource where has(name) requires name references var.env }
)";

std::vector<uint8_t> compile_bundle(bool with_stdlib = false) {
    SourceManager sm;
    CompileResult r = compile_snippet(sm, kPolicy, with_stdlib);
    return write_bundle(*r.program);
}

// docs/bundle.md: a 16-byte header (magic, version, payload size, FNV-1a of the payload).
constexpr size_t kHeaderSize = 16;

void forge_checksum(std::vector<uint8_t>& b) {
    if (b.size() < kHeaderSize) return;
    uint32_t sum = 2166136261u;
    for (size_t i = kHeaderSize; i < b.size(); ++i) sum = (sum ^ b[i]) * 16777619u;
    for (int i = 0; i < 4; ++i) b[12 + i] = static_cast<uint8_t>(sum >> (8 * i));
}

// A one-resource model for running whatever a forged bundle turns into.
Model small_model() {
    Model m;
    Resource r;
    r.address = intern("aws_s3_bucket.b");
    r.native_type = intern("aws_s3_bucket");
    r.frontend = intern("terraform");
    std::string error;
    REQUIRE(json_to_value(
        R"({"sse": "aws:kms", "tags": [{"key": "x"}], "acl": "private", "name": "n"})", m.arena,
        r.native, error, true));
    m.resources.push_back(r);
    m.finalize();
    return m;
}

// A bundle that verified must also disassemble, re-encode and run within its budget.
void exercise(const Program& p) {
    CHECK_FALSE(disassemble(p).empty());
    CHECK_FALSE(write_bundle(p).empty());
    EngineOptions opts;
    opts.instruction_budget = 20'000;
    opts.memory_cap = 1 << 20;
    Engine engine(p, opts);
    std::vector<std::string> errors;
    engine.init_globals({}, errors);
    Model m = small_model();
    engine.normalize(m);
    engine.evaluate(m);
}

} // namespace

TEST_CASE("write -> read -> write is byte-identical", "[bundle]") {
    for (bool stdlib : {false, true}) {
        SourceManager sm;
        CompileResult r = compile_snippet(sm, kPolicy, stdlib);
        std::vector<uint8_t> first = write_bundle(*r.program);
        Program p;
        std::string error;
        INFO(error);
        REQUIRE(read_bundle(first, p, error));
        CHECK(write_bundle(p) == first);
        CHECK(disassemble(p) == disassemble(*r.program));
        CHECK(p.regexes.size() == p.regex_sources.size());
        // Strings read back are interned like the compiler's.
        for (const Value& c : p.constants)
            if (c.is(Kind::String)) CHECK(c.as_string()->interned == 1);
        for (size_t i = 0; i < p.functions.size(); ++i)
            CHECK(p.functions[i].max_stack == r.program->functions[i].max_stack);
    }
}

TEST_CASE("the header is checked with clear messages", "[bundle]") {
    std::vector<uint8_t> b = compile_bundle();
    Program p;
    std::string error;
    SECTION("magic") {
        b[0] = 'X';
        CHECK_FALSE(read_bundle(b, p, error));
        CHECK(error == "invalid bundle: not a Tenet bundle (bad magic; expected TNTB)");
    }
    SECTION("version") {
        b[4] = 9;
        CHECK_FALSE(read_bundle(b, p, error));
        CHECK(error ==
              "invalid bundle: unsupported bundle format version 9 (this tenet reads version 2)");
    }
    SECTION("checksum") {
        b.back() ^= 1;
        CHECK_FALSE(read_bundle(b, p, error));
        CHECK(error == "invalid bundle: checksum mismatch: the bundle is corrupted");
    }
    SECTION("trailing bytes") {
        b.push_back(0);
        CHECK_FALSE(read_bundle(b, p, error));
        CHECK(error.find("truncated or padded") != std::string::npos);
    }
    SECTION("empty input") {
        CHECK_FALSE(read_bundle({}, p, error));
        CHECK(error.find("too short") != std::string::npos);
    }
}

TEST_CASE("every truncation is rejected", "[bundle]") {
    std::vector<uint8_t> b = compile_bundle();
    for (size_t len = 0; len < b.size(); ++len) {
        Program p;
        std::string error;
        std::span<const uint8_t> cut(b.data(), len);
        INFO("length " << len);
        CHECK_FALSE(read_bundle(cut, p, error));
        CHECK_FALSE(error.empty());
        // With the header patched to the cut length, decoding itself must catch it.
        std::vector<uint8_t> forged(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(len));
        if (len >= kHeaderSize) {
            auto size = static_cast<uint32_t>(len - kHeaderSize);
            for (int i = 0; i < 4; ++i) forged[8 + i] = static_cast<uint8_t>(size >> (8 * i));
            forge_checksum(forged);
            CHECK_FALSE(read_bundle(forged, p, error));
        }
    }
}

TEST_CASE("every single-byte corruption is rejected", "[bundle]") {
    std::vector<uint8_t> b = compile_bundle();
    size_t rejected = 0;
    for (size_t i = 0; i < b.size(); ++i) {
        std::vector<uint8_t> bad = b;
        bad[i] ^= 0x5A;
        Program p;
        std::string error;
        if (!read_bundle(bad, p, error)) ++rejected;
    }
    // The checksum covers the payload; the header fields are each checked.
    CHECK(rejected == b.size());
}

TEST_CASE("corruptions with a forged checksum are rejected or verified-safe", "[bundle]") {
    std::vector<uint8_t> b = compile_bundle();
    size_t rejected = 0, accepted = 0;
    const uint8_t patterns[] = {0x01, 0x80, 0xFF};
    for (size_t i = kHeaderSize; i < b.size(); ++i) {
        for (uint8_t x : patterns) {
            std::vector<uint8_t> bad = b;
            bad[i] ^= x;
            forge_checksum(bad);
            Program p;
            std::string error;
            if (read_bundle(bad, p, error)) {
                ++accepted;
                exercise(p);
            } else {
                ++rejected;
                CHECK(error.rfind("invalid bundle: ", 0) == 0);
            }
        }
        // Setting a byte to 0 and to 0xFF hits counts, indices and lengths at their extremes.
        for (uint8_t v : {uint8_t{0}, uint8_t{0xFF}}) {
            std::vector<uint8_t> bad = b;
            if (bad[i] == v) continue;
            bad[i] = v;
            forge_checksum(bad);
            Program p;
            std::string error;
            if (read_bundle(bad, p, error)) exercise(p);
        }
    }
    CHECK(rejected > 0);
    INFO("accepted " << accepted << ", rejected " << rejected);
    CHECK(rejected + accepted == (b.size() - kHeaderSize) * 3);
}
