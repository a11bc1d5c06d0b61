// HCL2 parser: every syntax form, with the line and column of its nodes.
#include "../../frontends/terraform/hcl_parser.h"

#include <catch2/catch.hpp>

using namespace tenet;
using namespace tenet::hcl;

namespace {

File parse_ok(std::string_view text) {
    File f;
    ParseError err;
    bool ok = parse_native(text, 1, f, err);
    INFO(err.loc.line << ":" << err.loc.column << ": " << err.message);
    REQUIRE(ok);
    return f;
}

ParseError parse_fail(std::string_view text) {
    File f;
    ParseError err;
    REQUIRE_FALSE(parse_native(text, 1, f, err));
    return err;
}

const Expr* attr(const File& f, std::string_view name) {
    const Attribute* a = f.body.attribute(name);
    REQUIRE(a != nullptr);
    return a->expr;
}

} // namespace

TEST_CASE("hcl: attributes and blocks with labels keep their positions", "[hcl]") {
    File f = parse_ok("region = \"us-east-1\"\n"
                      "\n"
                      "resource \"aws_s3_bucket\" \"b\" {\n"
                      "  bucket = \"logs\"\n"
                      "  versioning {\n"
                      "    enabled = true\n"
                      "  }\n"
                      "  lifecycle { prevent_destroy = true }\n"
                      "}\n");
    REQUIRE(f.body.attributes.size() == 1);
    CHECK(f.body.attributes[0].loc.line == 1);
    REQUIRE(f.body.blocks.size() == 1);
    const Block& r = f.body.blocks[0];
    CHECK(r.type == "resource");
    REQUIRE(r.labels == std::vector<std::string>{"aws_s3_bucket", "b"});
    CHECK(r.loc.line == 3);
    CHECK(r.loc.column == 1);
    CHECK(r.label_locs[1].column == 26);
    const Attribute* bucket = r.body.attribute("bucket");
    REQUIRE(bucket);
    CHECK(bucket->loc.line == 4);
    CHECK(bucket->loc.column == 3);
    CHECK(bucket->expr->loc.column == 12);
    REQUIRE(r.body.blocks.size() == 2);
    CHECK(r.body.blocks[0].type == "versioning");
    CHECK(r.body.blocks[0].body.attribute("enabled")->loc.line == 6);
    CHECK(r.body.blocks[1].type == "lifecycle");
    CHECK(r.body.blocks[1].body.attribute("prevent_destroy") != nullptr);
}

TEST_CASE("hcl: literals, tuples and objects", "[hcl]") {
    File f = parse_ok("n = 1.5e2\nm = -3\nb = false\nz = null\n"
                      "t = [1, \"two\",\n  3,\n]\n"
                      "o = {\n  a = 1\n  \"b\" : 2, (local.k) = 3\n}\n");
    CHECK(attr(f, "n")->number == 150);
    CHECK(attr(f, "m")->number == -3);
    CHECK(attr(f, "b")->lit == LitKind::Bool);
    CHECK(attr(f, "z")->lit == LitKind::Null);
    const Expr* t = attr(f, "t");
    REQUIRE(t->kind == ExprKind::Tuple);
    REQUIRE(t->items.size() == 3);
    CHECK(t->items[2]->loc.line == 6);
    const Expr* o = attr(f, "o");
    REQUIRE(o->kind == ExprKind::Object);
    REQUIRE(o->member_count() == 3);
    CHECK(o->member_key(0)->kind == ExprKind::Literal);
    CHECK(o->member_key(0)->name == "a");
    // A quoted key without interpolations is a literal, marked as written in quotes.
    CHECK(o->member_key(1)->kind == ExprKind::Literal);
    CHECK(o->member_key(1)->unwrap);
    CHECK(o->member_key(2)->kind == ExprKind::Parens);
    CHECK(o->member_value(2)->loc.line == 10);
}

TEST_CASE("hcl: templates with interpolation, directives and strip markers", "[hcl]") {
    File f = parse_ok("a = \"x-${var.env}-y\"\n"
                      "b = \"${var.only}\"\n"
                      "c = \"%{ if var.on }on%{ else }off%{ endif }\"\n"
                      "d = \"%{ for k, v in var.m ~} ${k}=${v} %{~ endfor }\"\n"
                      "e = \"esc $${x} %%{y} \\\"q\\\" \\u00e9\"\n");
    const Expr* a = attr(f, "a");
    REQUIRE(a->kind == ExprKind::Template);
    REQUIRE(a->items.size() == 3);
    CHECK(a->items[1]->kind == ExprKind::GetAttr);
    CHECK(a->items[1]->loc.column == 10);
    CHECK_FALSE(a->unwrap);
    CHECK(attr(f, "b")->unwrap);
    const Expr* c = attr(f, "c");
    REQUIRE(c->items.size() == 1);
    CHECK(c->items[0]->kind == ExprKind::TemplateIf);
    CHECK(c->items[0]->c != nullptr);
    const Expr* d = attr(f, "d")->items[0];
    REQUIRE(d->kind == ExprKind::TemplateFor);
    CHECK(d->name == "k");
    CHECK(d->name2 == "v");
    // `~}` strips the space before ${k}; `%{~` strips the one after ${v}.
    REQUIRE(d->b->items.size() == 3);
    CHECK(d->b->items[1]->name == "=");
    const Expr* e = attr(f, "e");
    REQUIRE(e->kind == ExprKind::Literal);
    CHECK(e->unwrap);
    CHECK(e->loc.column == 5);
    CHECK(e->name == "esc ${x} %{y} \"q\" \xc3\xa9");
}

