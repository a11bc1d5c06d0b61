// CloudFormation, SAM and cdk.out: every short-form tag and intrinsic, provenance
// (line and column of nested values, refs, pointers), unknown reasons, references as
// edges, stack entries, Fn::If branch views, located errors, hostile input.
#include "../../frontends/cloudformation/cfn_node.h"
#include "tenet/frontends/frontend.h"
#include "tenet/model/interner.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

using namespace tenet;

namespace {

const std::string kFixtures = std::string(TENET_SOURCE_DIR) + "/tests/fixtures/cloudformation/";

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Loaded {
    SourceManager sm;
    Model model;
    std::vector<ModelError> errors;
    bool ok = false;

    const Resource& res(std::string_view address) const {
        int64_t i = model.find_address(address);
        INFO(address);
        REQUIRE(i >= 0);
        return model.resources[static_cast<size_t>(i)];
    }
    // A value by path from a resource's native map: "BucketEncryption.Rules[0].Status".
    Value at(std::string_view address, std::string_view path) const {
        return walk(res(address).native, path);
    }
    Value stack(std::string_view path) const { return walk(model.stack, path); }

    static Value walk(Value v, std::string_view path) {
        while (!path.empty()) {
            if (path[0] == '.') path.remove_prefix(1);
            if (path[0] == '[') {
                size_t close = path.find(']');
                size_t i = std::stoul(std::string(path.substr(1, close - 1)));
                REQUIRE(v.is(Kind::List));
                REQUIRE(i < v.as_list()->size);
                v = v.as_list()->items()[i];
                path.remove_prefix(close + 1);
                continue;
            }
            size_t end = path.find_first_of(".[");
            std::string key(path.substr(0, end));
            INFO("key " << key);
            REQUIRE(v.is(Kind::Map));
            const Value* m = v.as_map()->find(key);
            REQUIRE(m);
            v = *m;
            path.remove_prefix(end == std::string_view::npos ? path.size() : end);
        }
        return v;
    }
    bool has(std::string_view address, std::string_view key) const {
        return res(address).native.as_map()->find(key) != nullptr;
    }
    const Provenance& prov(const Value& v) const { return model.prov(v.prov()); }
    std::vector<std::string> refs(const Value& v) const {
        std::vector<std::string> out;
        for (const StrObj* r : model.refs(prov(v))) out.emplace_back(r->view());
        return out;
    }
    std::string pointer(const Value& v) const {
        const Provenance& p = prov(v);
        return p.pointer ? std::string(p.pointer->view()) : std::string();
    }
    std::string error_text() const {
        std::string s;
        for (auto& e : errors)
            s += sm.path(e.loc.file) + ":" + std::to_string(e.loc.line) + ":" +
                 std::to_string(e.loc.column) + ": " + e.message + "\n";
        return s;
    }
    bool has_error(uint32_t line, uint32_t column, std::string_view text) const {
        for (auto& e : errors)
            if (e.loc.line == line && e.loc.column == column &&
                e.message.find(text) != std::string::npos)
                return true;
        return false;
    }
    // The edges out of `from`, as "attribute->target".
    std::vector<std::string> edges(std::string_view from) const {
        std::vector<std::string> out;
        auto i = static_cast<uint32_t>(model.find_address(from));
        for (const ReferenceEdge& e : model.edges)
            if (e.from == i)
                out.push_back(std::string(e.attribute->view()) + "->" +
                              std::string(model.resources[e.to].address->view()));
        std::sort(out.begin(), out.end());
        return out;
    }
};

std::unique_ptr<Loaded> load_text(std::string text, std::vector<std::string> params = {},
                                  std::string path = "template.yaml") {
    auto l = std::make_unique<Loaded>();
    l->model.sources = &l->sm;
    FileId file = l->sm.add(std::move(path), std::move(text));
    ModelBuilder b(l->model);
    FrontendOptions opts;
    opts.cfn_params = std::move(params);
    l->ok = load_cloudformation(l->sm, file, b, l->errors, opts);
    b.resolve_references();
    b.build_stack();
    return l;
}

std::unique_ptr<Loaded> load_fixture(const std::string& name,
                                     std::vector<std::string> params = {}) {
    return load_text(read_text(kFixtures + name), std::move(params), kFixtures + name);
}

std::unique_ptr<Loaded> load_cdk(const std::string& dir) {
    auto l = std::make_unique<Loaded>();
    l->model.sources = &l->sm;
    ModelBuilder b(l->model);
    l->ok = load_cdk_out(l->sm, kFixtures + dir, b, l->errors, FrontendOptions{});
    b.resolve_references();
    b.build_stack();
    return l;
}

std::string str(const Value& v) {
    REQUIRE(v.is(Kind::String));
    return std::string(v.as_view());
}

std::string reason(const Value& v) {
    REQUIRE(v.is_unknown());
    return std::string(v.unknown_reason()->view());
}

bool contains(const std::vector<std::string>& xs, std::string_view x) {
    return std::find(xs.begin(), xs.end(), x) != xs.end();
}

} // namespace

