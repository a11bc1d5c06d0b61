#include "tenet/model/interner.h"
#include "tenet/model/json_model.h"
#include "tenet/model/model_writer.h"
#include "tenet/model/value_json.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <sstream>

using namespace tenet;

namespace {

struct Loaded {
    SourceManager sm;
    Model model;
    std::vector<ModelError> errors;
    bool ok = false;
    FileId file = 0;

    const Resource& res(std::string_view address) const {
        int64_t i = model.find_address(address);
        REQUIRE(i >= 0);
        return model.resources[static_cast<size_t>(i)];
    }
    const Value& attr(std::string_view address, std::string_view name) const {
        const Value* v = res(address).native.as_map()->find(name);
        REQUIRE(v);
        return *v;
    }
    std::string error_text() const {
        std::string s;
        for (auto& e : errors)
            s += std::to_string(e.loc.line) + ":" + std::to_string(e.loc.column) + ": " +
                 e.message + "\n";
        return s;
    }
};

std::unique_ptr<Loaded> load(std::string text, std::string path = "dir/model.json") {
    auto l = std::make_unique<Loaded>();
    l->model.sources = &l->sm;
    l->file = l->sm.add(std::move(path), std::move(text));
    l->ok = load_json_model(l->sm, l->file, l->model, l->errors);
    l->model.finalize();
    return l;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string doc(const std::string& resources, const std::string& stack = "{}") {
    return R"({"format": "tenet-model/1", "stack": )" + stack + R"(, "resources": [)" + resources +
           "]}";
}

} // namespace

TEST_CASE("The bundled example model loads", "[model]") {
    std::string path = std::string(TENET_SOURCE_DIR) + "/examples/model/content-delivery.json";
    auto l = load(read_text(path), path);
    INFO(l->error_text());
    REQUIRE(l->ok);
    REQUIRE(l->errors.empty());
    CHECK(l->model.resources.size() == 10);

    const Resource& bucket = l->res("aws_s3_bucket.content");
    CHECK(bucket.native_type->view() == "aws_s3_bucket");
    CHECK(bucket.frontend->view() == "terraform");
    CHECK(bucket.provider->view() == "aws");
    CHECK(bucket.canonical_type == nullptr);
    CHECK(l->sm.path(bucket.loc.file) == std::string(TENET_SOURCE_DIR) + "/examples/model/main.tf");
    CHECK(bucket.loc.line == 19);

    const Value& name = l->attr("aws_s3_bucket.content", "bucket");
    REQUIRE(name.is_unknown());
    CHECK(name.unknown_reason()->view() ==
          "aws_s3_bucket.content.bucket: var.environment_suffix has no value");
    const Provenance& p = l->model.prov(name.prov());
    CHECK(p.loc.line == 20);
    CHECK(p.loc.column == 3);
    CHECK(p.state == ValueState::Unknown);
    REQUIRE(l->model.refs(p).size() == 1);
    CHECK(l->model.refs(p)[0]->view() == "var.environment_suffix");

    const Value& rotation = l->attr("aws_kms_key.content", "enable_key_rotation");
    CHECK(rotation.is(Kind::Bool));
    CHECK(rotation.as_bool());
    CHECK(l->model.prov(rotation.prov()).state == ValueState::Explicit);

    const Value& rule =
        l->attr("aws_s3_bucket_server_side_encryption_configuration.content", "rule");
    CHECK(
        value_to_json(rule) ==
        R"([{"apply_server_side_encryption_by_default":[{"kms_master_key_id":{"$unknown":"aws_s3_bucket_server_side_encryption_configuration.content.rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id: known after apply"},"sse_algorithm":"aws:kms"}]}])");

    const Value* vars = l->model.stack.as_map()->find("variables");
    REQUIRE(vars);
    CHECK(vars->as_map()->find("environment_suffix"));
    CHECK(value_to_json(*l->model.stack.as_map()->find("parameters")) == "{}");
    CHECK(l->model.stack.as_map()->find("frontend")->as_view() == "terraform");
    CHECK(value_to_json(*l->model.stack.as_map()->find("files")) ==
          "[\"" + std::string(TENET_SOURCE_DIR) + "/examples/model/main.tf\"]");
}

TEST_CASE("Annotations set value, provenance, state and refs", "[model]") {
    auto l = load(doc(R"({
      "address": "aws_s3_bucket.b", "native_type": "aws_s3_bucket", "type": "s3_bucket",
      "source": "main.tf:3:1",
      "attributes": {
        "plain": {"tags": {"Name": "x"}, "ports": [22, 443]},
        "annotated": {"$source": {"file": "main.tf", "line": 4, "column": 3}, "$refs": ["var.env", "local.x"],
                      "$value": {"inner": 1}},
        "defaulted": {"$value": false, "$state": "default"},
        "computed_unknown": {"$unknown": "known after apply", "$state": "computed"},
        "odd key": {"a.b": [{"$unknown": "why"}]},
        "pointer": {"$value": 1, "$pointer": "/Resources/B/Properties/X"},
        "short_source": {"$value": 2, "$source": "C:/src/main.tf:7"}
      }})"));
    INFO(l->error_text());
    REQUIRE(l->ok);
    REQUIRE(l->errors.empty());
    const Resource& r = l->res("aws_s3_bucket.b");
    CHECK(r.canonical_type->view() == "s3_bucket");
    CHECK(r.frontend->view() == "model");
    CHECK(r.loc.line == 3);
    CHECK(l->sm.path(r.loc.file) == "dir/main.tf");

    // A plain attribute: provenance is its position in the model file, shared by what it contains.
    const Value& plain = l->attr("aws_s3_bucket.b", "plain");
    const Provenance& pp = l->model.prov(plain.prov());
    CHECK(pp.loc.file == l->file);
    CHECK(pp.loc.line == 5);
    CHECK(pp.loc.column == 18);
    CHECK(plain.as_map()->find("tags")->prov() == plain.prov());
    CHECK(plain.as_map()->find("ports")->as_list()->items()[1].as_number() == 443);

    const Value& annotated = l->attr("aws_s3_bucket.b", "annotated");
    REQUIRE(annotated.is(Kind::Map));
    const Provenance& pa = l->model.prov(annotated.prov());
    CHECK(pa.loc.line == 4);
    CHECK(l->sm.path(pa.loc.file) == "dir/main.tf");
    REQUIRE(l->model.refs(pa).size() == 2);
    CHECK(l->model.refs(pa)[1]->view() == "local.x");
    CHECK(annotated.as_map()->find("inner")->prov() ==
          annotated.prov()); // nested values derive alike

    CHECK(l->model.prov(l->attr("aws_s3_bucket.b", "defaulted").prov()).state ==
          ValueState::Default);
    const Value& cu = l->attr("aws_s3_bucket.b", "computed_unknown");
    CHECK(cu.unknown_reason()->view() == "aws_s3_bucket.b.computed_unknown: known after apply");
    CHECK(l->model.prov(cu.prov()).state == ValueState::Computed);

    const Value& odd = l->attr("aws_s3_bucket.b", "odd key");
    CHECK(odd.as_map()->find("a.b")->as_list()->items()[0].unknown_reason()->view() ==
          "aws_s3_bucket.b[\"odd key\"][\"a.b\"][0]: why");

    const Value& ptr = l->attr("aws_s3_bucket.b", "pointer");
    CHECK(l->model.prov(ptr.prov()).pointer->view() == "/Resources/B/Properties/X");
    const Provenance& ps = l->model.prov(l->attr("aws_s3_bucket.b", "short_source").prov());
    CHECK(l->sm.path(ps.loc.file) == "dir/C:/src/main.tf");
    CHECK(ps.loc.line == 7);
    CHECK(ps.loc.column == 1);
}

TEST_CASE("$refs and references become edges answered by the relation index", "[model]") {
    auto l = load(doc(R"(
      {"address": "aws_s3_bucket_policy.p", "native_type": "aws_s3_bucket_policy",
       "attributes": {"bucket": {"$unknown": "known after apply", "$refs": ["aws_s3_bucket.b.id"]},
                      "policy": {"Statement": [{"Resource": {"$unknown": "x", "$refs": ["aws_s3_bucket.b.arn", "var.v"]}}]}}},
      {"address": "aws_s3_bucket.b", "native_type": "aws_s3_bucket", "type": "s3_bucket", "attributes": {}},
      {"address": "module.m.aws_s3_bucket.c[\"k\"]", "native_type": "aws_s3_bucket", "attributes": {}},
      {"address": "aws_s3_bucket_logging.l", "native_type": "aws_s3_bucket_logging",
       "attributes": {"bucket": {"$value": "c", "$refs": ["module.m.aws_s3_bucket.c[\"k\"].id"]}},
       "references": [{"attribute": "target_bucket", "target": "aws_s3_bucket.b"}]},
      {"address": "aws_kms_key.self", "native_type": "aws_kms_key",
       "attributes": {"policy": {"$value": "p", "$refs": ["aws_kms_key.self.arn", "aws_s3_bucket.missing.id"]}}}
    )"));
    INFO(l->error_text());
    REQUIRE(l->ok);
    REQUIRE(l->errors.empty());
    const Model& m = l->model;
    CHECK(m.edges.size() ==
          4); // bucket, policy, logging.bucket, logging.target_bucket; no self edge
    auto idx = [&](std::string_view a) { return static_cast<uint32_t>(m.find_address(a)); };
    auto incoming = m.relations.incoming(idx("aws_s3_bucket.b"), intern("aws_s3_bucket_policy"),
                                         intern("bucket"));
    REQUIRE(incoming.size() == 1);
    CHECK(incoming[0] == idx("aws_s3_bucket_policy.p"));
    CHECK(m.relations
              .incoming(idx("aws_s3_bucket.b"), intern("aws_s3_bucket_policy"), intern("policy"))
              .size() == 1);
    CHECK(m.relations
              .incoming(idx("module.m.aws_s3_bucket.c[\"k\"]"), intern("aws_s3_bucket_logging"),
                        intern("bucket"))
              .size() == 1);
    CHECK(m.relations
              .incoming(idx("aws_s3_bucket.b"), intern("aws_s3_bucket_logging"),
                        intern("target_bucket"))
              .size() == 1);
    CHECK(m.relations
              .incoming(idx("aws_s3_bucket.b"), intern("aws_s3_bucket_logging"), intern("bucket"))
              .empty());
    CHECK(m.of_type(intern("s3_bucket")).size() == 1);
    CHECK(m.of_type(intern("aws_s3_bucket")).size() == 2);
}

TEST_CASE("Model errors are located; a bad resource is skipped, the others load", "[model]") {
    auto l = load(doc(R"(
      {"address": "a.ok1", "native_type": "a", "attributes": {"x": 1}},
      {"address": 5, "native_type": "a"},
      {"address": "a.mixed", "native_type": "a", "attributes": {"x": {"k": 1, "$value": 2}}},
      {"address": "a.state", "native_type": "a", "attributes": {"x": {"$value": 1, "$state": "guess"}}},
      {"address": "a.both", "native_type": "a", "attributes": {"x": {"$value": 1, "$unknown": "y"}}},
      {"address": "a.neither", "native_type": "a", "attributes": {"x": {"$source": "f:1:1"}}},
      {"address": "a.typo", "native_type": "a", "atributes": {}},
      {"native_type": "a"},
      {"address": "a.notype"},
      {"address": "a.ok1", "native_type": "a"},
      {"address": "a.badsrc", "native_type": "a", "source": {"file": "f", "line": 0}},
      {"address": "a.badrefs", "native_type": "a", "attributes": {"x": {"$value": 1, "$refs": "var.x"}}},
      {"address": "a.badref", "native_type": "a", "references": [{"attribute": "x"}]},
      7,
      {"address": "a.ok2", "native_type": "a", "attributes": {"y": [1, {"$value": 2}]}},
      {"address": "a.badloc", "native_type": "a", "attributes": {"x": {"$value": 1, "$source": {"file": "f", "lin": 2}}}},
      {"address": "a.badloc2", "native_type": "a", "attributes": {"x": {"$value": 1, "$source": "nowhere"}}}
    )"));
    REQUIRE(l->ok);
    const Model& m = l->model;
    REQUIRE(m.resources.size() == 2);
    CHECK(m.resources[0].address->view() == "a.ok1");
    CHECK(m.resources[1].address->view() == "a.ok2");
    std::string errors = l->error_text();
    INFO(errors);
    CHECK_THAT(errors, Catch::Contains("3:19: `address` must be a non-empty string"));
    CHECK_THAT(errors, Catch::Contains("4:79: `$value` cannot be mixed with attribute keys"));
    CHECK_THAT(errors, Catch::Contains("5:94: `$state` must be one of"));
    CHECK_THAT(errors,
               Catch::Contains("6:69: an annotated value has both `$value` and `$unknown`"));
    CHECK_THAT(errors, Catch::Contains("7:72: an annotated value needs `$value` or `$unknown`"));
    CHECK_THAT(errors, Catch::Contains("8:49: unknown resource key `atributes`"));
    CHECK_THAT(errors, Catch::Contains("9:7: a resource needs an `address`"));
    CHECK_THAT(errors, Catch::Contains("10:7: resource `a.notype` needs a `native_type`"));
    CHECK_THAT(errors,
               Catch::Contains("11:7: duplicate resource address `a.ok1` (first at line 2)"));
    CHECK_THAT(errors, Catch::Contains("12:83: `source`: `line` must be a whole number"));
    CHECK_THAT(errors, Catch::Contains("13:95: `$refs` must be a list"));
    CHECK_THAT(errors, Catch::Contains("14:65: `references` must be a list of"));
    CHECK_THAT(errors, Catch::Contains("15:7: each entry of `resources` must be an object"));
    CHECK_THAT(
        errors,
        Catch::Contains("17:110: `$source`: unexpected key `lin` (expected file, line, column)"));
    CHECK_THAT(errors, Catch::Contains("18:97: `$source`: expected \"file:line:column\""));
    CHECK(l->errors.size() == 15);
    for (auto& e : l->errors) CHECK(e.loc.file == l->file);
}

TEST_CASE("Documents that cannot be read load nothing", "[model]") {
    auto bad_json = load(
        R"({"format": "tenet-model/1", "resources": [{"address": "a.b", "native_type": "a"},]})");
    CHECK_FALSE(bad_json->ok);
    CHECK(bad_json->model.resources.empty());
    REQUIRE(bad_json->errors.size() == 1);
    CHECK(bad_json->errors[0].message == "invalid JSON: trailing comma before `]`");
    CHECK(bad_json->errors[0].loc.column == 81);

    auto wrong = load(
        R"({"format": "tenet-model/9", "resources": [{"address": "a.b", "native_type": "a"}]})");
    CHECK_FALSE(wrong->ok);
    CHECK(wrong->model.resources.empty());
    CHECK_THAT(wrong->error_text(),
               Catch::Contains("1:12: unsupported model format `tenet-model/9`"));

    auto missing = load(R"({"resources": []})");
    CHECK_FALSE(missing->ok);
    CHECK_THAT(missing->error_text(), Catch::Contains("missing `format`"));

    auto not_object = load("[1, 2]");
    CHECK_FALSE(not_object->ok);
    CHECK_THAT(not_object->error_text(), Catch::Contains("1:1: a tenet model is a JSON object"));

    auto top_typo = load(R"({"format": "tenet-model/1", "resource": []})");
    CHECK(top_typo->ok);
    CHECK_THAT(top_typo->error_text(), Catch::Contains("1:29: unknown top-level key `resource`"));
}

TEST_CASE("Unknown reasons name the address even when it comes after the attributes", "[model]") {
    auto l = load(doc(
        R"({"attributes": {"k": {"x": [{"$unknown": "known after apply"}]}, "odd key": {"$unknown": "r"}},
                         "native_type": "aws_kms_key", "address": "aws_kms_key.late"})"));
    REQUIRE(l->errors.empty());
    const Value& k = l->attr("aws_kms_key.late", "k");
    CHECK(k.as_map()->find("x")->as_list()->items()[0].unknown_reason()->view() ==
          "aws_kms_key.late.k.x[0]: known after apply");
    CHECK(l->attr("aws_kms_key.late", "odd key").unknown_reason()->view() ==
          "aws_kms_key.late[\"odd key\"]: r");
}

TEST_CASE("The stack entity merges sections across files", "[model]") {
    auto l = std::make_unique<Loaded>();
    l->model.sources = &l->sm;
    FileId a = l->sm.add("a.json",
                         doc(R"({"address": "aws_s3_bucket.b", "native_type": "aws_s3_bucket"})",
                             R"({"frontend": "terraform", "variables": {"env": {"type": "string"}},
                                          "outputs": {"o": {"$unknown": "known after apply"}}})"));
    FileId b = l->sm.add(
        "b.json",
        doc(R"({"address": "aws_s3_bucket_policy.p", "native_type": "aws_s3_bucket_policy",
                                          "attributes": {"bucket": {"$value": "b", "$refs": ["aws_s3_bucket.b.id"]}}})",
            R"({"variables": {"region": {"default": "eu-west-1"}}, "files": ["x.tf"]})"));
    REQUIRE(load_json_model(l->sm, a, l->model, l->errors));
    REQUIRE(load_json_model(l->sm, b, l->model, l->errors));
    l->model.finalize();
    INFO(l->error_text());
    REQUIRE(l->errors.empty());
    const MapObj* stack = l->model.stack.as_map();
    CHECK(stack->find("variables")->as_map()->size == 2);
    CHECK(stack->find("frontend")->as_view() == "terraform");
    CHECK(value_to_json(*stack->find("files")) == "[\"x.tf\"]");
    CHECK(stack->find("outputs")->as_map()->find("o")->unknown_reason()->view() ==
          "stack.outputs.o: known after apply");
    // A reference to a resource of an earlier file resolves.
    CHECK(l->model.edges.size() == 1);

    auto bad = load(doc("", R"({"variable": {}, "outputs": [1]})"));
    CHECK_THAT(bad->error_text(), Catch::Contains("unknown stack key `variable`"));
    CHECK_THAT(bad->error_text(), Catch::Contains("stack `outputs` must be an object"));
}

TEST_CASE("A model written back by Tenet loads to the same model", "[model]") {
    std::string path = std::string(TENET_SOURCE_DIR) + "/examples/model/content-delivery.json";
    auto first = load(read_text(path), path);
    REQUIRE(first->errors.empty());
    std::string written = write_json_model(first->model);
    auto second = load(written, "written.json");
    INFO(second->error_text());
    REQUIRE(second->ok);
    REQUIRE(second->errors.empty());
    REQUIRE(second->model.resources.size() == first->model.resources.size());
    for (size_t i = 0; i < first->model.resources.size(); ++i) {
        const Resource& a = first->model.resources[i];
        const Resource& b = second->model.resources[i];
        CHECK(a.address == b.address);
        CHECK(value_to_json(a.native) ==
              value_to_json(b.native)); // unknown reasons are not prefixed twice
    }
    CHECK(second->model.edges.size() == first->model.edges.size());
}

TEST_CASE("The model loader survives mutated input", "[model]") {
    std::string path = std::string(TENET_SOURCE_DIR) + "/examples/model/content-delivery.json";
    std::string seed = read_text(path);
    uint32_t state = 1;
    auto next = [&] { return state = state * 1664525u + 1013904223u; };
    const char alphabet[] = "{}[]:,\"$ 0a";
    for (int i = 0; i < 300; ++i) {
        std::string s = seed;
        for (int k = 0; k < 3; ++k) {
            size_t at = next() % s.size();
            s[at] = alphabet[next() % (sizeof alphabet - 1)];
        }
        auto l = load(s);
        for (auto& e : l->errors) REQUIRE(e.loc.line >= 1);
        if (!l->ok) REQUIRE_FALSE(l->errors.empty());
    }
}

TEST_CASE("The example in docs/model.md loads as documented", "[model]") {
    std::string md = read_text(std::string(TENET_SOURCE_DIR) + "/docs/model.md");
    size_t begin = md.find("```json\n");
    REQUIRE(begin != std::string::npos);
    begin += 8;
    size_t end = md.find("```", begin);
    auto l = load(md.substr(begin, end - begin), "docs/model.json");
    INFO(l->error_text());
    REQUIRE(l->ok);
    REQUIRE(l->errors.empty());
    REQUIRE(l->model.resources.size() == 2);
    CHECK(l->attr("aws_s3_bucket.logs", "bucket").unknown_reason()->view() ==
          "aws_s3_bucket.logs.bucket: var.environment_suffix has no value");
    CHECK(l->model.prov(l->attr("aws_s3_bucket.logs", "force_destroy").prov()).state ==
          ValueState::Default);
    auto versioning = l->model.relations.incoming(
        static_cast<uint32_t>(l->model.find_address("aws_s3_bucket.logs")),
        intern("aws_s3_bucket_versioning"), intern("bucket"));
    CHECK(versioning.size() == 1);
}
