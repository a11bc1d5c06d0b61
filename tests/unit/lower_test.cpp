// Lowering: the shape of the Program (functions, constants, regexes, metadata, line
// tables) and the bytecode of each construct, through tenet::compile().
#include "lower_test_support.h"
#include "tenet/runtime/disasm.h"

#include <algorithm>

using namespace tenet;
using namespace tenet::test;

namespace {

const RuleInfo& rule_named(const Program& p, const std::string& name) {
    for (const RuleInfo& r : p.rules)
        if (r.name == name) return r;
    FAIL("no rule " << name);
    return p.rules.front();
}

size_t count_constants(const Program& p, Kind k) {
    return static_cast<size_t>(std::count_if(p.constants.begin(), p.constants.end(),
                                             [&](const Value& v) { return v.is(k); }));
}

} // namespace

// The issue's example, verbatim apart from the types it needs.
const char* kBrief = R"(package aws.s3
type iam_statement { effect: string  condition: map<any> }
type iam_policy { statements: list<iam_statement> }
type sse_config { algorithm: string }
type s3_bucket { encryption: sse_config  policy: iam_policy }

param allowed_sse: list<string> = ["aws:kms", "aws:kms:dsse"]

pred kms(b: s3_bucket) = b.encryption.algorithm in allowed_sse
pred deny_insecure(p: iam_policy) =
  some s in p.statements: s.effect == "Deny" and s.condition["Bool"]["aws:SecureTransport"] in [false, "false"]

rule s3_kms_and_tls {
  id       = "TNT-S3-001"
  title    = "S3 buckets encrypt with KMS and refuse plain HTTP"
  severity = high
  level    = hard
  controls = ["CT.S3.PR.10", "AWS-FSBP-S3.5"]
  fix      = "Set SSE-KMS default encryption and attach a bucket policy denying aws:SecureTransport=false"
  message  = "{resource} is not KMS-encrypted or accepts plain HTTP"

  every s3_bucket requires kms and policy deny_insecure
}
)";

TEST_CASE("the brief's rule lowers to verified where/requires/message functions", "[lower]") {
    SourceManager sm;
    CompileResult r = compile_snippet(sm, kBrief);
    const Program& p = *r.program;
    const RuleInfo& rule = rule_named(p, "aws.s3.s3_kms_and_tls");
    CHECK(rule.id == "TNT-S3-001");
    CHECK(rule.title == "S3 buckets encrypt with KMS and refuse plain HTTP");
    CHECK(rule.severity == Severity::High);
    CHECK(rule.level == Level::Hard);
    CHECK(rule.form == RuleForm::Every);
    CHECK(rule.controls == std::vector<std::string>{"CT.S3.PR.10", "AWS-FSBP-S3.5"});
    CHECK(rule.message == "{resource} is not KMS-encrypted or accepts plain HTTP");
    CHECK(rule.package == "aws.s3");
    CHECK(rule.where_fn == kNoFunction);
    REQUIRE(rule.requires_fn < p.functions.size());
    REQUIRE(rule.message_fn < p.functions.size());
    const Function& req = p.functions[rule.requires_fn];
    CHECK(req.arity == 1);
    CHECK(req.name == "rule:aws.s3.s3_kms_and_tls/requires");
    // `kms and policy deny_insecure`: kms(it), then deny_insecure(it.policy), Kleene and.
    CHECK(opcodes(req) == std::vector<std::string>{"LOAD", "CALL", "AND_TEST", "LOAD", "FIELD",
                                                   "CALL", "AND", "TRUTH", "RETURN"});
    CHECK(opcodes(p.functions[rule.message_fn]) ==
          std::vector<std::string>{"LOAD", "CALL_BUILTIN", "CONST", "CONCAT", "RETURN"});
    CHECK(rule.loc.line > 0);
    CHECK(p.files.at(rule.loc.file) == "t.tenet");
    CHECK(rule.target_kind == TargetKind::Canonical);
    CHECK(rule.target_type == "s3_bucket");
}