TEST_CASE("cloudformation: YAML scalars resolve by the core schema, quoted scalars stay strings") {
    auto l = load_text(R"(Resources:
  R:
    Type: AWS::S3::Bucket
    Properties:
      Int: 22
      Float: 1.5
      Hex: 0x1F
      Bool: true
      Null: ~
      Quoted: "22"
      LeadingZero: 012345678901
      Version: 2012-10-17
      Folded: >-
        two
        lines
)");
    REQUIRE(l->errors.empty());
    CHECK(l->at("R", "Int").as_number() == 22);
    CHECK(l->at("R", "Float").as_number() == 1.5);
    CHECK(l->at("R", "Hex").as_number() == 31);
    CHECK(l->at("R", "Bool").as_bool());
    CHECK(l->at("R", "Null").is_null());
    CHECK(str(l->at("R", "Quoted")) == "22");
    CHECK(str(l->at("R", "LeadingZero")) == "012345678901");
    CHECK(str(l->at("R", "Version")) == "2012-10-17");
    CHECK(str(l->at("R", "Folded")) == "two lines");
}

TEST_CASE("cloudformation: every short-form tag and intrinsic evaluates") {
    auto l = load_fixture("intrinsics.yaml");
    INFO(l->error_text());
    REQUIRE(l->errors.empty());
    REQUIRE(l->ok);

    SECTION("Fn::Sub composes known pieces, ${!Literal} stays literal, variables map") {
        CHECK(reason(l->at("Bucket", "BucketName")) ==
              "Bucket.BucketName: AWS::Region is known at deploy time");
        auto refs = l->refs(l->at("Bucket", "BucketName"));
        CHECK(contains(refs, "param.Env"));
        CHECK(contains(refs, "param.AWS::Region"));
        CHECK(str(l->at("Bucket", "Plain")) == "literal-${NotAVariable}");
        CHECK(l->prov(l->at("Bucket", "Plain")).state == ValueState::Explicit);
        CHECK(reason(l->at("Bucket", "WithVars")) == "Bucket.WithVars: known after deploy");
        CHECK(contains(l->refs(l->at("Bucket", "WithVars")), "Key.Arn"));
        CHECK(contains(l->refs(l->at("Bucket", "WithVars")), "param.Env"));
        CHECK(str(l->at("Bucket", "Nested.Deep[0].Value")) == "prod-deep");
        CHECK(l->prov(l->at("Bucket", "Nested.Deep[0].Value")).state == ValueState::Computed);
    }
    SECTION("Fn::Join, Fn::Select, Fn::Split over known and unknown values") {
        CHECK(str(l->at("Bucket", "Joined")) == "a-prod-b"); // list parameter items are trimmed
        CHECK(contains(l->refs(l->at("Bucket", "Joined")), "param.Zones"));
        CHECK(reason(l->at("Bucket", "JoinedUnknown")) ==
              "Bucket.JoinedUnknown: AWS::AccountId is known at deploy time");
        Value split = l->at("Bucket", "Split");
        REQUIRE(split.is(Kind::List));
        REQUIRE(split.as_list()->size == 3);
        CHECK(str(split.as_list()->items()[2]) == "z");
        CHECK(str(l->at("Bucket", "Selected")) == "c");
    }
    SECTION("Fn::FindInMap, Fn::ImportValue, Fn::Base64, Fn::GetAZs, Fn::Cidr") {
        CHECK(l->at("Bucket", "Mapped").as_number() == 365);
        CHECK(l->pointer(l->at("Bucket", "Mapped")) == "Mappings.EnvMap.prod.Retention");
        CHECK(reason(l->at("Bucket", "MappedUnknown")) ==
              "Bucket.MappedUnknown: AWS::Region is known at deploy time");
        CHECK(reason(l->at("Bucket", "Imported")) ==
              "Bucket.Imported: Fn::ImportValue `shared-vpc-id` is exported by another stack, "
              "known at deploy time");
        CHECK(contains(l->refs(l->at("Bucket", "Imported")), "import.shared-vpc-id"));
        CHECK(str(l->at("Bucket", "Encoded")) == "aGVsbG8=");
        CHECK(reason(l->at("Bucket", "Azs")) ==
              "Bucket.Azs: the availability zones of the stack's region are known at deploy time");
        Value subnets = l->at("Bucket", "Subnets");
        REQUIRE(subnets.as_list()->size == 3);
        CHECK(str(subnets.as_list()->items()[0]) == "10.0.0.0/24");
        CHECK(str(subnets.as_list()->items()[2]) == "10.0.2.0/24");
    }
    SECTION("Ref and Fn::GetAtt of resources are unknown with refs") {
        CHECK(reason(l->at("Bucket", "KeyArn")) == "Bucket.KeyArn: known after deploy");
        CHECK(l->refs(l->at("Bucket", "KeyArn")) == std::vector<std::string>{"Key.Arn"});
        CHECK(l->refs(l->at("Bucket", "KeyArnList")) == std::vector<std::string>{"Key.Arn"});
        CHECK(l->refs(l->at("Bucket", "KeyRef")) == std::vector<std::string>{"Key"});
        CHECK(l->prov(l->at("Bucket", "KeyRef")).state == ValueState::Unknown);
    }
    SECTION("parameters and pseudo parameters") {
        CHECK(str(l->at("Bucket", "Partition")) == "aws");
        CHECK(l->prov(l->at("Bucket", "Partition")).state == ValueState::Default);
        CHECK(reason(l->at("Bucket", "Account")) ==
              "Bucket.Account: AWS::AccountId is known at deploy time");
        CHECK(l->refs(l->at("Bucket", "Account")) ==
              std::vector<std::string>{"param.AWS::AccountId"});
        CHECK(reason(l->at("Bucket", "OwnerTag")) == "Bucket.OwnerTag: param Owner has no value");
        CHECK(l->refs(l->at("Bucket", "OwnerTag")) == std::vector<std::string>{"param.Owner"});
        CHECK(l->at("Bucket", "SizeValue").as_number() == 20);
        CHECK(l->pointer(l->at("Bucket", "SizeValue")) == "Parameters.Size.Default");
    }
    SECTION("conditions as values") {
        CHECK(l->at("Bucket", "EqualsValue").as_bool());
        CHECK(l->at("Bucket", "NotValue").as_bool());
        CHECK(reason(l->at("Bucket", "AndValue")) == "Bucket.AndValue: param Owner has no value");
        CHECK(l->at("Bucket", "OrValue").as_bool()); // IsProd decides the Or
        CHECK_FALSE(l->at("Bucket", "ConditionValue").as_bool());
    }
    SECTION("Fn::If decided, undecided, and AWS::NoValue") {
        Value decided = l->at("Bucket", "Decided");
        CHECK(str(decided) == "big");
        CHECK(l->pointer(decided) == "Fn::If IsProd=true");
        CHECK(contains(l->refs(decided), "param.Env"));
        Value undecided = l->at("Bucket", "Undecided");
        CHECK(reason(undecided) ==
              "Bucket.Undecided: depends on condition HasOwner (param Owner has no value)");
        CHECK(l->pointer(undecided) == "Fn::If HasOwner");
        CHECK(contains(l->refs(undecided), "param.Owner"));
        CHECK(contains(l->refs(undecided), "condition.HasOwner"));
        CHECK_FALSE(l->has("Bucket", "Removed")); // IsDev is false: AWS::NoValue removes it
        // Both branches stay inspectable in the branch views.
        CHECK(reason(l->at("Bucket", "Fn::If.HasOwner=true.Undecided")) ==
              "Bucket.Fn::If.HasOwner=true.Undecided: param Owner has no value");
        Value no_owner = l->at("Bucket", "Fn::If.HasOwner=false");
        CHECK(no_owner.as_map()->find("Undecided") == nullptr); // removed in that branch
        CHECK(l->pointer(no_owner) == "Fn::If HasOwner=false");
        // ProdAndOwner depends on HasOwner: its own view.
        CHECK(str(l->at("Bucket", "Fn::If.ProdAndOwner=true.BothValue")) == "both");
    }
    SECTION("long forms, resource-level attributes") {
        CHECK(str(l->at("LongForm", "TopicName")) == "t-prod");
        CHECK(reason(l->at("LongForm", "KmsMasterKeyId")) ==
              "LongForm.KmsMasterKeyId: known after deploy");
        CHECK(str(l->at("LongForm", "DisplayName")) == "prod!");
        CHECK(l->pointer(l->at("LongForm", "DisplayName")) == "Fn::If ProdOrOwner=true");
        CHECK(str(l->at("LongForm", "Tags[0].Value")) == R"({"a":[1,"b"]})");
        CHECK(str(l->at("LongForm", "Condition")) == "IsProd");
        CHECK(str(l->at("LongForm", "DependsOn[0]")) == "Bucket");
        CHECK(str(l->at("LongForm", "Metadata.Owner")) == "prod");
        CHECK_FALSE(l->has("LongForm", "Properties"));
    }
    SECTION("resources: address, type, provider, frontend, location") {
        const Resource& r = l->res("Bucket");
        CHECK(r.native_type->view() == "Custom::Intrinsics");
        CHECK(r.provider->view() == "custom");
        CHECK(r.frontend->view() == "cloudformation");
        CHECK(r.canonical_type == nullptr);
        CHECK(r.loc.line == 39);
        CHECK(r.loc.column == 3);
        CHECK(l->res("Key").provider->view() == "aws");
    }
}

