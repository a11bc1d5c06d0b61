// A module's configuration: the parsed files of one directory and the declarations in
// them (variables, locals, outputs, resources, data sources, module calls, providers).
#pragma once

#include "hcl_ast.h"
#include "tenet/common/source.h"
#include "tenet/model/json_model.h"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tenet::tf {

// A hash map keyed by strings that is searched with any string or string_view (no
// temporary std::string per lookup). For tables that are only looked up, never listed.
struct StrHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <class V> using StrMap = std::unordered_map<std::string, V, StrHash, std::equal_to<>>;

struct ResourceDecl {
    const hcl::Block* block = nullptr;
    bool data = false;
    std::string type;
    std::string name;
    std::string key; // "aws_s3_bucket.b" or "data.aws_iam_policy_document.p"
};

// Blocks named by their one label (variables, outputs, module calls), in declaration
// order, with an index by name so that a lookup does not scan the list.
class NamedBlocks {
  public:
    using Entry = std::pair<std::string, const hcl::Block*>;
    // False (and nothing added) when `name` is already there.
    bool add(const std::string& name, const hcl::Block* b) {
        if (!index_.emplace(name, list_.size()).second) return false;
        list_.push_back({name, b});
        return true;
    }
    const hcl::Block* find(std::string_view name) const {
        auto it = index_.find(name);
        return it == index_.end() ? nullptr : list_[it->second].second;
    }
    std::vector<Entry>::const_iterator begin() const { return list_.begin(); }
    std::vector<Entry>::const_iterator end() const { return list_.end(); }

  private:
    std::vector<Entry> list_;
    StrMap<size_t> index_;
};

struct ModuleConfig {
    std::string dir;
    std::vector<std::unique_ptr<hcl::File>> files;
    NamedBlocks variables;
    NamedBlocks outputs;
    NamedBlocks module_calls;
    std::vector<std::pair<std::string, const hcl::Attribute*>> locals;
    std::vector<ResourceDecl> resources;
    std::vector<const hcl::Block*> providers;
    StrMap<size_t> resource_index; // key -> index in `resources`
    StrMap<bool> managed_types;    // types of managed resources
    StrMap<size_t> local_index;    // name -> index in `locals`

    const hcl::Block* find(const NamedBlocks& list, std::string_view name) const {
        return list.find(name);
    }
    const hcl::Attribute* local(std::string_view name) const;
    const ResourceDecl* resource(std::string_view key) const;
};

// Reads and parses every .tf and .tf.json file of `dir` (in name order), adding them
// to `sm`. A file that does not parse is reported and left out; the others load.
std::unique_ptr<ModuleConfig> load_module_config(SourceManager& sm, const std::string& dir,
                                                 std::vector<ModelError>& errors);

// Reads one file into `sm`; false (with an error) when it cannot be read.
bool read_source(SourceManager& sm, const std::string& path, FileId& id,
                 std::vector<ModelError>& errors);

} // namespace tenet::tf
