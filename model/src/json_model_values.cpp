// Attribute values of the JSON model: plain JSON and annotated objects, built straight
// from parse events (no DOM) into the model's arena.
//
// Provenance: the first value of a run (an attribute, a stack entry) opens a scope
// with one Provenance (its position in the model file). Plain values nested in it share
// that ProvId; an annotated object gets its own, filled in when the object closes
// (`$source`, `$state` and `$refs` may come in any order), and the plain values inside
// its `$value` share it, so they derive from the same inputs.
#include "json_model_values.h"

#include <charconv>

#include "tenet/model/interner.h"

namespace tenet::model_json {

const StrObj* InternCache::get(std::string_view s) {
    uint32_t h = hash_bytes(s);
    const StrObj*& slot = slots_[h & (kSlots - 1)];
    if (slot && slot->hash == h && slot->view() == s) return slot;
    slot = intern(s);
    return slot;
}

SourceFiles::SourceFiles(SourceManager& sm, FileId model_file) : sm_(sm) {
    const std::string& path = sm.path(model_file);
    size_t slash = path.rfind('/');
    if (slash != std::string::npos) dir_ = path.substr(0, slash + 1);
}

FileId SourceFiles::id(std::string_view name) {
    std::string key(name);
    auto it = ids_.find(key);
    if (it != ids_.end()) return it->second;
    std::string path = (!name.empty() && name[0] == '/') ? key : dir_ + key;
    FileId id = sm_.add(path, "");
    ids_.emplace(std::move(key), id);
    order_.push_back(id);
    return id;
}

namespace {

constexpr uint8_t bit(uint8_t m) { return static_cast<uint8_t>(1u << m); }

bool member_of(std::string_view k, uint8_t& member) {
    if (k.size() < 2 || k[0] != '$') return false;
    std::string_view n = k.substr(1);
    if (n == "value") member = 1;
    else if (n == "unknown") member = 2;
    else if (n == "source") member = 3;
    else if (n == "state") member = 4;
    else if (n == "refs") member = 5;
    else if (n == "pointer") member = 6;
    else return false;
    return true;
}

bool parse_state(std::string_view s, ValueState& out) {
    if (s == "explicit") out = ValueState::Explicit;
    else if (s == "default") out = ValueState::Default;
    else if (s == "unknown") out = ValueState::Unknown;
    else if (s == "computed") out = ValueState::Computed;
    else return false;
    return true;
}

bool is_identifier(std::string_view k) {
    if (k.empty() || (k[0] >= '0' && k[0] <= '9')) return false;
    for (char c : k)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    return true;
}

bool positive_integer(const Value* v, uint32_t& out) {
    if (!v || !v->is(Kind::Number)) return false;
    double n = v->as_number();
    if (!(n >= 1 && n <= 4294967295.0) || n != static_cast<double>(static_cast<uint32_t>(n))) return false;
    out = static_cast<uint32_t>(n);
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
    run_ = std::move(run);
    done_ = false;
    result_ = Value();
    frames_.clear();
    values_.clear();
    keys_.clear();
    refs_.clear();
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

bool ValueBuilder::null_value(SourceLoc loc) { return deliver(Value::null(prov_for_scalar(loc)), loc); }

bool ValueBuilder::bool_value(bool b, SourceLoc loc) { return deliver(Value::boolean(b, prov_for_scalar(loc)), loc); }

bool ValueBuilder::number_value(double n, SourceLoc loc) {
    return deliver(Value::number(n, prov_for_scalar(loc)), loc);
}

bool ValueBuilder::string_value(std::string_view s, SourceLoc loc) {
    return deliver(Value::string(strings_.get(s), prov_for_scalar(loc)), loc);
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
    bool root = frames_.empty() && run_.scope;
    ProvId p = root ? new_prov(loc) : (frames_.empty() ? 0 : frames_.back().prov);
    open_frame(FrameKind::List, root, p, loc);
    return true;
}

bool ValueBuilder::begin_object(SourceLoc loc) {
    bool root = frames_.empty() && run_.scope;
    ProvId p = root ? new_prov(loc) : (frames_.empty() ? 0 : frames_.back().prov);
    open_frame(FrameKind::Pending, root, p, loc);
    return true;
}

bool ValueBuilder::key(std::string_view k, SourceLoc loc) {
    Frame& f = frames_.back();
    uint8_t member = 0;
    bool annotation = member_of(k, member);
    if (f.kind == FrameKind::Pending) {
        // The first key decides: an annotation key makes an annotated value.
        f.kind = annotation ? FrameKind::Annotated : FrameKind::Map;
        if (annotation && !f.scope_root) f.prov = new_prov(f.loc);
    }
    if (f.kind == FrameKind::Map) {
        if (annotation)
            return fail(loc, "`" + std::string(k) +
                                 "` cannot be mixed with attribute keys (an annotated value has only $-keys)");
        keys_.push_back(strings_.get(k));
        return true;
    }
    if (!annotation)
        return fail(loc, "unexpected key `" + std::string(k) +
                             "` in an annotated value (expected $value, $unknown, $source, $state, $refs or $pointer)");
    if (f.seen & bit(member)) return fail(loc, "duplicate `" + std::string(k) + "` in an annotated value");
    f.seen |= bit(member);
    f.member = static_cast<Member>(member);
    return true;
}

bool ValueBuilder::end_array() {
    Frame f = frames_.back();
    frames_.pop_back();
    const ListObj* list = model_.arena.make_list(std::span<const Value>(values_).subspan(f.values_begin));
    values_.resize(f.values_begin);
    return deliver(Value::list(list, f.prov), f.loc);
}

bool ValueBuilder::end_object() {
    Frame& f = frames_.back();
    if (f.kind == FrameKind::Annotated) {
        if (!close_annotated(f)) return false;
        Value v = f.unknown ? Value::unknown(f.unknown, f.prov) : f.value.with_prov(f.prov);
        SourceLoc loc = f.loc;
        frames_.pop_back();
        return deliver(v, loc);
    }
    entries_.clear();
    for (size_t i = f.keys_begin, j = f.values_begin; i < keys_.size(); ++i, ++j)
        entries_.push_back({keys_[i], values_[j]});
    keys_.resize(f.keys_begin);
    values_.resize(f.values_begin);
    Value v = Value::map(model_.arena.make_map(entries_), f.prov);
    SourceLoc loc = f.loc;
    frames_.pop_back();
    return deliver(v, loc);
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
            f.unknown = strings_.get(reason);
        }
    }
    return true;
}

// "<subject><path>" for the annotated object on top of the frame stack, e.g.
// "aws_s3_bucket_server_side_encryption_configuration.c.rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id".
std::string ValueBuilder::reason_subject() const {
    std::string s = run_.subject;
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
    case Member::Value: f.value = v; return true;
    case Member::Unknown:
        if (!v.is(Kind::String)) return fail(loc, "`$unknown` must be a string: the reason the value is unknown");
        f.unknown = v.as_string();
        return true;
    case Member::Source: {
        std::string message;
        if (!read_source(v, f.source, message)) return fail(loc, "`$source`: " + message);
        return true;
    }
    case Member::State:
        if (!v.is(Kind::String) || !parse_state(v.as_view(), f.state))
            return fail(loc, "`$state` must be one of \"explicit\", \"default\", \"unknown\", \"computed\"");
        f.has_state = true;
        return true;
    case Member::Refs:
        if (!v.is(Kind::List)) return fail(loc, "`$refs` must be a list of strings such as \"var.name\"");
        f.refs_begin = static_cast<uint32_t>(refs_.size());
        for (const Value& r : v.as_list()->span()) {
            if (!r.is(Kind::String) || r.as_string()->size == 0)
                return fail(loc, "`$refs` must be a list of non-empty strings such as \"var.name\"");
            refs_.push_back(r.as_string());
        }
        f.refs_count = static_cast<uint32_t>(refs_.size()) - f.refs_begin;
        return true;
    case Member::Pointer:
        if (!v.is(Kind::String)) return fail(loc, "`$pointer` must be a string (a JSON pointer or construct path)");
        f.pointer = v.as_string();
        return true;
    case Member::None: break;
    }
    return fail(loc, "internal error: annotation value without a key");
}

