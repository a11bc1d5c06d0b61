// Pulumi `sourcePosition`: resources located in their program (index.ts, __main__.py)
// through the project root that holds Pulumi.yaml; the JSON position when the program
// position cannot be resolved. Fixture: tests/fixtures/pulumi/program/.
#include "../../frontends/pulumi/program_source.h"
#include "frontend_json_support.h"

#include <catch2/catch.hpp>
#include <filesystem>

using namespace tenet;
namespace fs = std::filesystem;

namespace {

const std::string kProgram = std::string(TENET_SOURCE_DIR) + "/tests/fixtures/pulumi/program/";
const std::string kUrn = "urn:pulumi:dev::tenet-suppress::aws:s3/bucketV2:BucketV2::";

struct Loaded : testing::LoadedDocument {
    explicit Loaded(const std::string& path)
        : LoadedDocument(path, testing::read_text(path), load_pulumi) {}
    std::string where(const std::string& name) {
        const SourceLoc& l = res(kUrn + name).loc;
        if (!l.valid()) return "none";
        return fs::path(sm.path(l.file)).filename().string() + ":" + std::to_string(l.line) + ":" +
               std::to_string(l.column);
    }
};

// A scratch project TMP/proj: Pulumi.yaml (with `name`), a program file and a stack
// export whose one bucket has the given sourcePosition. TMP/__main__.py, outside the
// project, is a copy of the program.
struct Scratch {
    fs::path top, dir;
    Scratch(const std::string& tag, const std::string& project, const std::string& position,
            const std::string& export_below = "") {
        top = fs::temp_directory_path() / ("tenet-pulumi-source-" + tag);
        dir = top / "proj";
        fs::remove_all(top);
        fs::create_directories(dir);
        write(dir / "Pulumi.yaml", "name: " + project + "\nruntime: python\n");
        for (const fs::path& d : {dir, top})
            write(d / "__main__.py", "import pulumi_aws as aws\n\n# tenet:ignore X reason=\"y\"\n"
                                     "    bucket = aws.s3.BucketV2(\"b\")\n");
        std::string doc =
            R"({"version": 3, "deployment": {"resources": [{"urn": ")" + kUrn +
            R"(b", "custom": true, "type": "aws:s3/bucketV2:BucketV2", "inputs": {"bucket": "b"},
            "sourcePosition": ")" +
            position + R"("}]}})";
        fs::create_directories(dir / export_below);
        write(dir / export_below / "stack.json", doc);
    }
    ~Scratch() { fs::remove_all(top); }
    static void write(const fs::path& p, const std::string& text) {
        std::ofstream out(p, std::ios::binary);
        out << text;
    }
};

} // namespace

TEST_CASE("sourcePosition: project URIs with line and optional column", "[frontend][pulumi]") {
    auto p = pulumi::parse_source_position("project:///index.ts#12,5");
    REQUIRE(p);
    CHECK(p->path == "index.ts");
    CHECK(p->line == 12);
    CHECK(p->column == 5);
    p = pulumi::parse_source_position("project:///src/my%20stack/__main__.py#7");
    REQUIRE(p);
    CHECK(p->path == "src/my stack/__main__.py");
    CHECK(p->line == 7);
    CHECK(p->column == 0);
    // Not a project position, or no usable line.
    for (const char* bad : {"file:///home/me/index.ts#3,1", "project://host/index.ts#3",
                            "project:///index.ts", "project:///index.ts#0", "project:///index.ts#x",
                            "project:///#3", "project:///a%2.ts#3", "project:///a%00.ts#3", ""})
        CHECK_FALSE(pulumi::parse_source_position(bad));
}

TEST_CASE("sourcePosition: resources located in the TypeScript program", "[frontend][pulumi]") {
    Loaded l(kProgram + "stack.json");
    REQUIRE(l.ok);
    REQUIRE(l.errors.empty());
    CHECK(l.where("assets") == "index.ts:6:23");
    CHECK(l.where("inline-valid") == "index.ts:11:21");
    CHECK(l.where("logs") == "index.ts:31:21");
    // No sourcePosition: the resource's object in the export, as before.
    CHECK(l.where("unplaced") == "stack.json:250:13");
    // The program file is read once for all its resources.
    CHECK(l.res(kUrn + "assets").loc.file == l.res(kUrn + "logs").loc.file);
    CHECK(l.sm.line_text(l.res(kUrn + "assets").loc.file, 6).starts_with("export const assets"));
    // Values keep their place in the export (the URN + property path is their pointer).
    const Value* bucket = l.res(kUrn + "assets").native.as_map()->find("bucket");
    REQUIRE(bucket);
    CHECK(l.model.prov(bucket->prov()).loc.file == l.file);
}

TEST_CASE("sourcePosition: a line without a column, the export below the project root",
          "[frontend][pulumi]") {
    Scratch s("python", "tenet-suppress", "project:///__main__.py#4", "state/exports");
    Loaded l((s.dir / "state/exports/stack.json").string());
    REQUIRE(l.ok);
    // The column of the statement's first character.
    CHECK(l.where("b") == "__main__.py:4:5");
}

TEST_CASE("sourcePosition: a preview step's newState", "[frontend][pulumi]") {
    Scratch s("preview", "tenet-suppress", "project:///__main__.py#4,5");
    std::string urn = kUrn + "p";
    Scratch::write(
        s.dir / "preview.json",
        R"({"config": {"aws:region": "eu-west-1"}, "steps": [{"op": "create", "urn": ")" + urn +
            R"(", "newState": {"urn": ")" + urn +
            R"(", "custom": true, "type": "aws:s3/bucketV2:BucketV2",
                       "inputs": {"bucket": "p"}, "sourcePosition": "project:///__main__.py#4,5"}}],
                       "changeSummary": {"create": 1}})");
    Loaded l((s.dir / "preview.json").string());
    REQUIRE(l.ok);
    CHECK(l.where("p") == "__main__.py:4:5");
}

TEST_CASE("sourcePosition: unresolvable positions keep the JSON location", "[frontend][pulumi]") {
    SECTION("another project's Pulumi.yaml") {
        Scratch s("other", "someone-else", "project:///__main__.py#4");
        CHECK(Loaded((s.dir / "stack.json").string()).where("b") == "stack.json:1:45");
    }
    SECTION("a path outside the project root") {
        Scratch s("outside", "tenet-suppress", "project:///../__main__.py#4");
        CHECK(Loaded((s.dir / "stack.json").string()).where("b") == "stack.json:1:45");
    }
    SECTION("a missing program file") {
        Scratch s("missing", "tenet-suppress", "project:///index.ts#4,1");
        CHECK(Loaded((s.dir / "stack.json").string()).where("b") == "stack.json:1:45");
    }
    SECTION("a line past the end of the file") {
        Scratch s("past", "tenet-suppress", "project:///__main__.py#5");
        CHECK(Loaded((s.dir / "stack.json").string()).where("b") == "stack.json:1:45");
    }
    SECTION("a malformed position") {
        Scratch s("malformed", "tenet-suppress", "__main__.py:4");
        CHECK(Loaded((s.dir / "stack.json").string()).where("b") == "stack.json:1:45");
    }
}
