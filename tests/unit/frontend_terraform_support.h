// Test helpers for the Terraform frontend: write a module tree into a fresh temporary
// directory, load it, and read values of the resulting model by path.
#pragma once

#include "tenet/frontends/frontend.h"
#include "tenet/model/builder.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tftest {

using namespace tenet;

struct Loaded {
    SourceManager sm;
    Model model;
    std::vector<ModelError> errors;
    std::string dir;
    bool temporary = false; // written by load(): removed with the result

    Loaded() = default;
    Loaded(const Loaded&) = delete;
    Loaded& operator=(const Loaded&) = delete;
    ~Loaded() {
        std::error_code ec;
        if (temporary) std::filesystem::remove_all(dir, ec);
    }
};

inline std::string fresh_dir() {
    static int counter = 0;
    auto dir = std::filesystem::temp_directory_path() /
               ("tenet_tf_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

inline std::unique_ptr<Loaded> load_dir(const std::string& dir, const FrontendOptions& opts = {},
                                        FrontendKind as = FrontendKind::Terraform) {
    auto l = std::make_unique<Loaded>();
    l->dir = dir;
    l->model.sources = &l->sm;
    ModelBuilder b(l->model);
    load_terraform_module(l->sm, dir, b, l->errors, opts, as);
    b.build_stack();
    b.resolve_references();
    return l;
}

inline std::unique_ptr<Loaded> load(const std::map<std::string, std::string>& files,
                                    const FrontendOptions& opts = {}) {
    std::string dir = fresh_dir();
    for (const auto& [name, text] : files) {
        auto p = std::filesystem::path(dir) / name;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p) << text;
    }
    auto l = load_dir(dir, opts);
    l->temporary = true;
    return l;
}

inline const Resource* resource(const Loaded& l, std::string_view address) {
    for (const Resource& r : l.model.resources)
        if (r.address->view() == address) return &r;
    return nullptr;
}

// "a.b[0].c" inside a map value.
inline Value at(Value v, std::string_view path) {
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '.') ++i;
        if (path[i] == '[') {
            size_t close = path.find(']', i);
            size_t n = std::stoul(std::string(path.substr(i + 1, close - i - 1)));
            if (!v.is(Kind::List) || n >= v.as_list()->size) return Value::null();
            v = v.as_list()->items()[n];
            i = close + 1;
            continue;
        }
        size_t end = path.find_first_of(".[", i);
        std::string_view key =
            path.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
        if (!v.is(Kind::Map)) return Value::null();
        const Value* m = v.as_map()->find(key);
        if (!m) return Value::null();
        v = *m;
        i = end == std::string_view::npos ? path.size() : end;
    }
    return v;
}

inline Value attr(const Loaded& l, std::string_view address, std::string_view path) {
    const Resource* r = resource(l, address);
    if (!r) return Value::null();
    return at(r->native, path);
}

inline std::string str(const Value& v) {
    return v.is(Kind::String) ? std::string(v.as_view()) : "<not a string>";
}
inline std::string reason(const Value& v) {
    return v.is(Kind::Unknown) ? std::string(v.unknown_reason()->view()) : "<not unknown>";
}

inline std::vector<std::string> refs(const Loaded& l, const Value& v) {
    std::vector<std::string> out;
    for (const StrObj* s : l.model.refs(l.model.prov(v.prov()))) out.emplace_back(s->view());
    return out;
}

inline bool has_ref(const Loaded& l, const Value& v, std::string_view ref) {
    for (const std::string& r : refs(l, v))
        if (r == ref) return true;
    return false;
}

inline bool has_edge_to(const Loaded& l, std::string_view from, std::string_view to) {
    for (const ReferenceEdge& e : l.model.edges)
        if (l.model.resources[e.from].address->view() == from &&
            l.model.resources[e.to].address->view() == to)
            return true;
    return false;
}

inline std::string errors_text(const Loaded& l) {
    std::string s;
    for (const ModelError& e : l.errors)
        s += std::to_string(e.loc.line) + ":" + std::to_string(e.loc.column) + ": " + e.message +
             "\n";
    return s;
}

} // namespace tftest
