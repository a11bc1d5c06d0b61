// The normalized resource model: resources with attributes, provenance for every
// value, reference edges indexed for relation queries, and the stack entity.
#pragma once

#include "tenet/common/source.h"
#include "tenet/model/arena.h"
#include "tenet/model/chunked_vector.h"
#include "tenet/model/value.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace tenet {

// How a value came to be.
enum class ValueState : uint8_t {
    Explicit, // written in the source
    Default,  // filled in from the provider's documented default
    Unknown,  // known only after apply (the Value is Kind::Unknown and says why)
    Computed, // derived by a mapping or expression
};

const char* value_state_name(ValueState s);

// Where a value was written and what it derives from. Stored once in
// Model::provenance; a Value points at it by ProvId.
struct Provenance {
    SourceLoc loc; // file/line/column in the IaC source (file ids are Model::sources)
    ValueState state = ValueState::Explicit;
    const StrObj* pointer =
        nullptr; // JSON pointer or construct path, when that is the best we have
    // What the value derives from: "var.environment_suffix", "aws_kms_key.main.arn",
    // "param.EnvironmentSuffix". Interned strings; a slice of Model::ref_pool.
    uint32_t refs_begin = 0;
    uint32_t refs_count = 0;
};

struct Resource {
    const StrObj* address = nullptr;     // aws_s3_bucket.b["logs"], MyBucket, urn:pulumi:...
    const StrObj* native_type = nullptr; // aws_s3_bucket, AWS::S3::Bucket, aws:s3/bucketV2:BucketV2
    const StrObj* canonical_type =
        nullptr;                      // s3_bucket once mapped (or given by the model); may be null
    const StrObj* frontend = nullptr; // terraform, cloudformation, cdk, cdktf, pulumi, model
    const StrObj* provider = nullptr; // aws
    Value native;                     // Map of native attributes
    Value canonical;                  // Map of canonical attributes (Null until mapped)
    SourceLoc loc;                    // where the resource is declared
};

// A reference from one resource's attribute to another resource.
struct ReferenceEdge {
    uint32_t from;           // resource index
    const StrObj* attribute; // top-level attribute of `from` that holds the reference
    uint32_t to;             // resource index
};

// Answers "the resources of type T whose attribute A refers to resource R" by lookup.
class RelationIndex {
  public:
    void build(const std::vector<Resource>& resources, const std::vector<ReferenceEdge>& edges);
    // `type` matches a source's native or canonical type. Result is sorted by index.
    std::span<const uint32_t> incoming(uint32_t to, const StrObj* type,
                                       const StrObj* attribute) const;

  private:
    struct Key {
        uint32_t to;
        const StrObj* type;
        const StrObj* attribute;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const;
    };
    std::unordered_map<Key, std::vector<uint32_t>, KeyHash> map_;
};

class Model {
  public:
    Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;
    Model(Model&&) = default;
    Model& operator=(Model&&) = default;

    Arena arena;
    SourceManager* sources = nullptr; // file ids in provenance refer to this (not owned)
    std::vector<Resource> resources;
    ChunkedVector<Provenance> provenance; // [0] is "none"
    std::vector<const StrObj*> ref_pool;
    std::vector<ReferenceEdge> edges;
    RelationIndex relations;
    // The stack entity: a Map with "variables", "parameters", "outputs", "providers",
    // "modules" (each a map keyed by name), "frontend", "files".
    Value stack;

    ProvId add_provenance(const Provenance& p);
    const Provenance& prov(ProvId id) const { return provenance[id]; }
    std::span<const StrObj* const> refs(const Provenance& p) const {
        return {ref_pool.data() + p.refs_begin, p.refs_count};
    }
    // Resource indices by native or canonical type (a resource appears under both).
    std::span<const uint32_t> of_type(const StrObj* type) const;
    // Rebuilds the type index and the relation index; call after adding resources,
    // edges, or canonical views.
    void finalize();
    // Rebuilds the address index alone (all that find_address and resolve_reference read).
    void index_addresses();
    // The address lookup used to resolve references: -1 when absent.
    int64_t find_address(std::string_view address) const;
    // The resource a reference names ("aws_kms_key.k.arn", "MyKey.Arn", a URN): the longest
    // prefix of `ref`, cut before a `.` or `[`, that is an address; -1 when none is.
    int64_t resolve_reference(std::string_view ref) const;

  private:
    std::unordered_map<const StrObj*, std::vector<uint32_t>> by_type_;
    std::unordered_map<const StrObj*, uint32_t> by_address_;
};

} // namespace tenet
