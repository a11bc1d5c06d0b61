// The constant pool (deduplicated structurally; strings interned, lists and maps in
// the Program's arena), literal folding, the regex pool and the source-file table.
#include "lower_internal.h"
#include "tenet/model/arena.h"
#include "tenet/model/interner.h"

#include <cstring>

namespace tenet::lower {

namespace {

void append_u32(std::string& key, uint32_t v) {
    key.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// A byte string equal for two constants exactly when they are the same constant:
// numbers by bit pattern (so 0 and -0 stay apart), strings by content, lists and maps
// element by element.
void value_key(const Value& v, std::string& key) {
    switch (v.kind()) {
    case Kind::Null:
        key += 'z';
        return;
    case Kind::Bool:
        key += v.as_bool() ? 't' : 'f';
        return;
    case Kind::Number: {
        key += 'n';
        uint64_t bits = v.bits();
        key.append(reinterpret_cast<const char*>(&bits), sizeof bits);
        return;
    }
    case Kind::String:
        key += 's';
        append_u32(key, v.as_string()->size);
        key += v.as_view();
        return;
    case Kind::List:
        key += 'l';
        append_u32(key, v.as_list()->size);
        for (const Value& item : v.as_list()->span()) value_key(item, key);
        return;
    case Kind::Map:
        key += 'm';
        append_u32(key, v.as_map()->size);
        for (const MapEntry& e : v.as_map()->span()) {
            append_u32(key, e.key->size);
            key += e.key->view();
            value_key(e.value, key);
        }
        return;
    case Kind::Resource:
    case Kind::Unknown:
        break;
    }
    throw LowerError("a constant cannot be a resource or unknown");
}

} // namespace

uint32_t Lowerer::constant(const Value& v) {
    std::string key;
    value_key(v, key);
    auto [it, fresh] =
        constant_index_.emplace(std::move(key), static_cast<uint32_t>(prog_.constants.size()));
    if (fresh) prog_.constants.push_back(v);
    return it->second;
}

uint32_t Lowerer::string_constant(std::string_view s) {
    return constant(Value::string(intern(s)));
}

bool Lowerer::fold(const Expr& e, Value& out) {
    switch (e.kind) {
    case ExprKind::Null:
        out = Value::null();
        return true;
    case ExprKind::Bool:
        out = Value::boolean(e.bool_value);
        return true;
    case ExprKind::Number:
        out = Value::number(e.number_value);
        return true;
    case ExprKind::String:
        out = Value::string(intern(e.string_value));
        return true;
    case ExprKind::List: {
        std::vector<Value> items(e.items.size());
        for (size_t i = 0; i < e.items.size(); ++i)
            if (!fold(*e.items[i], items[i])) return false;
        const ListObj* l = prog_.arena.make_list(items);
        if (!l) throw LowerError("out of memory building a constant list");
        out = Value::list(l);
        return true;
    }
    case ExprKind::MapLit: {
        std::vector<MapEntry> entries(e.items.size());
        for (size_t i = 0; i < e.items.size(); ++i) {
            entries[i].key = intern(e.keys[i]);
            if (!fold(*e.items[i], entries[i].value)) return false;
        }
        const MapObj* m = prog_.arena.make_map(entries);
        if (!m) throw LowerError("out of memory building a constant map");
        out = Value::map(m);
        return true;
    }
    default:
        return false;
    }
}

uint32_t Lowerer::regex(const std::string& pattern) {
    auto [it, fresh] =
        regex_index_.emplace(pattern, static_cast<uint32_t>(prog_.regex_sources.size()));
    if (fresh) prog_.regex_sources.push_back(pattern);
    return it->second;
}

uint32_t Lowerer::file_index(FileId file) {
    auto [it, fresh] = file_index_.emplace(file, static_cast<uint32_t>(prog_.files.size()));
    if (fresh) prog_.files.push_back(file < sm_.size() ? sm_.path(file) : std::string("<unknown>"));
    return it->second;
}

LineEntry Lowerer::loc(const SourceSpan& span) {
    if (!span.begin.valid()) return LineEntry{};
    return LineEntry{0, file_index(span.begin.file), span.begin.line, span.begin.column};
}

} // namespace tenet::lower
