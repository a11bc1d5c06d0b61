// The "tenet-model/1" loader (format in docs/model.md). It reads parse events (no
// DOM): the document structure (format, stack, resources and their fields) is walked
// here, and every value is built by ValueBuilder. A resource with an error is skipped
// and the others still load; nothing is added to the model when the document as a
// whole cannot be read.
#include "tenet/model/json_model.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "json_model_stack.h"
#include "json_model_values.h"
#include "tenet/common/json.h"
#include "tenet/model/interner.h"

namespace tenet {

namespace {

using model_json::InternCache;
using model_json::SourceFiles;
using model_json::ValueBuilder;
using model_json::ValueRun;

constexpr std::string_view kFormat = "tenet-model/1";

enum class Ev : uint8_t { Null, Bool, Number, String, BeginArray, EndArray, BeginObject, Key, EndObject };

struct Event {
    Ev type = Ev::Null;
    SourceLoc loc;
    bool b = false;
    double n = 0;
    std::string_view s;
    bool begins() const { return type == Ev::BeginArray || type == Ev::BeginObject; }
    bool ends() const { return type == Ev::EndArray || type == Ev::EndObject; }
};

Event event(Ev type, SourceLoc loc, std::string_view s = {}) {
    Event e;
    e.type = type;
    e.loc = loc;
    e.s = s;
    return e;
}

struct PendingResource {
    Resource r;
    SourceLoc json_loc;      // where the resource object starts in the model file
    bool bad = false;
    bool has_source = false;
    bool address_late = false; // attributes came before the address: unknown reasons need it prefixed
    std::vector<MapEntry> attributes;
    std::vector<MapEntry> canonical; // a canonical view written by `tenet normalize`
    bool has_canonical = false;
    std::vector<std::pair<const StrObj*, const StrObj*>> refs; // (top-level attribute, target)
};

struct LoadedResource {
    Resource r;
    SourceLoc json_loc;
    std::vector<std::pair<const StrObj*, const StrObj*>> refs;
};

// Where the reader is in the document.
enum class At : uint8_t { Root, Top, Resources, Resource, Attributes, Value, Skip, End };

class Reader final : public json::Handler {
public:
    Reader(SourceManager& sm, FileId file, Model& model, std::vector<ModelError>& errors)
        : sm_(sm), file_(file), model_(model), errors_(errors), files_(sm, file),
          builder_(model, strings_, files_) {}

    bool null_value(SourceLoc loc) override { return on(event(Ev::Null, loc)); }
    bool bool_value(bool b, SourceLoc loc) override {
        Event e = event(Ev::Bool, loc);
        e.b = b;
        return on(e);
    }
    bool number_value(double n, SourceLoc loc) override {
        Event e = event(Ev::Number, loc);
        e.n = n;
        return on(e);
    }
    bool string_value(std::string_view s, SourceLoc loc) override { return on(event(Ev::String, loc, s)); }
    bool begin_array(SourceLoc loc) override { return on(event(Ev::BeginArray, loc)); }
    bool end_array() override { return on(event(Ev::EndArray, {})); }
    bool begin_object(SourceLoc loc) override { return on(event(Ev::BeginObject, loc)); }
    bool key(std::string_view k, SourceLoc loc) override { return on(event(Ev::Key, loc, k)); }
    bool end_object() override { return on(event(Ev::EndObject, {})); }

    // After a successful parse: checks the format and adds everything to the model.
    bool finish();

private:
    bool on(const Event& e);
    bool forward(const Event& e);
    void on_top(const Event& e);
    void on_resources(const Event& e);
    void on_resource(const Event& e);
    void on_attributes(const Event& e);
    void start_value(const Event& e, ValueRun run, At resume);
    void skip_value(const Event& e, At resume);
    void accept_value(Value v);
    void accept_field(Value v);
    void finish_resource();
    void error(SourceLoc loc, std::string message);

    SourceManager& sm_;
    FileId file_;
    Model& model_;
    std::vector<ModelError>& errors_;
    InternCache strings_;
    SourceFiles files_;
    ValueBuilder builder_;