TEST_CASE("cloudformation: provenance points at the line and column of nested values") {
    auto l = load_fixture("intrinsics.yaml");
    auto loc = [&](std::string_view address, std::string_view path) {
        SourceLoc s = l->prov(l->at(address, path)).loc;
        return std::to_string(s.line) + ":" + std::to_string(s.column);
    };
    CHECK(loc("Bucket", "Nested.Deep[0].Value") == "77:20"); // the !Sub
    CHECK(loc("Bucket", "Nested.Deep[0].Name") == "76:19");
    CHECK(loc("Bucket", "Nested.Deep[0]") == "76:13");
    CHECK(loc("Bucket", "Nested") == "75:9");
    CHECK(loc("Bucket", "OwnerTag") == "63:17");    // the Ref site, not the parameter
    CHECK(loc("Bucket", "Subnets[1]") == "57:16");  // computed items point at the Fn::Cidr
    CHECK(loc("Bucket", "Decided") == "65:29");     // the chosen branch
    CHECK(loc("LongForm", "TopicName") == "85:18"); // a long form {"Fn::Join": ...}
    CHECK(l->prov(l->at("Bucket", "Nested")).loc.file == l->res("Bucket").loc.file);
}

TEST_CASE("cloudformation: references become edges, parameters never do") {
    auto l = load_fixture("intrinsics.yaml");
    CHECK(l->edges("Bucket") == std::vector<std::string>{"KeyArn->Key", "KeyArnList->Key",
                                                         "KeyRef->Key", "WithVars->Key"});
    CHECK(l->edges("LongForm") ==
          std::vector<std::string>{"DependsOn->Bucket", "KmsMasterKeyId->Key"});

    auto prod = load_fixture("prod_security_stack.yaml");
    INFO(prod->error_text());
    REQUIRE(prod->errors.empty());
    CHECK(prod->model.resources.size() == 21);
    CHECK(prod->edges("ProdS3BucketPolicy") ==
          std::vector<std::string>{"Bucket->ProdS3Bucket", "PolicyDocument->ProdEC2Role",
                                   "PolicyDocument->ProdS3Bucket"});
    CHECK(contains(prod->edges("ProdNATGatewayEIP"), "DependsOn->ProdGatewayAttachment"));
    CHECK(contains(prod->edges("ProdEC2Instance"), "UserData->ProdCloudWatchLogGroup"));
    // The relation index answers "the bucket policies of this bucket".
    auto bucket = static_cast<uint32_t>(prod->model.find_address("ProdS3Bucket"));
    auto incoming =
        prod->model.relations.incoming(bucket, Interner::global().intern("AWS::S3::BucketPolicy"),
                                       Interner::global().intern("Bucket"));
    REQUIRE(incoming.size() == 1);
    CHECK(prod->model.resources[incoming[0]].address->view() == "ProdS3BucketPolicy");
}

