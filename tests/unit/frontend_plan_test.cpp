// Terraform plan and state JSON: the committed fixtures in tests/fixtures/plan/ were
// made by terraform 1.11 with the hashicorp/aws provider (tests/fixtures/plan/regenerate.sh).
#include "../../frontends/plan/tf_locator.h"
#include "frontend_json_support.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace tenet;

namespace {

const std::string kStack = std::string(TENET_SOURCE_DIR) + "/tests/fixtures/plan/s3_stack/";

struct Loaded : testing::LoadedDocument {
    enum Doc { Plan, State };
    Loaded(const std::string& path, const std::string& text, Doc doc = Plan)
        : LoadedDocument(path, text,
                         doc == State ? testing::DocumentLoader(load_terraform_state)
                                      : testing::DocumentLoader(load_terraform_plan)) {}
    explicit Loaded(const std::string& path, Doc doc = Plan)
        : Loaded(path, testing::read_text(path), doc) {}

    std::string where(Value v) const {
        const Provenance& p = model.prov(v.prov());
        if (!p.loc.valid()) return "?";
        std::string path = sm.path(p.loc.file);
        size_t slash = path.find("s3_stack/");
        if (slash != std::string::npos) path = path.substr(slash + 9);
        return path + ":" + std::to_string(p.loc.line) + ":" + std::to_string(p.loc.column);
    }
};

} // namespace

TEST_CASE("Plan: addresses carry module paths and instance keys", "[frontend][plan]") {
    Loaded l(kStack + "plan.json");
    REQUIRE(l.ok);
    REQUIRE(l.errors.empty());
    for (auto a : {"aws_s3_bucket.b[\"data\"]", "aws_s3_bucket.b[\"logs\"]",
                   "aws_security_group_rule.ssh[0]", "module.net.aws_subnet.private[1]",
                   "module.net.module.flow_bucket.aws_s3_bucket.this"})
        CHECK(l.index(a) >= 0);
    const Resource& b = l.res("aws_s3_bucket.b[\"data\"]");
    CHECK(b.native_type->view() == "aws_s3_bucket");
    CHECK(b.frontend->view() == "terraform");
    CHECK(b.provider->view() == "aws");
    CHECK(b.canonical_type == nullptr);
    // Data sources (read while planning: only in prior_state) keep `data.` in their type.
    const Resource& ds = l.res("data.aws_caller_identity.current");
    CHECK(ds.native_type->view() == "data.aws_caller_identity");
    Value account = l.attr("data.aws_caller_identity.current", {"account_id"});
    CHECK(account.as_view() == "123456789012");
    CHECK(l.model.prov(account.prov()).state == ValueState::Computed);
    CHECK(l.where(account) == "main.tf:5:1");
}

TEST_CASE("Plan: after_unknown marks the exact nested path unknown", "[frontend][plan]") {
    Loaded l(kStack + "plan.json");
    const char* sse = "aws_s3_bucket_server_side_encryption_configuration.b[\"data\"]";
    Value key = l.attr(
        sse, {"rule", "#0", "apply_server_side_encryption_by_default", "#0", "kms_master_key_id"});
    REQUIRE(key.is_unknown());
    CHECK(key.unknown_reason()->view() ==
          "aws_s3_bucket_server_side_encryption_configuration.b[\"data\"].rule[0]."
          "apply_server_side_encryption_by_default[0].kms_master_key_id: known after apply");
    CHECK(l.model.prov(key.prov()).state == ValueState::Unknown);
    Value alg = l.attr(
        sse, {"rule", "#0", "apply_server_side_encryption_by_default", "#0", "sse_algorithm"});
    REQUIRE(alg.is(Kind::String));
    CHECK(alg.as_view() == "aws:kms");
    CHECK(l.attr("aws_s3_bucket.b[\"data\"]", {"arn"}).is_unknown());
    // A value the configuration sets to null that the provider computes stays unknown, with its
    // ref.
    Value kms = l.attr("aws_ssm_parameter.db_password", {"key_id"});
    REQUIRE(kms.is_unknown());
    CHECK(l.refs(kms) == std::vector<std::string>{"var.kms_key_arn"});
}