bool ValueBuilder::read_source(const Value& v, SourceLoc& out, std::string& message) {
    if (v.is(Kind::String)) {
        // "file:line:column" or "file:line"; the file may itself contain `:`.
        std::string_view s = v.as_view();
        uint32_t nums[2] = {0, 0};
        int count = 0;
        while (count < 2) {
            size_t colon = s.rfind(':');
            if (colon == std::string_view::npos) break;
            std::string_view tail = s.substr(colon + 1);
            uint32_t n = 0;
            auto r = std::from_chars(tail.data(), tail.data() + tail.size(), n);
            if (tail.empty() || r.ec != std::errc() || r.ptr != tail.data() + tail.size() || n == 0) break;
            nums[count++] = n;
            s = s.substr(0, colon);
        }
        if (count == 0 || s.empty()) {
            message = "expected \"file:line:column\" or {\"file\", \"line\", \"column\"}";
            return false;
        }
        out = SourceLoc{files_.id(s), count == 2 ? nums[1] : nums[0], count == 2 ? nums[0] : 1};
        return true;
    }
    if (!v.is(Kind::Map)) {
        message = "expected \"file:line:column\" or {\"file\", \"line\", \"column\"}";
        return false;
    }
    const MapObj* m = v.as_map();
    for (const MapEntry& e : m->span()) {
        std::string_view k = e.key->view();
        if (k != "file" && k != "line" && k != "column") {
            message = "unexpected key `" + std::string(k) + "` (expected file, line, column)";
            return false;
        }
    }
    const Value* file = m->find("file");
    if (!file || !file->is(Kind::String) || file->as_string()->size == 0) {
        message = "`file` must be a non-empty string";
        return false;
    }
    uint32_t line = 0, column = 1;
    if (!positive_integer(m->find("line"), line)) {
        message = "`line` must be a whole number of at least 1";
        return false;
    }
    if (m->find("column") && !positive_integer(m->find("column"), column)) {
        message = "`column` must be a whole number of at least 1";
        return false;
    }
    out = SourceLoc{files_.id(file->as_view()), line, column};
    return true;
}

} // namespace tenet::model_json