TEST_CASE("cloudformation: the seed stack's values, unknowns and stack entries") {
    auto l = load_fixture("prod_security_stack.yaml");
    REQUIRE(l->errors.empty());
    CHECK(str(l->at("ProdVPC", "CidrBlock")) == "10.0.0.0/16");
    CHECK(str(l->at("ProdPrivateSubnet", "CidrBlock")) ==
          "10.0.2.0/24"); // !Select of !Cidr of !FindInMap
    CHECK(str(l->at("ProdEC2Role", "RoleName")) == "prod-dev-ec2-role");
    CHECK(str(l->at("ProdEC2SecurityGroup", "SecurityGroupIngress[0].CidrIp")) == "10.0.0.0/8");
    CHECK(l->refs(l->at("ProdEC2SecurityGroup", "SecurityGroupIngress[0].CidrIp")) ==
          std::vector<std::string>{"param.AllowedSSHCIDR"});
    CHECK(reason(l->at("ProdEC2Instance", "ImageId")) ==
          "ProdEC2Instance.ImageId: param EC2AMIId is read from the SSM parameter "
          "`/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2` at deploy time");
    CHECK_FALSE(
        l->at("ProdEC2Instance", "Monitoring").as_bool()); // IsProduction is false for "dev"
    CHECK(l->at("ProdCloudWatchLogGroup", "RetentionInDays").as_number() == 30);
    CHECK(reason(l->at("ProdSNSTopic", "Subscription")) ==
          "ProdSNSTopic.Subscription: depends on condition HasAlertEmail (param AlertEmail has no "
          "value)");
    CHECK(str(l->at("ProdNetworkInAlarm", "Condition")) == "IsProduction");
    CHECK(str(l->at("ProdKMSKey", "DeletionPolicy")) == "Delete");

    CHECK(str(l->stack("frontend")) == "cloudformation");
    CHECK(str(l->stack("parameters.EnvironmentSuffix.AllowedPattern")) == "^[a-zA-Z0-9]+$");
    CHECK(str(l->stack("parameters.EnvironmentSuffix.Default")) == "dev");
    CHECK(str(l->stack("parameters.EnvironmentSuffix.Value")) == "dev");
    CHECK(str(l->stack("parameters.EC2InstanceType.AllowedValues[2]")) == "t3.medium");
    CHECK(reason(l->stack("parameters.AlertEmail.Value")) ==
          "parameters.AlertEmail.Value: param AlertEmail has no value");
    CHECK(reason(l->stack("outputs.VPCId.Value")) == "outputs.VPCId.Value: known after deploy");
    CHECK(str(l->stack("outputs.EnvironmentSuffix.Value")) == "dev");
    CHECK_FALSE(l->stack("conditions.IsProduction.Value").as_bool());
    CHECK(str(l->stack("mappings.SubnetConfig.Public.CIDR")) == "10.0.1.0/24");

    SECTION("--cfn-param overrides decide conditions") {
        auto p = load_fixture("prod_security_stack.yaml",
                              {"EnvironmentSuffix=prod", "AlertEmail=ops@example.com"});
        CHECK(p->at("ProdEC2Instance", "Monitoring").as_bool());
        CHECK(p->at("ProdCloudWatchLogGroup", "RetentionInDays").as_number() == 365);
        CHECK(str(p->at("ProdSNSTopic", "Subscription[0].Endpoint")) == "ops@example.com");
        CHECK(p->pointer(p->at("ProdSNSTopic", "Subscription")) == "Fn::If HasAlertEmail=true");
        CHECK(p->pointer(p->at("ProdSNSTopic", "Subscription[0].Endpoint")) ==
              "--cfn-param AlertEmail");
        CHECK_FALSE(p->has("ProdSNSTopic", "Fn::If")); // nothing undecided: no branch views
    }
}