TEST_CASE("Plan: configuration references become edges while ids are unknown", "[frontend][plan]") {
    Loaded l(kStack + "plan.json");
    REQUIRE(l.attr("aws_s3_bucket_policy.bucket", {"bucket"}).is_unknown());
    CHECK(l.incoming("aws_s3_bucket.b[\"data\"]", "aws_s3_bucket_policy", "bucket") ==
          std::vector<std::string>{"aws_s3_bucket_policy.bucket"});
    CHECK(l.incoming("aws_s3_bucket.b[\"logs\"]", "aws_s3_bucket_policy", "bucket").empty());
    // for_each = aws_s3_bucket.b with bucket = each.value.id: each instance joins its own bucket.
    CHECK(l.incoming("aws_s3_bucket.b[\"logs\"]", "aws_s3_bucket_versioning", "bucket") ==
          std::vector<std::string>{"aws_s3_bucket_versioning.b[\"logs\"]"});
    CHECK(l.refs(l.attr("aws_s3_bucket_versioning.b[\"logs\"]", {"bucket"})) ==
          std::vector<std::string>{"aws_s3_bucket.b[\"logs\"].id"});
    // Nested attribute: the edge is on the top-level attribute.
    CHECK(
        l.incoming("aws_kms_key.main", "aws_s3_bucket_server_side_encryption_configuration", "rule")
            .size() == 2);
    // Through a module output: vpc_id = module.net.vpc_id -> module.net.aws_vpc.main.id.
    CHECK(l.incoming("module.net.aws_vpc.main", "aws_security_group", "vpc_id") ==
          std::vector<std::string>{"aws_security_group.ssh"});
    // Inside a module, through a nested module's output.
    CHECK(l.incoming("module.net.module.flow_bucket.aws_s3_bucket.this", "aws_flow_log",
                     "log_destination") ==
          std::vector<std::string>{"module.net.aws_flow_log.main"});
}

TEST_CASE("Plan: module-local references are named with the module's address", "[frontend][plan]") {
    Loaded l(kStack + "plan.json");
    CHECK(l.refs(l.attr("module.net.aws_vpc.main", {"cidr_block"})) ==
          std::vector<std::string>{"module.net.var.cidr"});
    // var.name of the nested module comes from module.net's var.name, which comes from
    // local.prefix.
    std::vector<std::string> expected{"module.net.module.flow_bucket.var.name",
                                      "module.net.var.name", "local.prefix"};
    CHECK(l.refs(l.attr("module.net.module.flow_bucket.aws_s3_bucket.this", {"bucket"})) ==
          expected);
    CHECK(l.refs(l.attr("aws_security_group.ssh", {"vpc_id"})) ==
          std::vector<std::string>{"module.net.vpc_id", "module.net.aws_vpc.main.id"});
}

TEST_CASE("Plan: values point at the .tf line when the configuration sits beside the plan",
          "[frontend][plan]") {
    Loaded l(kStack + "plan.json");
    const char* sse = "aws_s3_bucket_server_side_encryption_configuration.b[\"data\"]";
    CHECK(l.sm.path(l.res(sse).loc.file).ends_with("s3_stack/main.tf"));
    CHECK(l.res(sse).loc.line == 28);
    CHECK(l.where(l.attr(sse, {"rule", "#0", "apply_server_side_encryption_by_default", "#0",
                               "kms_master_key_id"})) == "main.tf:34:7");
    CHECK(l.where(l.attr("aws_security_group_rule.ssh[0]", {"from_port"})) == "network.tf:16:3");
    CHECK(l.where(l.attr("aws_s3_bucket.b[\"data\"]", {"tags", "Environment"})) == "main.tf:16:5");
    CHECK(l.where(l.attr("module.net.aws_vpc.main", {"cidr_block"})) == "modules/net/main.tf:11:3");
    CHECK(l.where(l.attr("module.net.module.flow_bucket.aws_s3_bucket.this", {"bucket"})) ==
          "modules/bucket/main.tf:6:3");
    // The JSON pointer stays in the provenance.
    Value from = l.attr("aws_security_group_rule.ssh[0]", {"from_port"});
    CHECK(std::string(l.model.prov(from.prov()).pointer->view()).ends_with("/values/from_port"));
}

