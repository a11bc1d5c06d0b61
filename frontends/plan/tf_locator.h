// Finds where a plan's resources are written in the .tf files beside it, so that
// findings on a plan point at `main.tf:12:3` rather than into the plan JSON.
//
// A light scan, not an HCL parser: RE2 finds `resource "TYPE" "NAME" {` (and `data`,
// and the one-label `variable`, `output` and `module`) headers; a character scanner that knows
// strings, templates, heredocs and comments follows the braces of the block and records, per
// attribute path, where each attribute (`bucket =`), nested block (`rule {`, recorded as `rule[0]`,
// `rule[1]` and, for the first, `rule`; blocks a `dynamic "rule"` generates as `rule[*]`) and
// object-literal key (`tags = { Name = ...`) starts.
#pragma once

#include "tenet/common/source.h"

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace tenet::plan {

struct BlockLocations {
    SourceLoc block; // the `resource` keyword
    std::map<std::string, SourceLoc>
        attributes; // ".bucket",
                    // ".rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id"
    // The location recorded for `path` or its longest recorded prefix; the block's
    // own location when no prefix is recorded.
    SourceLoc lookup(std::string_view path) const;
};

class TfLocator {
  public:
    explicit TfLocator(SourceManager& sm) : sm_(sm) {}
    // The block `mode "type" "name"` (mode: "resource" or "data") among the .tf files
    // of directory `dir`; null when the directory has no .tf files or no such block.
    // A directory's files are read (and added to the SourceManager) once.
    const BlockLocations* find(const std::string& dir, std::string_view mode, std::string_view type,
                               std::string_view name);

    // A one-label block: `variable "NAME"`, `output "NAME"` or `module "NAME"` (kind is the
    // keyword).
    const BlockLocations* find_named(const std::string& dir, std::string_view kind,
                                     std::string_view name);

  private:
    struct Directory {
        std::map<std::string, BlockLocations> blocks; // "resource.aws_s3_bucket.b"
    };
    const Directory& scan(const std::string& dir);
    SourceManager& sm_;
    std::map<std::string, std::unique_ptr<Directory>> dirs_;
};

// Exposed for tests: scans one file's text (already in `sm` as `file`).
void scan_tf_blocks(std::string_view text, FileId file, std::map<std::string, BlockLocations>& out);

} // namespace tenet::plan