TEST_CASE("a small predicate disassembles to a stable listing", "[lower]") {
    SourceManager sm;
    CompileResult r = compile_snippet(sm, "package t\npred big(x: number) = x > 10\n");
    std::string text = disassemble(*r.program);
    CHECK(text.find("f0  t.big  arity=1 locals=1 stack=2\n"
                    "      0  LOAD            0                                ; t.tenet:2:23\n"
                    "      3  CONST           10                               ; t.tenet:2:27\n"
                    "      8  GT                                               ; t.tenet:2:23\n"
                    "      9  RETURN\n") != std::string::npos);
    INFO(text);
}

TEST_CASE("constants are deduplicated and literal lists and maps fold into one constant",
          "[lower]") {
    SourceManager sm;
    CompileResult r = compile_snippet(sm, R"(package t
pred a(x: any) = x.k == "v" or x.j == "v" or x.n == 2 or x.m == 2
pred b(x: any) = x in ["v", "w", [1, 2]] and x != {k: "v", n: [true, null]}
pred c(x: any) = x in [x.a, "v"]
)");
    const Program& p = *r.program;
    size_t v_count = 0, two_count = 0;
    for (const Value& c : p.constants) {
        if (c.is(Kind::String) && c.as_view() == "v") ++v_count;
        if (c.is(Kind::Number) && c.as_number() == 2) ++two_count;
    }
    CHECK(v_count == 1);
    CHECK(two_count == 1);
    CHECK(count_constants(p, Kind::List) == 1);
    CHECK(count_constants(p, Kind::Map) == 1);
    // Strings are interned, so the VM can compare them with the model's by pointer.
    for (const Value& c : p.constants)
        if (c.is(Kind::String)) CHECK(c.as_string()->interned == 1);
    // A list with a non-literal element is built at run time.
    CHECK(has_op(function_named(p, "t.c"), "LIST"));
    CHECK_FALSE(has_op(function_named(p, "t.b"), "LIST"));
}

TEST_CASE("three-valued and/or/not, if/then/else and ??", "[lower]") {
    SourceManager sm;
    CompileResult r = compile_snippet(sm, R"(package t
pred a(x: any) = x.p or not x.q
pred b(x: any) = if x.c then x.d else false
pred c(x: any) = (x.e ?? x.f) == 1
)");
    const Program& p = *r.program;
    CHECK(opcodes(function_named(p, "t.a")) == std::vector<std::string>{"LOAD", "FIELD", "OR_TEST",
                                                                        "LOAD", "FIELD", "NOT",
                                                                        "OR", "RETURN"});
    // An unknown condition jumps past both branches keeping one copy of itself.
    CHECK(opcodes(function_named(p, "t.b")) ==
          std::vector<std::string>{"LOAD", "FIELD", "DUP", "JUMP_IF_UNKNOWN", "JUMP_IF_FALSE",
                                   "LOAD", "FIELD", "JUMP", "FALSE_", "JUMP", "POP", "RETURN"});
    CHECK(opcodes(function_named(p, "t.c")) ==
          std::vector<std::string>{"LOAD", "FIELD", "COALESCE_TEST", "LOAD", "FIELD", "CONST", "EQ",
                                   "RETURN"});
}

TEST_CASE("quantifiers and projections use temporaries above the checker's locals", "[lower]") {
    SourceManager sm;
    CompileResult r = compile_snippet(sm, R"(package t
pred s(x: any) = some a in x.l: all b in a.m: b > 1
pred n(x: any) = (count a in x.l: a == 1) > 2
pred pr(x: any) = 3 in x.l[*].k
)");
    const Program& p = *r.program;
    const Function& s = function_named(p, "t.s");
    CHECK(has_op(s, "QUANT_SOME"));
    CHECK(has_op(s, "QUANT_ALL"));
    auto ops = opcodes(s);
    CHECK(std::count(ops.begin(), ops.end(), std::string("ITER_INIT")) == 2);
    CHECK(std::count(ops.begin(), ops.end(), std::string("ITER_NEXT")) == 2);
    // x, a, b, then two (iterator pair + accumulator) temporaries.
    CHECK(s.num_locals == 3 + 3 + 3);
    CHECK(has_op(function_named(p, "t.n"), "QUANT_COUNT"));
    const Function& pr = function_named(p, "t.pr");
    auto pops = opcodes(pr);
    CHECK(pops == std::vector<std::string>{"CONST", "LOAD", "FIELD", "COALESCE_TEST", "NULL_",
                                           "JUMP", "ITER_INIT", "PROJECT_INIT", "ITER_NEXT", "LOAD",
                                           "FIELD", "PROJECT_PUSH", "JUMP", "PROJECT_END", "IN",
                                           "RETURN"});
    CHECK(pr.num_locals == 2 + 3);
}

