// Resolver and type checker: every front-end diagnostic of the catalog, annotations
// (types, name kinds, slots, callees, globals order), and no cascades.
#include "tenet/compiler/checker.h"
#include "tenet/compiler/parser.h"

#include <catch2/catch.hpp>

using namespace tenet;
using namespace tenet::ast;

namespace {

// A tiny std package (the real stdlib is tested through compile()).
const char* kStd = R"tenet(package std.iam
type iam_statement { effect: string  actions: list<string>  condition: map<any> }
type iam_policy { statements: list<iam_statement> }
pred denies_insecure_transport(p: iam_policy) =
  some s in p.statements: s.effect == "Deny" and s.condition["Bool"]["aws:SecureTransport"] in [false, "false"]
)tenet";

const char* kTypes = R"tenet(package aws.s3
import std.iam
type sse_config { algorithm: string  kms_key: string }
type s3_bucket  { name: string  encryption: sse_config  policy: iam_policy  versioning: bool  tags: map<string> }
map terraform "aws_s3_bucket" as b to s3_bucket {
  name       = b.bucket
  encryption = { algorithm: first((b <- aws_s3_bucket_server_side_encryption_configuration.bucket)[*].rule[0].sse_algorithm) }
  policy     = first(b <- aws_s3_bucket_policy.bucket).policy
}
)tenet";

struct Checked {
    SourceManager sm;
    DiagnosticBag diags;
    CheckedProgram prog;
    bool ok = false;
    std::string codes() const {
        std::string out;
        for (auto& d : diags.items()) out += std::string(out.empty() ? "" : " ") + d.code();
        return out;
    }
    const Diagnostic& first() const {
        REQUIRE(!diags.items().empty());
        return diags.items()[0];
    }
    template <typename T> T* find(const std::string& name) {
        for (auto& f : prog.files)
            for (auto& d : f.decls)
                if (d->name == name)
                    if (auto* t = dynamic_cast<T*>(d.get())) return t;
        FAIL("no declaration " << name);
        return nullptr;
    }
};

std::unique_ptr<Checked> check(std::vector<std::string> texts, bool with_lib = true) {
    auto c = std::make_unique<Checked>();
    if (with_lib) texts.insert(texts.begin(), {kStd, kTypes});
    int n = 0;
    for (auto& t : texts) {
        FileId id = c->sm.add("f" + std::to_string(n++) + ".tenet", t);
        c->prog.files.push_back(parse_file(c->sm, id, c->diags));
    }
    for (auto& d : c->diags.items()) UNSCOPED_INFO(render_diagnostic(d, c->sm, false));
    REQUIRE(!c->diags.has_errors()); // the tests below are about checking, not parsing
    c->ok = check_program(c->prog, c->sm, c->diags);
    return c;
}

std::unique_ptr<Checked> check1(const std::string& text) {
    return check({"package aws.s3\nimport std.iam\n" + text});
}

// The codes of the errors (warnings excluded).
std::string errors(const Checked& c) {
    std::string out;
    for (auto& d : c.diags.items())
        if (d.severity() == DiagSeverity::Error)
            out += std::string(out.empty() ? "" : " ") + d.code();
    return out;
}

} // namespace