TEST_CASE("cloudformation: inline intrinsics not in the fixtures") {
    auto l = load_text(R"(Transform: AWS::LanguageExtensions
Parameters:
  AttrName:
    Type: String
    Default: Arn
  Cidrs:
    Type: List<String>
Mappings:
  Region:
    us-east-1:
      Ami: ami-1
Resources:
  Key:
    Type: AWS::KMS::Key
  R:
    Type: AWS::S3::Bucket
    Properties:
      Six: !Cidr ["2001:db8::/56", 2, 64]
      Length: !Length [a, b, c]
      DynamicAttr: !GetAtt [Key, !Ref AttrName]
      Mapped: !FindInMap [Region, !Ref "AWS::Region", Ami]
      Fallback: !FindInMap [Region, eu-west-9, Ami, {DefaultValue: ami-default}]
      Macro: {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}}
      FromList: !Select [0, !Ref Cidrs]
      SubAttr: !Sub "${Key.Arn}"
)",
                       {"AWS::Region=us-east-1"});
    INFO(l->error_text());
    REQUIRE(l->errors.empty());
    Value six = l->at("R", "Six");
    CHECK(str(six.as_list()->items()[0]) == "2001:db8::/64");
    CHECK(str(six.as_list()->items()[1]) == "2001:db8:0:1::/64");
    CHECK(l->at("R", "Length").as_number() == 3);
    CHECK(l->refs(l->at("R", "DynamicAttr")) ==
          std::vector<std::string>{"param.AttrName", "Key.Arn"});
    CHECK(str(l->at("R", "Mapped")) == "ami-1"); // the region override decides it
    CHECK(contains(l->refs(l->at("R", "Mapped")), "param.AWS::Region"));
    CHECK(str(l->at("R", "Fallback")) == "ami-default");
    CHECK(reason(l->at("R", "Macro")) ==
          "R.Macro: the macro `AWS::Include` (Fn::Transform) is applied at deploy time");
    CHECK(reason(l->at("R", "FromList")) == "R.FromList: param Cidrs has no value");
    CHECK(l->refs(l->at("R", "SubAttr")) == std::vector<std::string>{"Key.Arn"});
}

TEST_CASE("cloudformation: JSON templates keep positions and evaluate long forms") {
    auto l = load_fixture("encrypted_bucket.json");
    INFO(l->error_text());
    REQUIRE(l->errors.empty());
    Value kms = l->at("DataBucket", "BucketEncryption.ServerSideEncryptionConfiguration[0]."
                                    "ServerSideEncryptionByDefault.KMSMasterKeyID");
    CHECK(reason(kms) == "DataBucket.BucketEncryption.ServerSideEncryptionConfiguration[0]."
                         "ServerSideEncryptionByDefault.KMSMasterKeyID: known after deploy");
    CHECK(l->pointer(kms) ==
          "Fn::If CreateKey=true"); // KmsKeyArn defaults to "": CreateKey is true
    CHECK(l->prov(kms).loc.line == 39);
    CHECK(l->prov(kms).loc.column == 60);
    CHECK(str(l->at("DataBucket", "DeletionPolicy")) == "Delete");
    CHECK(str(l->at("DataBucket", "VersioningConfiguration.Status")) == "Suspended");
    CHECK(str(l->at("DataKey", "Condition")) == "CreateKey");
    CHECK(l->res("DataBucket").loc.line == 28);
    CHECK(l->edges("DataBucket") == std::vector<std::string>{"BucketEncryption->DataKey"});
    CHECK(l->edges("DataBucketPolicy") ==
          std::vector<std::string>{"Bucket->DataBucket", "PolicyDocument->DataBucket"});
}