TEST_CASE("matches with a literal pattern uses the regex pool", "[lower]") {
    SourceManager sm;
    CompileResult r = compile_snippet(sm, R"(package t
pred a(x: any) = x.n matches "^prod-" and x.m matches "^prod-"
pred b(x: any) = x.n matches x.pattern
)");
    const Program& p = *r.program;
    CHECK(p.regex_sources == std::vector<std::string>{"^prod-"});
    CHECK(p.regexes.size() == 1);
    CHECK(has_op(function_named(p, "t.a"), "MATCHES"));
    CHECK(has_op(function_named(p, "t.b"), "MATCHES_DYN"));
}

TEST_CASE("rule forms, implicit fields, implicit predicate application and lets", "[lower]") {
    SourceManager sm;
    CompileResult r = compile_snippet(sm, R"(package t
pred tagged(r: aws_instance) = has(r.tags)
rule every_r { every aws_instance where size > 2 requires tagged }
rule no_r { no aws_security_group_rule where ingress and 22 in ports }
rule exists_r { exists aws_cloudtrail where multi_region }
rule exists_all { exists aws_cloudtrail }
rule atleast_r { at least 80% of resource where has(name) requires name references var.env }
rule lets_r {
  let a = len(tags ?? {})
  let b = a + 1
  let c = "unused"
  every aws_instance where b > 3 requires it["name"] == "x"
}
)");
    const Program& p = *r.program;
    const RuleInfo& every = rule_named(p, "t.every_r");
    CHECK(every.target_kind == TargetKind::Native);
    CHECK(every.target_type == "aws_instance");
    CHECK(opcodes(p.functions[every.where_fn]) ==
          std::vector<std::string>{"LOAD", "FIELD", "CONST", "GT", "TRUTH", "RETURN"});
    CHECK(opcodes(p.functions[every.requires_fn]) ==
          std::vector<std::string>{"LOAD", "CALL", "TRUTH", "RETURN"});
    CHECK(opcodes(function_named(p, "t.tagged")) ==
          std::vector<std::string>{"LOAD", "FIELD", "HAS", "RETURN"});

    const RuleInfo& no = rule_named(p, "t.no_r");
    CHECK(no.form == RuleForm::No);
    CHECK(no.where_fn == kNoFunction);
    REQUIRE(no.requires_fn != kNoFunction);
    CHECK(p.functions[no.requires_fn].name == "rule:t.no_r/condition");

    const RuleInfo& ex = rule_named(p, "t.exists_r");
    CHECK(ex.form == RuleForm::Exists);
    CHECK(ex.where_fn != kNoFunction);
    CHECK(ex.requires_fn == kNoFunction);
    const RuleInfo& ex_all = rule_named(p, "t.exists_all");
    CHECK(ex_all.where_fn == kNoFunction);
    CHECK(ex_all.requires_fn == kNoFunction);

    const RuleInfo& al = rule_named(p, "t.atleast_r");
    CHECK(al.form == RuleForm::AtLeast);
    CHECK(al.percent == 80);
    CHECK(al.target_kind == TargetKind::Any);
    CHECK(al.target_type.empty());
    CHECK(opcodes(p.functions[al.requires_fn]) ==
          std::vector<std::string>{"LOAD", "FIELD", "REFERENCES", "TRUTH", "RETURN"});

    // Only the lets a function reads (here b, and a through b) are evaluated in it.
    const RuleInfo& lets = rule_named(p, "t.lets_r");
    auto where = opcodes(p.functions[lets.where_fn]);
    CHECK(std::count(where.begin(), where.end(), std::string("STORE")) == 2);
    auto req = opcodes(p.functions[lets.requires_fn]);
    CHECK(std::count(req.begin(), req.end(), std::string("STORE")) == 0);
    // it["name"] on a resource reads the field.
    CHECK(req == std::vector<std::string>{"LOAD", "FIELD", "CONST", "EQ", "TRUTH", "RETURN"});
}

