#include "tf_module.h"

#include "hcl_parser.h"
#include "tenet/common/file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tenet::tf {

namespace fs = std::filesystem;

const hcl::Attribute* ModuleConfig::local(std::string_view name) const {
    auto it = local_index.find(name);
    return it == local_index.end() ? nullptr : locals[it->second].second;
}

const ResourceDecl* ModuleConfig::resource(std::string_view key) const {
    auto it = resource_index.find(key);
    return it == resource_index.end() ? nullptr : &resources[it->second];
}

bool read_source(SourceManager& sm, const std::string& path, FileId& id,
                 std::vector<ModelError>& errors) {
    std::string text;
    if (!read_file(path, text)) {
        errors.push_back({SourceLoc{}, path + ": cannot read the file"});
        return false;
    }
    id = sm.add(path, std::move(text));
    return true;
}

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class Collector {
  public:
    Collector(ModuleConfig& cfg, std::vector<ModelError>& errors) : cfg_(cfg), errors_(errors) {}

    void add(const hcl::File& f) {
        for (const hcl::Block& b : f.body.blocks) block(b);
        for (const hcl::Attribute& a : f.body.attributes)
            errors_.push_back({a.loc, "unexpected attribute `" + std::string(a.name) +
                                          "` at the top level of a Terraform file"});
    }

  private:
    void duplicate(SourceLoc loc, const std::string& what) {
        errors_.push_back({loc, what + " is declared more than once"});
    }

    bool labels(const hcl::Block& b, size_t n) {
        if (b.labels.size() == n) return true;
        errors_.push_back({b.loc, "a `" + std::string(b.type) + "` block needs " +
                                      std::to_string(n) + " label" + (n == 1 ? "" : "s")});
        return false;
    }

    void named(NamedBlocks& list, const hcl::Block& b, const char* kind) {
        if (!labels(b, 1)) return;
        if (!list.add(b.labels[0], &b))
            duplicate(b.loc, std::string(kind) + " `" + b.labels[0] + "`");
    }

    void block(const hcl::Block& b) {
        if (b.type == "variable") return named(cfg_.variables, b, "variable");
        if (b.type == "output") return named(cfg_.outputs, b, "output");
        if (b.type == "module") return named(cfg_.module_calls, b, "module");
        if (b.type == "provider") {
            if (labels(b, 1)) cfg_.providers.push_back(&b);
            return;
        }
        if (b.type == "locals") {
            for (const hcl::Attribute& a : b.body.attributes) {
                std::string name(a.name);
                if (!cfg_.local_index.emplace(name, cfg_.locals.size()).second) {
                    duplicate(a.loc, "local value `" + name + "`");
                    continue;
                }
                cfg_.locals.push_back({std::move(name), &a});
            }
            return;
        }
        if (b.type == "resource" || b.type == "data") {
            if (!labels(b, 2)) return;
            ResourceDecl d{&b, b.type == "data", b.labels[0], b.labels[1], {}};
            d.key = (d.data ? "data." : "") + d.type + "." + d.name;
            if (!cfg_.resource_index.emplace(d.key, cfg_.resources.size()).second)
                return duplicate(b.loc, "`" + d.key + "`");
            if (!d.data) cfg_.managed_types.emplace(d.type, true);
            cfg_.resources.push_back(std::move(d));
        }
        // terraform, moved, import, check, removed: nothing to evaluate.
    }

    ModuleConfig& cfg_;
    std::vector<ModelError>& errors_;
};

} // namespace

std::unique_ptr<ModuleConfig> load_module_config(SourceManager& sm, const std::string& dir,
                                                 std::vector<ModelError>& errors) {
    auto cfg = std::make_unique<ModuleConfig>();
    cfg->dir = dir;
    std::vector<std::string> paths;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(dir, ec)) {
        std::string name = e.path().filename().string();
        if (e.is_regular_file(ec) && (ends_with(name, ".tf") || ends_with(name, ".tf.json")))
            paths.push_back(e.path().string());
    }
    std::sort(paths.begin(), paths.end());
    Collector collect(*cfg, errors);
    for (const std::string& p : paths) {
        FileId id;
        if (!read_source(sm, p, id, errors)) continue;
        auto file = std::make_unique<hcl::File>();
        hcl::ParseError err;
        bool ok = ends_with(p, ".json") ? hcl::parse_json(sm.text(id), id, *file, err)
                                        : hcl::parse_native(sm.text(id), id, *file, err);
        if (!ok) {
            err.loc.file = id;
            errors.push_back({err.loc, err.message});
            continue;
        }
        cfg->files.push_back(std::move(file));
        collect.add(*cfg->files.back());
    }
    return cfg;
}

} // namespace tenet::tf