TEST_CASE("Plan: written values are explicit, provider-filled ones defaults", "[frontend][plan]") {
    Loaded l(kStack + "plan.json");
    const char* b = "aws_s3_bucket.b[\"data\"]";
    CHECK(l.model.prov(l.attr(b, {"bucket"}).prov()).state == ValueState::Explicit);
    CHECK(l.model.prov(l.attr(b, {"force_destroy"}).prov()).state == ValueState::Default);
    const char* pab = "aws_s3_bucket_public_access_block.data";
    CHECK(l.attr(pab, {"restrict_public_buckets"}).as_bool() == false);
    CHECK(l.model.prov(l.attr(pab, {"restrict_public_buckets"}).prov()).state ==
          ValueState::Explicit);
}

TEST_CASE("Plan: variables, outputs, modules and changes are in the stack", "[frontend][plan]") {
    Loaded l(kStack + "plan.json");
    Value s = l.model.stack;
    CHECK(l.at(s, {"frontend"}).as_view() == "terraform");
    CHECK(l.at(s, {"variables", "kms_key_arn", "value"}).is_null());
    CHECK(l.at(s, {"variables", "kms_key_arn", "description"}).is(Kind::String));
    CHECK(l.at(s, {"variables", "environment", "value"}).as_view() == "prod");
    Value arns = l.at(s, {"outputs", "bucket_arns", "value", "data"});
    REQUIRE(arns.is_unknown());
    CHECK(arns.unknown_reason()->view() == "output.bucket_arns.data: known after apply");
    // Sensitive values are kept as they are.
    CHECK(l.at(s, {"outputs", "db_password", "sensitive"}).as_bool());
    CHECK(l.at(s, {"outputs", "db_password", "value"}).as_view() == "not-a-real-password");
    CHECK(l.at(s, {"modules", "module.net", "source"}).as_view() == "./modules/net");
    CHECK(l.at(s, {"modules", "module.net", "inputs", "cidr"}).as_view() == "10.0.0.0/16");
    Value name_input = l.at(s, {"modules", "module.net", "inputs", "name"});
    CHECK(name_input.is_unknown());
    CHECK(l.refs(name_input) == std::vector<std::string>{"local.prefix"});
    CHECK(l.at(s, {"providers", "aws", "region"}).as_view() == "us-east-1");
    CHECK(l.at(s, {"providers", "aws", "version_constraint"}).as_view() == "~> 5.0");
    CHECK(l.at(s, {"modules", "module.net", "loaded"}).as_bool());
    CHECK(l.at(s, {"changes", "aws_kms_key.main", "#0"}).as_view() == "create");
    // Declarations point at their .tf blocks.
    // Types (and validations) are not in the plan: they come from the .tf declaration.
    CHECK(l.at(s, {"variables", "environment", "type"}).as_view() == "string");
    CHECK(l.at(s, {"variables", "allowed_ssh_cidrs", "type"}).as_view() == "list(string)");
    CHECK(l.where(l.at(s, {"variables", "environment", "type"})) == "variables.tf:2:3");
    CHECK(l.at(s, {"variables", "environment", "validation"}).is_null());
    CHECK(l.where(l.at(s, {"variables", "environment", "default"})) == "variables.tf:3:3");
    CHECK(l.where(l.at(s, {"variables", "environment", "value"})) == "variables.tf:1:1");
    CHECK(l.where(l.at(s, {"outputs", "bucket_arns", "value", "data"})) == "outputs.tf:2:3");
    CHECK(l.where(l.at(s, {"modules", "module.net", "inputs", "cidr"})) == "network.tf:3:3");
    CHECK(l.where(l.at(s, {"modules", "module.net.module.flow_bucket", "source"})) ==
          "modules/net/main.tf:24:3");
}