TEST_CASE("hcl: heredocs, plain and indented", "[hcl]") {
    File f = parse_ok("p = <<EOF\n  {\"a\": ${var.x}}\nEOF\n"
                      "q = <<-EOT\n    line1\n      line2\n    EOT\n"
                      "r = 1\n");
    const Expr* p = attr(f, "p");
    REQUIRE(p->items.size() == 3);
    CHECK(p->items[0]->name == "  {\"a\": ");
    CHECK(p->items[2]->name == "}\n");
    const Expr* q = attr(f, "q");
    REQUIRE(q->kind == ExprKind::Literal);
    CHECK(q->name == "line1\n  line2\n");
    CHECK(f.body.attribute("r")->loc.line == 8);
}

TEST_CASE("hcl: traversals, index, splats", "[hcl]") {
    File f = parse_ok("a = aws_s3_bucket.b[\"k\"].arn\n"
                      "b = aws_subnet.private[*].id\n"
                      "c = var.list.*.name\n"
                      "d = x.0\n"
                      "e = a[*].b[0]\n");
    const Expr* a = attr(f, "a");
    REQUIRE(a->kind == ExprKind::GetAttr);
    CHECK(a->name == "arn");
    REQUIRE(a->a->kind == ExprKind::Index);
    CHECK(a->a->a->kind == ExprKind::GetAttr);
    const Expr* b = attr(f, "b");
    REQUIRE(b->kind == ExprKind::Splat);
    CHECK(b->b->kind == ExprKind::GetAttr);
    CHECK(b->b->a->kind == ExprKind::SplatItem);
    const Expr* c = attr(f, "c");
    REQUIRE(c->kind == ExprKind::Splat);
    CHECK(c->b->name == "name");
    CHECK(attr(f, "d")->kind == ExprKind::Index);
    // [*] keeps applying indexes to each element.
    const Expr* e = attr(f, "e");
    REQUIRE(e->kind == ExprKind::Splat);
    CHECK(e->b->kind == ExprKind::Index);
}

TEST_CASE("hcl: for expressions, conditionals, operators and calls", "[hcl]") {
    File f = parse_ok("a = [for k, v in var.m : upper(v) if k != \"x\"]\n"
                      "b = {for s in var.l : s.name => s...}\n"
                      "c = var.x ? 1 : 2\n"
                      "d = 1 + 2 * 3 == 7 && !false || 5 % 2 > 0\n"
                      "e = merge(local.a, local.b...)\n"
                      "f = provider::aws::arn_parse(\"x\")\n"
                      "g = (1 + 2) * 3\n"
                      "h = concat(\n  [1],\n  [2]\n)\n");
    const Expr* a = attr(f, "a");
    REQUIRE(a->kind == ExprKind::For);
    CHECK(a->name == "k");
    CHECK(a->name2 == "v");
    CHECK(a->d != nullptr);
    CHECK_FALSE(a->object_for);
    const Expr* b = attr(f, "b");
    CHECK(b->object_for);
    CHECK(b->expand);
    CHECK(b->name.empty());
    CHECK(attr(f, "c")->kind == ExprKind::Conditional);
    const Expr* d = attr(f, "d");
    REQUIRE(d->kind == ExprKind::Binary);
    CHECK(d->op == Op::Or);
    CHECK(d->a->op == Op::And);
    CHECK(d->a->a->op == Op::Eq);
    CHECK(d->a->a->a->op == Op::Add);
    CHECK(d->a->a->a->b->op == Op::Mul);
    const Expr* e = attr(f, "e");
    REQUIRE(e->kind == ExprKind::Call);
    CHECK(e->expand);
    CHECK(e->items.size() == 2);
    CHECK(attr(f, "f")->name == "provider::aws::arn_parse");
    CHECK(attr(f, "g")->op == Op::Mul);
    CHECK(attr(f, "h")->items.size() == 2);
}

TEST_CASE("hcl: comments of every kind", "[hcl]") {
    File f = parse_ok(
        "# hash\n// slashes\n/* block\n comment */ a = 1 # trailing\nb = 2 /* inline */\n");
    CHECK(f.body.attributes.size() == 2);
    CHECK(f.body.attribute("a")->loc.line == 4);
}