TEST_CASE("the language example checks and is annotated", "[checker]") {
    auto c = check1(R"tenet(
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
  fix      = "Set SSE-KMS default encryption"
  message  = "{resource} is not KMS-encrypted ({encryption.algorithm})"
  every s3_bucket requires kms and policy deny_insecure
}
)tenet");
    INFO(c->codes());
    REQUIRE(c->ok);
    CHECK(c->diags.items().empty());
    auto* rule = c->find<RuleDecl>("s3_kms_and_tls");
    CHECK(rule->id == "TNT-S3-001");
    CHECK(rule->severity == "high");
    CHECK(rule->level == "hard");
    CHECK(rule->controls.size() == 2);
    CHECK(rule->fix == "Set SSE-KMS default encryption");
    REQUIRE(rule->message);
    CHECK(rule->message->type->tag == Type::Tag::String);
    CHECK(rule->message->items[1]->builtin >= 0);
    CHECK(rule->message->items[1]->items[0]->name_kind == NameKind::Local);
    CHECK(rule->message->items[3]->type->tag == Type::Tag::String);
    CHECK(rule->message->items[3]->lhs->name_kind == NameKind::Field);

    Expr* req = rule->requires_.get();
    CHECK(req->type->tag == Type::Tag::Bool);
    CHECK(req->lhs->implicit_resource_arg);
    CHECK(req->lhs->callee == c->find<PredDecl>("kms"));
    CHECK(req->rhs->kind == ExprKind::Apply);
    CHECK(req->rhs->callee == c->find<PredDecl>("deny_insecure"));
    CHECK(req->rhs->lhs->name_kind == NameKind::Field);
    CHECK(req->rhs->lhs->type->to_string() == "iam_policy");
    CHECK(rule->num_locals >= 1);

    auto* kms = c->find<PredDecl>("kms");
    CHECK(kms->body->rhs->name_kind == NameKind::Global);
    CHECK(kms->body->rhs->slot == c->find<ParamDecl>("allowed_sse")->global);
    CHECK(kms->body->lhs->lhs->lhs->name_kind == NameKind::Local);
    CHECK(kms->body->lhs->lhs->lhs->slot == 0);
    CHECK(kms->num_locals == 1);
    auto* deny = c->find<PredDecl>("deny_insecure");
    CHECK(deny->body->var_slot == 1);
    CHECK(deny->num_locals == 2);
    CHECK(c->prog.maps.size() == 1);
    CHECK(c->prog.maps[0]->target_decl == c->find<TypeDecl>("s3_bucket"));
    CHECK(c->prog.maps[0]->fields[0].num_locals == 1);
}

TEST_CASE("the product brief's rules check", "[checker]") {
    auto c = check1(R"tenet(
type security_group_rule { ingress: bool  ports: list<number>  cidr: string }
type cloudtrail { multi_region: bool  log_file_validation: bool }
rule no_world_ssh  { severity = critical  no security_group_rule where ingress and 22 in ports and cidr_is_public(cidr) }
rule trail_exists  { exists cloudtrail where multi_region and log_file_validation }
rule names_suffixed { at least 80% of resource where has(name) requires name references param.environment_suffix }
)tenet");
    INFO(c->codes());
    CHECK(c->ok);
    CHECK(c->diags.items().empty());
    auto* r = c->find<RuleDecl>("names_suffixed");
    CHECK(r->percent == 80);
    CHECK(r->requires_->lhs->name_kind == NameKind::Field);
    CHECK(r->requires_->lhs->type->tag == Type::Tag::Any);
}

TEST_CASE("slots: rule resource, binder, lets, quantifiers, projections", "[checker]") {
    auto c = check1(R"tenet(
rule r {
  let n = len(tags)
  every s3_bucket as x where n > 0 requires some k in values(x.tags): count t in [1, 2]: t > 0
}
)tenet");
    // `values` may not exist in every builtin table; only the slots matter here.
    auto c2 = check1(R"tenet(
rule r {
  let n = 1
  let m = n + 1
  every s3_bucket as x where m > 0 requires some k in x.policy.statements: all a in k.actions: a != it.name
}
)tenet");
    INFO(c2->codes());
    REQUIRE(c2->ok);
    auto* r = c2->find<RuleDecl>("r");
    CHECK(r->lets[0]->local == 1);
    CHECK(r->lets[1]->local == 2);
    CHECK(r->lets[1]->value->lhs->slot == 1);
    CHECK(r->where->lhs->slot == 2);
    Expr* q = r->requires_.get();
    CHECK(q->var_slot == 3);
    CHECK(q->lhs->lhs->lhs->slot == 0); // x
    CHECK(q->rhs->var_slot == 4);
    CHECK(q->rhs->rhs->rhs->lhs->slot == 0); // it
    CHECK(r->num_locals == 5);
    (void)c;

    auto p = check1("pred f(xs: list<s3_bucket>): list<string> = xs[*].name");
    INFO(p->codes());
    REQUIRE(p->ok);
    auto* f = p->find<PredDecl>("f");
    CHECK(f->body->type->to_string() == "list<string>");
    CHECK(f->body->var_slot == 1);
    CHECK(f->body->rhs->lhs->slot == 1);
    CHECK(f->num_locals == 2);
}

