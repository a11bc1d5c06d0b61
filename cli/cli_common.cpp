#include "cli_common.h"

#include "tenet/common/file.h"
#include "tenet/runtime/bundle.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/color.h>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace tenet::cli {

bool use_color(bool is_stderr) {
    if (std::getenv("NO_COLOR")) return false;
    const char* ci = std::getenv("CI");
    if (ci && *ci && std::string(ci) != "false") return false;
    return isatty(is_stderr ? 2 : 1);
}

void print_error(const std::string& message) {
    if (use_color(true))
        fmt::print(stderr, "{}: {}\n",
                   fmt::format(fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold, "error"),
                   message);
    else
        fmt::print(stderr, "error: {}\n", message);
}

bool read_file(const std::string& path, std::string& out, std::string& error) {
    std::string why;
    if (tenet::read_file(path, out, why)) return true;
    error = fmt::format("cannot read `{}`: {}", path, why);
    return false;
}

bool write_file(const std::string& path, const std::string& data, std::string& error) {
    // Reports go where CI expects them (`-o sarif=reports/tenet.sarif`): make the folder.
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec) &&
        !std::filesystem::create_directories(parent, ec)) {
        error = fmt::format("cannot write `{}`: cannot create its folder: {}", path, ec.message());
        return false;
    }
    std::ofstream outf(path, std::ios::binary | std::ios::trunc);
    if (!outf || !outf.write(data.data(), static_cast<std::streamsize>(data.size()))) {
        error = fmt::format("cannot write `{}`: {}", path, std::strerror(errno));
        return false;
    }
    return true;
}

namespace {

bool is_bundle_path(const std::string& p) {
    return p.size() > 4 && p.ends_with(".tnb");
}

std::unique_ptr<Program> load_bundle_file(const std::string& path) {
    std::string data, error;
    if (!read_file(path, data, error)) {
        print_error(error);
        return nullptr;
    }
    auto program = std::make_unique<Program>();
    std::vector<uint8_t> bytes(data.begin(), data.end());
    if (!read_bundle(bytes, *program, error)) {
        print_error(fmt::format("{}: {}", path, error));
        return nullptr;
    }
    return program;
}

} // namespace

std::unique_ptr<Program> load_program(SourceManager& sm, const PolicyOptions& opts,
                                      std::unique_ptr<CheckedProgram>* checked) {
    std::vector<std::string> sources;
    std::vector<std::string> bundles;
    for (auto& p : opts.paths) (is_bundle_path(p) ? bundles : sources).push_back(p);
    if (!bundles.empty()) {
        if (bundles.size() > 1 || !sources.empty() || opts.default_policies) {
            print_error("a bundle (.tnb) is a complete policy set: give it alone, with "
                        "--no-default-policies");
            return nullptr;
        }
        return load_bundle_file(bundles[0]);
    }
    DiagnosticBag diags;
    std::vector<FileId> files = load_policy_paths(sm, sources, diags);
    CompileResult result;
    if (!diags.has_errors()) {
        CompileOptions copts;
        copts.include_policies = opts.default_policies;
        result = compile(sm, files, copts);
        diags.append(result.diags);
    }
    diags.sort();
    bool color = use_color(true);
    for (auto& d : diags.items()) fmt::print(stderr, "{}", render_diagnostic(d, sm, color));
    if (diags.has_errors()) {
        size_t n = diags.error_count();
        print_error(
            fmt::format("could not compile the policies: {} error{}", n, n == 1 ? "" : "s"));
        return nullptr;
    }
    if (checked) *checked = std::move(result.checked);
    return std::move(result.program);
}

} // namespace tenet::cli
