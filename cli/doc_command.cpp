// tenet doc: one Markdown page per rule and a catalog (README.md) grouped by service,
// written to a folder (-o) or compared with one (--check: are the committed docs up to
// date with the policies?).
#include "cli_common.h"
#include "commands.h"
#include "doc_markdown.h"
#include "rule_catalog.h"

#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <set>

namespace tenet::cli {

namespace fs = std::filesystem;

namespace {

struct DocOptions {
    PolicyOptions policy;
    bool no_default_policies = false;
    std::string output;
    std::string check;
};

// `file` as a link from `dir`; both relative to the working folder or absolute.
std::string link_from(const std::string& dir, const std::string& file) {
    fs::path from = fs::absolute(dir).lexically_normal();
    fs::path to = fs::absolute(file).lexically_normal();
    return to.lexically_relative(from).generic_string();
}

// A page name for the rule: its id, or its qualified name when the id is taken or
// cannot be a file name.
std::string page_name(const RuleInfo& r, std::set<std::string>& taken) {
    auto safe = [](const std::string& s) {
        std::string out;
        for (char c : s)
            out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'
                       ? c
                       : '_';
        return out;
    };
    std::string name = safe(r.id);
    if (name.empty() || name.front() == '.' || name == "README" || taken.count(name))
        name = safe(r.name);
    taken.insert(name);
    return name + ".md";
}

// The rule's declaration with the comment lines just above it.
std::string rule_source(const SourceManager& sm, const ast::RuleDecl& decl) {
    FileId file = decl.span.begin.file;
    uint32_t first = decl.span.begin.line, last = decl.span.end.line;
    auto is_comment = [&](uint32_t line) {
        std::string_view text = sm.line_text(file, line);
        size_t i = text.find_first_not_of(" \t");
        return i != std::string_view::npos && text[i] == '#';
    };
    while (first > 1 && is_comment(first - 1)) --first;
    std::string out;
    for (uint32_t line = first; line <= last; ++line) {
        out += sm.line_text(file, line);
        out += '\n';
    }
    return out;
}

// The text of an expectation as written in the test.
std::string expect_text(const SourceManager& sm, const ast::TestExpect& e) {
    std::string_view line = sm.line_text(e.span.begin.file, e.span.begin.line);
    size_t from = e.span.begin.column ? e.span.begin.column - 1 : 0;
    size_t to = e.span.end.line == e.span.begin.line && e.span.end.column > e.span.begin.column
                    ? e.span.end.column - 1
                    : line.size();
    if (from >= line.size()) return std::string(line);
    std::string_view text = line.substr(from, std::min(to, line.size()) - from);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return std::string(text);
}

// The tests that state an expectation about a rule, keyed by the rule's qualified name.
std::map<std::string, std::vector<DocExample>> collect_examples(const SourceManager& sm,
                                                                const CheckedProgram& checked,
                                                                const std::string& out_dir) {
    std::map<std::string, std::vector<DocExample>> by_rule;
    for (const ast::TestDecl* t : checked.tests) {
        std::map<std::string, DocExample> mine; // rule name -> this test as its example
        for (const ast::TestExpect& e : t->expects) {
            if (e.rule_name.empty()) continue; // `expect no findings` of every rule
            DocExample& ex = mine[e.rule_name];
            ex.expects.push_back(expect_text(sm, e));
            ex.fails |= e.what == ast::Expectation::Fails;
        }
        if (mine.empty()) continue;
        DocExample common;
        common.name = t->name;
        std::string path =
            fs::path(sm.path(t->span.begin.file)).lexically_normal().generic_string();
        common.where = fmt::format("{}:{}", path, t->span.begin.line);
        common.link = fmt::format("{}#L{}", link_from(out_dir, path), t->span.begin.line);
        for (const ast::TestInput& in : t->inputs) {
            DocExampleInput d;
            d.frontend = in.frontend;
            d.file = in.file;
            d.text = in.block.text;
            if (in.is_fixture()) {
                d.shown_path = in.path;
                d.path = link_from(out_dir, in.resolved_path);
            }
            common.inputs.push_back(std::move(d));
        }
        for (const ast::TestParam& p : t->params) common.params.push_back(p.name + " = " + p.json);
        for (auto& [rule, ex] : mine) {
            DocExample full = common;
            full.expects = std::move(ex.expects);
            full.fails = ex.fails;
            by_rule[rule].push_back(std::move(full));
        }
    }
    return by_rule;
}

// Every generated file: page name -> text.
std::map<std::string, std::string> generate(const SourceManager& sm, const Program& program,
                                            const CheckedProgram& checked,
                                            const std::string& out_dir) {
    std::map<std::string, const ast::RuleDecl*> decls;
    for (const ast::RuleDecl* d : checked.rules) decls[d->package + "." + d->name] = d;
    auto examples = collect_examples(sm, checked, out_dir);
    std::vector<RuleDoc> docs;
    std::set<std::string> taken;
    for (const RuleInfo* r : sorted_rules(program)) {
        RuleDoc doc;
        doc.rule = r;
        doc.page = page_name(*r, taken);
        doc.file = fs::path(rule_file(program, *r)).lexically_normal().generic_string();
        doc.source_link = link_from(out_dir, doc.file);
        auto it = decls.find(r->name);
        if (it != decls.end()) doc.source = rule_source(sm, *it->second);
        auto ex = examples.find(r->name);
        if (ex != examples.end()) doc.examples = std::move(ex->second);
        docs.push_back(std::move(doc));
    }
    std::map<std::string, std::string> files;
    for (const RuleDoc& d : docs) files[d.page] = render_rule_page(program, d);
    files["README.md"] = render_catalog(docs);
    return files;
}

bool is_generated(const fs::path& p) {
    std::string text, error;
    return p.extension() == ".md" && read_file(p.string(), text, error) &&
           text.starts_with(kGeneratedMarker);
}

// Generated files in `dir` that are not in `files` (left by rules since removed).
std::vector<std::string> stale_files(const std::string& dir,
                                     const std::map<std::string, std::string>& files) {
    std::vector<std::string> stale;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (!files.count(name) && is_generated(it->path())) stale.push_back(name);
    }
    std::sort(stale.begin(), stale.end());
    return stale;
}

int write_docs(const std::string& dir, const std::map<std::string, std::string>& files) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        print_error(fmt::format("cannot create `{}`: {}", dir, ec.message()));
        return kExitError;
    }
    for (const std::string& name : stale_files(dir, files)) {
        fs::path stale = fs::path(dir) / name;
        if (fs::remove(stale, ec))
            fmt::print("removed {} (it documents no rule any more)\n", stale.string());
    }
    for (auto& [name, text] : files) {
        std::string error;
        if (!write_file((fs::path(dir) / name).string(), text, error)) {
            print_error(error);
            return kExitError;
        }
    }
    fmt::print("wrote {} files to {}\n", files.size(), dir);
    return kExitOk;
}

