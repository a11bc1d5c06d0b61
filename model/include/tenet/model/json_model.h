// Loading the documented JSON model ("tenet-model/1", see docs/model.md) into a Model.
#pragma once

#include "tenet/common/source.h"
#include "tenet/model/model.h"

#include <string>
#include <vector>

namespace tenet {

struct ModelError {
    SourceLoc loc;
    std::string message;
};

// Adds the resources, edges and stack entries of file `file` (already in `sm`) to
// `model`. Errors are appended to `errors` with their location; a resource with an
// error is skipped, the others still load. Returns false when the document as a
// whole could not be read (invalid JSON, wrong format version). Call
// model.finalize() once every file is loaded.
bool load_json_model(SourceManager& sm, FileId file, Model& model, std::vector<ModelError>& errors);

} // namespace tenet
