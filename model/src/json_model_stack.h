// The stack entity of the JSON model: validating a document's "stack" object and
// merging it into Model::stack. Internal to the model loader (json_model.cpp).
#pragma once

#include "tenet/model/model.h"

#include <string>
#include <vector>

namespace tenet::model_json {

// Merges `stack` (a Map, or Null when the document has none) into model.stack, which
// always ends up a Map with "frontend", "files" and the five sections "variables",
// "parameters", "outputs", "providers", "modules" (each a map keyed by name; a later
// entry with the same name replaces an earlier one). `files` are the source files the
// document named; they make up "files" unless the stack lists its own.
void merge_stack(Model& model, const SourceManager& sm, const Value& stack,
                 const std::vector<FileId>& files, const StrObj* default_frontend,
                 std::vector<std::string>& errors);

} // namespace tenet::model_json