TEST_CASE("typed paths: E0303 with did-you-mean", "[checker][diagnostics]") {
    auto c = check1("pred kms(b: s3_bucket) = b.encrpytion.algorithm == \"aws:kms\"");
    REQUIRE(c->codes() == "E0303");
    CHECK(c->first().message == "type `s3_bucket` has no field `encrpytion`");
    CHECK(c->first().help == "did you mean `encryption`?");
    CHECK(c->first().span.begin.line == 3);
    CHECK(c->first().span.begin.column == 26);
    // Implicit fields of a canonical resource are checked too.
    c = check1("rule r { every s3_bucket requires versoning }");
    CHECK(c->codes() == "E0303");
    CHECK(c->first().help == "did you mean `versioning`?");
    // Native resources and `any` are dynamic.
    c = check1("rule r { every aws_s3_bucket requires whatever.deep[0].path == 1 }");
    CHECK(errors(*c).empty());
    // A field on a string is an error.
    c = check1("pred p(b: s3_bucket) = b.name.first == 1");
    CHECK(c->codes() == "E0303");
}

TEST_CASE("no cascades: an Error type silences the rest", "[checker][diagnostics]") {
    auto c = check1("pred p(b: s3_bucket) = b.nmae.x.y + 1 > len(b.nmae) and b.nmae matches \"(\"");
    CHECK(c->codes() == "E0303 E0303 E0303");
    c = check1("pred p(b: s3_bucket) = undefined_thing.a.b + 1 == 2");
    CHECK(c->codes() == "E0201");
}

TEST_CASE("name diagnostics", "[checker][diagnostics]") {
    auto c = check1("let a = 1\npred p(x: number) = x > aa");
    REQUIRE(c->codes() == "E0201");
    CHECK(c->first().help == "did you mean `a`?");

    c = check({"package x\nimport no.such.pkg\n"});
    CHECK(c->codes() == "E0202");
    c = check({"package x\nimport x\n"});
    CHECK(c->codes() == "E0209");

    c = check({"package x\nlet a = 1\n", "package x\nlet a = 2\n"});
    REQUIRE(c->codes() == "E0203");
    CHECK(c->first().message == "`a` is declared more than once in package `x`");
    CHECK(c->first().notes.size() == 1);

    c = check1("rule r { every s3_bucket requires kmss }\npred kms(b: s3_bucket) = true\nrule q { "
               "every s3_bucket "
               "requires has(name) and nosuch(1) }");
    CHECK(errors(*c) == "E0303 E0204");

    c = check1("rule a { id = \"X\" every s3_bucket requires true }\nrule b { id = \"X\" every "
               "s3_bucket requires true }");
    CHECK(c->codes() == "E0205");

    c = check1("let k = 1\nrule r { every s3_bucket requires name k }");
    CHECK(c->codes() == "E0206");

    c = check1("let a = b + 1\nlet b = a\nlet c = c");
    CHECK(c->codes() == "E0207 E0207");
    c = check1("let a = f(1)\npred f(x: number) = a and x > 0");
    CHECK(c->codes() == "E0207");

    c = check1("type t { a: number  a: string }");
    CHECK(c->codes() == "E0208");

    c = check({"package a\nlet shared = 1\n", "package b\nlet shared = 2\n",
               "package c\nimport a\nimport b\nlet x = shared\nlet y = a.shared + b.shared\n"});
    CHECK(c->codes() == "E0210");
}

