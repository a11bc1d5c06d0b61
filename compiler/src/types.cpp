// TypeTable (interning, so types compare by pointer) and Type::to_string.
#include "tenet/compiler/types.h"

namespace tenet::ast {

std::string Type::to_string() const {
    switch (tag) {
    case Tag::Error:
        return "error";
    case Tag::Any:
        return "any";
    case Tag::Null:
        return "null";
    case Tag::Bool:
        return "bool";
    case Tag::Number:
        return "number";
    case Tag::String:
        return "string";
    case Tag::List:
        return "list<" + (elem ? elem->to_string() : "any") + ">";
    case Tag::Map:
        return "map<" + (elem ? elem->to_string() : "any") + ">";
    case Tag::Record:
        return decl ? decl->name : "record";
    case Tag::Resource:
        if (decl) return decl->name;
        if (!native.empty()) return native;
        return "resource";
    }
    return "?";
}

namespace {
Type mk(Type::Tag tag, const Type* elem = nullptr, const TypeDecl* decl = nullptr,
        std::string native = {}) {
    Type t;
    t.tag = tag;
    t.elem = elem;
    t.decl = decl;
    t.native = std::move(native);
    return t;
}
} // namespace

TypeTable::TypeTable() {
    error_ = make(mk(Type::Tag::Error));
    any_ = make(mk(Type::Tag::Any));
    null_ = make(mk(Type::Tag::Null));
    bool_ = make(mk(Type::Tag::Bool));
    number_ = make(mk(Type::Tag::Number));
    string_ = make(mk(Type::Tag::String));
}

const Type* TypeTable::make(Type t) {
    for (auto& existing : all_)
        if (existing->tag == t.tag && existing->elem == t.elem && existing->decl == t.decl &&
            existing->native == t.native)
            return existing.get();
    all_.push_back(std::make_unique<Type>(std::move(t)));
    return all_.back().get();
}

const Type* TypeTable::list(const Type* elem) {
    return make(mk(Type::Tag::List, elem));
}
const Type* TypeTable::map(const Type* elem) {
    return make(mk(Type::Tag::Map, elem));
}
const Type* TypeTable::record(const TypeDecl* decl) {
    return make(mk(Type::Tag::Record, nullptr, decl));
}
const Type* TypeTable::canonical_resource(const TypeDecl* decl) {
    return make(mk(Type::Tag::Resource, nullptr, decl));
}
const Type* TypeTable::native_resource(const std::string& native) {
    return make(mk(Type::Tag::Resource, nullptr, nullptr, native));
}
const Type* TypeTable::any_resource() {
    return make(mk(Type::Tag::Resource));
}

} // namespace tenet::ast