TEST_CASE("cloudformation: SAM resources load with Globals merged") {
    auto l = load_fixture("sam_app.yaml");
    INFO(l->error_text());
    REQUIRE(l->errors.empty());
    CHECK(l->res("ApiFunction").native_type->view() == "AWS::Serverless::Function");
    CHECK(l->res("ItemsTable").native_type->view() == "AWS::Serverless::SimpleTable");
    CHECK(str(l->at("ApiFunction", "Runtime")) == "python3.12");    // from Globals
    CHECK(l->prov(l->at("ApiFunction", "Runtime")).loc.line == 12); // pointing into Globals
    CHECK(l->at("ApiFunction", "Timeout").as_number() == 10);       // the function's own value wins
    CHECK(str(l->at("ApiFunction", "Environment.Variables.STAGE")) == "dev"); // maps merge
    CHECK(reason(l->at("ApiFunction", "Environment.Variables.TABLE")) ==
          "ApiFunction.Environment.Variables.TABLE: known after deploy");
    CHECK(l->at("ApiFunction", "Layers").as_list()->size == 2); // lists add up
    CHECK(str(l->stack("transform")) == "AWS::Serverless-2016-10-31");
    // Resources the transform makes are unknown without an error.
    CHECK(reason(l->stack("outputs.FunctionRoleArn.Value")).find("made by the SAM transform") !=
          std::string::npos);
    CHECK(l->edges("ApiFunction") == std::vector<std::string>{"Environment->ItemsTable",
                                                              "Events->ItemsApi",
                                                              "Policies->ItemsTable"});
}

TEST_CASE(
    "cloudformation: cdk.out with one stack: logical ids, construct paths, template positions") {
    auto l = load_cdk("cdk/single/cdk.out");
    INFO(l->error_text());
    REQUIRE(l->errors.empty());
    REQUIRE(l->ok);
    const Resource& bucket = l->res("ContentBucket52D4B12C");
    CHECK(bucket.frontend->view() == "cdk");
    CHECK(l->sm.path(bucket.loc.file).ends_with("ContentStack.template.json"));
    Value kms = l->at("ContentBucket52D4B12C", "BucketEncryption.ServerSideEncryptionConfiguration["
                                               "0].ServerSideEncryptionByDefault.KMSMasterKeyID");
    CHECK(l->pointer(kms) == "ContentStack/ContentBucket/Resource");
    CHECK(l->prov(kms).loc.line == 49);
    CHECK(l->refs(kms) == std::vector<std::string>{"ContentKey6D1C7F4A.Arn"});
    CHECK(l->edges("ContentBucketPolicy1E7A5D3B") ==
          std::vector<std::string>{"Bucket->ContentBucket52D4B12C",
                                   "PolicyDocument->ContentBucket52D4B12C"});
    CHECK(str(l->stack("frontend")) == "cdk");
    CHECK(reason(l->stack("parameters.BootstrapVersion.Value")).find("SSM parameter") !=
          std::string::npos);
    CHECK(str(l->at("CDKMetadata", "Condition")) == "CDKMetadataAvailable");
    CHECK(reason(l->stack("conditions.CDKMetadataAvailable.Value")) ==
          "conditions.CDKMetadataAvailable.Value: AWS::Region is known at deploy time");
}

TEST_CASE("cloudformation: cdk.out with several stacks prefixes addresses with the artifact id") {
    auto l = load_cdk("cdk/multi/cdk.out");
    INFO(l->error_text());
    REQUIRE(l->errors.empty());
    CHECK(l->model.resources.size() == 3);
    CHECK(l->res("NetworkStack/Vpc8378EB38").native_type->view() == "AWS::EC2::VPC");
    // No aws:cdk:path in the template: the manifest's metadata gives the construct path.
    CHECK(l->pointer(l->at("AppStack/WebSg0B3D5A6F", "GroupDescription")) ==
          "AppStack/WebSg/Resource");
    // AppStack depends on NetworkStack: loaded after it, its Fn::ImportValue finds the
    // export and refers to the VPC (the manifest lists AppStack first).
    Value vpc = l->at("AppStack/WebSg0B3D5A6F", "VpcId");
    CHECK(reason(vpc).find("Fn::ImportValue `NetworkStack:ExportsOutputRefVpc8378EB38272D6E3A`") !=
          std::string::npos);
    CHECK(contains(l->refs(vpc), "NetworkStack/Vpc8378EB38"));
    CHECK(l->edges("AppStack/WebSg0B3D5A6F") ==
          std::vector<std::string>{"VpcId->NetworkStack/Vpc8378EB38"});
    CHECK(l->model.resources[0].address->view() == "NetworkStack/Vpc8378EB38");
    CHECK(reason(l->stack("outputs.NetworkStack/ExportsOutputRefVpc8378EB38272D6E3A.Value")) ==
          "outputs.NetworkStack/ExportsOutputRefVpc8378EB38272D6E3A.Value: known after deploy");
    CHECK(l->refs(l->stack("outputs.NetworkStack/ExportsOutputRefVpc8378EB38272D6E3A.Value")) ==
          std::vector<std::string>{"NetworkStack/Vpc8378EB38"});
}

