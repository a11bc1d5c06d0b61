// A module's configuration: the parsed files of one directory and the declarations in
// them (variables, locals, outputs, resources, data sources, module calls, providers).
#pragma once

#include "hcl_ast.h"
#include "tenet/common/source.h"
#include "tenet/model/json_model.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tenet::tf {

struct ResourceDecl {
    const hcl::Block* block = nullptr;
    bool data = false;
    std::string type;
    std::string name;
    std::string key; // "aws_s3_bucket.b" or "data.aws_iam_policy_document.p"
};

struct ModuleConfig {
    std::string dir;
    std::vector<std::unique_ptr<hcl::File>> files;
    std::vector<std::pair<std::string, const hcl::Block*>> variables;
    std::vector<std::pair<std::string, const hcl::Block*>> outputs;
    std::vector<std::pair<std::string, const hcl::Block*>> module_calls;
    std::vector<std::pair<std::string, const hcl::Attribute*>> locals;
    std::vector<ResourceDecl> resources;
    std::vector<const hcl::Block*> providers;
    std::map<std::string, size_t> resource_index; // key -> index in `resources`
    std::map<std::string, bool> managed_types;    // types of managed resources

    const hcl::Block* find(const std::vector<std::pair<std::string, const hcl::Block*>>& list,
                           const std::string& name) const;
    const hcl::Attribute* local(const std::string& name) const;
    const ResourceDecl* resource(const std::string& key) const;
};

// Reads and parses every .tf and .tf.json file of `dir` (in name order), adding them
// to `sm`. A file that does not parse is reported and left out; the others load.
std::unique_ptr<ModuleConfig> load_module_config(SourceManager& sm, const std::string& dir,
                                                 std::vector<ModelError>& errors);

// Reads one file into `sm`; false (with an error) when it cannot be read.
bool read_source(SourceManager& sm, const std::string& path, FileId& id,
                 std::vector<ModelError>& errors);

} // namespace tenet::tf
