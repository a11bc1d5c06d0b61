// load_terraform_module: a root module directory (HCL or JSON syntax, or a CDKTF
// stack's cdk.tf.json) with its variable values, evaluated and put into the model.
//
// Variable values, later ones winning as in Terraform: defaults, terraform.tfvars,
// terraform.tfvars.json, *.auto.tfvars and *.auto.tfvars.json in name order, then the
// --var-file files and the --var values.
#include "hcl_parser.h"
#include "tenet/frontends/frontend.h"
#include "tf_emit.h"
#include "tf_instance.h"

#include <algorithm>
#include <filesystem>

namespace tenet {

namespace fs = std::filesystem;
using namespace tf;

namespace {

// tfvars files hold constants: no names to resolve.
class NoNames : public Context {
  public:
    explicit NoNames(std::string dir) : dir_(std::move(dir)) {}
    ValPtr reference(const hcl::Expr*, const Scope*) override { return nullptr; }
    const std::string& base_dir() const override { return dir_; }

  private:
    std::string dir_;
};

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void load_tfvars(Loader& loader, const std::string& path,
                 std::vector<std::unique_ptr<hcl::File>>& keep) {
    FileId id;
    if (!read_source(loader.sm, path, id, loader.errors)) return;
    auto file = std::make_unique<hcl::File>();
    hcl::ParseError err;
    bool ok = ends_with(path, ".json")
                  ? hcl::parse_json(loader.sm.text(id), id, *file, err, hcl::JsonSchema::Vars)
                  : hcl::parse_native(loader.sm.text(id), id, *file, err);
    if (!ok) {
        err.loc.file = id;
        loader.errors.push_back({err.loc, err.message});
        return;
    }
    NoNames ctx(loader.root_dir);
    Evaluator ev(ctx);
    for (const hcl::Attribute& a : file->body.attributes)
        loader.root_inputs[std::string(a.name)] = with_loc(ev.eval(a.expr, nullptr), a.expr->loc);
    for (const hcl::Block& b : file->body.blocks)
        loader.errors.push_back({b.loc, "a variables file holds only `name = value` lines"});
    keep.push_back(std::move(file));
}

// --var NAME=VALUE: the raw string for string (or untyped) variables, otherwise an
// HCL expression, as Terraform reads it.
void load_cli_var(Loader& loader, const ModuleConfig& root, const std::string& spec,
                  std::vector<std::unique_ptr<hcl::File>>& keep) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
        loader.errors.push_back({SourceLoc{}, "--var " + spec + ": expected NAME=VALUE"});
        return;
    }
    std::string name = spec.substr(0, eq), text = spec.substr(eq + 1);
    const hcl::Block* decl = root.find(root.variables, name);
    const hcl::Attribute* type = decl ? decl->body.attribute("type") : nullptr;
    bool raw =
        !type || (type->expr->kind == hcl::ExprKind::Variable && type->expr->name == "string");
    if (raw) {
        loader.root_inputs[name] = v_str(text);
        return;
    }
    auto file = std::make_unique<hcl::File>();
    hcl::ParseError err;
    hcl::Expr* e = hcl::parse_expression_text(*file, text, SourceLoc{0, 1, 1}, err);
    if (!e) {
        loader.errors.push_back({SourceLoc{}, "--var " + name + ": " + err.message});
        return;
    }
    NoNames ctx(loader.root_dir);
    Evaluator ev(ctx);
    loader.root_inputs[name] = ev.eval(e, nullptr);
    keep.push_back(std::move(file));
}

} // namespace

bool load_terraform_module(SourceManager& sm, const std::string& dir, ModelBuilder& b,
                           std::vector<ModelError>& errors, const FrontendOptions& opts,
                           FrontendKind as) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        errors.push_back({SourceLoc{}, dir + ": not a directory"});
        return false;
    }
    Loader loader{sm, errors, opts, dir, {}, {}, {}, {}, {}, {}};
    const ModuleConfig& root = loader.config(dir);
    loader.read_installed_modules();
    if (root.files.empty()) {
        errors.push_back({SourceLoc{}, dir + ": no Terraform configuration could be read"});
        return false;
    }

    std::vector<std::unique_ptr<hcl::File>> var_files;
    std::vector<std::string> auto_files;
    for (auto& e : fs::directory_iterator(dir, ec)) {
        std::string n = e.path().filename().string();
        if (ends_with(n, ".auto.tfvars") || ends_with(n, ".auto.tfvars.json"))
            auto_files.push_back(e.path().string());
    }
    std::sort(auto_files.begin(), auto_files.end());
    for (const char* std_file : {"terraform.tfvars", "terraform.tfvars.json"}) {
        fs::path p = fs::path(dir) / std_file;
        if (fs::is_regular_file(p, ec)) load_tfvars(loader, p.string(), var_files);
    }
    for (const std::string& p : auto_files) load_tfvars(loader, p, var_files);
    for (const std::string& p : opts.tf_var_files) load_tfvars(loader, p, var_files);
    for (const std::string& v : opts.tf_vars) load_cli_var(loader, root, v, var_files);

    Emitter emit(b, frontend_name(as == FrontendKind::Cdktf ? FrontendKind::Cdktf
                                                            : FrontendKind::Terraform));
    std::deque<ResourceInstance> resources; // no copies as it grows
    {
        ModuleInstance instance(loader, root, "", nullptr, nullptr, {}, 0);
        instance.collect(resources);
        if (loader.budget.exhausted())
            errors.push_back(
                {SourceLoc{},
                 dir + ": evaluation stopped after " + std::to_string(loader.budget.limit) +
                     " steps (the configuration expands too much); later values are unknown"});
        emit.stack(instance, loader);
    }
    // The stack entity is in the model: the module instances (every evaluated name) and the
    // syntax trees are no longer needed, and the resource values go into the model one by one.
    loader.configs.clear();
    var_files.clear();
    emit.resources(resources);
    return true;
}

} // namespace tenet
