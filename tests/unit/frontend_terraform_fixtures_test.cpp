// The Terraform fixtures: realistic stacks (tests/fixtures/terraform/*) load with the
// expected addresses, values and lines, and every Trivy example loads without an error.
#include "frontend_terraform_support.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <unistd.h>

using namespace tenet;
using namespace tftest;

namespace {

std::string fixture(const std::string& name) {
    return std::string(TENET_SOURCE_DIR) + "/tests/fixtures/terraform/" + name;
}

bool has_edge(const Loaded& l, std::string_view from, std::string_view attribute,
              std::string_view to) {
    for (const ReferenceEdge& e : l.model.edges)
        if (l.model.resources[e.from].address->view() == from && e.attribute->view() == attribute &&
            l.model.resources[e.to].address->view() == to)
            return true;
    return false;
}

uint32_t line_of(const Loaded& l, const Value& v) {
    return l.model.prov(v.prov()).loc.line;
}

} // namespace

TEST_CASE("terraform fixture: content delivery stack", "[terraform][fixtures]") {
    auto l = load_dir(fixture("content_delivery"));
    INFO(errors_text(*l));
    REQUIRE(l->errors.empty());
    CHECK(l->model.resources.size() == 25);
    // terraform.tfvars gives the suffix.
    Value bucket = attr(*l, "aws_s3_bucket.content", "bucket");
    CHECK(str(bucket) == "content-prod-origin");
    CHECK(has_ref(*l, bucket, "var.environment_suffix"));
    CHECK(line_of(*l, bucket) == 47);
    // Split S3 resources join the bucket through references.
    CHECK(has_edge(*l, "aws_s3_bucket_versioning.content", "bucket", "aws_s3_bucket.content"));
    CHECK(has_edge(*l, "aws_s3_bucket_policy.content", "bucket", "aws_s3_bucket.content"));
    CHECK(str(attr(*l, "aws_s3_bucket_versioning.content", "versioning_configuration[0].status")) ==
          "Enabled");
    // The bucket policy keeps its statements although one ARN is known after apply.
    Value stmt = attr(*l, "aws_s3_bucket_policy.content", "policy.Statement[1]");
    CHECK(str(at(stmt, "Effect")) == "Deny");
    CHECK(str(at(stmt, "Condition.Bool.aws:SecureTransport")) == "false");
    CHECK(reason(attr(*l, "aws_s3_bucket_policy.content",
                      "policy.Statement[0].Condition.StringEquals.AWS:SourceArn"))
              .ends_with("aws_cloudfront_distribution.content.arn is known after apply"));
    // CloudFront: dynamic ordered cache behaviors, viewer certificate, WAF reference.
    CHECK(str(attr(*l, "aws_cloudfront_distribution.content",
                   "ordered_cache_behavior[1].path_pattern")) == "/api/*");
    CHECK(str(attr(*l, "aws_cloudfront_distribution.content",
                   "default_cache_behavior[0].viewer_protocol_policy")) == "redirect-to-https");
    Value tls = attr(*l, "aws_cloudfront_distribution.content",
                     "viewer_certificate[0].minimum_protocol_version");
    CHECK(str(tls) == "TLSv1.2_2021");
    CHECK(line_of(*l, tls) == 174);
    CHECK(
        has_edge(*l, "aws_cloudfront_distribution.content", "web_acl_id", "aws_wafv2_web_acl.cdn"));
    CHECK(has_edge(*l, "aws_cloudfront_distribution.content", "logging_config",
                   "module.access_logs.aws_s3_bucket.this"));
    // The module's resources, with the input from the root.
    CHECK(str(attr(*l, "module.access_logs.aws_s3_bucket.this", "bucket")) == "content-prod-logs");
    // for_each over an unknown collection: one resource, marked.
    CHECK(reason(attr(*l, "aws_route53_record.cert_validation", "for_each"))
              .find("domain_validation_options") != std::string::npos);
    // for_each over a local map.
    CHECK(attr(*l, "aws_cloudwatch_metric_alarm.cdn[\"errors_5xx\"]", "threshold").as_number() ==
          1);
    CHECK(str(at(l->model.stack, "variables.domain_name.default")) == "example.com");
    CHECK(str(at(l->model.stack, "providers.aws.default_tags[0].tags.Environment")) == "prod");
    CHECK(str(at(l->model.stack, "outputs.content_bucket.value")) == "content-prod-origin");
}

