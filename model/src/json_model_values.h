// Building attribute values of the JSON model ("tenet-model/1") from parse events:
// plain JSON plus annotated objects ({"$value" | "$unknown", "$source", "$state",
// "$refs", "$pointer"}), with provenance, interned strings and unknown reasons that name the input.
// Internal to the model loader (json_model.cpp).
#pragma once

#include "json_model_source.h"
#include "tenet/common/json.h"
#include "tenet/model/model.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tenet::model_json {

// Interning through a small direct-mapped cache: model strings repeat a lot (keys,
// types, enum-like values), and the cache skips the global interner's lock and hash table.
class InternCache {
  public:
    const StrObj* get(std::string_view s);

  private:
    static constexpr size_t kSlots = 8192;
    std::vector<const StrObj*> slots_ = std::vector<const StrObj*>(kSlots, nullptr);
};

// Appends `key` to an attribute path: ".key" for identifiers, `["key"]` otherwise.
void append_path_key(std::string& path, std::string_view key);

// What a value run is: the subject its unknown reasons start with, and whether its
// first value opens a provenance scope (attributes and stack values do; fields such as
// `source` do not need provenance).
struct ValueRun {
    std::string_view subject; // "aws_s3_bucket.b.kms_master_key_id"; "" when not yet known
    bool scope = true;
    bool location = false; // the value is a source location (the resource's `source`)
};

struct BuildError {
    SourceLoc loc;
    std::string message;
};

// Receives the parse events of one value at a time (start() .. done()).
class ValueBuilder {
  public:
    ValueBuilder(Model& model, InternCache& strings, SourceFiles& files)
        : model_(model), strings_(strings), locations_(files) {}

    void start(ValueRun run);
    bool done() const { return done_; }
    Value result() const { return result_; }
    SourceLoc location() const { return location_; } // of a location run
    // Every `$refs` entry met in the value (interned, possibly repeated).
    const std::vector<const StrObj*>& refs() const { return refs_; }
    // Containers open inside the current value (for skipping after an error).
    size_t depth() const { return frames_.size(); }
    const BuildError& error() const { return error_; }

    // A map in MapObj order in the model's arena (interned keys; a repeated key keeps
    // its last value). `entries` is sorted in place.
    const MapObj* make_map(std::vector<MapEntry>& entries);

    // The parse events; false means an error (see error()).
    bool null_value(SourceLoc loc);
    bool bool_value(bool b, SourceLoc loc);
    bool number_value(double n, SourceLoc loc);
    bool string_value(std::string_view s, SourceLoc loc);
    bool begin_array(SourceLoc loc);
    bool begin_object(SourceLoc loc);
    bool key(std::string_view k, SourceLoc loc);
    bool end_array();
    bool end_object();

  private:
    enum class FrameKind : uint8_t { List, Map, Pending, Annotated, Location };
    enum class Member : uint8_t { None, Value, Unknown, Source, State, Refs, Pointer };
    struct Frame {
        FrameKind kind = FrameKind::List;
        bool scope_root = false; // `prov` was made for this container
        Member member = Member::None;
        ProvId prov = 0; // what plain values inside take
        SourceLoc loc;   // where the container starts
        uint32_t values_begin = 0;
        uint32_t keys_begin = 0;
        // Annotated objects only.
        uint8_t seen = 0; // bit per Member
        Value value;
        const StrObj* unknown = nullptr;
        const StrObj* pointer = nullptr;
        SourceLoc source;
        ValueState state = ValueState::Explicit;
        bool has_state = false;
        uint32_t refs_begin = 0; // this object's own `$refs`, a slice of refs_
        uint32_t refs_count = 0;
    };

    void open_frame(FrameKind kind, bool scope_root, ProvId prov, SourceLoc loc);
    ProvId new_prov(SourceLoc loc);
    ProvId prov_for_scalar(SourceLoc loc);
    bool deliver(Value v, SourceLoc loc);
    bool take_annotation(Frame& f, Value v, SourceLoc loc);
    bool in_location() const {
        return !frames_.empty() && frames_.back().kind == FrameKind::Location;
    }
    bool wants_location() const; // the next object is a source location
    bool location_string(std::string_view s, SourceLoc loc);
    bool end_location();
    bool location_error(SourceLoc loc, const std::string& message);
    const MapObj* build_map(size_t keys_begin, size_t values_begin);
    bool close_annotated(Frame& f);
    std::string reason_subject() const;
    bool fail(SourceLoc loc, std::string message);

    Model& model_;
    InternCache& strings_;
    LocationReader locations_;
    SourceLoc location_;
    ValueRun run_; // its subject lives in the caller's buffer for the whole run
    bool done_ = false;
    Value result_;
    std::vector<Frame> frames_;
    std::vector<Value> values_;
    std::vector<const StrObj*> keys_;
    std::vector<MapEntry> entries_;
    std::vector<const StrObj*> refs_;
    BuildError error_;
};

} // namespace tenet::model_json