TEST_CASE("cloudformation: input errors are located and the other resources still load") {
    SECTION("malformed YAML") {
        auto l = load_fixture("errors/malformed.yaml");
        CHECK_FALSE(l->ok);
        REQUIRE(l->errors.size() == 1);
        CHECK(l->has_error(6, 6, "YAML: while parsing a block mapping: did not find expected key"));
    }
    SECTION("malformed JSON") {
        auto l = load_fixture("errors/malformed.json");
        CHECK_FALSE(l->ok);
        REQUIRE(l->errors.size() == 1);
        CHECK(l->errors[0].loc.line == 5);
        CHECK(l->errors[0].message.starts_with("JSON: "));
    }
    SECTION("unknown tag") {
        auto l = load_fixture("errors/unknown_tag.yaml");
        CHECK(l->ok);
        REQUIRE(l->errors.size() == 1);
        CHECK(l->has_error(5, 19, "unknown tag `!Reff`"));
        CHECK(reason(l->at("Broken", "BucketName")) == "Broken.BucketName: unknown tag `!Reff`");
        CHECK(str(l->at("Fine", "BucketName")) == "fine-bucket");
    }
    SECTION("bad intrinsic shapes") {
        auto l = load_fixture("errors/bad_shapes.yaml");
        INFO(l->error_text());
        CHECK(l->has_error(10, 3, "resource `NoType` has no Type"));
        CHECK(l->has_error(15, 5, "unknown attribute `Typo`"));
        CHECK(l->has_error(17, 34, "Fn::Select: the second argument must be a list"));
        CHECK(l->has_error(18, 34, "Fn::Select: index 3 is out of range for a list of 2"));
        CHECK(l->has_error(19, 20, "Fn::Join takes a list of 2 arguments"));
        CHECK(l->has_error(20, 22,
                           "Fn::GetAtt of `Nowhere`, which is not a resource of this template"));
        CHECK(l->has_error(21, 20, "Fn::GetAtt takes `Resource.Attribute`"));
        CHECK(
            l->has_error(22, 19, "Ref to `Nothing`, which is neither a parameter nor a resource"));
        CHECK(l->has_error(23, 19, "Fn::FindInMap: mapping `Sizes` has no key `large`"));
        CHECK(l->has_error(24, 32, "no condition named `NoSuchCondition`"));
        CHECK(l->has_error(25, 20, "Fn::Sub: `${` without a closing `}`"));
        CHECK(l->has_error(26, 24, "unknown intrinsic function `Fn::Frobnicate`"));
        CHECK(l->has_error(27, 23, "Fn::Cidr: `10.0.0.0/33` is not an address block"));
        CHECK(l->has_error(31, 16, "DependsOn names `Missing`, which is not a resource"));
        CHECK(l->errors.size() == 14);
        CHECK(l->model.find_address("NoType") < 0);
        CHECK(str(l->at("Shapes", "Good")) == "app-ok");
        CHECK(reason(l->at("Shapes", "RefMissing")) ==
              "Shapes.RefMissing: Ref to `Nothing`, which is neither a parameter nor a resource");
        CHECK(str(l->at("StillLoads", "TopicName")) == "app");
    }
    SECTION("duplicate keys are reported, the last one wins") {
        auto l = load_text("Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n      A: "
                           "1\n      A: 2\n");
        CHECK(l->has_error(6, 7, "duplicate key `A`"));
        CHECK(l->at("R", "A").as_number() == 2);
        // Large mappings are indexed: the same holds there, in YAML and JSON.
        std::string yaml = "Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n";
        std::string json = R"({"Resources": {"R": {"Type": "AWS::S3::Bucket", "Properties": {)";
        for (int i = 0; i < 40; ++i) {
            yaml += "      K" + std::to_string(i) + ": " + std::to_string(i) + "\n";
            json += "\"K" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
        }
        yaml += "      K7: last\n";
        json += R"("K7": "last"}}}})";
        auto big = load_text(yaml);
        CHECK(big->has_error(45, 7, "duplicate key `K7`"));
        CHECK(str(big->at("R", "K7")) == "last");
        CHECK(big->res("R").native.as_map()->size == 40);
        auto big_json = load_text(json, {}, "big.json");
        CHECK(big_json->errors.size() == 1);
        CHECK(str(big_json->at("R", "K7")) == "last");
    }
    SECTION("not a template") {
        auto l = load_text("- just\n- a list\n");
        CHECK_FALSE(l->ok);
        CHECK(l->has_error(1, 1, "a template is a mapping"));
    }
}

TEST_CASE("cloudformation: a security group's rules written as a mapping are located and unknown") {
    // CloudFormation rejects a single rule where its type is a list ("must be of type List"):
    // no normalizing to a one-element list; an input error where it is written, the value
    // unknown, the list form and the other resources unaffected.
    auto l = load_text(R"(Resources:
  Bad:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: one rule as a mapping
      SecurityGroupIngress:
        IpProtocol: tcp
        FromPort: 22
        ToPort: 22
        CidrIp: 0.0.0.0/0
  Good:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: one rule as a list
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/8
      SecurityGroupEgress:
        - IpProtocol: "-1"
          CidrIp: 10.0.0.0/8
)");
    INFO(l->error_text());
    REQUIRE(l->errors.size() == 1);
    CHECK(l->has_error(7, 9,
                       "`SecurityGroupIngress` of `Bad` (AWS::EC2::SecurityGroup) must be a list"));
    CHECK(reason(l->at("Bad", "SecurityGroupIngress")) ==
          "Bad.SecurityGroupIngress: written as a mapping, not a list (invalid template)");
    CHECK(l->at("Good", "SecurityGroupIngress").is(Kind::List));
    CHECK(l->at("Good", "SecurityGroupEgress").is(Kind::List));
}

