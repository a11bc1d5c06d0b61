// Merging a model document's "stack" object into Model::stack.
#include "json_model_stack.h"

#include "tenet/model/interner.h"

#include <array>
#include <string_view>

namespace tenet::model_json {

namespace {

constexpr std::array<std::string_view, 5> kSections = {"variables", "parameters", "outputs",
                                                       "providers", "modules"};

const Value* member(const Value& map, std::string_view key) {
    return map.is(Kind::Map) ? map.as_map()->find(key) : nullptr;
}

void append_entries(const Value* section, std::vector<MapEntry>& out) {
    if (section && section->is(Kind::Map))
        for (const MapEntry& e : section->as_map()->span()) out.push_back(e);
}

void append_file(std::vector<Value>& files, const Value& name) {
    for (const Value& f : files)
        if (values_equal(f, name)) return;
    files.push_back(name);
}

} // namespace

void merge_stack(Model& model, const SourceManager& sm, const Value& stack,
                 const std::vector<FileId>& files, const StrObj* default_frontend,
                 std::vector<std::string>& errors) {
    Value doc = stack;
    if (!doc.is_null() && !doc.is(Kind::Map)) {
        errors.push_back(
            "`stack` must be an object with frontend, variables, parameters, outputs, providers, "
            "modules, files");
        doc = Value();
    }
    for (const MapEntry& e :
         doc.is(Kind::Map) ? doc.as_map()->span() : std::span<const MapEntry>()) {
        std::string_view k = e.key->view();
        bool section = false;
        for (auto s : kSections) section |= k == s;
        if (section && !e.value.is(Kind::Map))
            errors.push_back("stack `" + std::string(k) + "` must be an object keyed by name");
        else if (k == "frontend" && !e.value.is(Kind::String))
            errors.push_back("stack `frontend` must be a string");
        else if (k == "files" && !(e.value.is(Kind::List) && [&] {
                     for (const Value& f : e.value.as_list()->span())
                         if (!f.is(Kind::String)) return false;
                     return true;
                 }()))
            errors.push_back("stack `files` must be a list of file names");
        else if (!section && k != "frontend" && k != "files")
            errors.push_back(
                "unknown stack key `" + std::string(k) +
                "` (expected frontend, variables, parameters, outputs, providers, modules, files)");
    }

    const Value& old = model.stack;
    std::vector<MapEntry> top;
    for (auto name : kSections) {
        std::vector<MapEntry> entries;
        append_entries(member(old, name), entries);
        append_entries(member(doc, name), entries); // later files replace earlier entries
        top.push_back({intern(name), Value::map(model.arena.make_map(entries))});
    }
    const Value* frontend = member(doc, "frontend");
    if (!frontend || !frontend->is(Kind::String)) frontend = member(old, "frontend");
    top.push_back({intern("frontend"), frontend && frontend->is(Kind::String)
                                           ? *frontend
                                           : Value::string(default_frontend)});
    std::vector<Value> names;
    if (const Value* f = member(old, "files"); f && f->is(Kind::List))
        for (const Value& v : f->as_list()->span()) append_file(names, v);
    const Value* listed = member(doc, "files");
    if (listed && listed->is(Kind::List)) {
        for (const Value& v : listed->as_list()->span())
            if (v.is(Kind::String)) append_file(names, v);
    } else {
        for (FileId id : files) append_file(names, Value::string(intern(sm.path(id))));
    }
    top.push_back({intern("files"), Value::list(model.arena.make_list(names))});
    model.stack = Value::map(model.arena.make_map(top));
}

} // namespace tenet::model_json
