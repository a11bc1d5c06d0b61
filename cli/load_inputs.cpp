#include "load_inputs.h"

#include "cli_common.h"
#include "tenet/model/builder.h"
#include "tenet/model/json_model.h"

#include <fmt/format.h>

namespace tenet::cli {

namespace {

std::string format_error(const SourceManager& sm, const ModelError& e) {
    if (!e.loc.valid() || e.loc.file == 0 || e.loc.file >= sm.size()) return e.message;
    return fmt::format("{}:{}:{}: {}", sm.path(e.loc.file), e.loc.line, e.loc.column, e.message);
}

} // namespace

size_t load_inputs(SourceManager& sm, const InputOptions& opts, Model& model,
                   std::vector<std::string>& input_errors) {
    std::vector<ModelError> errors;
    size_t loaded = load_inputs(sm, opts, model, errors);
    for (const ModelError& e : errors) input_errors.push_back(format_error(sm, e));
    return loaded;
}

size_t load_inputs(SourceManager& sm, const InputOptions& opts, Model& model,
                   std::vector<ModelError>& errors) {
    model.sources = &sm;
    ModelBuilder builder(model);
    size_t loaded = 0;
    for (const std::string& path : opts.models) {
        std::string text, error;
        if (!read_file(path, text, error)) {
            errors.push_back({SourceLoc{}, error});
            continue;
        }
        FileId id = sm.add(path, std::move(text));
        loaded += load_json_model(sm, id, model, errors);
    }
    bool frontends = false;
    for (const std::string& path : opts.paths) {
        size_t n = load_path(sm, path, builder, errors, opts.frontend);
        loaded += n;
        frontends |= n > 0;
    }
    // The stack entity of a tenet model file is already in place; frontends build theirs.
    if (frontends) builder.build_stack();
    builder.resolve_references();
    return loaded;
}

} // namespace tenet::cli
