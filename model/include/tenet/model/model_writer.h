// Writing a Model back as "tenet-model/1" JSON (docs/model.md): what `tenet normalize`
// prints. The output loads again with --model, so a normalized model can be saved,
// diffed, or handed to another tool.
#pragma once

#include "tenet/model/model.h"

#include <string>

namespace tenet {

struct ModelWriteOptions {
    bool provenance = true; // annotate values with $source / $state / $refs where known
    bool canonical = true;  // include each resource's canonical view ("canonical": {...})
};

std::string write_json_model(const Model& model, const ModelWriteOptions& opts = {});

} // namespace tenet
