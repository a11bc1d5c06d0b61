// load_path: one entry point for `tenet check PATH`, whatever PATH holds.
#include "tenet/common/file.h"
#include "tenet/common/glob.h"
#include "tenet/common/ignore_rules.h"
#include "tenet/frontends/frontend.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tenet {

namespace fs = std::filesystem;

namespace {

// Folders that never hold sources worth scanning.
bool skipped_dir(const std::string& name) {
    return name == ".git" || name == ".terraform" || name == "node_modules" || name == ".venv" ||
           name.rfind("asset.", 0) == 0;
}

bool read_into(SourceManager& sm, const fs::path& p, FileId& id, std::vector<ModelError>& errors) {
    std::string text;
    if (!read_file(p, text)) {
        errors.push_back({SourceLoc{}, p.string() + ": cannot read the file"});
        return false;
    }
    id = sm.add(p.string(), std::move(text));
    return true;
}

struct Walker {
    SourceManager& sm;
    ModelBuilder& b;
    std::vector<ModelError>& errors;
    const FrontendOptions& opts;
    size_t loaded = 0;
    // .gitignore / .tenetignore patterns, relative to `ignore_root` (the enclosing git
    // work tree's top, else the scanned folder).
    IgnoreRules ignores;
    fs::path ignore_root;

    static constexpr const char* kIgnoreFiles[] = {".gitignore", ".tenetignore"};

    std::string relative_to_ignore_root(const fs::path& p) const {
        std::error_code ec;
        fs::path rel = fs::relative(fs::absolute(p, ec), ignore_root, ec);
        std::string s = rel.generic_string();
        return s == "." ? "" : s;
    }

    void read_ignore_files(const fs::path& dir) {
        if (!opts.ignore_files) return;
        for (const char* name : kIgnoreFiles) {
            std::string text;
            if (read_file(dir / name, text)) ignores.add(text, relative_to_ignore_root(dir));
        }
    }

    // A scan of folder `root` also honours the ignore files of its ancestors up to the top
    // of the git work tree holding it, as git does.
    void start_ignores(const fs::path& root) {
        std::error_code ec;
        fs::path top = fs::absolute(root, ec).lexically_normal();
        if (!top.has_filename()) top = top.parent_path();
        std::vector<fs::path> chain{top};
        for (fs::path d = top; d.has_parent_path() && d != d.parent_path(); d = d.parent_path()) {
            if (fs::exists(d / ".git", ec)) {
                chain.assign(1, d);
                for (fs::path c = top; c != d; c = c.parent_path())
                    chain.insert(chain.begin() + 1, c);
                break;
            }
        }
        ignore_root = chain.front();
        // The scanned folder's own files are read by walk(); its ancestors' here.
        for (size_t i = 0; i + 1 < chain.size(); ++i) read_ignore_files(chain[i]);
    }

    bool ignored(const fs::path& p, bool is_dir) const {
        return !ignores.empty() && ignores.ignored(relative_to_ignore_root(p), is_dir);
    }

    bool load_file(const fs::path& p, FrontendKind kind) {
        if (opts.on_input) opts.on_input(p.string());
        FileId id = 0;
        switch (kind) {
        case FrontendKind::TenetModel:
            return read_into(sm, p, id, errors) && load_json_model(sm, id, b.model(), errors);
        case FrontendKind::TerraformPlan:
            return read_into(sm, p, id, errors) && load_terraform_plan(sm, id, b, errors);
        case FrontendKind::TerraformState:
            return read_into(sm, p, id, errors) && load_terraform_state(sm, id, b, errors);
        case FrontendKind::Pulumi:
            return read_into(sm, p, id, errors) && load_pulumi(sm, id, b, errors);
        case FrontendKind::CloudFormation:
            return read_into(sm, p, id, errors) && load_cloudformation(sm, id, b, errors, opts);
        default:
            return false;
        }
    }