TEST_CASE("globals are initialized in dependency order by arity-0 functions", "[lower]") {
    SourceManager sm;
    CompileResult r = compile_snippet(sm, R"(package t
let doubled = limit * 2
param limit: number = 3
param names: list<string>
pred p(x: any) = x.n > doubled and x.s in names
)");
    const Program& p = *r.program;
    REQUIRE(p.globals.size() == 3);
    CHECK(p.globals[0].name == "t.limit");
    CHECK(p.globals[0].is_param);
    CHECK(p.globals[0].type == "number");
    CHECK(p.globals[2].name == "t.names");
    CHECK(p.globals[2].init_fn == kNoFunction);
    CHECK(p.globals[2].type == "list<string>");
    CHECK(p.globals[1].name == "t.doubled");
    CHECK_FALSE(p.globals[1].is_param);
    REQUIRE(p.globals[1].init_fn != kNoFunction);
    const Function& init = p.functions[p.globals[1].init_fn];
    CHECK(init.arity == 0);
    // Globals come first in dependency order: `doubled` reads `limit`.
    CHECK(opcodes(init) == std::vector<std::string>{"GLOBAL", "CONST", "MUL", "RETURN"});
}

TEST_CASE("mappings lower one arity-1 function per field", "[lower]") {
    SourceManager sm;
    CompileResult r = compile_snippet(sm, R"(package t
type bucket { name: string  policies: list<any> }
map terraform "aws_s3_bucket" as b to bucket {
  name = b.bucket
  policies = b <- aws_s3_bucket_policy.bucket
}
rule named { every bucket requires has(name) }
)");
    const Program& p = *r.program;
    REQUIRE(p.mappings.size() == 1);
    const MappingInfo& m = p.mappings[0];
    CHECK(m.frontend == "terraform");
    CHECK(m.native_type == "aws_s3_bucket");
    CHECK(m.canonical_type == "bucket");
    REQUIRE(m.fields.size() == 2);
    CHECK(m.fields[0].name == "name");
    const Function& rel = p.functions[m.fields[1].fn];
    CHECK(rel.name == "map:terraform:aws_s3_bucket/policies");
    CHECK(rel.arity == 1);
    CHECK(opcodes(rel) == std::vector<std::string>{"LOAD", "RELATION", "RETURN"});
    const RuleInfo& rule = rule_named(p, "t.named");
    CHECK(rule.target_kind == TargetKind::Canonical);
    CHECK(rule.target_type == "bucket");
}

TEST_CASE("line tables start at pc 0, are sorted and name real files", "[lower]") {
    SourceManager sm;
    CompileResult r = compile_snippet(
        sm, std::string(kBrief) + "rule other { exists resource where true }\n", true);
    const Program& p = *r.program;
    for (const Function& fn : p.functions) {
        INFO(fn.name);
        REQUIRE_FALSE(fn.lines.empty());
        CHECK(fn.lines[0].pc == 0);
        for (size_t i = 1; i < fn.lines.size(); ++i) CHECK(fn.lines[i].pc > fn.lines[i - 1].pc);
        for (const LineEntry& e : fn.lines) CHECK(e.file < p.files.size());
        CHECK(fn.max_stack >= 1);
    }
}

TEST_CASE("the stack entity, templates and builtin calls", "[lower]") {
    SourceManager sm;
    CompileResult r = compile_snippet(sm, R"(package t
pred v(x: any) = len(stack.variables) > 0 and lower(x.name) == "a"
rule m {
  message = "{resource}: {name} has {len(tags ?? [])} tags"
  every aws_instance requires true
}
)");
    const Program& p = *r.program;
    CHECK(opcodes(function_named(p, "t.v"))[0] == "STACK");
    const RuleInfo& rule = rule_named(p, "t.m");
    CHECK(rule.message == "{resource}: {name} has {len(tags ?? [])} tags");
    auto ops = opcodes(p.functions[rule.message_fn]);
    CHECK(ops.back() == "RETURN");
    CHECK(ops[ops.size() - 2] == "CONCAT");
}
