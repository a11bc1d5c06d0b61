// Test support for the JSON-document frontends (plan, state, Pulumi): load one
// document into a fresh Model and look at resources, attributes, refs and relations.
#pragma once

#include "tenet/frontends/frontend.h"
#include "tenet/model/interner.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <sstream>

namespace tenet::testing {

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

using DocumentLoader =
    std::function<bool(SourceManager&, FileId, ModelBuilder&, std::vector<ModelError>&)>;

struct LoadedDocument {
    SourceManager sm;
    Model model;
    ModelBuilder b{model};
    std::vector<ModelError> errors;
    FileId file = 0;
    bool ok = false;

    LoadedDocument(const std::string& path, const std::string& text, const DocumentLoader& load) {
        model.sources = &sm;
        file = sm.add(path, text);
        ok = load(sm, file, b, errors);
        b.build_stack();
        b.resolve_references();
    }

    int64_t index(std::string_view address) const { return model.find_address(address); }
    const Resource& res(std::string_view address) const {
        int64_t i = index(address);
        INFO(address);
        REQUIRE(i >= 0);
        return model.resources[static_cast<size_t>(i)];
    }
    // Steps through maps by key and lists by "#index".
    Value at(Value v, std::initializer_list<std::string_view> steps) const {
        for (auto s : steps) {
            if (!s.empty() && s[0] == '#') {
                REQUIRE(v.is(Kind::List));
                size_t i = std::stoul(std::string(s.substr(1)));
                REQUIRE(i < v.as_list()->size);
                v = v.as_list()->items()[i];
            } else {
                REQUIRE(v.is(Kind::Map));
                const Value* m = v.as_map()->find(s);
                if (!m) return Value::null();
                v = *m;
            }
        }
        return v;
    }
    Value attr(std::string_view address, std::initializer_list<std::string_view> steps) const {
        return at(res(address).native, steps);
    }
    std::vector<std::string> refs(Value v) const {
        std::vector<std::string> out;
        for (auto* r : model.refs(model.prov(v.prov()))) out.emplace_back(r->view());
        return out;
    }
    // Addresses of the resources of `type` whose `attribute` refers to `to`.
    std::vector<std::string> incoming(std::string_view to, std::string_view type,
                                      std::string_view attribute) const {
        std::vector<std::string> out;
        int64_t i = index(to);
        REQUIRE(i >= 0);
        for (uint32_t from :
             model.relations.incoming(static_cast<uint32_t>(i), intern(type), intern(attribute)))
            out.emplace_back(model.resources[from].address->view());
        return out;
    }
};

} // namespace tenet::testing
