// Diagnostics: the catalog, the bag, rustc-style rendering, "did you mean", and the
// embedded standard library and policies parsing cleanly.
#include "tenet/compiler/compiler.h"
#include "tenet/compiler/parser.h"
#include "tenet/stdlib/embedded.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

using namespace tenet;

TEST_CASE("the catalog is indexed by name and code", "[diagnostics]") {
    CHECK(std::string(diag_info(Diag::UnknownField).code) == "E0303");
    CHECK(diag_info(Diag::UnusedParam).severity == DiagSeverity::Warning);
    const DiagInfo* info = diag_by_code("E0101");
    REQUIRE(info != nullptr);
    CHECK(std::string(info->name) == "SyntaxError");
    CHECK(diag_by_code("E9999") == nullptr);
    // Codes are unique.
    std::set<std::string> codes;
    for (int i = 0; i < static_cast<int>(Diag::Count_); ++i)
        CHECK(codes.insert(diag_info(static_cast<Diag>(i)).code).second);
}

TEST_CASE("the bag counts errors and sorts by position", "[diagnostics]") {
    DiagnosticBag bag;
    bag.report(Diag::UnusedParam, SourceSpan{{1, 5, 1}, {1, 5, 2}}, "p");
    CHECK(!bag.has_errors());
    bag.report(Diag::UnknownName, SourceSpan{{1, 3, 7}, {1, 3, 8}}, "x");
    bag.report(Diag::UnknownName, SourceSpan{{1, 3, 2}, {1, 3, 3}}, "y");
    CHECK(bag.has_errors());
    CHECK(bag.error_count() == 2);
    bag.sort();
    CHECK(bag.items()[0].message == "unknown name `y`");
    CHECK(bag.items()[2].code() == std::string("W0001"));
    DiagnosticBag other;
    other.append(bag);
    CHECK(other.items().size() == 3);
}

TEST_CASE("rendering shows the source line and a caret underline", "[diagnostics]") {
    SourceManager sm;
    FileId f =
        sm.add("policies/s3.tenet", "package aws.s3\n\nimport std.iam\npred kms(b: s3_bucket) = "
                                    "b.encrpytion.algorithm in allowed_sse\n");
    DiagnosticBag bag;
    auto& d = bag.report(Diag::UnknownField, SourceSpan{{f, 4, 26}, {f, 4, 38}}, "s3_bucket",
                         "encrpytion");
    d.help = "did you mean `encryption`?";
    d.notes.push_back({SourceSpan{{f, 3, 1}, {f, 3, 2}}, "imported here"});
    std::string text = render_diagnostic(d, sm, false);
    CHECK(text == "error[E0303]: type `s3_bucket` has no field `encrpytion`\n"
                  "  --> policies/s3.tenet:4:26\n"
                  "   |\n"
                  " 4 | pred kms(b: s3_bucket) = b.encrpytion.algorithm in allowed_sse\n"
                  "   |                          ^^^^^^^^^^^^\n"
                  "   = note: imported here (policies/s3.tenet:3:1)\n"
                  "   = help: did you mean `encryption`?\n");
    // Colour adds escape codes but keeps the text.
    std::string colored = render_diagnostic(d, sm, true);
    CHECK(colored.find("\x1b[") != std::string::npos);
    CHECK(colored.find("encrpytion") != std::string::npos);
    // No location: just the headline.
    DiagnosticBag bag2;
    auto& e = bag2.report(Diag::NoPolicies, SourceSpan{}, "dir");
    CHECK(render_diagnostic(e, sm, false) == "error[E0602]: no .tenet files found in `dir`\n");
    // Tabs are kept so the caret lines up; a point span gets one caret.
    FileId g = sm.add("t.tenet", "\tlet x = y\n");
    auto& p = bag2.report(Diag::UnknownName, SourceSpan{{g, 1, 10}, {g, 1, 10}}, "y");
    CHECK(render_diagnostic(p, sm, false).find("| \t        ^\n") != std::string::npos);
}

TEST_CASE("closest_match and edit_distance", "[diagnostics]") {
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(closest_match("encrpytion", {"name", "encryption", "policy"}) == "encryption");
    CHECK(closest_match("sevrity", {"severity", "level"}) == "severity");
    CHECK(closest_match("zzz", {"encryption", "name"}).empty());
    CHECK(closest_match("name", {"name"}).empty()); // never suggests the word itself
    // The limit grows with the word: max(2, len/3).
    CHECK(closest_match("abcdefghijkl", {"abcdefghiXYZ"}) == "abcdefghiXYZ");
    CHECK(closest_match("abcdef", {"abcXYZ"}).empty());
}

TEST_CASE("the embedded standard library and policies parse", "[diagnostics][stdlib]") {
    SourceManager sm;
    DiagnosticBag diags;
    size_t n = 0;
    for (auto* list : {&embedded_stdlib(), &embedded_policies()})
        for (const EmbeddedFile& f : *list) {
            FileId id = sm.add(std::string(f.path), std::string(f.text));
            parse_file(sm, id, diags);
            ++n;
        }
    for (auto& d : diags.items()) UNSCOPED_INFO(render_diagnostic(d, sm, false));
    CHECK(!diags.has_errors());
    CHECK(n > 0);
}

TEST_CASE("load_policy_paths reads files and folders, sorted; E0601/E0602", "[diagnostics]") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("tenet_load_test_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "sub");
    fs::create_directories(dir / "empty");
    std::ofstream(dir / "b.tenet") << "let b = 1\n";
    std::ofstream(dir / "sub" / "a.tenet") << "let a = 1\n";
    std::ofstream(dir / "notes.txt") << "ignored\n";
    SourceManager sm;
    DiagnosticBag diags;
    auto ids = load_policy_paths(
        sm, {dir.string(), (dir / "missing.tenet").string(), (dir / "empty").string()}, diags);
    REQUIRE(ids.size() == 2);
    CHECK(sm.path(ids[0]).ends_with("b.tenet"));
    CHECK(sm.path(ids[1]).ends_with("sub/a.tenet"));
    CHECK(sm.text(ids[1]) == "let a = 1\n");
    REQUIRE(diags.items().size() == 2);
    CHECK(std::string(diags.items()[0].code()) == "E0601");
    CHECK(std::string(diags.items()[1].code()) == "E0602");
    fs::remove_all(dir);
}