TEST_CASE("packages, imports and qualified names", "[checker]") {
    auto c = check({"package lib\nparam limit: number = 3\npred big(n: number) = n > limit\nlet "
                    "twice = limit * 2\n",
                    "package lib\nlet other = twice + 1\n",
                    "package app\nimport lib as l\nlet a = l.twice\nlet b = other\npred q(n: "
                    "number) = l.big(n) "
                    "and big(n)\nrule r { every aws_s3_bucket requires q(param.limit) }\n"});
    INFO(c->codes());
    REQUIRE(c->ok);
    auto* a = c->find<LetDecl>("a");
    CHECK(a->value->kind == ExprKind::Name);
    CHECK(a->value->string_value == "l.twice");
    CHECK(a->value->name_kind == NameKind::Global);
    // Globals are ordered so that initializers only read earlier globals.
    auto idx = [&](const std::string& n) {
        for (size_t i = 0; i < c->prog.globals.size(); ++i)
            if (c->prog.globals[i]->name == n) return i;
        return size_t(999);
    };
    CHECK(idx("limit") < idx("twice"));
    CHECK(idx("twice") < idx("other"));
    CHECK(idx("other") < idx("b"));
    for (size_t i = 0; i < c->prog.globals.size(); ++i) {
        auto* g = c->prog.globals[i];
        uint32_t slot = g->kind == DeclKind::Param ? static_cast<const ParamDecl*>(g)->global
                                                   : static_cast<const LetDecl*>(g)->global;
        CHECK(slot == i);
    }
    CHECK(a->value->slot == c->find<LetDecl>("twice")->global);
    auto* r = c->find<RuleDecl>("r");
    CHECK(r->requires_->items[0]->string_value == "param.limit");
    CHECK(r->requires_->items[0]->name_kind == NameKind::Global);
}

TEST_CASE("type diagnostics", "[checker][diagnostics]") {
    auto c = check1("param p: number = \"x\"\nlet q = p");
    REQUIRE(c->codes() == "E0301");
    CHECK(c->first().message == "expected number, found string");

    c = check1("rule r { every s3_bukcet requires true }");
    REQUIRE(c->codes() == "E0302");
    CHECK(c->first().help == "did you mean `s3_bucket`?");
    c = check1("param p: lst<string> = []");
    CHECK(errors(*c) == "E0302");

    c = check1("map terraform \"aws_x\" as b to s3_bucket { versioning = \"yes\" }");
    REQUIRE(c->codes() == "E0304");
    CHECK(c->first().message ==
          "field `versioning` of `s3_bucket` has type bool, but the mapping gives string");

    c = check1("pred a(x: number) = b(x)\npred b(x: number) = a(x)\npred c(x: number) = c(x)\npred "
               "d(x: number) = a(x)");
    CHECK(c->codes() == "E0305 E0305 E0305");

    c = check1("pred two(a: number, b: number) = a > b\nlet x = two(1)\nrule r { every s3_bucket "
               "requires two }\nlet y "
               "= len(1, 2)");
    CHECK(c->codes() == "E0306 E0306 E0306");

    c = check1("let x = 1[0]\nlet y = true[\"a\"]");
    CHECK(c->codes() == "E0307 E0307");

    c = check1("let x = 1 + \"a\"\nlet y = \"a\" < 1\nlet z = 1 in 2\nlet w = [1] - [2]");
    CHECK(c->codes() == "E0308 E0308 E0308 E0308");
    CHECK(c->first().message == "operator `+` cannot be applied to number and string");

    c = check1("let x = some v in 42: v\nlet y = count v in \"s\": true");
    CHECK(c->codes() == "E0309 E0309");

    c = check1("rule r { sevrity = high every s3_bucket requires true }");
    REQUIRE(c->codes() == "E0310");
    CHECK(c->first().help == "did you mean `severity`?");

    c = check1("map terraform \"aws_x\" as b to s3_bukket { name = b.n }");
    CHECK(c->codes() == "E0311");
    c = check1("map terraform \"aws_x\" as b to s3_bucket { nmae = b.n }");
    REQUIRE(c->codes() == "E0312");
    CHECK(c->first().help == "did you mean `name`?");

    c = check1("rule r { every s3_bucket requires len(it <- iam_policy.x) > 0 }");
    CHECK(c->codes() == "E0313");
    c = check1("rule r { every s3_bucket requires len(it <- s3_bucket.policy) >= 0 }");
    CHECK(errors(*c).empty());

    c = check1("pred kms(b: s3_bucket) = true\npred p(b: s3_bucket) = kms\nlet x = kms");
    CHECK(c->codes() == "E0314 E0314");
}