TEST_CASE("cloudformation: hostile input neither hangs nor crashes") {
    SECTION("billion laughs") {
        auto l = load_fixture("errors/alias_bomb.yaml");
        CHECK_FALSE(l->ok);
        REQUIRE(l->errors.size() == 1);
        CHECK(l->errors[0].message.find("aliases expand to more than") != std::string::npos);
    }
    SECTION("deep nesting, YAML and JSON") {
        std::string deep =
            "Resources:\n  X:\n    Type: AWS::S3::Bucket\n    Properties:\n      Deep: " +
            std::string(100000, '[') + std::string(100000, ']') + "\n";
        auto l = load_text(deep);
        CHECK_FALSE(l->ok);
        CHECK(l->errors.at(0).message == "nesting is deeper than 256 levels");
        std::string json =
            R"({"Resources": {"X": {"Type": "AWS::S3::Bucket", "Properties": {"Deep": )" +
            std::string(100000, '[') + std::string(100000, ']') + "}}}}";
        auto j = load_text(json, {}, "deep.json");
        CHECK_FALSE(j->ok);
        CHECK(j->errors.at(0).message.find("nesting is deeper than 256") != std::string::npos);
    }
    SECTION("aliases within the cap are shared, not copied") {
        auto l = load_text(
            "Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n      A: &tags [x, y]\n"
            "      B: *tags\n");
        REQUIRE(l->errors.empty());
        CHECK(str(l->at("R", "B[1]")) == "y");
    }
    SECTION("huge or odd numbers in intrinsics are errors, not crashes") {
        auto l = load_text(
            "Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n"
            "      A: !Select [\"" +
            std::string(400, '9') +
            "\", [a]]\n"
            "      B: !Select [1e300, [a]]\n      C: !Select [-1, [a]]\n"
            "      D: !Cidr [10.0.0.0/8, 100000, 8]\n      E: !Cidr [10.0.0.0/24, 2, 128]\n");
        CHECK(l->has_error(5, 19, "the index must be a whole number"));
        CHECK(l->has_error(6, 19, "the index must be a whole number"));
        CHECK(l->has_error(7, 19, "the index must be a whole number"));
        CHECK(l->has_error(8, 29, "the count must be a number from 1 to 256"));
        CHECK(l->has_error(9, 33, "the subnet bits do not fit in the block"));
    }
    SECTION("conditions that refer to themselves") {
        auto l =
            load_text("Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\nResources:\n  R:\n"
                      "    Type: AWS::S3::Bucket\n    Properties:\n      X: !If [A, 1, 2]\n");
        CHECK(l->ok);
        CHECK(reason(l->at("R", "X")).find("depends on condition A") != std::string::npos);
        bool cycle = false;
        for (auto& e : l->errors) cycle |= e.message.find("depends on itself") != std::string::npos;
        CHECK(cycle);
    }
}

TEST_CASE("cloudformation: the Trivy conformance examples load") {
    namespace fs = std::filesystem;
    fs::path base = fs::path(TENET_SOURCE_DIR) / ".." / "shared" / "conformance" / "trivy";
    if (!fs::exists(base / "index.tsv")) {
        WARN("no ../shared/conformance/trivy here; skipped");
        return;
    }
    // Two examples are not valid templates (cfn-lint rejects them as well).
    const std::vector<std::string> broken = {"aws/dynamodb/enable_at_rest_encryption.yaml#bad0",
                                             "aws/iam/no_policy_wildcards.yaml#bad0"};
    size_t templates = 0;
    std::istringstream index(read_text((base / "index.tsv").string()));
    std::string line;
    std::getline(index, line); // header
    while (std::getline(index, line)) {
        std::vector<std::string> cols;
        std::stringstream ss(line);
        for (std::string c; std::getline(ss, c, '\t');) cols.push_back(c);
        if (cols.size() < 6 || !fs::exists(base / cols[5])) continue;
        std::string wrapper = read_text((base / cols[5]).string());
        cfn::Document doc;
        cfn::ReadError err;
        REQUIRE(cfn::read_yaml(wrapper, 1, doc, err));
        const cfn::Node* cf = doc.get(*doc.root, "cloudformation");
        if (!cf) continue;
        for (const char* kind : {"good", "bad"}) {
            const cfn::Node* list = doc.get(*cf, kind);
            if (!list) continue;
            size_t i = 0;
            for (const cfn::Node* t : doc.items(*list)) {
                std::string name = cols[5] + "#" + kind + std::to_string(i++);
                auto l = load_text(std::string(t->text()), {}, name);
                ++templates;
                INFO(name << "\n" << l->error_text());
                CHECK(l->ok);
                if (!contains(broken, name))
                    CHECK(l->errors.empty());
                else
                    CHECK_FALSE(l->errors.empty());
            }
        }
    }
    CHECK(templates > 200);
}
