// Building model Values from a parsed json::Doc (compact elements), shared by the Terraform plan
// and state loaders and the Pulumi loader (which includes this header from ../plan/).
//
// Every value gets provenance from a hook (where it sits: its JSON pointer and its
// attribute path), so each loader decides its own locations, refs and states. A
// parallel "unknown mask" (Terraform's after_unknown: `true` marks an unknown leaf,
// objects and arrays descend) turns masked places into unknown Values, including
// places the value tree does not have at all.
#pragma once

#include "tenet/common/json.h"
#include "tenet/model/builder.h"

#include <string>
#include <string_view>
#include <vector>

namespace tenet::plan {

// Attribute paths as used in unknown reasons and lookups: `.name` for identifier
// keys, `["key"]` for others, `[3]` for list indices; the root is "".
void append_path_key(std::string& path, std::string_view key);
void append_path_index(std::string& path, size_t index);
// JSON pointer (RFC 6901) segments: `~` -> `~0`, `/` -> `~1`.
void append_pointer(std::string& pointer, std::string_view segment);
void append_pointer_index(std::string& pointer, size_t index);
// The first step of an attribute path as a key: `.rule[0].x` -> `rule`, `["a.b"].c` -> `a.b`.
std::string top_attribute(std::string_view path);
// `prefix` is `path` or a prefix of it that ends where a path step ends.
bool is_path_prefix(std::string_view prefix, std::string_view path);

// Where a value sits. `node` is null for a place that only the unknown mask names.
struct ElemSite {
    const json::Elem* node = nullptr;
    const std::string& pointer;
    const std::string& path;
    const json::Elem* mask = nullptr; // the mask node at this place, if any
    const std::string& mask_pointer;
};

// Reads the compact json::Doc the plan, state and Pulumi loaders parse into.
class ElemValueBuilder {
  public:
    using Site = ElemSite;
    explicit ElemValueBuilder(ModelBuilder& b) : b_(b) {}
    virtual ~ElemValueBuilder() = default;

    // The value of `node` (may be null when `mask` names the place), at JSON pointer
    // `pointer` and attribute path `path`. `subject` prefixes unknown reasons
    // ("<subject><path>: <reason>").
    Value build(const json::Elem* node, const std::string& pointer, const std::string& path,
                const json::Elem* mask = nullptr, const std::string& mask_pointer = {});
    void set_subject(std::string subject) { subject_ = std::move(subject); }
    const std::string& subject() const { return subject_; }

  protected:
    virtual ProvId provenance(const Site& site, ValueState state) = 0;
    // A replacement for the value at `site` (sentinels, secrets); false to convert normally.
    virtual bool replace(const Site&, Value&) { return false; }
    // Whether an object member whose value is null is kept.
    virtual bool keep_null(const Site&) { return true; }
    // Why a masked place is unknown.
    virtual std::string_view unknown_reason() const { return "known after apply"; }

    Value unknown_at(const Site& site, std::string_view reason);
    ModelBuilder& b_;

  private:
    Value build_object(const Site& site);
    Value build_array(const Site& site);
    std::string subject_;
};

// A JSON scalar, array or object as a plain Value (no provenance), e.g. a constant.
Value plain_value(ModelBuilder& b, const json::Elem& node);

} // namespace tenet::plan
