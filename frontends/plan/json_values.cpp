#include "json_values.h"

#include <algorithm>

namespace tenet::plan {

namespace {

bool is_identifier(std::string_view key) {
    if (key.empty()) return false;
    auto ident_start = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    };
    if (!ident_start(key[0])) return false;
    for (char c : key)
        if (!ident_start(c) && !(c >= '0' && c <= '9') && c != '-') return false;
    return true;
}

bool mask_true(const json::Elem* mask) {
    return mask && mask->is(json::Type::Bool) && mask->boolean;
}

} // namespace

void append_path_key(std::string& path, std::string_view key) {
    if (is_identifier(key)) {
        path.push_back('.');
        path.append(key);
        return;
    }
    path.append("[\"");
    for (char c : key) {
        if (c == '"' || c == '\\') path.push_back('\\');
        path.push_back(c);
    }
    path.append("\"]");
}

void append_path_index(std::string& path, size_t index) {
    path.push_back('[');
    path.append(std::to_string(index));
    path.push_back(']');
}

void append_pointer(std::string& pointer, std::string_view segment) {
    pointer.push_back('/');
    for (char c : segment) {
        if (c == '~')
            pointer.append("~0");
        else if (c == '/')
            pointer.append("~1");
        else
            pointer.push_back(c);
    }
}

void append_pointer_index(std::string& pointer, size_t index) {
    pointer.push_back('/');
    pointer.append(std::to_string(index));
}

std::string top_attribute(std::string_view path) {
    if (path.starts_with(".")) {
        size_t end = path.find_first_of(".[", 1);
        return std::string(
            path.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
    }
    if (!path.starts_with("[\"")) return {};
    std::string key;
    for (size_t i = 2; i < path.size(); ++i) {
        if (path[i] == '\\' && i + 1 < path.size()) {
            key.push_back(path[++i]);
            continue;
        }
        if (path[i] == '"') break;
        key.push_back(path[i]);
    }
    return key;
}

bool is_path_prefix(std::string_view prefix, std::string_view path) {
    if (!path.starts_with(prefix)) return false;
    return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

Value ElemValueBuilder::unknown_at(const Site& site, std::string_view reason) {
    return b_.unknown(subject_ + site.path, reason, provenance(site, ValueState::Unknown));
}

Value ElemValueBuilder::build(const json::Elem* node, const std::string& pointer,
                              const std::string& path, const json::Elem* mask,
                              const std::string& mask_pointer) {
    Site site{node, pointer, path, mask, mask_pointer};
    Value replaced;
    if (replace(site, replaced)) return replaced;
    if (mask_true(mask)) return unknown_at(site, unknown_reason());
    bool object =
        (node && node->is(json::Type::Object)) || (!node && mask && mask->is(json::Type::Object));
    bool array =
        (node && node->is(json::Type::Array)) || (!node && mask && mask->is(json::Type::Array));
    if (object) return build_object(site);
    if (array) return build_array(site);
    if (!node) return b_.null(provenance(site, ValueState::Computed));
    ProvId p = provenance(site, ValueState::Explicit);
    switch (node->type) {
    case json::Type::Null:
        return b_.null(p);
    case json::Type::Bool:
        return b_.boolean(node->boolean, p);
    case json::Type::Number:
        return b_.num(node->number(), p);
    case json::Type::String:
        return b_.str(node->str(), p);
    default:
        return b_.null(p);
    }
}

Value ElemValueBuilder::build_object(const Site& site) {
    // A mask that is an object while the value is something else (null) still
    // describes the members: build from the mask alone then.
    const json::Elem* node = site.node && site.node->is(json::Type::Object) ? site.node : nullptr;
    const json::Elem* mask = site.mask && site.mask->is(json::Type::Object) ? site.mask : nullptr;
    std::vector<MapEntry> entries;
    std::string pointer, path, mask_pointer;
    auto member = [&](std::string_view key, const json::Elem* child, const json::Elem* child_mask) {
        pointer = site.pointer;
        append_pointer(pointer, key);
        path = site.path;
        append_path_key(path, key);
        mask_pointer = site.mask_pointer;
        if (child_mask) append_pointer(mask_pointer, key);
        if (child && child->is(json::Type::Null) && !mask_true(child_mask)) {
            Site s{child, pointer, path, child_mask, mask_pointer};
            if (!keep_null(s)) return;
        }
        Value v = build(child, pointer, path, child_mask, mask_pointer);
        entries.push_back({b_.key(key), v});
    };
    if (node)
        for (auto& [key, child] : node->members())
            member(key, &child, mask ? mask->get(key) : nullptr);
    if (mask)
        for (auto& [key, child_mask] : mask->members()) {
            if (node && node->get(key)) continue;
            // Only masked places that hold an unknown somewhere are worth adding.
            if (child_mask.is(json::Type::Bool) && !child_mask.boolean) continue;
            member(key, nullptr, &child_mask);
        }
    return b_.map(entries, provenance(site, ValueState::Explicit));
}

Value ElemValueBuilder::build_array(const Site& site) {
    const json::Elem* node = site.node && site.node->is(json::Type::Array) ? site.node : nullptr;
    const json::Elem* mask = site.mask && site.mask->is(json::Type::Array) ? site.mask : nullptr;
    size_t nodes = node ? node->items().size() : 0, masks = mask ? mask->items().size() : 0;
    size_t n = std::max(nodes, masks);
    std::vector<Value> items;
    items.reserve(n);
    std::string pointer, path, mask_pointer;
    for (size_t i = 0; i < n; ++i) {
        const json::Elem* child = i < nodes ? &node->items()[i] : nullptr;
        const json::Elem* child_mask = i < masks ? &mask->items()[i] : nullptr;
        pointer = site.pointer;
        append_pointer_index(pointer, i);
        path = site.path;
        append_path_index(path, i);
        mask_pointer = site.mask_pointer;
        if (child_mask) append_pointer_index(mask_pointer, i);
        items.push_back(build(child, pointer, path, child_mask, mask_pointer));
    }
    return b_.list(items, provenance(site, ValueState::Explicit));
}

Value plain_value(ModelBuilder& b, const json::Elem& node) {
    switch (node.type) {
    case json::Type::Null:
        return b.null();
    case json::Type::Bool:
        return b.boolean(node.boolean);
    case json::Type::Number:
        return b.num(node.number());
    case json::Type::String:
        return b.str(node.str());
    case json::Type::Array: {
        std::vector<Value> items;
        for (auto& item : node.items()) items.push_back(plain_value(b, item));
        return b.list(items);
    }
    case json::Type::Object: {
        std::vector<MapEntry> entries;
        for (auto& [k, v] : node.members()) entries.push_back({b.key(k), plain_value(b, v)});
        return b.map(entries);
    }
    }
    return b.null();
}

} // namespace tenet::plan
