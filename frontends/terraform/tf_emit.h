// From evaluated Terraform values to the Model: resources with provenance on every
// value, unknowns with "<address>.<path>: <reason>", references, and the stack entity.
#pragma once

#include <string>
#include <vector>

#include "tenet/model/builder.h"
#include "tf_instance.h"

namespace tenet::tf {

class Emitter {
public:
    Emitter(ModelBuilder& b, std::string frontend) : b_(b), frontend_(std::move(frontend)) {}

    // `subject` names the value in unknown reasons ("aws_s3_bucket.b.tags"); `pointer`
    // is the CDKTF construct path (empty for HCL).
    Value convert(const ValPtr& v, const Refs& inherited, const std::string& subject, const std::string& pointer);
    void resources(const std::vector<ResourceInstance>& list);
    void stack(ModuleInstance& root, const Loader& loader);

private:
    Value entry(const std::vector<std::pair<std::string, Value>>& fields, SourceLoc loc);

    ModelBuilder& b_;
    std::string frontend_;
};

// Whether a provenance ref names a resource or data source (possibly inside modules)
// rather than a variable, local value or module output.
bool is_resource_ref(std::string_view ref);

} // namespace tenet::tf
