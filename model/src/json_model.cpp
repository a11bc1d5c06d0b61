// The "tenet-model/1" loader (format in docs/model.md). It reads parse events (no
// DOM): the document structure (format, stack, resources and their fields) is walked
// here, and every value is built by ValueBuilder. A resource with an error is skipped
// and the others still load; nothing is added to the model when the document as a
// whole cannot be read.
#include "tenet/model/json_model.h"

#include "json_model_stack.h"
#include "json_model_values.h"
#include "tenet/common/json.h"
#include "tenet/model/interner.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace tenet {

namespace {

using model_json::InternCache;
using model_json::SourceFiles;
using model_json::ValueBuilder;
using model_json::ValueRun;

constexpr std::string_view kFormat = "tenet-model/1";

enum class Ev : uint8_t {
    Null,
    Bool,
    Number,
    String,
    BeginArray,
    EndArray,
    BeginObject,
    Key,
    EndObject
};

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

// The keys of the document structure, classified once when read.
enum class Key : uint8_t {
    Other,
    Format,
    Stack,
    Resources,
    Ignored, // top level ($schema and $comment are ignored)
    Address,
    NativeType,
    Type,
    Frontend,
    Provider,
    Source,
    Attributes,
    Canonical,
    References, // resource
};

Key classify(std::string_view k, bool top) {
    if (top) {
        if (k == "format") return Key::Format;
        if (k == "stack") return Key::Stack;
        if (k == "resources") return Key::Resources;
        if (k == "$schema" || k == "$comment") return Key::Ignored;
        return Key::Other;
    }
    if (k == "address") return Key::Address;
    if (k == "native_type") return Key::NativeType;
    if (k == "type") return Key::Type;
    if (k == "frontend") return Key::Frontend;
    if (k == "provider") return Key::Provider;
    if (k == "source") return Key::Source;
    if (k == "attributes") return Key::Attributes;
    if (k == "canonical") return Key::Canonical;
    if (k == "references") return Key::References;
    return Key::Other;
}

// The resource being read. Its vectors are reused from one resource to the next.
struct PendingResource {
    Resource r;
    SourceLoc json_loc; // where the resource object starts in the model file
    bool bad = false;
    bool has_source = false;
    bool has_canonical = false;
    bool address_late =
        false;             // attributes came before the address: unknown reasons need it prefixed
    size_t refs_begin = 0; // its slice of Reader::refs_
    std::vector<MapEntry> attributes;
    std::vector<MapEntry> canonical; // a canonical view written by `tenet normalize`

    void reset(SourceLoc loc, size_t refs) {
        r = Resource{};
        json_loc = loc;
        bad = has_source = has_canonical = address_late = false;
        refs_begin = refs;
        attributes.clear();
        canonical.clear();
    }
};

struct LoadedResource {
    Resource r;
    SourceLoc json_loc;
};

// A reference from a loaded resource's attribute, resolved once the file is read.
struct PendingRef {
    uint32_t resource; // index into Reader::loaded_
    const StrObj* attribute;
    const StrObj* target;
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
    bool string_value(std::string_view s, SourceLoc loc) override {
        return on(event(Ev::String, loc, s));
    }
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
    At resume_ = At::Top;  // where to return after a value or a skip
    uint32_t depth_ = 0;   // containers open in the document
    uint32_t skip_to_ = 0; // a skip ends when depth_ comes back to this
    uint32_t value_depth_ = 0;
    SourceLoc value_loc_;
    std::string key_; // the last key at the top or resource level
    Key key_kind_ = Key::Other;
    SourceLoc key_loc_;
    std::string subject_; // "<address>.<attribute>" for the attribute being read
    const StrObj* attribute_ = nullptr;
    bool canonical_ = false; // reading `canonical` rather than `attributes`

