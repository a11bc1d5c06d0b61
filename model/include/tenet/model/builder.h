// ModelBuilder: what every loader (the JSON model and each frontend) uses to put
// resources, values with provenance, references and stack entries into a Model.
// It interns strings, records provenance, composes unknown reasons consistently
// ("<address>.<path>: <reason>"), and resolves references by address once every file
// of a scan is loaded.
#pragma once

#include "tenet/model/model.h"

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tenet {

class ModelBuilder {
  public:
    explicit ModelBuilder(Model& model) : model_(model) {}

    Model& model() { return model_; }

    // ---- provenance
    // `refs` are what the value derives from: "var.environment_suffix",
    // "param.EnvironmentSuffix", "aws_kms_key.main.arn", "MyKey.Arn".
    ProvId prov(SourceLoc loc, ValueState state = ValueState::Explicit,
                std::span<const std::string> refs = {}, std::string_view pointer = {});
    // A provenance with the same refs as `refs_of` (0: none), sharing its slice of the
    // model's ref pool: for the values of a tree that inherit their parent's refs, without
    // interning or storing the refs again.
    ProvId prov_sharing_refs(ProvId refs_of, SourceLoc loc, ValueState state = ValueState::Explicit,
                             std::string_view pointer = {});
    // As prov, with refs the caller has already interned (no hashing or lookups again).
    ProvId prov_interned(SourceLoc loc, ValueState state, std::span<const StrObj* const> refs,
                         std::string_view pointer = {});

    // ---- values (strings interned, containers in the model's arena)
    const StrObj* key(std::string_view s);
    Value str(std::string_view s, ProvId p = 0);
    Value num(double n, ProvId p = 0) { return Value::number(n, p); }
    Value boolean(bool b, ProvId p = 0) { return Value::boolean(b, p); }
    Value null(ProvId p = 0) { return Value::null(p); }
    Value list(std::span<const Value> items, ProvId p = 0);
    // Keys are interned here; a repeated key keeps the last value.
    Value map(const std::vector<std::pair<std::string, Value>>& entries, ProvId p = 0);
    Value map(std::vector<MapEntry>& entries, ProvId p = 0); // keys must already be interned
    // An unknown whose reason reads "<subject>: <reason>", e.g.
    // unknown("aws_s3_bucket.b.kms_master_key_id", "known after apply").
    Value unknown(std::string_view subject, std::string_view reason, ProvId p = 0);

    // ---- resources and references
    uint32_t add_resource(Resource r);
    // Records that attribute `attribute` of resource `from` refers to `target`, an
    // expression naming a resource ("aws_kms_key.main.arn", "module.x.aws_s3_bucket.b[\"k\"].id",
    // "MyBucket.Arn"). Resolved by resolve_references(): the longest prefix of `target`
    // that is a resource address, cut at `.` or `[`, becomes a ReferenceEdge.
    void add_reference(uint32_t from, std::string_view attribute, std::string_view target);
    // Resolves pending references, then calls Model::finalize(). Returns how many
    // references named no known resource (they stay provenance refs only).
    size_t resolve_references();

    // ---- the stack entity: section is "variables", "parameters", "outputs",
    // "providers" or "modules"; later entries with the same name replace earlier ones.
    void stack_entry(std::string_view section, std::string_view name, Value value);
    void stack_field(std::string_view name, Value value); // "frontend", "files", ...
    // Builds Model::stack from the entries so far (call after loading, before finalize).
    void build_stack();

  private:
    struct Pending {
        uint32_t from;
        const StrObj* attribute;
        std::string target;
    };
    Model& model_;
    std::vector<Pending> pending_;
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, Value>>>> sections_;
    // Per section, name -> position in its entries (stack_entry replaces in place).
    std::vector<std::unordered_map<std::string, size_t>> section_index_;
    std::vector<std::pair<std::string, Value>> fields_;
    // Member names recur (every bucket has `bucket` and `tags`): key() finds them here,
    // without the process-wide interner's lock. Views of interned strings, never freed.
    std::unordered_map<std::string_view, const StrObj*> keys_;
};

} // namespace tenet