TEST_CASE("Plan: variable types and validations come from the .tf declarations",
          "[frontend][plan]") {
    Loaded l(std::string(TENET_SOURCE_DIR) + "/tests/fixtures/plan/variable_checks/plan.json");
    REQUIRE(l.errors.empty());
    Value s = l.model.stack;
    CHECK(l.at(s, {"variables", "environment_suffix", "type"}).as_view() == "string");
    Value checks = l.at(s, {"variables", "environment_suffix", "validation"});
    REQUIRE(checks.is(Kind::List));
    CHECK(checks.as_list()->size == 1);
    Value condition = l.at(s, {"variables", "environment_suffix", "validation", "#0", "condition"});
    REQUIRE(condition.is_unknown());
    CHECK(std::string(condition.unknown_reason()->view())
              .starts_with(
                  "var.environment_suffix.validation[0].condition: not recorded in the plan"));
    // A type written over several lines is unknown, with where it is written.
    Value type = l.at(s, {"variables", "settings", "type"});
    REQUIRE(type.is_unknown());
    CHECK(std::string(type.unknown_reason()->view()).find("variables.tf:11") != std::string::npos);
    CHECK(l.at(s, {"variables", "settings", "validation"}).is_null());
}

TEST_CASE("Plan on an existing state: prior_state, no-op and replace", "[frontend][plan]") {
    Loaded l(kStack + "plan_update.json");
    REQUIRE(l.errors.empty());
    CHECK(l.index("aws_security_group_rule.ssh[1]") >= 0);
    CHECK(l.attr("aws_s3_bucket.b[\"data\"]", {"arn"}).as_view() == "arn:aws:s3:::prod-tenet-data");
    Value actions = l.at(l.model.stack, {"changes", "aws_security_group_rule.ssh[0]"});
    REQUIRE(actions.is(Kind::List));
    CHECK(actions.as_list()->size == 2);
    CHECK(l.at(l.model.stack, {"changes", "aws_kms_key.main", "#0"}).as_view() == "no-op");
    CHECK(l.incoming("aws_s3_bucket.b[\"data\"]", "aws_s3_bucket_policy", "bucket").size() == 1);
}

TEST_CASE("Plan without its .tf files points into the plan JSON", "[frontend][plan]") {
    Loaded l("/nonexistent-dir/plan.json", testing::read_text(kStack + "plan.json"));
    REQUIRE(l.ok);
    Value from = l.attr("aws_security_group_rule.ssh[0]", {"from_port"});
    const Provenance& p = l.model.prov(from.prov());
    CHECK(p.loc.file == l.file);
    CHECK(l.sm.line_text(p.loc.file, p.loc.line).find("\"from_port\": 22") !=
          std::string_view::npos);
    CHECK(l.res("aws_security_group_rule.ssh[0]").loc.file == l.file);
    // References do not need the .tf files.
    CHECK(l.incoming("aws_s3_bucket.b[\"data\"]", "aws_s3_bucket_policy", "bucket").size() == 1);
}

TEST_CASE("Plan: registry modules are found through .terraform/modules/modules.json",
          "[frontend][plan]") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("tenet_plan_modules_" + std::to_string(::getpid()));
    fs::create_directories(dir / ".terraform/modules/vpc");
    auto write = [](const fs::path& p, const std::string& text) {
        std::ofstream(p, std::ios::binary) << text;
    };
    write(
        dir / ".terraform/modules/modules.json",
        R"({"Modules":[{"Key":"","Source":"","Dir":"."},)"
        R"({"Key":"vpc","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Version":"5.0.0","Dir":".terraform/modules/vpc"}]})");
    write(dir / ".terraform/modules/vpc/main.tf",
          "variable \"cidr\" {}\n\nresource \"aws_vpc\" \"this\" {\n  cidr_block = var.cidr\n}\n");
    std::string plan = R"({
  "format_version": "1.2",
  "planned_values": {"root_module": {"child_modules": [{"address": "module.vpc", "resources": [
    {"address": "module.vpc.aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this",
     "provider_name": "registry.terraform.io/hashicorp/aws", "values": {"cidr_block": "10.0.0.0/16"}}]}]}},
  "configuration": {"root_module": {"module_calls": {"vpc": {
    "source": "terraform-aws-modules/vpc/aws", "version_constraint": "5.0.0",
    "expressions": {"cidr": {"constant_value": "10.0.0.0/16"}},
    "module": {"resources": [{"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this",
      "expressions": {"cidr_block": {"references": ["var.cidr"]}}}]}}}}}
})";
    write(dir / "plan.json", plan);
    Loaded l((dir / "plan.json").string());
    fs::remove_all(dir);
    REQUIRE(l.errors.empty());
    Value cidr = l.attr("module.vpc.aws_vpc.this", {"cidr_block"});
    CHECK(l.where(cidr).ends_with(".terraform/modules/vpc/main.tf:4:3"));
    CHECK(l.refs(cidr) == std::vector<std::string>{"module.vpc.var.cidr"});
    CHECK(l.at(l.model.stack, {"modules", "module.vpc", "version"}).as_view() == "5.0.0");
}