    bool have_format_ = false;
    std::string format_;
    SourceLoc format_loc_;
    Value stack_;
    SourceLoc stack_loc_;
    PendingResource res_;
    std::vector<LoadedResource> loaded_;
    std::vector<PendingRef> refs_;
};

void Reader::error(SourceLoc loc, std::string message) {
    errors_.push_back({loc, std::move(message)});
}

bool Reader::on(const Event& e) {
    switch (at_) {
    case At::Skip:
        if (e.begins()) ++depth_;
        if (e.ends() && --depth_ == skip_to_) at_ = resume_;
        return true;
    case At::Value:
        return forward(e);
    case At::Root:
        if (e.type != Ev::BeginObject) {
            error(e.loc,
                  "a tenet model is a JSON object {\"format\": \"tenet-model/1\", \"stack\": ..., "
                  "\"resources\": [...]}");
            return false;
        }
        depth_ = 1;
        at_ = At::Top;
        return true;
    case At::Top:
        on_top(e);
        return true;
    case At::Resources:
        on_resources(e);
        return true;
    case At::Resource:
        on_resource(e);
        return true;
    case At::Attributes:
        on_attributes(e);
        return true;
    case At::End:
        return true;
    }
    return true;
}

// Hands an event to the value builder; on an error, skips the rest of that value.
bool Reader::forward(const Event& e) {
    bool ok = false;
    switch (e.type) {
    case Ev::Null:
        ok = builder_.null_value(e.loc);
        break;
    case Ev::Bool:
        ok = builder_.bool_value(e.b, e.loc);
        break;
    case Ev::Number:
        ok = builder_.number_value(e.n, e.loc);
        break;
    case Ev::String:
        ok = builder_.string_value(e.s, e.loc);
        break;
    case Ev::BeginArray:
        ok = builder_.begin_array(e.loc);
        break;
    case Ev::BeginObject:
        ok = builder_.begin_object(e.loc);
        break;
    case Ev::Key:
        ok = builder_.key(e.s, e.loc);
        break;
    case Ev::EndArray:
        ok = builder_.end_array();
        break;
    case Ev::EndObject:
        ok = builder_.end_object();
        break;
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
        key_kind_ = classify(e.s, true);
        key_loc_ = e.loc;
        return;
    }
    if (e.type == Ev::EndObject) {
        depth_ = 0;
        at_ = At::End;
        return;
    }
    if (key_kind_ == Key::Format || key_kind_ == Key::Stack) {
        bool stack = key_kind_ == Key::Stack;
        if (stack) stack_loc_ = e.loc;
        start_value(e, ValueRun{stack ? "stack" : "", stack}, At::Top);
    } else if (key_kind_ == Key::Resources) {
        if (e.type == Ev::BeginArray) {
            ++depth_;
            at_ = At::Resources;
            return;
        }
        error(e.loc, "`resources` must be a list of resource objects");
    } else if (key_kind_ == Key::Ignored) {
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
    res_.reset(e.loc, refs_.size());
    at_ = At::Resource;
}

void Reader::on_resource(const Event& e) {
    if (e.type == Ev::Key) {
        key_.assign(e.s);
        key_kind_ = classify(e.s, false);
        key_loc_ = e.loc;
        return;
    }
    if (e.type == Ev::EndObject) {
        --depth_;
        finish_resource();
        at_ = At::Resources;
        return;
    }
    if (key_kind_ == Key::Attributes || key_kind_ == Key::Canonical) {
        if (e.type == Ev::BeginObject) {
            ++depth_;
            canonical_ = key_kind_ == Key::Canonical;
            if (canonical_) res_.has_canonical = true;
            at_ = At::Attributes;
            return;
        }
        error(e.loc, "`" + key_ + "` must be an object mapping attribute names to values");
    } else if (key_kind_ != Key::Other) {
        start_value(e, ValueRun{"", false, key_kind_ == Key::Source}, At::Resource);
        return;
    } else {
        error(key_loc_,
              "unknown resource key `" + key_ +
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
    subject_.clear();
    if (res_.r.address)
        subject_.assign(res_.r.address->view());
    else
        res_.address_late = true;
    model_json::append_path_key(subject_, attribute_->view());
    start_value(e, ValueRun{subject_, true}, At::Attributes);
}

void Reader::accept_value(Value v) {
    switch (resume_) {
    case At::Top:
        if (key_kind_ == Key::Format) {
            have_format_ = true;
            format_loc_ = value_loc_;
            format_ = v.is(Kind::String) ? std::string(v.as_view()) : std::string();
        } else {
            stack_ = v;
        }
        return;
    case At::Resource:
        accept_field(v);
        return;
    case At::Attributes:
        if (canonical_) {
            res_.canonical.push_back({attribute_, v}); // derived values: no reference edges
            return;
        }
        res_.attributes.push_back({attribute_, v});
        for (const StrObj* target : builder_.refs())
            refs_.push_back({uint32_t(loaded_.size()), attribute_, target});
        return;
    default:
        return;
    }
}

bool non_empty_string(const Value& v) {
    return v.is(Kind::String) && v.as_string()->size > 0;
}

void Reader::accept_field(Value v) {
    Resource& r = res_.r;
    auto need_string = [&](const StrObj*& slot, bool nullable) {
        if (non_empty_string(v)) {
            slot = v.as_string();
        } else if (nullable && v.is_null()) {
            slot = nullptr;
        } else {
            error(value_loc_,
                  "`" + key_ + "` must be a non-empty string" + (nullable ? " or null" : ""));
            res_.bad = true;
        }
    };
    if (key_kind_ == Key::Address) {
        need_string(r.address, false);
    } else if (key_kind_ == Key::NativeType) {
        need_string(r.native_type, false);
    } else if (key_kind_ == Key::Type) {
        need_string(r.canonical_type, true);
    } else if (key_kind_ == Key::Frontend) {
        need_string(r.frontend, false);
    } else if (key_kind_ == Key::Provider) {
        need_string(r.provider, true);
    } else if (key_kind_ == Key::Source) {
        r.loc = builder_.location();
        res_.has_source = true;
    } else if (key_kind_ == Key::References) {
        bool ok = v.is(Kind::List);
        for (const Value& item : ok ? v.as_list()->span() : std::span<const Value>()) {
            const Value* attr = item.is(Kind::Map) ? item.as_map()->find("attribute") : nullptr;
            const Value* target = item.is(Kind::Map) ? item.as_map()->find("target") : nullptr;
            if (!attr || !target || item.as_map()->size != 2 || !non_empty_string(*attr) ||
                !non_empty_string(*target)) {
                ok = false;
                break;
            }
            refs_.push_back({uint32_t(loaded_.size()), attr->as_string(), target->as_string()});
        }
        if (!ok) {
            error(value_loc_,
                  "`references` must be a list of {\"attribute\": NAME, \"target\": ADDRESS}");
            res_.bad = true;
        }
    }
}

// "aws_s3_bucket" -> "aws", "AWS::S3::Bucket" -> "aws", "aws:s3/bucketV2:BucketV2" -> "aws".
const StrObj* provider_of(std::string_view native_type, InternCache& strings) {
    size_t n = 0;
    while (n < native_type.size() && std::isalnum(static_cast<unsigned char>(native_type[n]))) ++n;
    if (n == 0 || n == native_type.size() || (native_type[n] != '_' && native_type[n] != ':'))
        return nullptr;
    std::string p(native_type.substr(0, n));
    for (char& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return strings.get(p);
}

// Rebuilds `v` with every unknown reason prefixed by the address `prefix` (for a
// resource whose address came after its attributes).
Value prefix_unknowns(const Value& v, std::string_view prefix, Arena& arena) {
    switch (v.kind()) {
    case Kind::Unknown: {
        std::string reason(prefix);
        std::string_view rest = v.unknown_reason()->view();
        if (!rest.empty() && rest[0] != '[') reason += '.';
        reason += rest;
        return Value::unknown(arena.make_string(reason), v.prov());
    }
    case Kind::List: {
        std::vector<Value> items;
        for (const Value& item : v.as_list()->span())
            items.push_back(prefix_unknowns(item, prefix, arena));
        return Value::list(arena.make_list(items), v.prov());
    }
    case Kind::Map: {
        std::vector<MapEntry> entries;
        for (const MapEntry& e : v.as_map()->span())
            entries.push_back({e.key, prefix_unknowns(e.value, prefix, arena)});
        return Value::map(arena.make_map(entries), v.prov());
    }
    default:
        return v;
    }
}

void Reader::finish_resource() {
    Resource& r = res_.r;
    bool complete = !res_.bad && r.address && r.native_type;
    if (!res_.bad && !r.address) error(res_.json_loc, "a resource needs an `address`");
    if (!res_.bad && r.address && !r.native_type)
        error(res_.json_loc,
              "resource `" + std::string(r.address->view()) + "` needs a `native_type`");
    if (!complete) {
        refs_.resize(res_.refs_begin); // the skipped resource refers to nothing
        return;
    }
    if (!r.frontend) r.frontend = strings_.get("model");
    if (!r.provider) r.provider = provider_of(r.native_type->view(), strings_);
    if (!res_.has_source) r.loc = res_.json_loc;
    r.native = Value::map(builder_.make_map(res_.attributes));
    if (res_.has_canonical) r.canonical = Value::map(builder_.make_map(res_.canonical));
    if (res_.address_late) {
        std::string_view prefix = r.address->view();
        r.native = prefix_unknowns(r.native, prefix, model_.arena);
        if (res_.has_canonical) r.canonical = prefix_unknowns(r.canonical, prefix, model_.arena);
    }
    loaded_.push_back({r, res_.json_loc});
}

// Longest prefix of `target`, cut at `.` or `[`, that is a resource address.
int64_t resolve(std::string_view target,
                const std::unordered_map<const StrObj*, uint32_t>& by_address) {
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
        error(format_loc_,
              "unsupported model format `" + format_ + "` (this version reads \"tenet-model/1\")");
        return false;
    }
    std::unordered_map<const StrObj*, uint32_t> by_address;
    by_address.reserve(model_.resources.size() + loaded_.size());
    for (uint32_t i = 0; i < model_.resources.size(); ++i)
        if (model_.resources[i].address) by_address.emplace(model_.resources[i].address, i);
    const auto first = static_cast<uint32_t>(model_.resources.size());
    std::vector<int64_t> index_of(loaded_.size(), -1); // model index of each loaded resource
    for (size_t i = 0; i < loaded_.size(); ++i) {
        auto index = static_cast<uint32_t>(model_.resources.size());
        auto [it, fresh] = by_address.emplace(loaded_[i].r.address, index);
        if (!fresh) {
            std::string where =
                it->second >= first
                    ? "first at line " + std::to_string(loaded_[it->second - first].json_loc.line)
                    : "already loaded from another file";
            error(loaded_[i].json_loc, "duplicate resource address `" +
                                           std::string(loaded_[i].r.address->view()) + "` (" +
                                           where + ")");
            continue;
        }
        index_of[i] = index;
        model_.resources.push_back(loaded_[i].r);
    }
    std::unordered_map<const StrObj*, int64_t> resolved; // targets repeat: resolve each once
    std::vector<ReferenceEdge> edges;
    for (const PendingRef& ref : refs_) {
        if (index_of[ref.resource] < 0) continue;
        auto from = static_cast<uint32_t>(index_of[ref.resource]);
        auto [it, fresh] = resolved.emplace(ref.target, -1);
        if (fresh) it->second = resolve(ref.target->view(), by_address);
        if (it->second >= 0 && it->second != from) // a resource naming itself is no relation
            edges.push_back({from, ref.attribute, static_cast<uint32_t>(it->second)});
    }
    auto key = [](const ReferenceEdge& e) { return std::tuple(e.from, e.attribute, e.to); };
    std::sort(edges.begin(), edges.end(),
              [&](const auto& a, const auto& b) { return key(a) < key(b); });
    edges.erase(std::unique(edges.begin(), edges.end(),
                            [&](const auto& a, const auto& b) { return key(a) == key(b); }),
                edges.end());
    model_.edges.insert(model_.edges.end(), edges.begin(), edges.end());

    std::vector<std::string> stack_errors;
    const StrObj* default_frontend =
        loaded_.empty() ? strings_.get("model") : loaded_.front().r.frontend;
    model_json::merge_stack(model_, sm_, stack_, files_.named(), default_frontend, stack_errors);
    for (auto& message : stack_errors)
        error(stack_loc_.valid() ? stack_loc_ : SourceLoc{file_, 1, 1}, message);
    return true;
}

} // namespace

bool load_json_model(SourceManager& sm, FileId file, Model& model,
                     std::vector<ModelError>& errors) {
    if (!model.sources) model.sources = &sm;
    Reader reader(sm, file, model, errors);
    json::ParseError perr;
    if (!json::parse_events(sm.text(file), file, reader, perr)) {
        if (perr.message != "stopped")
            errors.push_back({perr.loc, "invalid JSON: " + perr.message});
        return false;
    }
    return reader.finish();
}

} // namespace tenet
