// List and map builtins: keys values flatten distinct sort first last sum any_true
// all_true. Null is the empty collection; an unknown element makes the result unknown
// where the result depends on it.
#include "builtins_internal.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace tenet {

namespace {

// The elements of a list argument; false (with `result` set) when it is not one.
bool list_arg(BuiltinContext& ctx, const char* fn, const Value& v, std::span<const Value>& items,
              Value& result) {
    if (v.is_null()) {
        items = {};
        return true;
    }
    if (!v.is(Kind::List)) {
        result = fail_type(ctx, fn, "a list", v);
        return false;
    }
    items = v.as_list()->span();
    return true;
}

bool flatten_into(BuiltinContext& ctx, std::span<const Value> items, std::vector<Value>& out,
                  int depth) {
    if (depth > 64) {
        ctx.fail("flatten: lists nested more than 64 deep");
        return false;
    }
    for (const Value& v : items) {
        if (v.is(Kind::List)) {
            if (!flatten_into(ctx, v.as_list()->span(), out, depth + 1)) return false;
        } else {
            out.push_back(v);
        }
    }
    return true;
}

// any_true (decisive = true) or all_true (decisive = false) over a list of truths, Kleene style.
Value kleene_fold(BuiltinContext& ctx, const char* fn, std::span<const Value> args, bool decisive) {
    std::span<const Value> items;
    Value result;
    if (!list_arg(ctx, fn, args[0], items, result)) return result;
    const Value* unknown = nullptr;
    for (const Value& v : items) {
        bool truth = false;
        if (v.is(Kind::Bool))
            truth = v.as_bool();
        else if (v.is_unknown()) {
            if (!unknown) unknown = &v;
            continue;
        } else if (!v.is_null()) {
            return fail_type(ctx, fn, "a list of truths", v);
        }
        if (truth == decisive) return Value::boolean(decisive);
    }
    return unknown ? *unknown : Value::boolean(!decisive);
}

} // namespace

Value builtin_keys(BuiltinContext& ctx, std::span<const Value> args) {
    if (args[0].is_null()) return Value::list(empty_list());
    if (!args[0].is(Kind::Map)) return fail_type(ctx, "keys", "a map", args[0]);
    std::vector<Value> out;
    for (const MapEntry* e : entries_by_key(args[0].as_map())) out.push_back(Value::string(e->key));
    return make_list_value(ctx, out);
}

Value builtin_from_entries(BuiltinContext& ctx, std::span<const Value> args) {
    if (args[0].is_null()) return Value::map(empty_map());
    if (!args[0].is(Kind::List)) return fail_type(ctx, "from_entries", "a list of pairs", args[0]);
    std::vector<MapEntry> entries;
    for (const Value& pair : args[0].as_list()->span()) {
        if (pair.is_unknown()) return pair;
        if (!pair.is(Kind::List) || pair.as_list()->size != 2)
            return fail_type(ctx, "from_entries", "a [key, value] pair", pair);
        const Value& key = pair.as_list()->items()[0];
        if (key.is_unknown()) return key;
        if (!key.is(Kind::String)) {
            ctx.fail("a map key must be a string, found " + kind_phrase(key.kind()));
            return Value::null();
        }
        entries.push_back({key.as_string(), pair.as_list()->items()[1]});
    }
    const MapObj* m = ctx.arena().make_map(entries);
    if (!m) {
        ctx.fail(kOutOfMemory);
        return Value::null();
    }
    return Value::map(m);
}

Value builtin_values(BuiltinContext& ctx, std::span<const Value> args) {
    if (args[0].is_null()) return Value::list(empty_list());
    if (!args[0].is(Kind::Map)) return fail_type(ctx, "values", "a map", args[0]);
    std::vector<Value> out;
    for (const MapEntry* e : entries_by_key(args[0].as_map())) out.push_back(e->value);
    return make_list_value(ctx, out, args[0].prov());
}

Value builtin_flatten(BuiltinContext& ctx, std::span<const Value> args) {
    std::span<const Value> items;
    Value result;
    if (!list_arg(ctx, "flatten", args[0], items, result)) return result;
    std::vector<Value> out;
    if (!flatten_into(ctx, items, out, 0)) return Value::null();
    return make_list_value(ctx, out, args[0].prov());
}

Value builtin_distinct(BuiltinContext& ctx, std::span<const Value> args) {
    std::span<const Value> items;
    Value result;
    if (!list_arg(ctx, "distinct", args[0], items, result)) return result;
    // Unknown elements may or may not equal the others: the result cannot be known.
    if (const Value* u = first_unknown(items)) return *u;
    std::unordered_multimap<size_t, size_t> seen; // hash -> index in out
    std::vector<Value> out;
    for (const Value& v : items) {
        size_t h = value_hash(v);
        auto range = seen.equal_range(h);
        bool dup = std::any_of(range.first, range.second,
                               [&](auto& p) { return values_equal(out[p.second], v); });
        if (dup) continue;
        seen.emplace(h, out.size());
        out.push_back(v);
    }
    return make_list_value(ctx, out, args[0].prov());
}

Value builtin_sort(BuiltinContext& ctx, std::span<const Value> args) {
    std::span<const Value> items;
    Value result;
    if (!list_arg(ctx, "sort", args[0], items, result)) return result;
    if (const Value* u = first_unknown(items)) return *u;
    if (items.empty()) return Value::list(empty_list());
    Kind kind = items[0].kind();
    if (kind != Kind::Number && kind != Kind::String)
        return fail_type(ctx, "sort", "numbers or strings", items[0]);
    for (const Value& v : items)
        if (v.kind() != kind)
            return fail_type(ctx, "sort", kind == Kind::Number ? "only numbers" : "only strings",
                             v);
    std::vector<Value> out(items.begin(), items.end());
    if (kind == Kind::Number)
        std::stable_sort(out.begin(), out.end(),
                         [](auto& a, auto& b) { return a.as_number() < b.as_number(); });
    else
        std::stable_sort(out.begin(), out.end(),
                         [](auto& a, auto& b) { return a.as_view() < b.as_view(); });
    return make_list_value(ctx, out, args[0].prov());
}

Value builtin_first(BuiltinContext& ctx, std::span<const Value> args) {
    std::span<const Value> items;
    Value result;
    if (!list_arg(ctx, "first", args[0], items, result)) return result;
    return items.empty() ? Value::null() : items.front();
}

Value builtin_last(BuiltinContext& ctx, std::span<const Value> args) {
    std::span<const Value> items;
    Value result;
    if (!list_arg(ctx, "last", args[0], items, result)) return result;
    return items.empty() ? Value::null() : items.back();
}

Value builtin_sum(BuiltinContext& ctx, std::span<const Value> args) {
    std::span<const Value> items;
    Value result;
    if (!list_arg(ctx, "sum", args[0], items, result)) return result;
    if (const Value* u = first_unknown(items)) return *u;
    double total = 0;
    for (const Value& v : items) {
        if (!v.is(Kind::Number)) return fail_type(ctx, "sum", "a list of numbers", v);
        total += v.as_number();
    }
    return Value::number(total);
}

Value builtin_any_true(BuiltinContext& ctx, std::span<const Value> args) {
    return kleene_fold(ctx, "any_true", args, true);
}

Value builtin_all_true(BuiltinContext& ctx, std::span<const Value> args) {
    return kleene_fold(ctx, "all_true", args, false);
}

} // namespace tenet
