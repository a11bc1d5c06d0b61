// Pulumi: hand-written `pulumi stack export` and `pulumi preview --json` documents in
// tests/fixtures/pulumi/ following Pulumi's serialized formats (apitype.ResourceV3,
// the preview digest).
#include "frontend_json_support.h"

#include <catch2/catch.hpp>

using namespace tenet;

namespace {

const std::string kDir = std::string(TENET_SOURCE_DIR) + "/tests/fixtures/pulumi/";
const std::string kUrn = "urn:pulumi:dev::tenet-demo::";

struct Loaded : testing::LoadedDocument {
    Loaded(const std::string& path, const std::string& text)
        : LoadedDocument(path, text, load_pulumi) {}
    explicit Loaded(const std::string& name)
        : Loaded(kDir + name, testing::read_text(kDir + name)) {}
};

const std::string kBucket = kUrn + "aws:s3/bucketV2:BucketV2::data";
const std::string kSse =
    kUrn +
    "aws:s3/"
    "bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2::data-sse";
const std::string kPolicy = kUrn + "aws:s3/bucketPolicy:BucketPolicy::data-policy";
const std::string kKey = kUrn + "aws:kms/key:Key::main";

} // namespace

TEST_CASE("Pulumi export: URN addresses, type tokens, providers from the token",
          "[frontend][pulumi]") {
    Loaded l("stack_export.json");
    REQUIRE(l.ok);
    REQUIRE(l.errors.empty());
    // 12 custom resources; the stack, the provider and the component are not resources.
    CHECK(l.model.resources.size() == 12);
    const Resource& b = l.res(kBucket);
    CHECK(b.native_type->view() == "aws:s3/bucketV2:BucketV2");
    CHECK(b.frontend->view() == "pulumi");
    CHECK(b.provider->view() == "aws");
    CHECK(b.loc.file == l.file);
    CHECK(l.sm.line_text(b.loc.file, b.loc.line).find('{') != std::string_view::npos);
    // A child of a component keeps its full URN.
    CHECK(l.model.find_address(kUrn + "tenet:index:Network$aws:ec2/vpc:Vpc::net-vpc") >= 0);
    CHECK(l.attr(kBucket, {"bucket"}).as_view() == "tenet-data-7f3a2b1");
    CHECK(l.attr(kSse, {"rules", "#0", "applyServerSideEncryptionByDefault", "sseAlgorithm"})
              .as_view() == "aws:kms");
    // Pulumi's bookkeeping keys are not attributes.
    CHECK(l.attr(kBucket, {"__defaults"}).is_null());
}

TEST_CASE("Pulumi export: provenance is the URN and property path at a JSON position",
          "[frontend][pulumi]") {
    Loaded l("stack_export.json");
    Value alg = l.attr(kSse, {"rules", "#0", "applyServerSideEncryptionByDefault", "sseAlgorithm"});
    const Provenance& p = l.model.prov(alg.prov());
    CHECK(p.pointer->view() == kSse + ".rules[0].applyServerSideEncryptionByDefault.sseAlgorithm");
    CHECK(p.loc.file == l.file);
    CHECK(l.sm.line_text(p.loc.file, p.loc.line).find("\"sseAlgorithm\": \"aws:kms\"") !=
          std::string_view::npos);
    // Inputs the provider defaulted (__defaults) are defaults; outputs the program never set are
    // computed.
    CHECK(l.model.prov(l.attr(kKey, {"keyUsage"}).prov()).state == ValueState::Default);
    CHECK(l.model.prov(l.attr(kKey, {"description"}).prov()).state == ValueState::Explicit);
    CHECK(l.model.prov(l.attr(kKey, {"arn"}).prov()).state == ValueState::Computed);
}

TEST_CASE("Pulumi export: propertyDependencies are references per property", "[frontend][pulumi]") {
    Loaded l("stack_export.json");
    CHECK(l.incoming(kBucket, "aws:s3/bucketPolicy:BucketPolicy", "bucket") ==
          std::vector<std::string>{kPolicy});
    CHECK(l.incoming(
              kKey,
              "aws:s3/"
              "bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
              "rules") == std::vector<std::string>{kSse});
    CHECK(l.incoming(kUrn + "aws:s3/bucketV2:BucketV2::logs", "aws:s3/bucketPolicy:BucketPolicy",
                     "bucket")
              .empty());
    // Nested values carry their top-level property's refs.
    Value key =
        l.attr(kSse, {"rules", "#0", "applyServerSideEncryptionByDefault", "kmsMasterKeyId"});
    CHECK(l.refs(key) == std::vector<std::string>{kKey});
    CHECK(l.refs(l.attr(kSse, {"bucket"})) == std::vector<std::string>{kBucket});
}

