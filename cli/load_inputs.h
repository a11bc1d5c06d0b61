// Loading what a command scans: positional paths (any frontend, detected) and
// --model files (the tenet JSON model), into one Model. Input errors are collected as
// "file:line:column: message" lines; whatever loaded is kept.
#pragma once

#include "tenet/common/source.h"
#include "tenet/frontends/frontend.h"
#include "tenet/model/model.h"

#include <string>
#include <vector>

namespace tenet::cli {

struct InputOptions {
    std::vector<std::string> paths;  // files or folders, any frontend
    std::vector<std::string> models; // --model: tenet-model/1 JSON files
    FrontendOptions frontend;
};

// Returns the number of inputs loaded. Calls ModelBuilder::resolve_references, so the
// model is finalized (ready for Engine::normalize).
size_t load_inputs(SourceManager& sm, const InputOptions& opts, Model& model,
                   std::vector<std::string>& input_errors);
// The same, with the errors as they come (for callers that place them themselves).
size_t load_inputs(SourceManager& sm, const InputOptions& opts, Model& model,
                   std::vector<ModelError>& errors);

} // namespace tenet::cli