TEST_CASE("metadata and literal diagnostics", "[checker][diagnostics]") {
    auto c = check1("rule r { severity = hihg every s3_bucket requires true }");
    REQUIRE(c->codes() == "E0401");
    CHECK(c->first().help == "did you mean `high`?");
    c = check1("rule r { level = strict every s3_bucket requires true }");
    CHECK(c->codes() == "E0403");
    c = check1("rule r { id = 3, controls = [\"a\", 1], title = x, message = 5, every s3_bucket "
               "requires true }");
    CHECK(c->codes() == "E0404 E0404 E0404 E0404");
    c = check1("rule r { at least 120% of s3_bucket requires true }");
    CHECK(c->codes() == "E0405");
    c = check1("let x = param.nope");
    CHECK(c->codes() == "E0406");
    c = check1("rule r { id = \"a\" id = \"b\" every s3_bucket requires true }");
    CHECK(c->codes() == "E0408");
    c = check1("let x = \"a\" matches \"(unclosed\"\nlet y = regex_replace(\"a\", \"[\", "
               "\"\")\nlet z = \"a\" matches \"^ok$\"");
    REQUIRE(c->codes() == "E0501 E0501");
    CHECK(c->first().message.find("invalid regular expression") == 0);
    c = check1("let x = cidr_is_public(\"10.0.0.0/33\")\nlet y = cidr_contains(\"10.0.0.0/8\", "
               "\"10.1.2.3\")\nlet z "
               "= cidr_contains(\"::/0\", \"nope\")");
    CHECK(c->codes() == "E0502 E0502");
}

TEST_CASE("warnings", "[checker][diagnostics]") {
    auto c = check1("param unused: number = 1\nrule r { exists cloudtrial }");
    CHECK(c->ok);
    CHECK(c->codes() == "W0003 W0001");
    c = check1("let name = \"x\"\nrule r { every s3_bucket requires name == \"y\" }");
    CHECK(c->ok);
    CHECK(c->codes() == "W0002");
}

TEST_CASE("rule bodies see resource fields, params and stack", "[checker]") {
    auto c = check1(R"tenet(
param suffix: string = "-prod"
rule r {
  message = "{name} lacks {suffix}; {{literal}}"
  every s3_bucket as b where has(b.name) requires ends(b.name) and stack.variables != null and b.tags["env"] == "prod"
}
pred ends(s: string) = s matches "-prod$"
)tenet");
    INFO(c->codes());
    REQUIRE(c->ok);
    auto* r = c->find<RuleDecl>("r");
    CHECK(r->message->items[1]->name_kind == NameKind::Field);
    CHECK(r->message->items[3]->name_kind == NameKind::Global);
    CHECK(r->message->items[4]->string_value == "; {literal}");
    CHECK(r->requires_->lhs->rhs->lhs->lhs->name_kind == NameKind::Stack);
}