TEST_CASE("Pulumi export: secrets stay out unless the plaintext is there", "[frontend][pulumi]") {
    Loaded l("stack_export.json");
    Value secret = l.attr(kUrn + "aws:ssm/parameter:Parameter::db-password", {"value"});
    REQUIRE(secret.is_unknown());
    CHECK(secret.unknown_reason()->view() ==
          kUrn + "aws:ssm/parameter:Parameter::db-password.value: secret value");
    Value plain = l.attr(kUrn + "aws:ssm/parameter:Parameter::api-token", {"value"});
    REQUIRE(plain.is(Kind::String));
    CHECK(plain.as_view() == "tok-123");
    // No ciphertext anywhere in the model's strings reachable from the resource.
    Value whole = l.res(kUrn + "aws:ssm/parameter:Parameter::db-password").native;
    for (auto& e : whole.as_map()->span())
        if (e.value.is(Kind::String))
            CHECK(e.value.as_view().find("v1:") == std::string_view::npos);
}

TEST_CASE("Pulumi export: the stack's outputs, providers and components", "[frontend][pulumi]") {
    Loaded l("stack_export.json");
    Value s = l.model.stack;
    CHECK(l.at(s, {"frontend"}).as_view() == "pulumi");
    CHECK(l.at(s, {"project"}).as_view() == "tenet-demo");
    CHECK(l.at(s, {"stack"}).as_view() == "dev");
    CHECK(l.at(s, {"outputs", "bucketName", "value"}).as_view() == "tenet-data-7f3a2b1");
    CHECK(l.at(s, {"outputs", "dbPasswordOut", "value"}).is_unknown());
    CHECK(l.at(s, {"outputs", "dbPasswordOut", "secret"}).as_bool());
    CHECK(l.at(s, {"providers", "default_6_56_1", "settings", "region"}).as_view() == "us-east-1");
    CHECK(l.at(s, {"modules", kUrn + "tenet:index:Network::net", "type"}).as_view() ==
          "tenet:index:Network");
}

TEST_CASE("Pulumi preview: unknown outputs, blinded secrets, deletions and references",
          "[frontend][pulumi]") {
    Loaded l("preview.json");
    REQUIRE(l.ok);
    REQUIRE(l.errors.empty());
    // The deleted bucket will not exist.
    CHECK(l.model.find_address(kUrn + "aws:s3/bucketV2:BucketV2::old") < 0);
    CHECK(
        l.at(l.model.stack, {"changes", kUrn + "aws:s3/bucketV2:BucketV2::old", "#0"}).as_view() ==
        "delete");
    Value arn = l.attr(kBucket, {"arn"});
    REQUIRE(arn.is_unknown());
    CHECK(arn.unknown_reason()->view() == kBucket + ".arn: known after apply");
    // A known input wins over an output that is still unknown.
    CHECK(l.attr(kBucket, {"bucket"}).as_view() == "tenet-data-7f3a2b1");
    Value key =
        l.attr(kSse, {"rules", "#0", "applyServerSideEncryptionByDefault", "kmsMasterKeyId"});
    REQUIRE(key.is_unknown());
    CHECK(key.unknown_reason()->view() ==
          kSse + ".rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId: known after apply");
    CHECK(l.refs(key) == std::vector<std::string>{kKey});
    // Joins hold while the ids are unknown.
    CHECK(l.attr(kPolicy, {"bucket"}).is_unknown());
    CHECK(l.incoming(kBucket, "aws:s3/bucketPolicy:BucketPolicy", "bucket") ==
          std::vector<std::string>{kPolicy});
    Value secret = l.attr(kUrn + "aws:ssm/parameter:Parameter::db-password", {"value"});
    REQUIRE(secret.is_unknown());
    CHECK(std::string(secret.unknown_reason()->view()).ends_with(": secret value"));
    Value cfg = l.at(l.model.stack, {"variables", "tenet-demo:dbPassword", "value"});
    CHECK(cfg.is_unknown());
    CHECK(l.at(l.model.stack, {"variables", "aws:region", "value"}).as_view() == "us-east-1");
}

TEST_CASE("Pulumi preview: without a Stack step, the URNs name the stack and project",
          "[frontend][pulumi]") {
    Loaded l("inline.json", R"({"config": {"orders:environmentSuffix": "pr7"}, "steps": [
        {"op": "create", "urn": "urn:pulumi:pr7::orders::aws:sqs/queue:Queue::jobs",
         "newState": {"urn": "urn:pulumi:pr7::orders::aws:sqs/queue:Queue::jobs", "custom": true,
                      "type": "aws:sqs/queue:Queue", "inputs": {"name": "jobs-pr7"}}}]})");
    REQUIRE(l.ok);
    REQUIRE(l.errors.empty());
    CHECK(l.at(l.model.stack, {"stack"}).as_view() == "pr7");
    CHECK(l.at(l.model.stack, {"project"}).as_view() == "orders");
    CHECK(l.at(l.model.stack, {"variables", "orders:environmentSuffix", "value"}).as_view() ==
          "pr7");
}

