// Text blocks of tests: dedent rules, and positions inside the text mapped back to the
// test file (through the parser, so the offsets are the ones findings will use).
#include "tenet/compiler/parser.h"
#include "tenet/compiler/text_block.h"

#include <catch2/catch.hpp>

using namespace tenet;

TEST_CASE("text blocks drop the blank first and last lines and the common indentation") {
    DedentedText d = dedent_text_block("\n    resource \"a\" \"b\" {\n      x = 1\n    }\n  ");
    CHECK(d.text == "resource \"a\" \"b\" {\n  x = 1\n}\n");
    REQUIRE(d.line_offsets.size() == 3);
    CHECK(d.line_offsets[0] == 5);  // after "\n" and four spaces
    CHECK(d.line_offsets[1] == 28); // the second line's own two spaces stay
    CHECK(d.line_offsets[2] == 40);
}

TEST_CASE("blank lines inside a text block do not count for the indentation") {
    DedentedText d = dedent_text_block("\n    a:\n\n  \n      b: 1\n");
    CHECK(d.text == "a:\n\n\n  b: 1\n");
    REQUIRE(d.line_offsets.size() == 4);
    CHECK(d.line_offsets[3] == 16);
}

TEST_CASE("a text block that starts on the opening line keeps that line as written") {
    DedentedText one = dedent_text_block("{\"format\": \"tenet-model/1\"}");
    CHECK(one.text == "{\"format\": \"tenet-model/1\"}");
    CHECK(one.line_offsets == std::vector<uint32_t>{0});

    DedentedText d = dedent_text_block("first\n    second\n      third\n");
    CHECK(d.text == "first\nsecond\n  third\n");
    CHECK(d.line_offsets == std::vector<uint32_t>{0, 10, 21});
}

TEST_CASE("tabs count as indentation only where every line has them") {
    DedentedText d = dedent_text_block("\n\t\ta\n\t  b\n");
    CHECK(d.text == "\ta\n  b\n");
}

TEST_CASE("CRLF line ends lose their carriage return") {
    DedentedText d = dedent_text_block("\r\n  a\r\n  b\r\n");
    CHECK(d.text == "a\nb\n");
    CHECK(d.line_offsets == std::vector<uint32_t>{4, 9});
}

TEST_CASE("an empty text block is empty") {
    CHECK(dedent_text_block("").text.empty());
    CHECK(dedent_text_block("\n").text.empty());
    CHECK(dedent_text_block("\n   \n").text.empty());
}

TEST_CASE("positions inside an inline input map to the test file") {
    SourceManager sm;
    std::string src = "rule r { every t requires true }\n"
                      "test \"t\" {\n"
                      "  input cloudformation \"\"\"\n"
                      "    Resources:\n"
                      "      Content:\n"
                      "        Type: AWS::S3::Bucket\n"
                      "  \"\"\"\n"
                      "  input model \"\"\"{\"format\": \"tenet-model/1\"}\"\"\"\n"
                      "  expect r passes\n"
                      "}\n";
    FileId id = sm.add("s3_test.tenet", src);
    DiagnosticBag diags;
    ast::File f = parse_file(sm, id, diags);
    REQUIRE(!diags.has_errors());
    REQUIRE(f.tests.size() == 1);
    const ast::TestInput& cfn = f.tests[0]->inputs.at(0);
    CHECK(cfn.frontend == "cloudformation");
    CHECK(cfn.block.text == "Resources:\n  Content:\n    Type: AWS::S3::Bucket\n");
    // `Content` is line 2, column 3 of the text: line 5, column 7 of the file.
    SourceLoc at = cfn.block.map(2, 3);
    CHECK(at.file == id);
    CHECK(at.line == 5);
    CHECK(at.column == 7);
    // `Type` (line 3, column 5) is at 6:9.
    CHECK(cfn.block.map(3, 5).line == 6);
    CHECK(cfn.block.map(3, 5).column == 9);
    // Lines past the text clamp to its last line.
    CHECK(cfn.block.map(9, 1).line == 6);

    const ast::TestInput& model = f.tests[0]->inputs.at(1);
    CHECK(model.block.text == "{\"format\": \"tenet-model/1\"}");
    CHECK(model.block.map(1, 2).line == 8);
    CHECK(model.block.map(1, 2).column == 19); // the `"` after `{`, past `  input model """`
}

TEST_CASE("rule ids and addresses in expectations are written without spaces") {
    SourceManager sm;
    FileId id = sm.add("t.tenet", "rule r { every t requires true }\n"
                                  "test \"t\" {\n"
                                  "  expect TNT-S3-001 fails on module.m.aws_s3_bucket.b[\"k\"]\n"
                                  "  expect TNT - S3-001 fails on Stack/Bucket\n"
                                  "}\n");
    DiagnosticBag diags;
    ast::File f = parse_file(sm, id, diags);
    REQUIRE(diags.items().size() == 1);
    CHECK(std::string(diags.items()[0].code()) == "E0101");
    CHECK(diags.items()[0].span.begin.line == 4);
    CHECK(diags.items()[0].span.begin.column == 13);
}

TEST_CASE("a well-formed test keeps its expectations") {
    SourceManager sm;
    FileId id = sm.add("t.tenet", "rule r { every t requires true }\n"
                                  "test \"t\" {\n"
                                  "  expect TNT-S3-001 fails on module.m.aws_s3_bucket.b[\"k\"]\n"
                                  "  expect r not applicable on Stack/Bucket\n"
                                  "  expect no findings for TNT-CT-001\n"
                                  "  expect no findings\n"
                                  "  param aws.s3.allowed_sse = [\"AES256\"]\n"
                                  "}\n");
    DiagnosticBag diags;
    ast::File f = parse_file(sm, id, diags);
    REQUIRE(!diags.has_errors());
    const auto& e = f.tests.at(0)->expects;
    REQUIRE(e.size() == 4);
    CHECK(e[0].rule == "TNT-S3-001");
    CHECK(e[0].address == "module.m.aws_s3_bucket.b[\"k\"]");
    CHECK(e[1].what == ast::Expectation::NotApplicable);
    CHECK(e[1].address == "Stack/Bucket");
    CHECK(e[2].what == ast::Expectation::NoFindings);
    CHECK(e[2].rule == "TNT-CT-001");
    CHECK(e[3].rule.empty());
    CHECK(f.tests[0]->params.at(0).name == "aws.s3.allowed_sse");
}
