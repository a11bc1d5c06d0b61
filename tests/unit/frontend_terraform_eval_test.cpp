// Terraform evaluation: variables, locals, references, count/for_each, dynamic blocks,
// modules, unknowns with reasons and provenance refs, located errors.
#include "frontend_terraform_support.h"

#include <catch2/catch.hpp>
#include <unistd.h>

using namespace tenet;
using namespace tftest;

TEST_CASE("terraform: variables, locals and resource attributes with provenance", "[terraform]") {
    auto l = load({{"main.tf", R"(
variable "environment_suffix" {
  type    = string
  default = "dev"
}
variable "kms_key_arn" {
  type = string
}
locals {
  name = "logs-${var.environment_suffix}"
  tags = { Environment = var.environment_suffix, Team = "sec" }
}
resource "aws_kms_key" "main" {
  description = "key"
}
resource "aws_s3_bucket" "b" {
  bucket = local.name
  tags   = merge(local.tags, { Name = local.name })
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        kms_master_key_id = aws_kms_key.main.arn
        sse_algorithm     = "aws:kms"
      }
    }
  }
}
resource "aws_s3_bucket" "other" {
  bucket = var.kms_key_arn
}
)"}});
    INFO(errors_text(*l));
    REQUIRE(l->errors.empty());
    REQUIRE(l->model.resources.size() == 3);
    const Resource* b = resource(*l, "aws_s3_bucket.b");
    REQUIRE(b);
    CHECK(b->native_type->view() == "aws_s3_bucket");
    CHECK(b->frontend->view() == "terraform");
    CHECK(b->provider->view() == "aws");
    CHECK(b->loc.line == 16);
    Value bucket = attr(*l, "aws_s3_bucket.b", "bucket");
    CHECK(str(bucket) == "logs-dev");
    CHECK(has_ref(*l, bucket, "var.environment_suffix"));
    CHECK(has_ref(*l, bucket, "local.name"));
    CHECK(l->model.prov(bucket.prov()).loc.line == 17);
    CHECK(str(attr(*l, "aws_s3_bucket.b", "tags.Environment")) == "dev");
    CHECK(str(attr(*l, "aws_s3_bucket.b", "tags.Name")) == "logs-dev");
    Value sse = attr(*l, "aws_s3_bucket.b",
                     "server_side_encryption_configuration[0].rule[0].apply_server_side_encryption_"
                     "by_default[0].sse_algorithm");
    CHECK(str(sse) == "aws:kms");
    CHECK(l->model.prov(sse.prov()).loc.line == 23);
    Value key = attr(*l, "aws_s3_bucket.b",
                     "server_side_encryption_configuration[0].rule[0].apply_server_side_encryption_"
                     "by_default[0].kms_master_key_id");
    REQUIRE(key.is(Kind::Unknown));
    CHECK(reason(key) == "aws_s3_bucket.b.server_side_encryption_configuration[0].rule[0]."
                         "apply_server_side_encryption_by_default[0].kms_master_key_id: "
                         "aws_kms_key.main.arn is known after apply");
    CHECK(has_ref(*l, key, "aws_kms_key.main.arn"));
    CHECK(l->model.prov(key.prov()).state == ValueState::Unknown);
    Value other = attr(*l, "aws_s3_bucket.other", "bucket");
    CHECK(reason(other) == "aws_s3_bucket.other.bucket: var.kms_key_arn has no value");
    // The reference became an edge.
    REQUIRE(l->model.edges.size() == 1);
    CHECK(l->model.resources[l->model.edges[0].to].address->view() == "aws_kms_key.main");
    CHECK(l->model.edges[0].attribute->view() == "server_side_encryption_configuration");
}

