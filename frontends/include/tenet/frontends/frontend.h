// Frontends: turn IaC sources into the normalized Model.
//
// Every frontend adds its resources through a ModelBuilder, with provenance for every
// value (file:line:column where it was written, or the JSON pointer / construct path /
// URN property path when that is the best there is), unknown values with their reason,
// and references (recorded with ModelBuilder::add_reference, resolved once the whole
// scan is loaded). Malformed input yields ModelErrors with file:line:column; the other
// files and resources of the scan still load.
#pragma once

#include "tenet/common/source.h"
#include "tenet/model/builder.h"
#include "tenet/model/json_model.h"

#include <functional>
#include <string>
#include <vector>

namespace tenet {

enum class FrontendKind : uint8_t {
    Unknown,
    TenetModel,     // "format": "tenet-model/1"
    Terraform,      // a directory of .tf / .tf.json (+ .tfvars)
    TerraformPlan,  // `terraform show -json PLAN`
    TerraformState, // `terraform show -json` of a state, or a .tfstate file
    CloudFormation, // YAML or JSON template (incl. SAM)
    Cdk,            // a cdk.out directory (manifest.json + *.template.json)
    Cdktf,          // cdktf.out/stacks/*/cdk.tf.json
    Pulumi,         // `pulumi stack export` or `pulumi preview --json`
};

const char* frontend_name(FrontendKind k); // "terraform", "cloudformation", ...

struct FrontendOptions {
    std::vector<std::string> tf_vars;      // --var NAME=VALUE (Terraform)
    std::vector<std::string> tf_var_files; // --var-file (Terraform)
    std::vector<std::string> cfn_params;   // --cfn-param NAME=VALUE (CloudFormation)
    std::vector<std::string> exclude;      // path globs load_path skips (config `exclude`)
    // Folder scans skip what .gitignore / .tenetignore files ignore (paths given
    // explicitly are always loaded).
    bool ignore_files = true;
    // Called with each input (file, Terraform module, cdk.out) as it starts loading, for
    // a progress display.
    std::function<void(const std::string&)> on_input;
};

// What a file or directory holds: by name and extension first, then by content
// (a JSON document's top-level keys, a YAML template's AWSTemplateFormatVersion or
// Resources). Directories: cdk.out (manifest.json), cdktf.out, a Terraform module.
FrontendKind detect_frontend(const std::string& path);

// Loads one file (already in `sm`) of a known kind.
bool load_cloudformation(SourceManager& sm, FileId file, ModelBuilder& b,
                         std::vector<ModelError>& errors, const FrontendOptions& opts,
                         FrontendKind as = FrontendKind::CloudFormation);
// A cdk.out directory: manifest.json's aws:cloudformation:stack artifacts, each template
// loaded as frontend "cdk" with construct paths (aws:cdk:path) as provenance pointers.
bool load_cdk_out(SourceManager& sm, const std::string& dir, ModelBuilder& b,
                  std::vector<ModelError>& errors, const FrontendOptions& opts);
bool load_terraform_plan(SourceManager& sm, FileId file, ModelBuilder& b,
                         std::vector<ModelError>& errors);
bool load_terraform_state(SourceManager& sm, FileId file, ModelBuilder& b,
                          std::vector<ModelError>& errors);
// A Terraform root module directory: every .tf and .tf.json in it, terraform.tfvars and
// *.auto.tfvars (+ opts), local module calls followed recursively. Files are added to `sm`.
bool load_terraform_module(SourceManager& sm, const std::string& dir, ModelBuilder& b,
                           std::vector<ModelError>& errors, const FrontendOptions& opts,
                           FrontendKind as = FrontendKind::Terraform);
bool load_pulumi(SourceManager& sm, FileId file, ModelBuilder& b, std::vector<ModelError>& errors);

// Loads a directory or file of any kind: a Terraform module (with its local modules),
// a cdk.out or cdktf.out folder, or a single file; a directory that is none of these is
// walked recursively and every recognizable file loaded (skipping .terraform/, .git/,
// node_modules/ and cdk.out's asset folders). Errors for unreadable or unrecognized
// inputs go to `errors`. Does not call resolve_references(). Returns how many inputs
// were recognized and loaded.
size_t load_path(SourceManager& sm, const std::string& path, ModelBuilder& b,
                 std::vector<ModelError>& errors, const FrontendOptions& opts);

} // namespace tenet
