// tenet test: compile every .tenet under the given paths (policies and their tests, with
// the standard library) and run every test block.
#include "cli_common.h"
#include "commands.h"
#include "test_coverage.h"
#include "test_runner.h"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <memory>
#include <thread>

namespace tenet::cli {

namespace {

namespace fs = std::filesystem;

struct TestOptions {
    std::vector<std::string> paths;
    std::string format = "text";
    std::string output; // FILE; empty: stdout
    std::string filter;
    bool coverage = false;
    std::string coverage_format = "text";
    std::string coverage_output; // FILE; empty: after the report on stdout
    unsigned jobs = 0;           // 0: all cores
};

bool write_or_print(const std::string& file, const std::string& text) {
    if (file.empty()) {
        fmt::print("{}", text);
        return true;
    }
    std::string error;
    if (write_file(file, text, error)) return true;
    print_error(error);
    return false;
}

bool is_test_file(const fs::path& p) {
    return p.filename().string().ends_with("_test.tenet");
}

// A test file named alone brings the policies beside it: its tests need their rules.
std::vector<std::string> policy_paths(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    auto add = [&](const std::string& p) {
        std::string key = fs::path(p).lexically_normal().generic_string();
        for (const std::string& o : out)
            if (fs::path(o).lexically_normal().generic_string() == key) return;
        out.push_back(p);
    };
    for (const std::string& p : paths) {
        std::error_code ec;
        fs::path path(p);
        if (!is_test_file(path) || fs::is_directory(path, ec)) {
            add(p);
            continue;
        }
        bool covered = false; // a folder given too already brings the siblings
        for (const std::string& other : paths) {
            fs::path dir = fs::path(other).lexically_normal();
            auto rel = fs::relative(path.lexically_normal(), dir, ec);
            covered |=
                other != p && fs::is_directory(dir, ec) && !rel.empty() && *rel.begin() != "..";
        }
        if (covered) continue;
        std::vector<std::string> siblings;
        fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
        for (auto& e : fs::directory_iterator(dir, ec))
            if (e.path().extension() == ".tenet" && !is_test_file(e.path()))
                siblings.push_back((path.parent_path() / e.path().filename()).string());
        std::sort(siblings.begin(), siblings.end());
        for (const std::string& s : siblings) add(s);
        add(p);
    }
    return out;
}

int run_test(const TestOptions& o) {
    if (o.format != "text" && o.format != "json" && o.format != "junit") {
        print_error(fmt::format("--format expects text, json or junit; found `{}`", o.format));
        return kExitError;
    }
    if (o.coverage_format != "text" && o.coverage_format != "markdown") {
        print_error(fmt::format("--coverage-format expects text or markdown; found `{}`",
                                o.coverage_format));
        return kExitError;
    }
    if (o.paths.empty()) {
        print_error("nothing to test: give the folders or files of the policies and their tests "
                    "(e.g. tenet test policies/)");
        return kExitError;
    }
    SourceManager sm;
    PolicyOptions popts;
    popts.paths = policy_paths(o.paths);
    popts.default_policies = false;
    std::unique_ptr<CheckedProgram> checked;
    std::unique_ptr<Program> program = load_program(sm, popts, &checked);
    if (!program || !checked) return kExitError;

    TestRunner runner(*program, *checked, sm);
    TestRunOptions ropts;
    ropts.filter = o.filter;
    ropts.jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
    CoverageData coverage;
    if (o.coverage) ropts.coverage = &coverage;
    std::vector<TestResult> results = runner.run(ropts);

    std::string report;
    if (o.format == "json")
        report = render_test_json(results);
    else if (o.format == "junit")
        report = render_test_junit(results);
    else
        report = render_test_text(results, o.output.empty() && use_color());
    bool written = write_or_print(o.output, report);
    if (o.coverage) {
        CoverageReportInput cin{coverage, results, *checked, *program, sm};
        written &= write_or_print(o.coverage_output, o.coverage_format == "markdown"
                                                         ? render_coverage_markdown(cin)
                                                         : render_coverage_text(cin));
    }
    if (!written) return kExitError;
    TestSummary s = summarize(results);
    if (s.errors) return kExitError;
    return s.failed ? kExitFindings : kExitOk;
}

} // namespace

void add_test_command(CLI::App& app, int& exit_code) {
    auto o = std::make_shared<TestOptions>();
    CLI::App* cmd = app.add_subcommand("test", "Run the tests written beside the policies");
    cmd->footer(
        "\nExamples:\n"
        "  tenet test policies/                       # every *_test.tenet under it\n"
        "  tenet test policies/aws/s3_test.tenet      # one file (with the policies beside it)\n"
        "  tenet test policies/ --filter TNT-S3-001\n"
        "  tenet test policies/ --format junit -o tests.xml\n"
        "\nTests are described in docs/testing.md.\n"
        "Exit codes: 0 every test passed, 1 a test failed, 2 bad input, a test's input "
        "could not be loaded, or the policies do not compile.");
    cmd->add_option("path", o->paths, "Policy and test files or folders")->type_name("PATH");
    cmd->add_option("-f,--format", o->format, "Report format: text, json or junit")
        ->type_name("FORMAT");
    cmd->add_option("-o,--output", o->output, "Write the report to FILE instead of stdout")
        ->type_name("FILE");
    cmd->add_option("--filter", o->filter, "Run only the tests whose name contains TEXT")
        ->type_name("TEXT");
    cmd->add_flag("--coverage", o->coverage,
                  "Report which clauses and branches of each rule the tests exercised");
    cmd->add_option("--coverage-format", o->coverage_format,
                    "Coverage report format: text or markdown (a table, as in docs/coverage.md)")
        ->type_name("FORMAT");
    cmd->add_option("--coverage-output", o->coverage_output,
                    "Write the coverage report to FILE instead of stdout")
        ->type_name("FILE");
    cmd->add_option("-j,--jobs", o->jobs, "Tests run at the same time (default: all cores)")
        ->type_name("N");
    for (CLI::Option* opt : cmd->get_options())
        if (!opt->get_positional()) opt->allow_extra_args(false);
    cmd->callback([o, &exit_code] { exit_code = run_test(*o); });
}

} // namespace tenet::cli