int check_docs(const std::string& dir, const std::map<std::string, std::string>& files) {
    std::vector<std::string> problems;
    for (auto& [name, text] : files) {
        std::string on_disk, error;
        if (!read_file((fs::path(dir) / name).string(), on_disk, error))
            problems.push_back(fmt::format("{} is missing", name));
        else if (on_disk != text)
            problems.push_back(fmt::format("{} differs", name));
    }
    for (const std::string& name : stale_files(dir, files))
        problems.push_back(fmt::format("{} documents no rule any more", name));
    if (problems.empty()) {
        fmt::print("{} is up to date ({} files)\n", dir, files.size());
        return kExitOk;
    }
    for (auto& p : problems) fmt::print("{}/{}\n", dir, p);
    print_error(fmt::format("{} is out of date with the policies: regenerate it with tenet doc -o "
                            "(in Tenet's repository: scripts/gen-docs)",
                            dir));
    return kExitFindings;
}

int run_doc(DocOptions& o) {
    if (o.output.empty() == o.check.empty()) {
        print_error("give one folder: -o DIR to write the pages, or --check DIR to compare them");
        return kExitError;
    }
    for (auto& p : o.policy.paths)
        if (p.ends_with(".tnb")) {
            print_error(fmt::format("{}: tenet doc needs policy sources, not a bundle", p));
            return kExitError;
        }
    SourceManager sm;
    o.policy.default_policies = !o.no_default_policies;
    std::unique_ptr<CheckedProgram> checked;
    std::unique_ptr<Program> program = load_program(sm, o.policy, &checked);
    if (!program || !checked) return kExitError;
    const std::string& dir = o.output.empty() ? o.check : o.output;
    auto files = generate(sm, *program, *checked, dir);
    return o.output.empty() ? check_docs(dir, files) : write_docs(dir, files);
}

} // namespace

void add_doc_command(CLI::App& app, int& exit_code) {
    auto o = std::make_shared<DocOptions>();
    CLI::App* cmd = app.add_subcommand("doc", "Write a Markdown page per rule and a catalog");
    cmd->footer("\nExamples:\n"
                "  tenet doc --no-default-policies --policy policies -o docs/rules\n"
                "  tenet doc --no-default-policies --policy policies --check docs/rules\n"
                "\nExit codes: 0 written (or up to date), 1 --check found differences, 2 errors.");
    cmd->add_option("-p,--policy", o->policy.paths, "Extra .tenet files or folders")
        ->type_name("PATH");
    cmd->add_flag("--no-default-policies", o->no_default_policies,
                  "Do not include the bundled policies");
    cmd->add_option("-o,--output", o->output, "The folder to write the pages to")->type_name("DIR");
    cmd->add_option("--check", o->check,
                    "Compare the pages with this folder instead of writing them")
        ->type_name("DIR");
    cmd->callback([o, &exit_code] { exit_code = run_doc(*o); });
}

} // namespace tenet::cli
