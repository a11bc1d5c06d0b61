// Attribute values of the JSON model: plain JSON and annotated objects, built straight
// from parse events (no DOM) into the model's arena.
//
// Provenance: the first value of a run (an attribute, a stack entry) opens a scope
// with one Provenance (its position in the model file). Plain values nested in it share
// that ProvId; an annotated object gets its own, filled in when the object closes
// (`$source`, `$state` and `$refs` may come in any order), and the plain values inside
// its `$value` share it, so they derive from the same inputs.
#include "json_model_values.h"

#include "tenet/model/interner.h"

#include <algorithm>

namespace tenet::model_json {

const StrObj* InternCache::get(std::string_view s) {
    uint32_t h = hash_bytes(s);
    const StrObj*& slot = slots_[h & (kSlots - 1)];
    if (slot && slot->hash == h && slot->view() == s) return slot;
    slot = intern(s);
    return slot;
}

namespace {

constexpr uint8_t bit(uint8_t m) {
    return static_cast<uint8_t>(1u << m);
}

bool member_of(std::string_view k, uint8_t& member) {
    if (k.size() < 2 || k[0] != '$') return false;
    std::string_view n = k.substr(1);
    if (n == "value")
        member = 1;
    else if (n == "unknown")
        member = 2;
    else if (n == "source")
        member = 3;
    else if (n == "state")
        member = 4;
    else if (n == "refs")
        member = 5;
    else if (n == "pointer")
        member = 6;
    else
        return false;
    return true;
}

bool parse_state(std::string_view s, ValueState& out) {
    if (s == "explicit")
        out = ValueState::Explicit;
    else if (s == "default")
        out = ValueState::Default;
    else if (s == "unknown")
        out = ValueState::Unknown;
    else if (s == "computed")
        out = ValueState::Computed;
    else
        return false;
    return true;
}

bool is_identifier(std::string_view k) {
    if (k.empty() || (k[0] >= '0' && k[0] <= '9')) return false;
    for (char c : k)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    return true;
}

} // namespace

void append_path_key(std::string& path, std::string_view key) {
    if (is_identifier(key)) {
        if (!path.empty()) path += '.';
        path += key;
    } else {
        path += '[';
        json::append_quoted(path, key);
        path += ']';
    }
}

void ValueBuilder::start(ValueRun run) {
    run_ = run;
    done_ = false;
    result_ = Value();
    frames_.clear();
    values_.clear();
    keys_.clear();
    refs_.clear();
    location_ = SourceLoc{};
}

bool ValueBuilder::fail(SourceLoc loc, std::string message) {
    error_.loc = loc;
    error_.message = std::move(message);
    return false;
}

ProvId ValueBuilder::new_prov(SourceLoc loc) {
    Provenance p;
    p.loc = loc;
    return model_.add_provenance(p);
}

ProvId ValueBuilder::prov_for_scalar(SourceLoc loc) {
    if (!frames_.empty()) return frames_.back().prov;
    return run_.scope ? new_prov(loc) : 0;
}

bool ValueBuilder::wants_location() const {
    if (frames_.empty()) return run_.location;
    const Frame& f = frames_.back();
    return f.kind == FrameKind::Annotated && f.member == Member::Source;
}

bool ValueBuilder::null_value(SourceLoc loc) {
    if (in_location() || wants_location()) return location_string({}, loc);
    return deliver(Value::null(prov_for_scalar(loc)), loc);
}

bool ValueBuilder::bool_value(bool b, SourceLoc loc) {
    if (in_location() || wants_location()) return location_string({}, loc);
    return deliver(Value::boolean(b, prov_for_scalar(loc)), loc);
}

bool ValueBuilder::number_value(double n, SourceLoc loc) {
    if (in_location()) {
        std::string message;
        return locations_.number_value(n, message) || location_error(loc, message);
    }
    if (wants_location()) return location_string({}, loc);
    return deliver(Value::number(n, prov_for_scalar(loc)), loc);
}

bool ValueBuilder::string_value(std::string_view s, SourceLoc loc) {
    if (in_location()) {
        std::string message;
        return locations_.string_value(s, message) || location_error(loc, message);
    }
    if (wants_location()) return location_string(s, loc);
    return deliver(Value::string(strings_.get(s), prov_for_scalar(loc)), loc);
}

// A location written as a string (or, for any other scalar, the error saying how to write one).
bool ValueBuilder::location_string(std::string_view s, SourceLoc loc) {
    SourceLoc out;
    std::string message = "expected \"file:line:column\" or {\"file\", \"line\", \"column\"}";
    if (in_location() || s.empty() || !locations_.from_string(s, out, message))
        return location_error(loc, message);
    if (frames_.empty()) {
        location_ = out;
        done_ = true;
    } else {
        frames_.back().source = out;
    }
    return true;
}

bool ValueBuilder::location_error(SourceLoc loc, const std::string& message) {
    return fail(loc,
                (run_.location && frames_.size() <= 1 ? "`source`: " : "`$source`: ") + message);
}

bool ValueBuilder::end_location() {
    SourceLoc out, at = frames_.back().loc;
    std::string message;
    if (!locations_.end(out, message)) return location_error(at, message);
    frames_.pop_back();
    if (frames_.empty()) {
        location_ = out;
        done_ = true;
    } else {
        frames_.back().source = out;
    }
    return true;
}

void ValueBuilder::open_frame(FrameKind kind, bool scope_root, ProvId prov, SourceLoc loc) {
    Frame& f = frames_.emplace_back();
    f.kind = kind;
    f.scope_root = scope_root;
    f.prov = prov;
    f.loc = loc;
    f.values_begin = static_cast<uint32_t>(values_.size());
    f.keys_begin = static_cast<uint32_t>(keys_.size());
}

bool ValueBuilder::begin_array(SourceLoc loc) {
    if (in_location() || wants_location()) return location_string({}, loc);
    bool root = frames_.empty() && run_.scope;
    ProvId p = root ? new_prov(loc) : (frames_.empty() ? 0 : frames_.back().prov);
    open_frame(FrameKind::List, root, p, loc);
    return true;
}

bool ValueBuilder::begin_object(SourceLoc loc) {
    if (in_location()) return location_string({}, loc);
    if (wants_location()) {
        open_frame(FrameKind::Location, false, 0, loc);
        locations_.begin();
        return true;
    }
    bool root = frames_.empty() && run_.scope;
    ProvId p = root ? new_prov(loc) : (frames_.empty() ? 0 : frames_.back().prov);
    open_frame(FrameKind::Pending, root, p, loc);
    return true;
}

bool ValueBuilder::key(std::string_view k, SourceLoc loc) {
    Frame& f = frames_.back();
    if (f.kind == FrameKind::Location) {
        std::string message;
        return locations_.key(k, message) || location_error(loc, message);
    }
    uint8_t member = 0;
    bool annotation = member_of(k, member);
    if (f.kind == FrameKind::Pending) {
        // The first key decides: an annotation key makes an annotated value.
        f.kind = annotation ? FrameKind::Annotated : FrameKind::Map;
        if (annotation && !f.scope_root) f.prov = new_prov(f.loc);
    }
    if (f.kind == FrameKind::Map) {
        if (annotation)
            return fail(
                loc,
                "`" + std::string(k) +
                    "` cannot be mixed with attribute keys (an annotated value has only $-keys)");
        keys_.push_back(strings_.get(k));
        return true;
    }
    if (!annotation)
        return fail(loc, "unexpected key `" + std::string(k) +
                             "` in an annotated value (expected $value, $unknown, $source, $state, "
                             "$refs or $pointer)");
    if (f.seen & bit(member))
        return fail(loc, "duplicate `" + std::string(k) + "` in an annotated value");
    f.seen |= bit(member);
    f.member = static_cast<Member>(member);
    return true;
}

bool ValueBuilder::end_array() {
    Frame f = frames_.back();
    frames_.pop_back();
    const ListObj* list =
        model_.arena.make_list(std::span<const Value>(values_).subspan(f.values_begin));
    values_.resize(f.values_begin);
    return deliver(Value::list(list, f.prov), f.loc);
}

bool ValueBuilder::end_object() {
    Frame& f = frames_.back();
    if (f.kind == FrameKind::Location) return end_location();
    if (f.kind == FrameKind::Annotated) {
        if (!close_annotated(f)) return false;
        Value v = f.unknown ? Value::unknown(f.unknown, f.prov) : f.value.with_prov(f.prov);
        SourceLoc loc = f.loc;
        frames_.pop_back();
        return deliver(v, loc);
    }
    Value v = Value::map(build_map(f.keys_begin, f.values_begin), f.prov);
    SourceLoc loc = f.loc;
    frames_.pop_back();
    return deliver(v, loc);
}

// The map of the members from keys_begin and values_begin on, in MapObj order (by key
// hash, then bytes; a repeated key keeps its last value). Done here rather than by
// Arena::make_map to avoid its temporary vectors: maps are most of a model's objects.
const MapObj* ValueBuilder::build_map(size_t keys_begin, size_t values_begin) {
    entries_.clear();
    for (size_t i = keys_begin, j = values_begin; i < keys_.size(); ++i, ++j)
        entries_.push_back({keys_[i], values_[j]});
    keys_.resize(keys_begin);
    values_.resize(values_begin);
    return make_map(entries_);
}

const MapObj* ValueBuilder::make_map(std::vector<MapEntry>& entries) {
    if (entries.empty()) return empty_map();
    auto before = [](const MapEntry& a, const MapEntry& b) {
        if (a.key->hash != b.key->hash) return a.key->hash < b.key->hash;
        return a.key->view() < b.key->view();
    };
    std::stable_sort(entries.begin(), entries.end(), before);
    size_t n = 0;
    for (const MapEntry& e : entries) {
        if (n > 0 && entries[n - 1].key == e.key) // keys are interned: same key, same pointer
            entries[n - 1] = e;
        else
            entries[n++] = e;
    }
    void* p = model_.arena.allocate(sizeof(MapObj) + n * sizeof(MapEntry));
    auto* m = static_cast<MapObj*>(p);
    m->size = static_cast<uint32_t>(n);
    m->pad_ = 0;
    std::copy_n(entries.begin(), n, reinterpret_cast<MapEntry*>(m + 1));
    return m;
}

// Completes the provenance of an annotated object and composes its unknown reason.
bool ValueBuilder::close_annotated(Frame& f) {
    bool has_value = f.seen & bit(1), has_unknown = f.seen & bit(2);
    if (has_value == has_unknown)
        return fail(f.loc, has_value ? "an annotated value has both `$value` and `$unknown`"
                                     : "an annotated value needs `$value` or `$unknown`");
    Provenance& p = model_.provenance[f.prov];
    if (f.seen & bit(3)) p.loc = f.source;
    p.pointer = f.pointer;
    p.state = f.has_state ? f.state : (has_unknown ? ValueState::Unknown : ValueState::Explicit);
    p.refs_begin = static_cast<uint32_t>(model_.ref_pool.size());
    p.refs_count = f.refs_count;
    for (uint32_t i = 0; i < f.refs_count; ++i) model_.ref_pool.push_back(refs_[f.refs_begin + i]);
    if (has_unknown) {
        std::string reason = reason_subject();
        reason += ": ";
        // A model written by Tenet itself already carries the full reason.
        std::string_view given = f.unknown->view();
        if (given.substr(0, reason.size()) != reason || run_.subject.empty()) {
            reason += given;
            f.unknown = model_.arena.make_string(reason); // unique per input: not worth interning
        }
    }
    return true;
}

// "<subject><path>" for the annotated object on top of the frame stack, e.g.
// "aws_s3_bucket_server_side_encryption_configuration.c.rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id".
std::string ValueBuilder::reason_subject() const {
    std::string s(run_.subject);
    for (size_t i = 0; i + 1 < frames_.size(); ++i) {
        const Frame& f = frames_[i];
        const Frame& child = frames_[i + 1];
        if (f.kind == FrameKind::List) {
            s += '[' + std::to_string(child.values_begin - f.values_begin) + ']';
        } else if (f.kind == FrameKind::Map) {
            append_path_key(s, keys_[child.keys_begin - 1]->view());
        }
    }
    return s;
}

bool ValueBuilder::deliver(Value v, SourceLoc loc) {
    if (frames_.empty()) {
        result_ = v;
        done_ = true;
        return true;
    }
    Frame& f = frames_.back();
    if (f.kind == FrameKind::Annotated) return take_annotation(f, v, loc);
    values_.push_back(v);
    return true;
}

bool ValueBuilder::take_annotation(Frame& f, Value v, SourceLoc loc) {
    switch (f.member) {
    case Member::Value:
        f.value = v;
        return true;
    case Member::Unknown:
        if (!v.is(Kind::String))
            return fail(loc, "`$unknown` must be a string: the reason the value is unknown");
        f.unknown = v.as_string();
        return true;
    case Member::Source:
        break; // read by location_string() and end_location()
    case Member::State:
        if (!v.is(Kind::String) || !parse_state(v.as_view(), f.state))
            return fail(
                loc,
                "`$state` must be one of \"explicit\", \"default\", \"unknown\", \"computed\"");
        f.has_state = true;
        return true;
    case Member::Refs:
        if (!v.is(Kind::List))
            return fail(loc, "`$refs` must be a list of strings such as \"var.name\"");
        f.refs_begin = static_cast<uint32_t>(refs_.size());
        for (const Value& r : v.as_list()->span()) {
            if (!r.is(Kind::String) || r.as_string()->size == 0)
                return fail(loc,
                            "`$refs` must be a list of non-empty strings such as \"var.name\"");
            refs_.push_back(r.as_string());
        }
        f.refs_count = static_cast<uint32_t>(refs_.size()) - f.refs_begin;
        return true;
    case Member::Pointer:
        if (!v.is(Kind::String))
            return fail(loc, "`$pointer` must be a string (a JSON pointer or construct path)");
        f.pointer = v.as_string();
        return true;
    case Member::None:
        break;
    }
    return fail(loc, "internal error: annotation value without a key");
}

} // namespace tenet::model_json
