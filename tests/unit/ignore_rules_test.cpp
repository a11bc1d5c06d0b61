#include "tenet/common/ignore_rules.h"

#include <catch2/catch.hpp>

using tenet::IgnoreRules;

TEST_CASE("ignore rules: a bare name matches at any depth", "[ignore]") {
    IgnoreRules r;
    r.add("# build output\n\nbuild\n*.tfstate\n", "");
    CHECK(r.ignored("build", true));
    CHECK(r.ignored("infra/build", true));
    CHECK(r.ignored("infra/prod.tfstate", false));
    CHECK_FALSE(r.ignored("infra/main.tf", false));
    CHECK_FALSE(r.ignored("builds", true));
}

TEST_CASE("ignore rules: anchored patterns, folders only, negation", "[ignore]") {
    IgnoreRules r;
    r.add("/vendor\ndocs/*.yaml\ntmp/\n*.json\n!keep.json\n", "");
    CHECK(r.ignored("vendor", true));
    CHECK_FALSE(r.ignored("app/vendor", true)); // anchored at the root
    CHECK(r.ignored("docs/a.yaml", false));
    CHECK_FALSE(r.ignored("docs/sub/a.yaml", false)); // `*` does not cross `/`
    CHECK(r.ignored("x/tmp", true));
    CHECK_FALSE(r.ignored("x/tmp", false)); // a file named tmp stays
    CHECK(r.ignored("plan.json", false));
    CHECK_FALSE(r.ignored("a/keep.json", false)); // the last match wins
}

TEST_CASE("ignore rules: globstars", "[ignore]") {
    IgnoreRules r;
    r.add("**/fixtures\nexamples/**/bad\nout/**\n", "");
    CHECK(r.ignored("fixtures", true));
    CHECK(r.ignored("a/b/fixtures", true));
    CHECK(r.ignored("examples/bad", true)); // `/**/` matches no folder too
    CHECK(r.ignored("examples/x/y/bad", true));
    CHECK(r.ignored("out/a/b.tf", false));
    CHECK_FALSE(r.ignored("out", true));
}

TEST_CASE("ignore rules: a nested file's patterns are relative to its folder", "[ignore]") {
    IgnoreRules r;
    r.add("*.yaml\n", "");
    r.add("!template.yaml\n/local.tf\n", "stacks/web");
    CHECK(r.ignored("stacks/db/template.yaml", false));
    CHECK_FALSE(r.ignored("stacks/web/template.yaml", false));
    CHECK(r.ignored("stacks/web/local.tf", false));
    CHECK_FALSE(r.ignored("stacks/web/sub/local.tf", false));
    CHECK_FALSE(r.ignored("stacks/webx/local.tf", false));
}

TEST_CASE("ignore rules: escapes, trailing spaces, CRLF", "[ignore]") {
    IgnoreRules r;
    r.add("\\#notes.tf\r\nspaced.tf   \n\\!bang.tf\n", "");
    CHECK(r.ignored("#notes.tf", false));
    CHECK(r.ignored("spaced.tf", false));
    CHECK(r.ignored("!bang.tf", false));
}