TEST_CASE("terraform fixture: secure infrastructure stack", "[terraform][fixtures]") {
    auto l = load_dir(fixture("secure_infra"));
    INFO(errors_text(*l));
    REQUIRE(l->errors.empty());
    // secure.auto.tfvars gives three zones: three subnets of each kind.
    CHECK(str(attr(*l, "aws_subnet.public[2]", "cidr_block")) == "10.20.2.0/24");
    CHECK(str(attr(*l, "aws_subnet.private[0]", "cidr_block")) == "10.20.10.0/24");
    CHECK(resource(*l, "aws_subnet.private[3]") == nullptr);
    CHECK(attr(*l, "aws_db_subnet_group.main", "subnet_ids").as_list()->size == 3);
    CHECK(has_edge(*l, "aws_db_subnet_group.main", "subnet_ids", "aws_subnet.private[2]"));
    // Dynamic ingress from a map variable, in key order.
    CHECK(attr(*l, "aws_security_group.alb", "ingress[0].from_port").as_number() == 80);
    CHECK(str(attr(*l, "aws_security_group.alb", "ingress[1].description")) == "https");
    CHECK(reason(attr(*l, "aws_db_instance.main", "password")) ==
          "aws_db_instance.main.password: var.db_password has no value");
    CHECK(attr(*l, "aws_db_instance.main", "storage_encrypted").as_bool());
    // The assume-role policy comes from the policy document data source.
    std::string assume = str(attr(*l, "aws_iam_role.flow", "assume_role_policy"));
    CHECK(assume.find("\"Service\":\"vpc-flow-logs.amazonaws.com\"") != std::string::npos);
    CHECK(has_edge(*l, "aws_iam_role.flow", "assume_role_policy",
                   "data.aws_iam_policy_document.flow_assume"));
    // templatefile + base64encode: known, since the inputs are.
    CHECK(attr(*l, "aws_launch_template.web", "user_data").is(Kind::String));
    CHECK(str(attr(*l, "aws_launch_template.web", "metadata_options[0].http_tokens")) ==
          "required");
    CHECK(
        attr(*l, "aws_launch_template.web", "block_device_mappings[0].ebs[0].encrypted").as_bool());
}

TEST_CASE("terraform fixture: CDKTF output through load_path", "[terraform][fixtures]") {
    Loaded l;
    l.model.sources = &l.sm;
    ModelBuilder b(l.model);
    size_t n = load_path(l.sm, fixture("cdktf_app/cdktf.out"), b, l.errors, {});
    b.build_stack();
    b.resolve_references();
    INFO(errors_text(l));
    REQUIRE(l.errors.empty());
    CHECK(n == 1);
    REQUIRE(l.model.resources.size() == 4);
    const Resource* sse =
        resource(l, "aws_s3_bucket_server_side_encryption_configuration.ContentBucketSse_77AA");
    REQUIRE(sse);
    CHECK(sse->frontend->view() == "cdktf");
    Value alg = at(sse->native, "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm");
    CHECK(str(alg) == "aws:kms");
    CHECK(l.model.prov(alg.prov()).pointer->view() == "content/ContentBucketSse");
    CHECK(has_edge(l, "aws_s3_bucket_server_side_encryption_configuration.ContentBucketSse_77AA",
                   "rule", "aws_kms_key.ContentKey_5A8B"));
    CHECK(str(attr(l, "aws_s3_bucket.ContentBucket_0F1E", "tags.Environment")) == "dev");
}

TEST_CASE("terraform fixture: malformed files are located, the rest loads",
          "[terraform][fixtures]") {
    auto l = load_dir(fixture("errors"));
    std::string text = errors_text(*l);
    INFO(text);
    REQUIRE(l->errors.size() == 4);
    auto has = [&](std::string_view file, uint32_t line, std::string_view msg) {
        return std::any_of(l->errors.begin(), l->errors.end(), [&](const ModelError& e) {
            return l->sm.path(e.loc.file).ends_with(file) && e.loc.line == line &&
                   e.message.find(msg) != std::string::npos;
        });
    };
    CHECK(has("broken.tf", 3, "expected a newline"));
    CHECK(has("broken.tf.json", 1, "trailing comma"));
    CHECK(has("ok.tf", 10, "no directory"));
    CHECK(has("ok.tf", 6, "cycle"));
    CHECK(str(attr(*l, "aws_s3_bucket.ok", "bucket")) == "still-loaded");
}

TEST_CASE("terraform fixture: every Trivy example loads without an input error",
          "[terraform][fixtures]") {
    std::vector<std::filesystem::path> files;
    for (auto& e : std::filesystem::directory_iterator(fixture("trivy")))
        if (e.path().extension() == ".example") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() > 300);
    size_t resources = 0;
    for (const auto& f : files) {
        std::string dir = fresh_dir();
        std::filesystem::copy_file(f, std::filesystem::path(dir) / "main.tf");
        auto l = load_dir(dir);
        INFO(f.filename().string() << "\n" << errors_text(*l));
        CHECK(l->errors.empty());
        CHECK(!l->model.resources.empty());
        resources += l->model.resources.size();
        std::filesystem::remove_all(dir);
    }
    CHECK(resources > 400);
}