TEST_CASE("hcl: malformed input is a located error", "[hcl]") {
    ParseError e = parse_fail("resource \"a\" \"b\" {\n  x = \n}\n");
    CHECK(e.loc.line == 2);
    CHECK(e.message.find("expected an expression") != std::string::npos);
    e = parse_fail("a = \"unterminated\nb = 1\n");
    CHECK(e.loc.line == 1);
    e = parse_fail("a = <<EOF\nno end\n");
    CHECK(e.message.find("heredoc") != std::string::npos);
    e = parse_fail("a = 1\na = 2\n");
    CHECK(e.loc.line == 2);
    CHECK(e.message.find("already defined") != std::string::npos);
    e = parse_fail("resource \"x\" {\n");
    CHECK(e.message.find("`}`") != std::string::npos);
    e = parse_fail("a = \"${var.x\"\n");
    CHECK(e.loc.line == 1);
    e = parse_fail("a = [1 2]\n");
    CHECK(e.loc.column == 8);
    e = parse_fail("a = @\n");
    CHECK(e.loc.column == 5);
}

TEST_CASE("hcl: nesting is capped, never a stack overflow", "[hcl]") {
    std::string deep = "a = " + std::string(5000, '[') + std::string(5000, ']') + "\n";
    ParseError e = parse_fail(deep);
    CHECK(e.message.find("too deep") != std::string::npos);
    std::string parens = "a = " + std::string(5000, '(') + "1" + std::string(5000, ')') + "\n";
    CHECK(parse_fail(parens).message.find("too deep") != std::string::npos);
    std::string blocks;
    for (int i = 0; i < 500; ++i) blocks += "b {\n";
    CHECK(parse_fail(blocks).message.find("too deep") != std::string::npos);
}

TEST_CASE("hcl: garbage never crashes or hangs", "[hcl]") {
    const char* inputs[] = {"",
                            "{",
                            "}",
                            "\"",
                            "${",
                            "a = ${",
                            "a = \"%{ if }\"",
                            "a = \"%{ endif }\"",
                            "a = <<",
                            "a = <<-",
                            "a = x[",
                            "a = x.",
                            "a = {for}",
                            "a = [for x in y]",
                            "a = f(1,",
                            "a = f(x..., y)",
                            "\xff\xfe",
                            "a = 1 ? 2",
                            "~}",
                            "a = \"~}\"",
                            "a { b = 1 c = 2 }",
                            "a = \"\\q\"",
                            "a = \"\\u12\""};
    for (const char* in : inputs) {
        File f;
        ParseError err;
        parse_native(in, 1, f, err);
    }
    SUCCEED();
}

TEST_CASE("hcl: JSON syntax maps onto the same tree", "[hcl]") {
    const char* text = R"({
  "variable": {"env": {"type": "string", "default": "${not-a-template}"}},
  "resource": {
    "aws_s3_bucket": {
      "b": {
        "//": {"metadata": {"path": "stack/b"}},
        "bucket": "logs-${var.env}",
        "tags": {"Name": "x"},
        "versioning": {"enabled": true},
        "rule": [{"id": "a"}, {"id": "b"}],
        "lifecycle": {"prevent_destroy": true},
        "dynamic": {"grant": {"for_each": "${var.g}", "content": {"id": "${grant.value}"}}}
      }
    }
  },
  "locals": {"x": 1},
  "output": {"o": {"value": "${aws_s3_bucket.b.arn}"}}
})";
    File f;
    ParseError err;
    REQUIRE(parse_json(text, 1, f, err));
    REQUIRE(f.body.blocks.size() == 4);
    const Block& var = f.body.blocks[0];
    CHECK(var.type == "variable");
    CHECK(var.body.attribute("default")->expr->kind == ExprKind::Literal);
    CHECK(var.body.attribute("type")->expr->kind == ExprKind::Variable);
    const Block& r = f.body.blocks[1];
    REQUIRE(r.labels == std::vector<std::string>{"aws_s3_bucket", "b"});
    CHECK(r.loc.line == 5);
    CHECK(r.body.json_comment_path == "stack/b");
    const Expr* bucket = r.body.attribute("bucket")->expr;
    REQUIRE(bucket->kind == ExprKind::Template);
    CHECK(bucket->items[1]->loc.line == 7);
    CHECK(bucket->items[1]->loc.column == 27);
    CHECK(r.body.attribute("tags")->expr->kind == ExprKind::Object);
    int versioning = 0, rules = 0, lifecycle = 0, dyn = 0;
    for (const Block& b : r.body.blocks) {
        versioning += b.type == "versioning";
        rules += b.type == "rule";
        lifecycle += b.type == "lifecycle";
        if (b.type == "dynamic") {
            ++dyn;
            CHECK(b.labels[0] == "grant");
            REQUIRE(b.body.blocks.size() == 1);
            CHECK(b.body.blocks[0].type == "content");
        }
    }
    CHECK(versioning == 1);
    CHECK(rules == 2);
    CHECK(lifecycle == 1);
    CHECK(dyn == 1);
    CHECK(f.body.blocks[2].type == "locals");
    CHECK(f.body.blocks[3].body.attribute("value")->expr->unwrap);

    File bad;
    REQUIRE_FALSE(parse_json("{\"resource\": {\"a\": {\"b\": {\"x\": \"${\"}}}}", 1, bad, err));
    CHECK(err.loc.line == 1);
    REQUIRE_FALSE(parse_json("{\"resource\": [1]}", 1, bad, err));
}
