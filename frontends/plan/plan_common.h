// Pieces shared by the plan and state loaders: walking a module tree of resources
// (planned_values, prior_state and state `values` have the same shape), instance
// addresses, providers, and references to whole counted / for_each resources.
#pragma once

#include "tenet/common/json.h"
#include "tenet/model/builder.h"
#include "tenet/model/json_model.h"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace tenet::plan {

// Calls `visit(resource, pointer, module_address)` for every resource of `module`
// and of its child_modules, recursively (module_address "" at the root).
void for_each_resource(
    const json::Elem& module, const std::string& pointer,
    const std::function<void(const json::Elem&, const std::string&, const std::string&)>& visit,
    const std::string& module_address = {}, int depth = 0);

// `aws_s3_bucket.b["data"]` -> `aws_s3_bucket.b`; an address without a trailing
// instance key is returned as it is.
std::string base_address(const std::string& address);
// An instance key as it appears in addresses: `["data"]` for strings, `[0]` for numbers.
std::string instance_key_text(const json::Elem* index_key);

// "registry.terraform.io/hashicorp/aws" -> "aws";
// `provider["registry.terraform.io/hashicorp/aws"].west` (raw state) -> "aws"; without a provider
// name, the type's prefix ("aws_s3_bucket" -> "aws").
std::string provider_short_name(const std::string& provider_name, const std::string& type);

std::string string_member(const json::Elem& n, std::string_view key);

// Parses file `file` as one JSON object. On failure appends a located error
// ("invalid <what> JSON: ..." or "<what> must be a JSON object") and returns false.
bool parse_json_object(const SourceManager& sm, FileId file, std::string_view what, json::Doc& doc,
                       std::vector<ModelError>& errors);

// Recovers references where a document has only resource-level dependencies (a state's
// `dependencies`, a Pulumi resource's `dependencies`): a value equal to the id or arn of a
// resource it depends on refers to that resource.
class IdentityIndex {
  public:
    // `owner` is what dependency lists name (`aws_s3_bucket.b`, a URN); `ref` what a
    // matching value derives from (`aws_s3_bucket.b["data"].id`, the URN).
    void add(const std::string& owner, std::string value, std::string ref) {
        if (!value.empty()) identities_[owner].push_back({std::move(value), std::move(ref)});
    }
    // Attribute path -> refs, for every string leaf of the object `values` (at any depth,
    // skipping the top-level keys in `skip`) equal to an identity of one of `deps`.
    std::map<std::string, std::vector<std::string>> match(const json::Elem& values,
                                                          const std::vector<std::string>& deps,
                                                          const std::set<std::string>& skip) const;

  private:
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> identities_;
};

// References recorded while resources load, added to the builder once every resource
// of the document is known: a reference to a whole counted or for_each resource
// (`aws_s3_bucket.b` when only `aws_s3_bucket.b["logs"]` and `["data"]` exist) becomes
// a reference to each instance.
class PendingReferences {
  public:
    void add(uint32_t from, std::string attribute, std::string target) {
        pending_.push_back({from, std::move(attribute), std::move(target)});
    }
    void known_address(const std::string& address) {
        addresses_.insert(address);
        // flush() finds an address in addresses_ before it looks at instances_, so only
        // instances (`x["k"]`, `x[0]`) need an entry under their base address.
        std::string base = base_address(address);
        if (base != address) instances_[base].push_back(address);
    }
    void flush(ModelBuilder& b);

  private:
    struct Pending {
        uint32_t from;
        std::string attribute, target;
    };
    std::vector<Pending> pending_;
    std::set<std::string> addresses_;
    std::map<std::string, std::vector<std::string>> instances_;
};

} // namespace tenet::plan