TEST_CASE("Pulumi: a resource passed as a property is its id and a reference",
          "[frontend][pulumi]") {
    std::string text = R"({"version": 3, "deployment": {"resources": [
  {"urn": "urn:pulumi:dev::p::aws:s3/bucketV2:BucketV2::b", "custom": true, "type": "aws:s3/bucketV2:BucketV2",
   "inputs": {}, "outputs": {"id": "b-123"}},
  {"urn": "urn:pulumi:dev::p::aws:s3/bucketPolicy:BucketPolicy::p", "custom": true, "type": "aws:s3/bucketPolicy:BucketPolicy",
   "inputs": {"bucket": {"4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e",
                         "urn": "urn:pulumi:dev::p::aws:s3/bucketV2:BucketV2::b", "id": "b-123", "packageVersion": "6.56.1"}},
   "outputs": {}}
]}})";
    Loaded l("/nowhere/refs.json", text);
    REQUIRE(l.errors.empty());
    Value bucket = l.attr("urn:pulumi:dev::p::aws:s3/bucketPolicy:BucketPolicy::p", {"bucket"});
    REQUIRE(bucket.is(Kind::String));
    CHECK(bucket.as_view() == "b-123");
    CHECK(l.refs(bucket) ==
          std::vector<std::string>{"urn:pulumi:dev::p::aws:s3/bucketV2:BucketV2::b"});
    CHECK(l.incoming("urn:pulumi:dev::p::aws:s3/bucketV2:BucketV2::b",
                     "aws:s3/bucketPolicy:BucketPolicy", "bucket") ==
          std::vector<std::string>{"urn:pulumi:dev::p::aws:s3/bucketPolicy:BucketPolicy::p"});
}

TEST_CASE("Pulumi: dependencies without propertyDependencies join on equal ids",
          "[frontend][pulumi]") {
    std::string text = R"({"version": 3, "deployment": {"resources": [
  {"urn": "urn:pulumi:dev::p::aws:ec2/securityGroup:SecurityGroup::sg", "custom": true, "id": "sg-1",
   "type": "aws:ec2/securityGroup:SecurityGroup", "inputs": {}, "outputs": {"id": "sg-1", "arn": "arn:sg-1"}},
  {"urn": "urn:pulumi:dev::p::aws:ec2/securityGroupRule:SecurityGroupRule::r", "custom": true,
   "type": "aws:ec2/securityGroupRule:SecurityGroupRule",
   "inputs": {"securityGroupId": "sg-1", "description": "sg-2"}, "outputs": {"id": "sgrule-1"},
   "dependencies": ["urn:pulumi:dev::p::aws:ec2/securityGroup:SecurityGroup::sg"]}
]}})";
    Loaded l("/nowhere/deps.json", text);
    REQUIRE(l.errors.empty());
    const std::string sg = "urn:pulumi:dev::p::aws:ec2/securityGroup:SecurityGroup::sg";
    const std::string rule = "urn:pulumi:dev::p::aws:ec2/securityGroupRule:SecurityGroupRule::r";
    CHECK(l.incoming(sg, "aws:ec2/securityGroupRule:SecurityGroupRule", "securityGroupId") ==
          std::vector<std::string>{rule});
    CHECK(l.refs(l.attr(rule, {"securityGroupId"})) == std::vector<std::string>{sg});
    CHECK(l.refs(l.attr(rule, {"description"})).empty());
}

TEST_CASE("Pulumi: broken entries are located errors and the rest loads", "[frontend][pulumi]") {
    std::string text = R"({"version": 3, "deployment": {"resources": [
  {"custom": true, "inputs": {}},
  {"urn": "urn:pulumi:dev::p::aws:s3/bucketV2:BucketV2::b", "custom": true, "inputs": {"bucket": "b"}, "outputs": {}}
]}})";
    Loaded l("/nowhere/export.json", text);
    REQUIRE(l.ok);
    REQUIRE(l.errors.size() == 1);
    CHECK(l.errors[0].loc.line == 2);
    CHECK(l.errors[0].loc.column == 3);
    // The type comes from the URN when the entry has none.
    CHECK(l.res("urn:pulumi:dev::p::aws:s3/bucketV2:BucketV2::b").native_type->view() ==
          "aws:s3/bucketV2:BucketV2");

    Loaded bad("/nowhere/bad.json", "{\"steps\": [\n  {\"op\": \"create\",}\n]}");
    CHECK_FALSE(bad.ok);
    REQUIRE(bad.errors.size() == 1);
    CHECK(bad.errors[0].loc.line == 2);

    Loaded other("/nowhere/other.json", "{\"hello\": 1}");
    CHECK_FALSE(other.ok);
    REQUIRE(other.errors.size() == 1);
    CHECK(other.errors[0].message.find("not a Pulumi document") != std::string::npos);
}