    bool excluded(const fs::path& p) const {
        // Globs may be relative to the working directory or absolute (the config
        // file's are made absolute against its folder).
        std::string s = p.lexically_normal().generic_string();
        if (s.rfind("./", 0) == 0) s = s.substr(2);
        std::error_code ec;
        std::string abs = fs::absolute(p, ec).lexically_normal().generic_string();
        for (const std::string& g : opts.exclude)
            for (const std::string& candidate : {s, s + "/", abs, abs + "/"})
                if (glob_match(g, candidate)) return true;
        return false;
    }

    void load(const fs::path& p, bool explicit_path) {
        if (!explicit_path && excluded(p)) return;
        FrontendKind kind = detect_frontend(p.string());
        std::error_code ec;
        bool dir = fs::is_directory(p, ec);
        bool ok = false;
        if (opts.on_input && (kind == FrontendKind::Cdk || kind == FrontendKind::Cdktf ||
                              kind == FrontendKind::Terraform))
            opts.on_input(p.string());
        switch (kind) {
        case FrontendKind::Cdk:
            ok = load_cdk_out(sm, p.string(), b, errors, opts);
            break;
        case FrontendKind::Cdktf: {
            std::vector<fs::path> stacks;
            for (auto& e : fs::directory_iterator(p / "stacks", ec))
                if (e.is_directory(ec)) stacks.push_back(e.path());
            std::sort(stacks.begin(), stacks.end());
            for (auto& s : stacks)
                ok |= load_terraform_module(sm, s.string(), b, errors, opts, FrontendKind::Cdktf);
            break;
        }
        case FrontendKind::Terraform: {
            // A .tf file stands for its whole module; a bare file name ("main.tf") has an
            // empty parent, and its module is the working folder.
            fs::path module = dir ? p : p.parent_path();
            if (module.empty()) module = ".";
            ok = load_terraform_module(sm, module.string(), b, errors, opts);
            break;
        }
        case FrontendKind::Unknown:
            if (dir) {
                walk(p);
                return;
            }
            if (explicit_path)
                errors.push_back(
                    {SourceLoc{}, p.string() +
                                      ": not a recognized input (Terraform, plan or state JSON, "
                                      "CloudFormation, cdk.out, cdktf.out, Pulumi, tenet model)"});
            return;
        default:
            ok = load_file(p, kind);
        }
        loaded += ok;
    }

    // A folder that is not itself an input: every recognizable file and subfolder in
    // it, in name order. Terraform child modules (a `modules` path component) are
    // loaded through the module calls of their roots, not as roots of their own.
    void walk(const fs::path& dir) {
        std::error_code ec;
        read_ignore_files(dir);
        std::vector<fs::directory_entry> entries;
        for (auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e);
        std::sort(entries.begin(), entries.end(),
                  [](auto& a, auto& b) { return a.path() < b.path(); });
        for (auto& e : entries) {
            std::string name = e.path().filename().string();
            if (e.is_directory(ec)) {
                if (skipped_dir(name) || name == "modules" || ignored(e.path(), true)) continue;
                load(e.path(), false);
            } else if (e.is_regular_file(ec)) {
                if (excluded(e.path()) || ignored(e.path(), false)) continue;
                FrontendKind kind = detect_frontend(e.path().string());
                if (kind == FrontendKind::Unknown || kind == FrontendKind::Terraform) continue;
                loaded += load_file(e.path(), kind);
            }
        }
    }
};

} // namespace

size_t load_path(SourceManager& sm, const std::string& path, ModelBuilder& b,
                 std::vector<ModelError>& errors, const FrontendOptions& opts) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        errors.push_back({SourceLoc{}, path + ": no such file or directory"});
        return 0;
    }
    Walker w{sm, b, errors, opts, 0, {}, {}};
    if (opts.ignore_files && fs::is_directory(path, ec)) w.start_ignores(fs::path(path));
    w.load(fs::path(path), true);
    return w.loaded;
}

} // namespace tenet
