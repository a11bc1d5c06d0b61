// Filesystem functions: file, fileexists, filebase64, templatefile and path helpers.
// Relative paths resolve against the root module's directory, as Terraform resolves
// them against its working directory (path.module already includes the module path).
#include "hcl_parser.h"
#include "tenet/common/file.h"
#include "tf_eval.h"
#include "tf_functions.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tenet::tf {

std::string base64_encode(const std::string& in);

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxFileSize = 16 * 1024 * 1024;

fs::path resolve(const std::string& base, const std::string& p) {
    fs::path path(p);
    if (path.is_absolute()) return path;
    std::error_code ec;
    fs::path under_base = fs::path(base) / path;
    if (fs::exists(under_base, ec)) return under_base;
    return path;
}

bool read_file(const fs::path& p, std::string& out, std::string& error) {
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
        error = "no file " + p.string();
        return false;
    }
    if (fs::file_size(p, ec) > kMaxFileSize) {
        error = p.string() + " is larger than 16 MiB";
        return false;
    }
    std::string why;
    if (tenet::read_file(p, out, why)) return true;
    error = "cannot read " + p.string() + ": " + why;
    return false;
}

ValPtr templatefile(std::vector<ValPtr>& args, const FnEnv& env) {
    std::string path, text, error;
    if (args.size() != 2 || !want_string(args[0], path) || !(args[1]->is(VKind::Map)))
        return arg_error("templatefile", "takes a path and a map of variables", env.loc);
    if (!read_file(resolve(env.base_dir, path), text, error))
        return arg_error("templatefile", error, env.loc);
    hcl::File file; // the template's nodes live only for this call
    hcl::ParseError perr;
    hcl::Expr* tpl = hcl::parse_template_text(file, text, SourceLoc{0, 1, 1}, perr);
    if (!tpl)
        return arg_error("templatefile",
                         path + ":" + std::to_string(perr.loc.line) + ":" +
                             std::to_string(perr.loc.column) + ": " + perr.message,
                         env.loc);
    std::vector<Scope> scopes;
    scopes.reserve(args[1]->members.size());
    const Scope* top = nullptr;
    for (const auto& [k, v] : args[1]->members) {
        scopes.push_back(Scope{top, k, v});
        top = &scopes.back();
    }
    ValPtr v = env.evaluator->eval(tpl, top);
    if (v->unknown()) return v;
    std::string out;
    if (!to_text(*v, out))
        return arg_error("templatefile", "the template produced a " + std::string(type_name(*v)),
                         env.loc);
    return v_str(out);
}

} // namespace

ValPtr call_file_function(const std::string& name, std::vector<ValPtr>& args, const FnEnv& env) {
    if (name == "templatefile") return templatefile(args, env);
    static const char* one_path[] = {"file",     "fileexists", "filebase64", "abspath",
                                     "basename", "dirname",    "pathexpand"};
    bool known = false;
    for (const char* n : one_path) known |= name == n;
    if (!known) return nullptr;
    std::string p, text, error;
    if (args.size() != 1 || !want_string(args[0], p))
        return arg_error(name, "takes one path", env.loc);
    if (name == "basename" || name == "dirname") {
        size_t slash = p.find_last_of('/');
        if (name == "basename") return v_str(slash == std::string::npos ? p : p.substr(slash + 1));
        if (slash == std::string::npos) return v_str(".");
        return v_str(slash == 0 ? "/" : p.substr(0, slash));
    }
    if (name == "pathexpand") {
        if (p.starts_with("~"))
            return v_unknown("pathexpand() depends on the home directory where Terraform runs",
                             env.loc);
        return v_str(p);
    }
    if (name == "abspath") {
        std::error_code ec;
        return v_str(fs::absolute(fs::path(p), ec).lexically_normal().string());
    }
    fs::path full = resolve(env.base_dir, p);
    if (name == "fileexists") {
        std::error_code ec;
        return v_bool(fs::is_regular_file(full, ec));
    }
    if (!read_file(full, text, error)) return arg_error(name, error, env.loc);
    return v_str(name == "file" ? text : base64_encode(text));
}

} // namespace tenet::tf
