// Collection functions: lists, maps and sets (a set is a list of distinct elements,
// strings and numbers in sorted order as Terraform orders them).
#include "tf_functions.h"

#include <algorithm>

namespace tenet::tf {

namespace {

bool contains_equal(const std::vector<ValPtr>& items, const Val& v) {
    for (const ValPtr& i : items)
        if (equal(*i, v)) return true;
    return false;
}

std::vector<ValPtr> distinct_items(const std::vector<ValPtr>& items) {
    std::vector<ValPtr> out;
    for (const ValPtr& i : items)
        if (!contains_equal(out, *i)) out.push_back(i);
    return out;
}

ValPtr as_set(std::vector<ValPtr> items) {
    items = distinct_items(items);
    bool strings = std::all_of(items.begin(), items.end(),
                               [](const ValPtr& v) { return v->is(VKind::String); });
    bool numbers = std::all_of(items.begin(), items.end(),
                               [](const ValPtr& v) { return v->is(VKind::Number); });
    if (strings)
        std::sort(items.begin(), items.end(),
                  [](const ValPtr& a, const ValPtr& b) { return a->text < b->text; });
    else if (numbers)
        std::sort(items.begin(), items.end(),
                  [](const ValPtr& a, const ValPtr& b) { return a->number < b->number; });
    return v_list(items);
}

void flatten_into(const ValPtr& v, std::vector<ValPtr>& out, const Val*& unknown) {
    if (v->unknown()) {
        if (!unknown) unknown = v.get();
        return;
    }
    if (!v->is(VKind::List)) {
        out.push_back(v);
        return;
    }
    for (const ValPtr& i : v->items) flatten_into(i, out, unknown);
}

bool all_lists(const std::vector<ValPtr>& args) {
    return std::all_of(args.begin(), args.end(),
                       [](const ValPtr& a) { return a->is(VKind::List); });
}

ValPtr set_operation(const std::string& name, std::vector<ValPtr>& args, SourceLoc loc) {
    if (args.empty() || !all_lists(args)) return arg_error(name, "takes sets", loc);
    std::vector<ValPtr> out = args[0]->items;
    for (size_t i = 1; i < args.size(); ++i) {
        const auto& other = args[i]->items;
        if (name == "setunion") {
            out.insert(out.end(), other.begin(), other.end());
        } else {
            bool keep_common = name == "setintersection";
            std::erase_if(
                out, [&](const ValPtr& v) { return contains_equal(other, *v) != keep_common; });
        }
    }
    return as_set(out);
}

ValPtr list_function(const std::string& name, std::vector<ValPtr>& args, SourceLoc loc) {
    auto list_arg = [&](size_t i) { return i < args.size() && args[i]->is(VKind::List); };
    if (name == "concat") {
        std::vector<ValPtr> out;
        for (const ValPtr& a : args) {
            if (!a->is(VKind::List))
                return arg_error(
                    name, std::string("every argument must be a list, not a ") + type_name(*a),
                    loc);
            out.insert(out.end(), a->items.begin(), a->items.end());
        }
        return v_list(out);
    }
    if (name == "flatten") {
        if (args.size() != 1 || !list_arg(0)) return arg_error(name, "takes one list", loc);
        std::vector<ValPtr> out;
        const Val* unknown = nullptr;
        flatten_into(args[0], out, unknown);
        if (unknown) return v_unknown(unknown->text, loc);
        return v_list(out);
    }
    if (name == "distinct") {
        if (args.size() != 1 || !list_arg(0)) return arg_error(name, "takes one list", loc);
        return v_list(distinct_items(args[0]->items));
    }
    if (name == "reverse") {
        if (args.size() != 1 || !list_arg(0)) return arg_error(name, "takes one list", loc);
        std::vector<ValPtr> out(args[0]->items.rbegin(), args[0]->items.rend());
        return v_list(out);
    }
    if (name == "sort") {
        if (args.size() != 1 || !list_arg(0))
            return arg_error(name, "takes one list of strings", loc);
        std::vector<std::pair<std::string, ValPtr>> keyed;
        for (const ValPtr& v : args[0]->items) {
            std::string s;
            if (!want_string(v, s)) return arg_error(name, "takes one list of strings", loc);
            keyed.push_back({s, v_str(s, v->loc)});
        }
        std::stable_sort(keyed.begin(), keyed.end(),
                         [](auto& a, auto& b) { return a.first < b.first; });
        std::vector<ValPtr> out;
        for (auto& k : keyed) out.push_back(k.second);
        return v_list(out);
    }
    if (name == "compact") {
        if (args.size() != 1 || !list_arg(0))
            return arg_error(name, "takes one list of strings", loc);
        std::vector<ValPtr> out;
        for (const ValPtr& v : args[0]->items)
            if (!v->is(VKind::Null) && !(v->is(VKind::String) && v->text.empty())) out.push_back(v);
        return v_list(out);
    }
    if (name == "element" || name == "slice" || name == "chunklist") {
        long long a = 0, b = 0;
        if (!list_arg(0) || args.size() < 2 || !want_int(args[1], a) ||
            (name == "slice" && (args.size() != 3 || !want_int(args[2], b))))
            return arg_error(name, "takes a list and whole numbers", loc);
        const auto& items = args[0]->items;
        long long n = static_cast<long long>(items.size());
        if (name == "element") {
            if (n == 0) return arg_error(name, "cannot use element() with an empty list", loc);
            if (a < 0) return arg_error(name, "the index must not be negative", loc);
            return items[static_cast<size_t>(a % n)];
        }
        if (name == "slice") {
            if (a < 0 || b > n || a > b)
                return arg_error(name, "the indexes are out of range", loc);
            return v_list(std::vector<ValPtr>(items.begin() + a, items.begin() + b));
        }
        if (a <= 0) return arg_error(name, "the chunk size must be positive", loc);
        std::vector<ValPtr> chunks;
        for (long long i = 0; i < n; i += a)
            chunks.push_back(
                v_list(std::vector<ValPtr>(items.begin() + i, items.begin() + std::min(n, i + a))));
        return v_list(chunks);
    }
    if (name == "index") {
        if (args.size() != 2 || !list_arg(0))
            return arg_error(name, "takes a list and a value", loc);
        for (size_t i = 0; i < args[0]->items.size(); ++i)
            if (equal(*args[0]->items[i], *args[1])) return v_num(static_cast<double>(i));
        return arg_error(name, "the value is not in the list", loc);
    }
    if (name == "contains") {
        if (args.size() != 2 || !list_arg(0))
            return arg_error(name, "takes a list and a value", loc);
        return v_bool(contains_equal(args[0]->items, *args[1]));
    }
    if (name == "one") {
        if (args.size() != 1 || !list_arg(0)) return arg_error(name, "takes one list", loc);
        if (args[0]->items.empty()) return v_null();
        if (args[0]->items.size() > 1)
            return arg_error(name, "the list has more than one element", loc);
        return args[0]->items[0];
    }
    if (name == "coalescelist") {
        for (const ValPtr& a : args) {
            if (!a->is(VKind::List)) return arg_error(name, "every argument must be a list", loc);
            if (!a->items.empty()) return a;
        }
        return v_list({});
    }
    if (name == "alltrue" || name == "anytrue") {
        if (args.size() != 1 || !list_arg(0))
            return arg_error(name, "takes one list of bools", loc);
        bool all = name == "alltrue";
        for (const ValPtr& v : args[0]->items) {
            bool b;
            if (!to_bool(*v, b)) return arg_error(name, "takes one list of bools", loc);
            if (b != all) return v_bool(!all);
        }
        return v_bool(all);
    }
    if (name == "sum") {
        if (args.size() != 1 || !list_arg(0) || args[0]->items.empty())
            return arg_error(name, "takes a non-empty list of numbers", loc);
        double total = 0;
        for (const ValPtr& v : args[0]->items) {
            double n;
            if (!to_number(*v, n)) return arg_error(name, "takes a list of numbers", loc);
            total += n;
        }
        return v_num(total);
    }
    if (name == "range") {
        double start = 0, limit = 0, step = 1;
        bool ok = !args.empty() && args.size() <= 3;
        if (args.size() == 1)
            ok = to_number(*args[0], limit);
        else if (ok)
            ok = to_number(*args[0], start) && to_number(*args[1], limit) &&
                 (args.size() < 3 || to_number(*args[2], step));
        if (!args.empty() && args.size() < 3 && limit < start) step = -1;
        if (!ok || step == 0) return arg_error(name, "takes numbers and a non-zero step", loc);
        std::vector<ValPtr> out;
        for (double x = start; step > 0 ? x < limit : x > limit; x += step) {
            if (out.size() >= 1024 * 1024)
                return arg_error(name, "the range has more than 1048576 elements", loc);
            out.push_back(v_num(x));
        }
        return v_list(out);
    }
    if (name == "tolist") {
        if (args.size() != 1 || !(list_arg(0) || args[0]->is(VKind::Null)))
            return arg_error(name, "takes a list or set", loc);
        return args[0];
    }
    if (name == "toset") {
        if (args.size() != 1 || !list_arg(0)) return arg_error(name, "takes a list", loc);
        return as_set(args[0]->items);
    }
    if (name == "setunion" || name == "setintersection" || name == "setsubtract")
        return set_operation(name, args, loc);
    return nullptr;
}

ValPtr map_function(const std::string& name, std::vector<ValPtr>& args, SourceLoc loc) {
    auto map_arg = [&](size_t i) { return i < args.size() && args[i]->is(VKind::Map); };
    if (name == "merge") {
        Members out;
        for (const ValPtr& a : args) {
            if (a->is(VKind::Null)) continue;
            if (!a->is(VKind::Map))
                return arg_error(name,
                                 std::string("every argument must be a map or object, not a ") +
                                     type_name(*a),
                                 loc);
            for (const auto& m : a->members) out.push_back(m);
        }
        return v_map(out);
    }
    if (name == "lookup") {
        if (args.size() < 2 || args.size() > 3 || !map_arg(0))
            return arg_error(name, "takes a map, a key and a default", loc);
        std::string key;
        if (!want_string(args[1], key)) return arg_error(name, "the key must be a string", loc);
        if (const ValPtr* v = args[0]->find(key)) return *v;
        if (args.size() == 3) return args[2];
        return arg_error(name, "the map has no key \"" + key + "\" and no default was given", loc);
    }
    if (name == "keys" || name == "values") {
        if (args.size() != 1 || !map_arg(0)) return arg_error(name, "takes one map", loc);
        std::vector<ValPtr> out;
        for (const auto& m : args[0]->members)
            out.push_back(name == "keys" ? v_str(m.first) : m.second);
        return v_list(out);
    }
    if (name == "zipmap") {
        if (args.size() != 2 || !args[0]->is(VKind::List) || !args[1]->is(VKind::List) ||
            args[0]->items.size() != args[1]->items.size())
            return arg_error(name, "takes two lists of the same length", loc);
        Members out;
        for (size_t i = 0; i < args[0]->items.size(); ++i) {
            std::string k;
            if (!want_string(args[0]->items[i], k))
                return arg_error(name, "the keys must be strings", loc);
            out.emplace_back(k, args[1]->items[i]);
        }
        return v_map(out);
    }
    if (name == "tomap") {
        if (args.size() != 1 || !(map_arg(0) || args[0]->is(VKind::Null)))
            return arg_error(name, "takes a map or object", loc);
        return args[0];
    }
    if (name == "length") {
        if (args.size() != 1) return arg_error(name, "takes one argument", loc);
        const Val& v = *args[0];
        if (v.is(VKind::List)) return v_num(static_cast<double>(v.items.size()));
        if (v.is(VKind::Map)) return v_num(static_cast<double>(v.members.size()));
        if (v.is(VKind::String)) {
            size_t n = 0;
            for (char c : v.text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
            return v_num(static_cast<double>(n));
        }
        return arg_error(name, std::string("cannot take the length of a ") + type_name(v), loc);
    }
    return nullptr;
}

} // namespace

ValPtr call_collection_function(const std::string& name, std::vector<ValPtr>& args,
                                const FnEnv& env) {
    if (ValPtr v = list_function(name, args, env.loc)) return v;
    return map_function(name, args, env.loc);
}

} // namespace tenet::tf
