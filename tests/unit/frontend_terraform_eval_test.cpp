// Terraform evaluation: variables, locals, references, count/for_each, dynamic blocks,
// modules, unknowns with reasons and provenance refs, located errors.
#include <catch2/catch.hpp>
#include <unistd.h>

#include "frontend_terraform_support.h"

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
                     "server_side_encryption_configuration[0].rule[0].apply_server_side_encryption_by_default[0].sse_algorithm");
    CHECK(str(sse) == "aws:kms");
    CHECK(l->model.prov(sse.prov()).loc.line == 23);
    Value key = attr(*l, "aws_s3_bucket.b",
                     "server_side_encryption_configuration[0].rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id");
    REQUIRE(key.is(Kind::Unknown));
    CHECK(reason(key) == "aws_s3_bucket.b.server_side_encryption_configuration[0].rule[0]."
                         "apply_server_side_encryption_by_default[0].kms_master_key_id: aws_kms_key.main.arn is known after apply");
    CHECK(has_ref(*l, key, "aws_kms_key.main.arn"));
    CHECK(l->model.prov(key.prov()).state == ValueState::Unknown);
    Value other = attr(*l, "aws_s3_bucket.other", "bucket");
    CHECK(reason(other) == "aws_s3_bucket.other.bucket: var.kms_key_arn has no value");
    // The reference became an edge.
    REQUIRE(l->model.edges.size() == 1);
    CHECK(l->model.resources[l->model.edges[0].to].address->view() == "aws_kms_key.main");
    CHECK(l->model.edges[0].attribute->view() == "server_side_encryption_configuration");
}
