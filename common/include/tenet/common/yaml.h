// YAML (1.2 core schema) into the same positioned DOM as JSON, for Tenet's own files
// (.tenet.yaml, waivers, baselines). Uses libyaml's event parser; anchors and aliases
// are expanded with a cap on the total node count, so an alias bomb is an error, not a
// hang. Tags are ignored except `!!str`. CloudFormation templates have their own loader
// (their short-form tags carry meaning).
#pragma once

#include "tenet/common/json.h"

#include <string_view>

namespace tenet::yaml {

struct ParseOptions {
    uint32_t max_depth = 256;
    uint64_t max_nodes = 1'000'000; // after alias expansion
};

// Parses the first document of `text`. An empty document is a Null node.
bool parse(std::string_view text, FileId file, json::Node& out, json::ParseError& error,
           const ParseOptions& opts = {});

} // namespace tenet::yaml