    At at_ = At::Root;
    At resume_ = At::Top;   // where to return after a value or a skip
    uint32_t depth_ = 0;    // containers open in the document
    uint32_t skip_to_ = 0;  // a skip ends when depth_ comes back to this
    uint32_t value_depth_ = 0;
    SourceLoc value_loc_;
    std::string key_;       // the last key at the top, resource or attributes level
    SourceLoc key_loc_;
    const StrObj* attribute_ = nullptr;
    bool canonical_ = false; // reading `canonical` rather than `attributes`

    bool have_format_ = false;
    std::string format_;
    SourceLoc format_loc_;
    Value stack_;
    SourceLoc stack_loc_;
    PendingResource res_;
    std::vector<LoadedResource> loaded_;
    std::unordered_map<const StrObj*, SourceLoc> addresses_; // this file's, for duplicate checks
};

void Reader::error(SourceLoc loc, std::string message) { errors_.push_back({loc, std::move(message)}); }

bool Reader::on(const Event& e) {
    switch (at_) {
    case At::Skip:
        if (e.begins()) ++depth_;
        if (e.ends() && --depth_ == skip_to_) at_ = resume_;
        return true;
    case At::Value: return forward(e);
    case At::Root:
        if (e.type != Ev::BeginObject) {
            error(e.loc, "a tenet model is a JSON object {\"format\": \"tenet-model/1\", \"stack\": ..., "
                         "\"resources\": [...]}");
            return false;
        }
        depth_ = 1;
        at_ = At::Top;
        return true;
    case At::Top: on_top(e); return true;
    case At::Resources: on_resources(e); return true;
    case At::Resource: on_resource(e); return true;
    case At::Attributes: on_attributes(e); return true;
    case At::End: return true;
    }
    return true;
}

// Hands an event to the value builder; on an error, skips the rest of that value.
bool Reader::forward(const Event& e) {
    bool ok = false;
    switch (e.type) {
    case Ev::Null: ok = builder_.null_value(e.loc); break;
    case Ev::Bool: ok = builder_.bool_value(e.b, e.loc); break;
    case Ev::Number: ok = builder_.number_value(e.n, e.loc); break;
    case Ev::String: ok = builder_.string_value(e.s, e.loc); break;
    case Ev::BeginArray: ok = builder_.begin_array(e.loc); break;
    case Ev::BeginObject: ok = builder_.begin_object(e.loc); break;
    case Ev::Key: ok = builder_.key(e.s, e.loc); break;
    case Ev::EndArray: ok = builder_.end_array(); break;
    case Ev::EndObject: ok = builder_.end_object(); break;
    }
    if (e.begins()) ++depth_;
    if (e.ends()) --depth_;
    if (!ok) {
        error(builder_.error().loc, builder_.error().message);
        if (resume_ == At::Resource || resume_ == At::Attributes) res_.bad = true;
        skip_to_ = value_depth_;
        at_ = depth_ == skip_to_ ? resume_ : At::Skip;
        return true;
    }
    if (builder_.done()) {
        at_ = resume_;
        accept_value(builder_.result());
    }
    return true;
}

void Reader::start_value(const Event& e, ValueRun run, At resume) {
    builder_.start(std::move(run));
    resume_ = resume;
    value_depth_ = depth_;
    value_loc_ = e.loc;
    at_ = At::Value;
    forward(e);
}

void Reader::skip_value(const Event& e, At resume) {
    if (!e.begins()) return; // a scalar is over already
    skip_to_ = depth_;
    ++depth_;
    resume_ = resume;
    at_ = At::Skip;
}

void Reader::on_top(const Event& e) {
    if (e.type == Ev::Key) {
        key_.assign(e.s);
        key_loc_ = e.loc;
        return;
    }
    if (e.type == Ev::EndObject) {
        depth_ = 0;
        at_ = At::End;
        return;
    }
    if (key_ == "format" || key_ == "stack") {
        if (key_ == "stack") stack_loc_ = e.loc;
        start_value(e, ValueRun{key_ == "stack" ? "stack" : "", key_ == "stack"}, At::Top);
    } else if (key_ == "resources") {
        if (e.type == Ev::BeginArray) {
            ++depth_;
            at_ = At::Resources;
            return;
        }
        error(e.loc, "`resources` must be a list of resource objects");
    } else if (key_ == "$schema" || key_ == "$comment") {
        // Tolerated for editors; not part of the model.
    } else {
        error(key_loc_, "unknown top-level key `" + key_ + "` (expected format, stack, resources)");
    }
    if (at_ == At::Top) skip_value(e, At::Top);
}

void Reader::on_resources(const Event& e) {
    if (e.type == Ev::EndArray) {
        --depth_;
        at_ = At::Top;
        return;
    }
    if (e.type != Ev::BeginObject) {
        error(e.loc, "each entry of `resources` must be an object");
        skip_value(e, At::Resources);
        return;
    }
    ++depth_;
    res_ = PendingResource{};
    res_.json_loc = e.loc;
    at_ = At::Resource;
}

void Reader::on_resource(const Event& e) {
    if (e.type == Ev::Key) {
        key_.assign(e.s);
        key_loc_ = e.loc;
        return;
    }
    if (e.type == Ev::EndObject) {
        --depth_;
        finish_resource();
        at_ = At::Resources;
        return;
    }
    if (key_ == "attributes" || key_ == "canonical") {
        if (e.type == Ev::BeginObject) {
            ++depth_;
            canonical_ = key_ == "canonical";
            if (canonical_) res_.has_canonical = true;
            at_ = At::Attributes;
            return;
        }
        error(e.loc, "`" + key_ + "` must be an object mapping attribute names to values");
    } else if (key_ == "address" || key_ == "native_type" || key_ == "type" || key_ == "frontend" ||
               key_ == "provider" || key_ == "source" || key_ == "references") {
        start_value(e, ValueRun{"", false}, At::Resource);
        return;
    } else {
        error(key_loc_, "unknown resource key `" + key_ +
                            "` (expected address, native_type, type, frontend, provider, source, attributes, "
                            "canonical, references)");
    }
    res_.bad = true;
    skip_value(e, At::Resource);
}

void Reader::on_attributes(const Event& e) {
    if (e.type == Ev::Key) {
        attribute_ = strings_.get(e.s);
        return;
    }
    if (e.type == Ev::EndObject) {
        --depth_;
        at_ = At::Resource;
        return;
    }
    std::string subject;
    if (res_.r.address)
        subject.assign(res_.r.address->view());
    else
        res_.address_late = true;
    model_json::append_path_key(subject, attribute_->view());
    start_value(e, ValueRun{std::move(subject), true}, At::Attributes);
}

void Reader::accept_value(Value v) {
    switch (resume_) {
    case At::Top:
        if (key_ == "format") {
            have_format_ = true;
            format_loc_ = value_loc_;
            format_ = v.is(Kind::String) ? std::string(v.as_view()) : std::string();
        } else {
            stack_ = v;
        }
        return;
    case At::Resource: accept_field(v); return;
    case At::Attributes:
        if (canonical_) {
            res_.canonical.push_back({attribute_, v}); // derived values: no reference edges
            return;
        }
        res_.attributes.push_back({attribute_, v});
        for (const StrObj* target : builder_.refs()) res_.refs.push_back({attribute_, target});
        return;
    default: return;
    }
}

bool non_empty_string(const Value& v) { return v.is(Kind::String) && v.as_string()->size > 0; }

void Reader::accept_field(Value v) {
    Resource& r = res_.r;
    auto need_string = [&](const StrObj*& slot, bool nullable) {
        if (non_empty_string(v)) {
            slot = v.as_string();
        } else if (nullable && v.is_null()) {
            slot = nullptr;
        } else {
            error(value_loc_, "`" + key_ + "` must be a non-empty string" + (nullable ? " or null" : ""));
            res_.bad = true;
        }
    };
    if (key_ == "address") {
        need_string(r.address, false);
    } else if (key_ == "native_type") {
        need_string(r.native_type, false);
    } else if (key_ == "type") {
        need_string(r.canonical_type, true);
    } else if (key_ == "frontend") {
        need_string(r.frontend, false);
    } else if (key_ == "provider") {
        need_string(r.provider, true);
    } else if (key_ == "source") {
        std::string message;
        if (builder_.read_source(v, r.loc, message)) {
            res_.has_source = true;
        } else {
            error(value_loc_, "`source`: " + message);
            res_.bad = true;
        }
    } else if (key_ == "references") {
        bool ok = v.is(Kind::List);
        for (const Value& item : ok ? v.as_list()->span() : std::span<const Value>()) {
            const Value* attr = item.is(Kind::Map) ? item.as_map()->find("attribute") : nullptr;
            const Value* target = item.is(Kind::Map) ? item.as_map()->find("target") : nullptr;
            if (!attr || !target || item.as_map()->size != 2 || !non_empty_string(*attr) ||
                !non_empty_string(*target)) {
                ok = false;
                break;
            }
            res_.refs.push_back({attr->as_string(), target->as_string()});
        }
        if (!ok) {
            error(value_loc_, "`references` must be a list of {\"attribute\": NAME, \"target\": ADDRESS}");
            res_.bad = true;
        }
    }
}

// "aws_s3_bucket" -> "aws", "AWS::S3::Bucket" -> "aws", "aws:s3/bucketV2:BucketV2" -> "aws".
const StrObj* provider_of(std::string_view native_type, InternCache& strings) {
    size_t n = 0;
    while (n < native_type.size() && std::isalnum(static_cast<unsigned char>(native_type[n]))) ++n;
    if (n == 0 || n == native_type.size() || (native_type[n] != '_' && native_type[n] != ':')) return nullptr;
    std::string p(native_type.substr(0, n));
    for (char& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return strings.get(p);
}

// Rebuilds `v` with every unknown reason prefixed by the address `prefix` (for a
// resource whose address came after its attributes).
Value prefix_unknowns(const Value& v, std::string_view prefix, Arena& arena, InternCache& strings) {
    switch (v.kind()) {
    case Kind::Unknown: {
        std::string reason(prefix);
        std::string_view rest = v.unknown_reason()->view();
        if (!rest.empty() && rest[0] != '[') reason += '.';
        reason += rest;
        return Value::unknown(strings.get(reason), v.prov());
    }
    case Kind::List: {
        std::vector<Value> items;
        for (const Value& item : v.as_list()->span()) items.push_back(prefix_unknowns(item, prefix, arena, strings));
        return Value::list(arena.make_list(items), v.prov());
    }
    case Kind::Map: {
        std::vector<MapEntry> entries;
        for (const MapEntry& e : v.as_map()->span())
            entries.push_back({e.key, prefix_unknowns(e.value, prefix, arena, strings)});
        return Value::map(arena.make_map(entries), v.prov());
    }
    default: return v;
    }
}

void Reader::finish_resource() {
    Resource& r = res_.r;
    if (res_.bad) return; // its error is reported already
    if (!r.address) {
        error(res_.json_loc, "a resource needs an `address`");
        return;
    }
    if (!r.native_type) {
        error(res_.json_loc, "resource `" + std::string(r.address->view()) + "` needs a `native_type`");
        return;
    }
    auto [it, fresh] = addresses_.emplace(r.address, res_.json_loc);
    if (!fresh) {
        error(res_.json_loc, "duplicate resource address `" + std::string(r.address->view()) + "` (first at line " +
                                 std::to_string(it->second.line) + ")");
        return;
    }
    if (!r.frontend) r.frontend = strings_.get("model");
    if (!r.provider) r.provider = provider_of(r.native_type->view(), strings_);
    if (!res_.has_source) r.loc = res_.json_loc;
    r.native = Value::map(model_.arena.make_map(res_.attributes));
    if (res_.has_canonical) r.canonical = Value::map(model_.arena.make_map(res_.canonical));
    if (res_.address_late) {
        std::string_view prefix = r.address->view();
        r.native = prefix_unknowns(r.native, prefix, model_.arena, strings_);
        if (res_.has_canonical) r.canonical = prefix_unknowns(r.canonical, prefix, model_.arena, strings_);
    }
    loaded_.push_back({r, res_.json_loc, std::move(res_.refs)});
}

// Longest prefix of `target`, cut at `.` or `[`, that is a resource address.
int64_t resolve(std::string_view target, const std::unordered_map<const StrObj*, uint32_t>& by_address) {
    while (!target.empty()) {
        if (const StrObj* s = Interner::global().find(target)) {
            auto it = by_address.find(s);
            if (it != by_address.end()) return it->second;
        }
        size_t cut = target.find_last_of(".[");
        if (cut == std::string_view::npos || cut == 0) break;
        target = target.substr(0, cut);
    }
    return -1;
}

bool Reader::finish() {
    if (!have_format_) {
        error(SourceLoc{file_, 1, 1}, "missing `format` (expected \"tenet-model/1\")");
        return false;
    }
    if (format_ != kFormat) {
        error(format_loc_, "unsupported model format `" + format_ + "` (this version reads \"tenet-model/1\")");
        return false;
    }
    std::unordered_map<const StrObj*, uint32_t> by_address;
    for (uint32_t i = 0; i < model_.resources.size(); ++i)
        if (model_.resources[i].address) by_address.emplace(model_.resources[i].address, i);
    std::vector<int64_t> index_of(loaded_.size(), -1); // model index of each loaded resource
    for (size_t i = 0; i < loaded_.size(); ++i) {
        auto index = static_cast<uint32_t>(model_.resources.size());
        if (!by_address.emplace(loaded_[i].r.address, index).second) {
            error(loaded_[i].json_loc, "duplicate resource address `" + std::string(loaded_[i].r.address->view()) +
                                           "` (already loaded from another file)");
            continue;
        }
        index_of[i] = index;
        model_.resources.push_back(loaded_[i].r);
    }
    std::unordered_map<const StrObj*, int64_t> resolved; // targets repeat: resolve each once
    std::vector<ReferenceEdge> edges;
    for (size_t i = 0; i < loaded_.size(); ++i) {
        if (index_of[i] < 0) continue;
        auto from = static_cast<uint32_t>(index_of[i]);
        for (auto [attribute, target] : loaded_[i].refs) {
            auto [it, fresh] = resolved.emplace(target, -1);
            if (fresh) it->second = resolve(target->view(), by_address);
            if (it->second >= 0 && it->second != from) // a resource naming itself is no relation
                edges.push_back({from, attribute, static_cast<uint32_t>(it->second)});
        }
    }
    auto key = [](const ReferenceEdge& e) { return std::tuple(e.from, e.attribute, e.to); };
    std::sort(edges.begin(), edges.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
    edges.erase(std::unique(edges.begin(), edges.end(), [&](const auto& a, const auto& b) { return key(a) == key(b); }),
                edges.end());
    model_.edges.insert(model_.edges.end(), edges.begin(), edges.end());

    std::vector<std::string> stack_errors;
    const StrObj* default_frontend = loaded_.empty() ? strings_.get("model") : loaded_.front().r.frontend;
    model_json::merge_stack(model_, sm_, stack_, files_.named(), default_frontend, stack_errors);
    for (auto& message : stack_errors) error(stack_loc_.valid() ? stack_loc_ : SourceLoc{file_, 1, 1}, message);
    return true;
}

} // namespace

bool load_json_model(SourceManager& sm, FileId file, Model& model, std::vector<ModelError>& errors) {
    if (!model.sources) model.sources = &sm;
    Reader reader(sm, file, model, errors);
    json::ParseError perr;
    if (!json::parse_events(sm.text(file), file, reader, perr)) {
        if (perr.message != "stopped") errors.push_back({perr.loc, "invalid JSON: " + perr.message});
        return false;
    }
    return reader.finish();
}

} // namespace tenet
