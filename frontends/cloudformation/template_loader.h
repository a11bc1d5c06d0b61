// One CloudFormation template (YAML or JSON, plain, SAM, or synthesized by the CDK)
// into the model: resources with their evaluated native attributes, references, and
// the stack entries (parameters, outputs, mappings, conditions).
#pragma once

#include "tenet/frontends/frontend.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace tenet::cfn {

using ExportTable = std::unordered_map<std::string, std::vector<std::string>>;

struct TemplateContext {
    FrontendKind kind = FrontendKind::CloudFormation;
    // "Stack/" when a cdk.out holds several stacks: addresses, refs and stack entry
    // names are prefixed with it.
    std::string address_prefix;
    // Logical id -> construct path, from the cdk.out manifest (the template's own
    // `aws:cdk:path` metadata is preferred when present).
    std::unordered_map<std::string, std::string> construct_paths;
    // Export name -> the resources its output's value refers to, shared by the stacks of
    // one cdk.out: outputs add to it, Fn::ImportValue reads it (nullptr: not shared).
    ExportTable* exports = nullptr;
};

bool load_template(SourceManager& sm, FileId file, ModelBuilder& b, std::vector<ModelError>& errors,
                   const FrontendOptions& opts, const TemplateContext& ctx);

} // namespace tenet::cfn