TEST_CASE("Plan: a broken resource is reported where it is and the rest still loads",
          "[frontend][plan]") {
    std::string text = R"({
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_s3_bucket.broken", "mode": "managed", "name": "broken", "values": {}},
    {"address": "aws_s3_bucket.ok", "mode": "managed", "type": "aws_s3_bucket", "name": "ok",
     "provider_name": "registry.terraform.io/hashicorp/aws", "values": {"bucket": "ok"}}
  ]}},
  "configuration": {"root_module": {"resources": [
    {"address": "aws_s3_bucket.ok", "mode": "managed", "type": "aws_s3_bucket", "name": "ok",
     "expressions": {"bucket": {"references": ["var", "local", "module", "each.value", "module.x[\"k", "a.b["]}}}
  ]}}
})";
    Loaded l("/nonexistent-dir/broken.json", text);
    REQUIRE(l.ok);
    REQUIRE(l.errors.size() == 1);
    CHECK(l.errors[0].loc.line == 4);
    CHECK(l.errors[0].loc.column == 5);
    CHECK(l.errors[0].message.find("without `address` or `type`") != std::string::npos);
    CHECK(l.attr("aws_s3_bucket.ok", {"bucket"}).as_view() == "ok");
    // Malformed references resolve to what can be read from them, never to a crash.
    CHECK(l.refs(l.attr("aws_s3_bucket.ok", {"bucket"})) ==
          std::vector<std::string>{"module.x[\"k", "a.b["});

    Loaded bad("/nonexistent-dir/bad.json", "{\n  \"planned_values\": {,}\n}");
    CHECK_FALSE(bad.ok);
    REQUIRE(bad.errors.size() == 1);
    CHECK(bad.errors[0].loc.line == 2);
    CHECK(bad.errors[0].message.starts_with("invalid Terraform plan JSON"));
}

TEST_CASE("State: raw .tfstate and terraform show -json give the same resources and joins",
          "[frontend][state]") {
    for (const char* name : {"state.tfstate", "state.json"}) {
        INFO(name);
        Loaded l(kStack + name, Loaded::State);
        REQUIRE(l.ok);
        REQUIRE(l.errors.empty());
        CHECK(l.model.resources.size() == 18); // 17 managed + the caller identity data source
        CHECK(l.attr("aws_s3_bucket.b[\"logs\"]", {"bucket"}).as_view() == "prod-tenet-logs");
        CHECK(l.attr("module.net.aws_subnet.private[1]", {"cidr_block"}).as_view() ==
              "10.0.1.0/24");
        // Joins come from dependencies plus equal ids: bucket = the data bucket's id.
        CHECK(l.incoming("aws_s3_bucket.b[\"data\"]", "aws_s3_bucket_policy", "bucket") ==
              std::vector<std::string>{"aws_s3_bucket_policy.bucket"});
        CHECK(l.incoming("aws_kms_key.main", "aws_s3_bucket_server_side_encryption_configuration",
                         "rule")
                  .size() == 2);
        CHECK(l.refs(l.attr("aws_s3_bucket_policy.bucket", {"bucket"})) ==
              std::vector<std::string>{"aws_s3_bucket.b[\"data\"].id"});
        CHECK(l.where(l.attr("aws_s3_bucket_policy.bucket", {"bucket"})) == "main.tf:48:3");
        CHECK(l.at(l.model.stack, {"outputs", "bucket_arns", "value", "logs"}).as_view() ==
              "arn:aws:s3:::prod-tenet-logs");
    }
}