TEST_CASE("terraform: count and for_each expand into instance addresses", "[terraform]") {
    auto l = load({{"main.tf", R"(
variable "buckets" {
  default = { logs = "private", web = "public-read" }
}
variable "n" {}
resource "aws_instance" "web" {
  count         = 2
  instance_type = "t3.micro"
  tags          = { Name = "web-${count.index}" }
}
resource "aws_s3_bucket" "b" {
  for_each = var.buckets
  bucket   = "${each.key}-bucket"
  acl      = each.value
}
resource "aws_s3_bucket" "set" {
  for_each = toset(["a", "b"])
  bucket   = each.value
}
resource "aws_subnet" "private" {
  count      = var.n
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index)
}
resource "aws_lb" "main" {
  subnets = aws_instance.web[*].id
  name    = aws_s3_bucket.b["logs"].bucket
}
)"}});
    INFO(errors_text(*l));
    REQUIRE(l->errors.empty());
    CHECK(str(attr(*l, "aws_instance.web[0]", "tags.Name")) == "web-0");
    CHECK(str(attr(*l, "aws_instance.web[1]", "tags.Name")) == "web-1");
    CHECK(str(attr(*l, "aws_s3_bucket.b[\"logs\"]", "bucket")) == "logs-bucket");
    Value acl = attr(*l, "aws_s3_bucket.b[\"web\"]", "acl");
    CHECK(str(acl) == "public-read");
    CHECK(has_ref(*l, acl, "var.buckets"));
    CHECK(resource(*l, "aws_s3_bucket.set[\"a\"]") != nullptr);
    // Unknown count: one resource, marked with the reason.
    const Resource* subnet = resource(*l, "aws_subnet.private");
    REQUIRE(subnet);
    CHECK(
        reason(attr(*l, "aws_subnet.private", "count")) ==
        "aws_subnet.private.count: the count of aws_subnet.private is unknown: var.n has no value");
    CHECK(attr(*l, "aws_subnet.private", "cidr_block").is(Kind::Unknown));
    Value subnets = attr(*l, "aws_lb.main", "subnets");
    REQUIRE(subnets.is(Kind::List));
    CHECK(reason(at(subnets, "[1]")) ==
          "aws_lb.main.subnets[1]: aws_instance.web[1].id is known after apply");
    Value name = attr(*l, "aws_lb.main", "name");
    CHECK(str(name) == "logs-bucket");
    CHECK(has_ref(*l, name, "aws_s3_bucket.b[\"logs\"].bucket"));
    int edges_to_web = 0;
    for (const ReferenceEdge& e : l->model.edges)
        if (l->model.resources[e.to].address->view().starts_with("aws_instance.web"))
            ++edges_to_web;
    CHECK(edges_to_web == 2);
}

TEST_CASE("terraform: dynamic blocks, conditionals, for expressions and splats", "[terraform]") {
    auto l = load({{"main.tf", R"(
variable "ports" { default = [80, 443] }
variable "enabled" { default = true }
variable "maybe" { type = bool }
resource "aws_security_group" "sg" {
  name = var.enabled ? "on" : "off"
  description = var.maybe ? "a" : "b"
  dynamic "ingress" {
    for_each = var.ports
    iterator = port
    content {
      from_port   = port.value
      to_port     = port.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  egress {
    from_port = 0
  }
  tags = { for p in var.ports : "port${p}" => p if p > 100 }
  names = [for i, p in var.ports : "${i}:${p}"]
  upper = [for s in ["a", "b"] : upper(s)]
}
)"}});
    INFO(errors_text(*l));
    REQUIRE(l->errors.empty());
    CHECK(str(attr(*l, "aws_security_group.sg", "name")) == "on");
    Value desc = attr(*l, "aws_security_group.sg", "description");
    CHECK(reason(desc) == "aws_security_group.sg.description: depends on the condition var.maybe: "
                          "var.maybe has no value");
    CHECK(attr(*l, "aws_security_group.sg", "ingress[1].from_port").as_number() == 443);
    CHECK(str(attr(*l, "aws_security_group.sg", "ingress[0].cidr_blocks[0]")) == "0.0.0.0/0");
    CHECK(attr(*l, "aws_security_group.sg", "egress[0].from_port").as_number() == 0);
    CHECK(attr(*l, "aws_security_group.sg", "tags.port443").as_number() == 443);
    CHECK(attr(*l, "aws_security_group.sg", "tags.port80").is_null());
    CHECK(str(attr(*l, "aws_security_group.sg", "names[1]")) == "1:443");
    CHECK(str(attr(*l, "aws_security_group.sg", "upper[1]")) == "B");
}

TEST_CASE("terraform: local modules with inputs, outputs and addresses; remote modules noted",
          "[terraform]") {
    auto l = load({{"main.tf", R"(
variable "env" { default = "prod" }
module "logging" {
  source = "./modules/logging"
  name   = "trail-${var.env}"
}
module "per_env" {
  source   = "./modules/logging"
  for_each = toset(["a", "b"])
  name     = each.key
}
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
resource "aws_cloudtrail" "t" {
  s3_bucket_name = module.logging.bucket_name
  kms_key_id     = module.logging.bucket_arn
  vpc            = module.vpc.vpc_id
}
output "bucket" { value = module.logging.bucket_name }
)"},
                   {"modules/logging/main.tf", R"(
variable "name" {}
resource "aws_s3_bucket" "log" {
  bucket = var.name
}
output "bucket_name" { value = aws_s3_bucket.log.bucket }
output "bucket_arn" { value = aws_s3_bucket.log.arn }
)"}});
    INFO(errors_text(*l));
    REQUIRE(l->errors.empty());
    Value bucket = attr(*l, "module.logging.aws_s3_bucket.log", "bucket");
    CHECK(str(bucket) == "trail-prod");
    CHECK(has_ref(*l, bucket, "var.env"));
    CHECK(has_ref(*l, bucket, "module.logging.var.name"));
    CHECK(str(attr(*l, "module.per_env[\"b\"].aws_s3_bucket.log", "bucket")) == "b");
    CHECK(str(attr(*l, "aws_cloudtrail.t", "s3_bucket_name")) == "trail-prod");
    CHECK(reason(attr(*l, "aws_cloudtrail.t", "kms_key_id")) ==
          "aws_cloudtrail.t.kms_key_id: module.logging.aws_s3_bucket.log.arn is known after apply");
    CHECK(reason(attr(*l, "aws_cloudtrail.t", "vpc")).find("module.vpc is not loaded") !=
          std::string::npos);
    // The trail refers to the bucket inside the module.
    bool edge = false;
    for (const ReferenceEdge& e : l->model.edges)
        edge |= l->model.resources[e.to].address->view() == "module.logging.aws_s3_bucket.log" &&
                e.attribute->view() == "kms_key_id";
    CHECK(edge);
    Value modules = at(l->model.stack, "modules");
    REQUIRE(modules.is(Kind::Map));
    const Value* vpc = modules.as_map()->find("module.vpc");
    REQUIRE(vpc);
    CHECK(at(*vpc, "loaded").as_bool() == false);
    CHECK(str(at(*vpc, "version")) == "5.0.0");
    REQUIRE(modules.as_map()->find("module.per_env[\"a\"]") == nullptr);
    CHECK(modules.as_map()->find("module.per_env") != nullptr);
    CHECK(str(at(l->model.stack, "outputs.bucket.value")) == "trail-prod");
}

TEST_CASE("terraform: tfvars, auto tfvars, --var-file and --var in Terraform's order",
          "[terraform]") {
    std::string dir = fresh_dir();
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(std::filesystem::path(dir) / name) << text;
    };
    write("main.tf", R"(
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "n" { type = number }
variable "tags" { type = map(string) }
resource "aws_s3_bucket" "x" {
  bucket = "${var.a}/${var.b}/${var.c}/${var.d}"
  count_ = var.n + 1
  tags   = var.tags
}
)");
    write("terraform.tfvars", "a = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\n");
    write("x.auto.tfvars", "b = \"auto\"\nc = \"auto\"\n");
    write("extra.tfvars.json", "{\"c\": \"file\"}");
    FrontendOptions opts;
    opts.tf_var_files.push_back(dir + "/extra.tfvars.json");
    opts.tf_vars = {"d=cli", "n=4", "tags={a = \"b\"}"};
    auto l = load_dir(dir, opts);
    l->temporary = true;
    INFO(errors_text(*l));
    REQUIRE(l->errors.empty());
    Value bucket = attr(*l, "aws_s3_bucket.x", "bucket");
    CHECK(str(bucket) == "tfvars/auto/file/cli");
    CHECK(attr(*l, "aws_s3_bucket.x", "count_").as_number() == 5);
    CHECK(str(attr(*l, "aws_s3_bucket.x", "tags.a")) == "b");
    CHECK(str(at(l->model.stack, "variables.a.value")) == "tfvars");
    CHECK(str(at(l->model.stack, "variables.tags.type")) == "map(string)");
    // The value from terraform.tfvars points at that file.
    Value a = at(l->model.stack, "variables.a.value");
    CHECK(l->sm.path(l->model.prov(a.prov()).loc.file).ends_with("terraform.tfvars"));
}

TEST_CASE("terraform: errors are located and the rest still loads", "[terraform]") {
    auto l = load({{"bad.tf", "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \n}\n"},
                   {"good.tf", "resource \"aws_s3_bucket\" \"ok\" {\n  bucket = \"fine\"\n}\n"},
                   {"cycle.tf", "locals {\n  a = local.b\n  b = local.a\n}\nresource "
                                "\"aws_sns_topic\" \"t\" {\n  name = local.a\n}\n"}});
    REQUIRE(l->errors.size() == 2);
    CHECK(l->sm.path(l->errors[0].loc.file).ends_with("bad.tf"));
    CHECK(l->errors[0].loc.line == 2);
    CHECK(l->errors[1].message.find("cycle: local.a -> local.b -> local.a") != std::string::npos);
    CHECK(str(attr(*l, "aws_s3_bucket.ok", "bucket")) == "fine");
    CHECK(reason(attr(*l, "aws_sns_topic.t", "name")).find("cycle") != std::string::npos);
}

TEST_CASE("terraform: variables, outputs and providers in the stack", "[terraform]") {
    auto l = load({{"main.tf", R"(
variable "domain_name" {
  description = "Domain"
  type        = string
  default     = "example.com"
  validation {
    condition     = length(var.domain_name) > 3
    error_message = "too short"
  }
}
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { Owner = "me" }
  }
}
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
terraform {
  required_providers {
    aws    = { source = "hashicorp/aws", version = "~> 5.0" }
    random = { source = "hashicorp/random" }
  }
}
output "domain" {
  value       = var.domain_name
  description = "the domain"
}
)"}});
    INFO(errors_text(*l));
    REQUIRE(l->errors.empty());
    CHECK(str(at(l->model.stack, "frontend")) == "terraform");
    CHECK(str(at(l->model.stack, "variables.domain_name.default")) == "example.com");
    CHECK(str(at(l->model.stack, "variables.domain_name.type")) == "string");
    CHECK(str(at(l->model.stack, "variables.domain_name.validation[0].condition")) ==
          "length(var.domain_name) > 3");
    CHECK(str(at(l->model.stack, "outputs.domain.description")) == "the domain");
    CHECK(str(at(l->model.stack, "providers.aws.region")) == "us-east-1");
    CHECK(str(at(l->model.stack, "providers.aws.default_tags[0].tags.Owner")) == "me");
    const Value* west = at(l->model.stack, "providers").as_map()->find("aws.west");
    REQUIRE(west);
    CHECK(str(at(*west, "region")) == "us-west-2");
    CHECK(str(at(l->model.stack, "providers.aws.full_name")) ==
          "registry.terraform.io/hashicorp/aws");
    CHECK(str(at(l->model.stack, "providers.aws.version_constraint")) == "~> 5.0");
    CHECK(str(at(l->model.stack, "providers.random.full_name")) ==
          "registry.terraform.io/hashicorp/random");
}

namespace {

// Evaluates `expr` as the attribute `v` of a resource and returns the loaded model.
std::unique_ptr<Loaded> eval_attr(const std::string& expr, const std::string& extra = "") {
    return load(
        {{"main.tf", extra + "\nresource \"null_resource\" \"r\" {\n  v = " + expr + "\n}\n"},
         {"policy.json.tpl",
          "{\"bucket\": \"${bucket}\"%{ for a in actions }, \"${a}\": true%{ endfor }}"},
         {"data.txt", "hello\n"}});
}

std::string json_of(const std::string& expr, const std::string& extra = "") {
    auto l = eval_attr("jsonencode(" + expr + ")", extra);
    INFO(errors_text(*l));
    Value v = attr(*l, "null_resource.r", "v");
    return v.is(Kind::String) ? str(v) : reason(v);
}

} // namespace

TEST_CASE("terraform: functions", "[terraform]") {
    struct Case {
        const char* expr;
        const char* json;
    };
    const Case cases[] = {
        {"merge({a = 1}, {b = 2}, {a = 3})", R"({"a":3,"b":2})"},
        {"concat([1], [2, 3])", "[1,2,3]"},
        {"lookup({a = 1}, \"b\", 7)", "7"},
        {"format(\"%s-%03d-%.1f-%v\", \"x\", 7, 1.25, true)", R"("x-007-1.2-true")"},
        {"formatlist(\"%s=%s\", [\"a\", \"b\"], \"v\")", R"(["a=v","b=v"])"},
        {"join(\",\", [\"a\", \"b\"], [\"c\"])", R"("a,b,c")"},
        {"split(\",\", \"a,b,,c\")", R"(["a","b","","c"])"},
        {"replace(\"a-b-c\", \"-\", \"_\")", R"("a_b_c")"},
        {"replace(\"v1.2.3\", \"/v(\\\\d+)\\\\..*/\", \"$1\")", R"("1")"},
        {"[lower(\"AbC\"), upper(\"abc\"), trimspace(\"  x \\n\"), title(\"hello world\")]",
         R"(["abc","ABC","x","Hello World"])"},
        {"[length([1, 2]), length({a = 1}), length(\"héllo\")]", "[2,1,5]"},
        {"element([\"a\", \"b\"], 3)", R"("b")"},
        {"coalesce(null, \"\", \"x\")", R"("x")"},
        {"try(local.missing.x, \"fallback\")", R"("fallback")"},
        {"[can(tonumber(\"x\")), can(tonumber(\"1\"))]", "[false,true]"},
        {"[tomap({a = 1}), tolist([1]), toset([\"b\", \"a\", \"b\"])]",
         R"([{"a":1},[1],["a","b"]])"},
        {"[keys({b = 1, a = 2}), values({b = 1, a = 2})]", R"([["a","b"],[2,1]])"},
        {"[contains([1, 2], 2), contains([\"a\"], \"b\")]", "[true,false]"},
        {"flatten([[1, [2]], 3])", "[1,2,3]"},
        {"distinct([1, 2, 1])", "[1,2]"},
        {"[min(3, 1, 2), max(3, 1, 2), sum([1, 2, 3])]", "[1,3,6]"},
        {"[cidrsubnet(\"10.0.0.0/16\", 8, 2), cidrhost(\"10.0.1.0/24\", 5), "
         "cidrnetmask(\"10.0.0.0/12\")]",
         R"(["10.0.2.0/24","10.0.1.5","255.240.0.0"])"},
        {"cidrsubnet(\"fd00:fd12:3456:7890::/56\", 16, 162)", R"("fd00:fd12:3456:7800:a200::/72")"},
        {"cidrsubnets(\"10.1.0.0/16\", 4, 4, 8)",
         R"(["10.1.0.0/20","10.1.16.0/20","10.1.32.0/24"])"},
        {"file(\"${path.module}/data.txt\")", R"("hello\n")"},
        {"templatefile(\"policy.json.tpl\", { bucket = \"b\", actions = [\"x\", \"y\"] })",
         R"("{\"bucket\": \"b\", \"x\": true, \"y\": true}")"},
        {"[basename(\"a/b/c.txt\"), dirname(\"a/b/c.txt\")]", R"(["c.txt","a/b"])"},
        {"[startswith(\"abc\", \"ab\"), endswith(\"abc\", \"bc\"), substr(\"hello\", 1, 3), "
         "substr(\"hello\", -3, -1)]",
         R"([true,true,"ell","llo"])"},
        {"[tostring(1), tonumber(\"2.5\"), tobool(\"true\")]", R"(["1",2.5,true])"},
        {"zipmap([\"a\", \"b\"], [1, 2])", R"({"a":1,"b":2})"},
        {"[one([]), one([4])]", "[null,4]"},
        {"range(1, 7, 2)", "[1,3,5]"},
        {"[regex(\"^arn:aws:([a-z0-9]+):\", \"arn:aws:s3:::b\"), regexall(\"[0-9]+\", "
         "\"a1b22c333\")]",
         R"([["s3"],["1","22","333"]])"},
        {"regex(\"(?P<svc>[a-z0-9]+):(?P<n>[0-9])\", \"s3:1\")", R"({"n":"1","svc":"s3"})"},
        {"[base64encode(\"hello\"), base64decode(\"aGVsbG8=\")]", R"(["aGVsbG8=","hello"])"},
        {"jsondecode(\"{\\\"a\\\": [1, true, null]}\")", R"({"a":[1,true,null]})"},
        {"[for k, v in {a = 1, b = 2} : \"${k}${v}\"]", R"(["a1","b2"])"},
        {"{for s in [\"a\", \"b\", \"a\"] : s => s...}", R"({"a":["a","a"],"b":["b"]})"},
        {"[1 + 2 * 3, 7 % 4, 10 / 4, -2, !true, 1 < 2 && 2 <= 2, \"1\" == 1]",
         "[7,3,2.5,-2,false,true,false]"},
        {"\"%{ if 1 > 0 }yes%{ else }no%{ endif } %{ for x in [1, 2] }${x}%{ endfor }\"",
         R"("yes 12")"},
        {"[for s in [{n = 1}, {n = 2}] : s.n]", "[1,2]"},
        {"[{n = 1}, {n = 2}][*].n", "[1,2]"},
        {"[slice([1, 2, 3, 4], 1, 3), reverse([1, 2]), sort([\"b\", \"a\"]), compact([\"a\", \"\", "
         "null])]",
         R"([[2,3],[2,1],["a","b"],["a"]])"},
        {"[alltrue([true, true]), anytrue([false]), index([\"a\", \"b\"], \"b\"), chunklist([1, 2, "
         "3], 2)]",
         "[true,false,1,[[1,2],[3]]]"},
        {"[trimprefix(\"abc\", \"a\"), trimsuffix(\"abc\", \"c\"), trim(\"--a--\", \"-\"), "
         "strcontains(\"abc\", \"b\")]",
         R"(["bc","ab","a",true])"},
        {"[abs(-2), ceil(1.2), floor(1.8), pow(2, 3), parseint(\"ff\", 16)]", "[2,2,1,8,255]"},
        {"[setunion([\"a\"], [\"b\"]), setintersection([\"a\", \"b\"], [\"b\"]), "
         "setsubtract([\"a\", \"b\"], [\"a\"])]",
         R"([["a","b"],["b"],["b"]])"},
        {"<<-EOT\n    {\"a\": 1}\n      {}\n  EOT\n", R"("{\"a\": 1}\n  {}\n")"},
        {"urlencode(\"a b&c\")", R"("a%20b%26c")"},
        {"[for x in [1, 2, 3] : x * 2 if x != 2]", "[2,6]"},
        {"coalescelist([], [1])", "[1]"},
        {"[indent(2, \"a\\nb\"), chomp(\"x\\n\\n\"), strrev(\"héllo\"), signum(-3), log(8, 2)]",
         R"(["a\n  b","x","olléh",-1,3])"},
        {"[fileexists(\"data.txt\"), fileexists(\"nope.txt\"), filebase64(\"data.txt\"), "
         "sensitive(\"s\")]",
         R"([true,false,"aGVsbG8K","s"])"},
        {"[for i, m in [{a = 1}, {a = 2}] : m.a + i]", "[1,3]"},
        {"tomap({for k in [\"x\", \"y\"] : k => upper(k)})", R"({"x":"X","y":"Y"})"},
        {"[md5(\"hello\"), sha1(\"hello\")]",
         R"(["5d41402abc4b2a76b9719d911017c592","aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"])"},
        {"[sha256(\"hello\"), base64sha256(\"hello\")]",
         R"(["2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="])"},
        {"sha512(\"abc\")",
         R"("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")"},
        {"[filemd5(\"data.txt\"), filebase64sha256(\"data.txt\")]",
         R"(["b1946ac92492d2347c6235b4d2611184","WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="])"},
    };
    for (const Case& c : cases) {
        INFO(c.expr);
        CHECK(json_of(c.expr) == c.json);
    }
}

TEST_CASE("terraform: unknown propagates through functions and operators with its reason",
          "[terraform]") {
    const char* exprs[] = {"upper(aws_kms_key.k.arn)",      "\"x-${aws_kms_key.k.arn}\"",
                           "jsonencode(aws_kms_key.k.arn)", "aws_kms_key.k.arn == \"a\"",
                           "length(aws_kms_key.k.arn)",     "[for x in aws_kms_key.k.arn : x]",
                           "merge(aws_kms_key.k.arn, {})",  "aws_kms_key.k.arn != null ? 1 : 2"};
    for (const char* e : exprs) {
        INFO(e);
        auto l = eval_attr(e, "resource \"aws_kms_key\" \"k\" {}\n");
        Value v = attr(*l, "null_resource.r", "v");
        CHECK(reason(v).find("aws_kms_key.k.arn is known after apply") != std::string::npos);
        CHECK(has_ref(*l, v, "aws_kms_key.k.arn"));
    }
    // jsonencode of a structure with an unknown leaf keeps the structure.
    auto j = eval_attr("jsonencode({a = aws_kms_key.k.arn, b = 1})",
                       "resource \"aws_kms_key\" \"k\" {}\n");
    CHECK(attr(*j, "null_resource.r", "v.b").as_number() == 1);
    CHECK(reason(attr(*j, "null_resource.r", "v.a")) ==
          "null_resource.r.v.a: aws_kms_key.k.arn is known after apply");
    // Unknown elements stay elements: the list is known.
    auto l = eval_attr("length([aws_kms_key.k.arn, 1])", "resource \"aws_kms_key\" \"k\" {}\n");
    CHECK(attr(*l, "null_resource.r", "v").as_number() == 2);
    // Errors become unknowns that say what went wrong.
    l = eval_attr("lookup({a = 1}, \"b\")");
    CHECK(reason(attr(*l, "null_resource.r", "v")).find("no key \"b\"") != std::string::npos);
    l = eval_attr("jsondecode(\"{\")");
    CHECK(reason(attr(*l, "null_resource.r", "v")).find("jsondecode(): invalid JSON") !=
          std::string::npos);
    l = eval_attr("try(aws_kms_key.k.arn, \"fallback\")", "resource \"aws_kms_key\" \"k\" {}\n");
    CHECK(reason(attr(*l, "null_resource.r", "v")).find("known after apply") != std::string::npos);
    l = eval_attr("[1, 2][5]");
    CHECK(reason(attr(*l, "null_resource.r", "v")).find("out of range") != std::string::npos);
    l = eval_attr("nosuchfunction(1)");
    CHECK(reason(attr(*l, "null_resource.r", "v")).find("not supported") != std::string::npos);
    l = eval_attr("timestamp()");
    CHECK(reason(attr(*l, "null_resource.r", "v")).find("only known when Terraform runs") !=
          std::string::npos);
}

TEST_CASE("terraform: aws_iam_policy_document renders its json", "[terraform]") {
    auto l = load({{"main.tf", R"(
resource "aws_s3_bucket" "b" { bucket = "content" }
data "aws_iam_policy_document" "p" {
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::content/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }
}
resource "aws_s3_bucket_policy" "bp" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.p.json
}
)"}});
    INFO(errors_text(*l));
    REQUIRE(l->errors.empty());
    const Resource* d = resource(*l, "data.aws_iam_policy_document.p");
    REQUIRE(d);
    CHECK(d->native_type->view() == "data.aws_iam_policy_document");
    CHECK(
        str(attr(*l, "aws_s3_bucket_policy.bp", "policy")) ==
        R"({"Statement":[{"Action":"s3:GetObject","Condition":{"Bool":{"aws:SecureTransport":"true"}},"Effect":"Allow",)"
        R"("Principal":{"Service":"cloudfront.amazonaws.com"},"Resource":"arn:aws:s3:::content/*","Sid":"Read"}],"Version":"2012-10-17"})");
    // bucket refers to the bucket (unknown id, but the edge is there) and policy to the document.
    int edges = 0;
    for (const ReferenceEdge& e : l->model.edges) edges += e.from == 2;
    CHECK(edges == 2);
}

TEST_CASE("terraform: aws_iam_policy_document with values known after apply keeps its statements",
          "[terraform]") {
    auto l = load({{"main.tf", R"(
resource "aws_cloudfront_origin_access_identity" "oai" { comment = "legacy" }
resource "aws_s3_bucket" "b" { bucket = "content" }
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = [aws_cloudfront_origin_access_identity.oai.iam_arn]
    }
  }
}
variable "principal_type" { type = string }
data "aws_iam_policy_document" "shape" {
  statement {
    actions = ["s3:GetObject"]
    principals {
      type        = var.principal_type
      identifiers = ["*"]
    }
  }
}
)"}});
    INFO(errors_text(*l));
    REQUIRE(l->errors.empty());
    // The statement is there; only the principal and the resource are unknown.
    CHECK(str(attr(*l, "data.aws_iam_policy_document.p", "json.Statement[0].Action")) ==
          "s3:GetObject");
    CHECK(str(attr(*l, "data.aws_iam_policy_document.p", "json.Statement[0].Effect")) == "Allow");
    Value principal = attr(*l, "data.aws_iam_policy_document.p", "json.Statement[0].Principal.AWS");
    CHECK(reason(principal).find("aws_cloudfront_origin_access_identity.oai.iam_arn") !=
          std::string::npos);
    CHECK(has_ref(*l, principal, "aws_cloudfront_origin_access_identity.oai.iam_arn"));
    // An unknown principal type decides the document's shape: the whole document is unknown.
    CHECK(
        reason(attr(*l, "data.aws_iam_policy_document.shape", "json")).find("var.principal_type") !=
        std::string::npos);
}

TEST_CASE("terraform: JSON syntax and CDKTF stacks", "[terraform]") {
    std::string dir = fresh_dir();
    std::ofstream(std::filesystem::path(dir) / "cdk.tf.json") << R"({
  "//": {"metadata": {"stackName": "app"}},
  "provider": {"aws": [{"region": "us-east-1"}]},
  "resource": {
    "aws_s3_bucket": {
      "logs_1A2B": {
        "//": {"metadata": {"path": "app/logs/Resource", "uniqueId": "logs_1A2B"}},
        "bucket": "app-logs",
        "tags": {"Env": "prod"}
      }
    },
    "aws_s3_bucket_versioning": {
      "ver_3C": {
        "//": {"metadata": {"path": "app/ver", "uniqueId": "ver_3C"}},
        "bucket": "${aws_s3_bucket.logs_1A2B.id}",
        "versioning_configuration": {"status": "Enabled"}
      }
    }
  }
})";
    auto l = load_dir(dir, {}, FrontendKind::Cdktf);
    l->temporary = true;
    INFO(errors_text(*l));
    REQUIRE(l->errors.empty());
    const Resource* b = resource(*l, "aws_s3_bucket.logs_1A2B");
    REQUIRE(b);
    CHECK(b->frontend->view() == "cdktf");
    Value bucket = attr(*l, "aws_s3_bucket.logs_1A2B", "bucket");
    CHECK(str(bucket) == "app-logs");
    const Provenance& p = l->model.prov(bucket.prov());
    REQUIRE(p.pointer);
    CHECK(p.pointer->view() == "app/logs/Resource");
    CHECK(p.loc.line == 8);
    CHECK(str(attr(*l, "aws_s3_bucket.logs_1A2B", "tags.Env")) == "prod");
    CHECK(str(attr(*l, "aws_s3_bucket_versioning.ver_3C", "versioning_configuration[0].status")) ==
          "Enabled");
    REQUIRE(l->model.edges.size() == 1);
    CHECK(str(at(l->model.stack, "frontend")) == "cdktf");
    CHECK(str(at(l->model.stack, "providers.aws.region")) == "us-east-1");
}

TEST_CASE("terraform: policy documents merge source and override documents by Sid", "[terraform]") {
    auto l = load({{"main.tf", R"(
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "A"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    sid       = "B"
    actions   = ["s3:PutObject"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "final" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [jsonencode({ Statement = [{ Sid = "B", Effect = "Deny", Action = "s3:*", Resource = "*" }] })]
  statement {
    sid       = "C"
    actions   = ["s3:ListBucket"]
    resources = ["*"]
  }
}
)"}});
    INFO(errors_text(*l));
    std::string json = str(attr(*l, "data.aws_iam_policy_document.final", "json"));
    CHECK(
        json ==
        R"({"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"*","Sid":"A"},)"
        R"({"Action":"s3:*","Effect":"Deny","Resource":"*","Sid":"B"},)"
        R"({"Action":"s3:ListBucket","Effect":"Allow","Resource":"*","Sid":"C"}],"Version":"2012-10-17"})");
}

TEST_CASE("terraform: module count, indexed outputs and nested local modules", "[terraform]") {
    auto l = load({{"main.tf", R"(
module "net" {
  count  = 2
  source = "./net"
  cidr   = "10.${count.index}.0.0/16"
}
resource "aws_flow_log" "f" {
  vpc_id = module.net[1].vpc_cidr
  all    = [for m in module.net : m.vpc_cidr]
}
)"},
                   {"net/main.tf", R"(
variable "cidr" {}
module "inner" {
  source = "../inner"
  name   = var.cidr
}
resource "aws_vpc" "v" { cidr_block = var.cidr }
output "vpc_cidr" { value = aws_vpc.v.cidr_block }
output "inner_name" { value = module.inner.name }
)"},
                   {"inner/main.tf", R"(
variable "name" {}
resource "aws_s3_bucket" "b" { bucket = "flow-${replace(var.name, "/", "-")}" }
output "name" { value = aws_s3_bucket.b.bucket }
)"}});
    INFO(errors_text(*l));
    REQUIRE(l->errors.empty());
    CHECK(str(attr(*l, "module.net[0].aws_vpc.v", "cidr_block")) == "10.0.0.0/16");
    CHECK(str(attr(*l, "module.net[1].module.inner.aws_s3_bucket.b", "bucket")) ==
          "flow-10.1.0.0-16");
    Value vpc = attr(*l, "aws_flow_log.f", "vpc_id");
    CHECK(str(vpc) == "10.1.0.0/16");
    CHECK(has_ref(*l, vpc, "module.net[1].aws_vpc.v.cidr_block"));
    CHECK(str(attr(*l, "aws_flow_log.f", "all[0]")) == "10.0.0.0/16");
    CHECK(has_edge_to(*l, "aws_flow_log.f", "module.net[1].aws_vpc.v"));
}

TEST_CASE("terraform: long reference chains and deep expressions are capped, not a crash",
          "[terraform]") {
    std::string locals = "locals {\n";
    for (int i = 0; i < 5000; ++i)
        locals += "  l" + std::to_string(i) + " = local.l" + std::to_string(i + 1) + "\n";
    locals += "  l5000 = 1\n}\nresource \"null_resource\" \"r\" {\n  v = local.l0\n}\n";
    std::string sum = "resource \"null_resource\" \"s\" {\n  v = 1";
    for (int i = 0; i < 3000; ++i) sum += " + 1";
    sum += "\n}\n";
    auto l = load({{"main.tf", locals}, {"sum.tf", sum}});
    CHECK(attr(*l, "null_resource.r", "v").is(Kind::Unknown));
    CHECK(errors_text(*l).find("chained more than 256 levels") != std::string::npos);
    CHECK(reason(attr(*l, "null_resource.s", "v")).find("too deep") != std::string::npos);
}

TEST_CASE(
    "terraform: registry modules installed by terraform init are loaded from .terraform/modules",
    "[terraform]") {
    auto l = load(
        {{"main.tf", R"(
module "bucket" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "4.1.0"
  bucket  = "installed"
}
module "absent" {
  source = "git::https://example.com/x.git"
}
output "arn" { value = module.bucket.name }
)"},
         {".terraform/modules/modules.json",
          R"({"Modules":[{"Key":"","Source":"","Dir":"."},)"
          R"({"Key":"bucket","Source":"registry.terraform.io/terraform-aws-modules/s3-bucket/aws","Version":"4.1.0","Dir":".terraform/modules/bucket"}]})"},
         {".terraform/modules/bucket/main.tf", R"(
variable "bucket" {}
resource "aws_s3_bucket" "this" { bucket = var.bucket }
output "name" { value = aws_s3_bucket.this.bucket }
)"}});
    INFO(errors_text(*l));
    REQUIRE(l->errors.empty());
    CHECK(str(attr(*l, "module.bucket.aws_s3_bucket.this", "bucket")) == "installed");
    CHECK(str(at(l->model.stack, "outputs.arn.value")) == "installed");
    Value modules = at(l->model.stack, "modules");
    CHECK(at(*modules.as_map()->find("module.bucket"), "loaded").as_bool());
    CHECK_FALSE(at(*modules.as_map()->find("module.absent"), "loaded").as_bool());
}

TEST_CASE("terraform: a configuration that expands without bound stops, with an error",
          "[terraform]") {
    auto l = eval_attr("length(flatten([for a in range(50000) : [for b in range(50000) : b]]))");
    CHECK(reason(attr(*l, "null_resource.r", "v")).find("evaluation budget") != std::string::npos);
    CHECK(errors_text(*l).find("evaluation stopped") != std::string::npos);
}
