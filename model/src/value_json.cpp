// JSON text <-> Value, for json_decode/json_encode, parameter overrides and reports.
#include "tenet/model/value_json.h"

#include "tenet/common/json.h"
#include "tenet/model/interner.h"

#include <algorithm>
#include <vector>

namespace tenet {

namespace {

// Builds Values from parse events with one value stack shared by all open containers.
class ValueBuilder final : public json::Handler {
  public:
    ValueBuilder(Arena& arena, bool intern_strings) : arena_(arena), intern_(intern_strings) {}

    bool out_of_memory() const { return oom_; }
    Value result() const { return values_.empty() ? Value() : values_.back(); }

    bool null_value(SourceLoc) override { return push(Value::null()); }
    bool bool_value(bool b, SourceLoc) override { return push(Value::boolean(b)); }
    bool number_value(double n, SourceLoc) override { return push(Value::number(n)); }
    bool string_value(std::string_view s, SourceLoc) override {
        const StrObj* str = make_string(s);
        return str && push(Value::string(str));
    }
    bool begin_array(SourceLoc) override {
        open_.push_back({values_.size(), keys_.size()});
        return true;
    }
    bool begin_object(SourceLoc) override {
        open_.push_back({values_.size(), keys_.size()});
        return true;
    }
    bool key(std::string_view k, SourceLoc) override {
        const StrObj* str = make_string(k);
        if (!str) return false;
        keys_.push_back(str);
        return true;
    }
    bool end_array() override {
        Open o = open_.back();
        open_.pop_back();
        const ListObj* list =
            arena_.make_list(std::span<const Value>(values_).subspan(o.values_begin));
        values_.resize(o.values_begin);
        return list ? push(Value::list(list)) : fail_oom();
    }
    bool end_object() override {
        Open o = open_.back();
        open_.pop_back();
        entries_.clear();
        for (size_t i = o.keys_begin, j = o.values_begin; i < keys_.size(); ++i, ++j)
            entries_.push_back({keys_[i], values_[j]});
        keys_.resize(o.keys_begin);
        values_.resize(o.values_begin);
        const MapObj* map = arena_.make_map(entries_);
        return map ? push(Value::map(map)) : fail_oom();
    }

  private:
    struct Open {
        size_t values_begin;
        size_t keys_begin;
    };
    const StrObj* make_string(std::string_view s) {
        const StrObj* str = intern_ ? intern(s) : arena_.make_string(s);
        if (!str) fail_oom();
        return str;
    }
    bool push(Value v) {
        values_.push_back(v);
        return true;
    }
    bool fail_oom() {
        oom_ = true;
        return false;
    }

    Arena& arena_;
    bool intern_;
    bool oom_ = false;
    std::vector<Value> values_;
    std::vector<const StrObj*> keys_;
    std::vector<Open> open_;
    std::vector<MapEntry> entries_;
};

void append_json(std::string& out, const Value& v) {
    switch (v.kind()) {
    case Kind::Null:
        out.append("null");
        return;
    case Kind::Bool:
        out.append(v.as_bool() ? "true" : "false");
        return;
    case Kind::Number:
        json::append_number(out, v.as_number());
        return;
    case Kind::String:
        json::append_quoted(out, v.as_view());
        return;
    case Kind::List: {
        out.push_back('[');
        bool first = true;
        for (const Value& item : v.as_list()->span()) {
            if (!first) out.push_back(',');
            first = false;
            append_json(out, item);
        }
        out.push_back(']');
        return;
    }
    case Kind::Map: {
        // Entries are stored in hash order; output is sorted by name so it is stable to read.
        std::vector<const MapEntry*> sorted;
        for (const MapEntry& e : v.as_map()->span()) sorted.push_back(&e);
        std::sort(sorted.begin(), sorted.end(), [](const MapEntry* a, const MapEntry* b) {
            return a->key->view() < b->key->view();
        });
        out.push_back('{');
        bool first = true;
        for (const MapEntry* e : sorted) {
            if (!first) out.push_back(',');
            first = false;
            json::append_quoted(out, e->key->view());
            out.push_back(':');
            append_json(out, e->value);
        }
        out.push_back('}');
        return;
    }
    case Kind::Resource:
        out.append("{\"$resource\":");
        json::append_number(out, v.resource_index());
        out.push_back('}');
        return;
    case Kind::Unknown:
        out.append("{\"$unknown\":");
        json::append_quoted(out,
                            v.unknown_reason() ? v.unknown_reason()->view() : std::string_view());
        out.push_back('}');
        return;
    }
}

} // namespace

bool json_to_value(std::string_view text, Arena& arena, Value& out, std::string& error,
                   bool intern_strings) {
    ValueBuilder builder(arena, intern_strings);
    json::ParseError perr;
    if (!json::parse_events(text, 0, builder, perr)) {
        if (builder.out_of_memory())
            error = "the JSON value is too large for the memory cap";
        else
            error = std::to_string(perr.loc.line) + ":" + std::to_string(perr.loc.column) + ": " +
                    perr.message;
        return false;
    }
    out = builder.result();
    return true;
}

std::string value_to_json(const Value& v) {
    std::string out;
    append_json(out, v);
    return out;
}

std::string value_to_display(const Value& v) {
    switch (v.kind()) {
    case Kind::String:
        return std::string(v.as_view());
    case Kind::Unknown:
        return "unknown (" +
               std::string(v.unknown_reason() ? v.unknown_reason()->view() : std::string_view()) +
               ")";
    default:
        return value_to_json(v);
    }
}

} // namespace tenet
