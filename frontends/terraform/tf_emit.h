// From evaluated Terraform values to the Model: resources with provenance on every
// value, unknowns with "<address>.<path>: <reason>", references, and the stack entity.
#pragma once

#include "tenet/model/builder.h"
#include "tf_instance.h"

#include <string>
#include <vector>

namespace tenet::tf {

class Emitter {
  public:
    Emitter(ModelBuilder& b, std::string frontend) : b_(b), frontend_(std::move(frontend)) {}

    // Where a value sits, as a chain built on the stack: its text ("aws_s3_bucket.b.tags[0]")
    // is only needed for unknown reasons.
    struct Path {
        const Path* parent;
        std::string_view key; // a member name, or empty for a list element
        size_t index;
        // Appends its text ("aws_s3_bucket.b.tags[0]") to `out`.
        void append_to(std::string& out) const;
    };
    // `pointer` is the CDKTF construct path (empty for HCL). `inherited_prov` is a
    // provenance whose refs are `inherited` (0 when they are empty): a value that adds no
    // refs of its own shares that provenance's refs.
    Value convert(const ValPtr& v, const Refs& inherited, ProvId inherited_prov, const Path& path,
                  const std::string& pointer);
    Value convert(const ValPtr& v, const Refs& inherited, const std::string& subject,
                  const std::string& pointer) {
        return convert(v, inherited,
                       inherited.empty() ? 0
                                         : prov(SourceLoc{}, ValueState::Explicit, inherited, {}),
                       Path{nullptr, subject, 0}, pointer);
    }
    // Releases each instance's values once they are in the model, so that the evaluated
    // trees shrink while the model grows.
    void resources(std::deque<ResourceInstance>& list);
    void stack(ModuleInstance& root, const Loader& loader);

  private:
    ProvId prov(SourceLoc loc, ValueState state, const Refs& refs, std::string_view pointer);
    Value entry(const std::vector<std::pair<std::string, Value>>& fields, SourceLoc loc);

    ModelBuilder& b_;
    std::string frontend_;
    std::vector<const StrObj*> refs_scratch_;
    std::string path_scratch_;
};

// Whether a provenance ref names a resource or data source (possibly inside modules)
// rather than a variable, local value or module output.
bool is_resource_ref(std::string_view ref);

} // namespace tenet::tf