TEST_CASE("State: module resources point at their .tf through modules.json", "[frontend][state]") {
    namespace fs = std::filesystem;
    fs::path dir =
        fs::temp_directory_path() / ("tenet_state_modules_" + std::to_string(::getpid()));
    fs::create_directories(dir / ".terraform/modules");
    // The .tf files, their modules and the state; not a local .terraform/ of the fixture.
    for (auto& e : fs::directory_iterator(kStack))
        if (e.path().extension() == ".tf" || e.path().filename() == "state.tfstate")
            fs::copy(e.path(), dir / e.path().filename(), fs::copy_options::overwrite_existing);
    fs::copy(kStack + "modules", dir / "modules",
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    std::ofstream(dir / ".terraform/modules/modules.json", std::ios::binary)
        << R"({"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"net","Source":"./modules/net","Dir":"modules/net"},)"
           R"({"Key":"net.flow_bucket","Source":"../bucket","Dir":"modules/bucket"}]})";
    Loaded l((dir / "state.tfstate").string(), Loaded::State);
    fs::remove_all(dir);
    REQUIRE(l.errors.empty());
    CHECK(l.where(l.attr("module.net.aws_vpc.main", {"cidr_block"}))
              .ends_with("modules/net/main.tf:11:3"));
    CHECK(l.where(l.attr("module.net.module.flow_bucket.aws_s3_bucket.this", {"bucket"}))
              .ends_with("modules/bucket/main.tf:6:3"));
    // Values the .tf does not write keep their place in the state file.
    CHECK(l.model.prov(l.attr("module.net.aws_vpc.main", {"arn"}).prov()).loc.file == l.file);
}

TEST_CASE("State: unsupported versions and broken instances are located errors",
          "[frontend][state]") {
    Loaded old("/nonexistent-dir/old.tfstate", "{\"version\": 3, \"modules\": []}", Loaded::State);
    CHECK_FALSE(old.ok);
    REQUIRE(old.errors.size() == 1);
    CHECK(old.errors[0].loc.column == 13);
    std::string text = R"({"version": 4, "resources": [
  {"mode": "managed", "type": "aws_s3_bucket", "name": "a"},
  {"mode": "managed", "type": "aws_s3_bucket", "name": "b", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
   "instances": [{"index_key": 0, "attributes": {"bucket": "b0"}}, {"index_key": "k", "attributes": {"bucket": "bk"}}]}
]})";
    Loaded l("/nonexistent-dir/s.tfstate", text, Loaded::State);
    REQUIRE(l.ok);
    REQUIRE(l.errors.size() == 1);
    CHECK(l.errors[0].loc.line == 2);
    CHECK(l.attr("aws_s3_bucket.b[0]", {"bucket"}).as_view() == "b0");
    CHECK(l.attr("aws_s3_bucket.b[\"k\"]", {"bucket"}).as_view() == "bk");
}

TEST_CASE("tf locator: heredocs, templates, dynamic blocks and object keys", "[frontend][plan]") {
    std::string text = R"(resource "aws_iam_role" "r" {
  name = "x-${var.env}-{"
  assume_role_policy = <<EOF
{ "resource": { "Version": "2012-10-17" }
EOF
  tags = { Name = "a", "kubernetes.io/role" = "b" }
  dynamic "inline_policy" {
    for_each = var.p
    content {
      name = inline_policy.value
    }
  }
}

data "aws_iam_policy_document" "d" {
  statement {
    actions = ["s3:*"]
  }
  statement {
    effect = "Deny"
  }
}
)";
    std::map<std::string, plan::BlockLocations> blocks;
    plan::scan_tf_blocks(text, 1, blocks);
    REQUIRE(blocks.size() == 2);
    auto& r = blocks.at("resource.aws_iam_role.r");
    CHECK(r.block.line == 1);
    CHECK(r.lookup(".assume_role_policy").line == 3);
    CHECK(r.lookup(".tags.Name").line == 6);
    CHECK(r.lookup(".tags.Name").column == 12);
    CHECK(r.lookup(".tags[\"kubernetes.io/role\"]").column == 24);
    CHECK(r.lookup(".inline_policy[0].name").line == 10);
    CHECK(r.attributes.count(".resource") == 0); // inside the heredoc
    auto& d = blocks.at("data.aws_iam_policy_document.d");
    CHECK(d.lookup(".statement[1].effect").line == 20);
    CHECK(d.lookup(".statement[0].actions[0]").line == 17);
    CHECK(d.lookup(".nothing").line == 15);
}
