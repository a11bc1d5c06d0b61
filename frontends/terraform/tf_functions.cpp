// Function dispatch, unknown propagation, type conversion and numeric functions.
#include "tf_functions.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace tenet::tf {

ValPtr arg_error(const std::string& fn, const std::string& message, SourceLoc loc) {
    return v_error(fn + "(): " + message, loc);
}

bool want_string(const ValPtr& v, std::string& out) {
    out.clear();
    return to_text(*v, out);
}

bool want_int(const ValPtr& v, long long& out) {
    double n;
    if (!to_number(*v, n) || n != std::floor(n) || std::fabs(n) > 9e15) return false;
    out = static_cast<long long>(n);
    return true;
}

namespace {

// Functions whose arguments may hold unknowns below the top level: they only move
// elements around, so an unknown element stays an unknown element of the result.
bool passes_unknown_elements(std::string_view name) {
    static constexpr std::array<std::string_view, 17> names = {
        "merge",   "concat",   "length",       "keys",         "values",   "lookup",
        "element", "slice",    "reverse",      "zipmap",       "tomap",    "tolist",
        "one",     "coalesce", "coalescelist", "nonsensitive", "sensitive"};
    return std::find(names.begin(), names.end(), name) != names.end();
}

ValPtr numeric(const std::string& name, std::vector<ValPtr>& args, const FnEnv& env) {
    auto num = [&](size_t i, double& out) { return i < args.size() && to_number(*args[i], out); };
    if (name == "min" || name == "max") {
        if (args.empty()) return arg_error(name, "needs at least one number", env.loc);
        double best = 0;
        for (size_t i = 0; i < args.size(); ++i) {
            double n;
            if (!num(i, n)) return arg_error(name, "every argument must be a number", env.loc);
            if (i == 0 || (name == "min" ? n < best : n > best)) best = n;
        }
        return v_num(best);
    }
    if (name == "abs" || name == "ceil" || name == "floor" || name == "signum") {
        double n;
        if (args.size() != 1 || !num(0, n)) return arg_error(name, "takes one number", env.loc);
        if (name == "abs") return v_num(std::fabs(n));
        if (name == "ceil") return v_num(std::ceil(n));
        if (name == "floor") return v_num(std::floor(n));
        return v_num(n > 0 ? 1 : n < 0 ? -1 : 0);
    }
    if (name == "pow") {
        double a, b;
        if (args.size() != 2 || !num(0, a) || !num(1, b))
            return arg_error(name, "takes two numbers", env.loc);
        return v_num(std::pow(a, b));
    }
    if (name == "log") {
        double a, b;
        if (args.size() != 2 || !num(0, a) || !num(1, b))
            return arg_error(name, "takes two numbers", env.loc);
        return v_num(std::log(a) / std::log(b));
    }
    if (name == "parseint") {
        std::string s;
        long long base;
        if (args.size() != 2 || !want_string(args[0], s) || !want_int(args[1], base) || base < 2 ||
            base > 62)
            return arg_error(name, "takes a string and a base from 2 to 62", env.loc);
        errno = 0;
        char* end = nullptr;
        long long n = std::strtoll(s.c_str(), &end, static_cast<int>(base));
        if (s.empty() || *end != '\0' || errno)
            return arg_error(name, "cannot parse \"" + s + "\"", env.loc);
        return v_num(static_cast<double>(n));
    }
    return nullptr;
}

ValPtr conversion(const std::string& name, std::vector<ValPtr>& args, const FnEnv& env) {
    if (name == "tostring" || name == "tonumber" || name == "tobool") {
        if (args.size() != 1) return arg_error(name, "takes one argument", env.loc);
        const Val& v = *args[0];
        if (v.is(VKind::Null)) return v_null();
        if (name == "tostring") {
            std::string s;
            if (!to_text(v, s))
                return arg_error(name,
                                 std::string("cannot convert a ") + type_name(v) + " to a string",
                                 env.loc);
            return v_str(s);
        }
        if (name == "tonumber") {
            double n;
            if (!to_number(v, n))
                return arg_error(name, "cannot convert " + display(v) + " to a number", env.loc);
            return v_num(n);
        }
        bool b;
        if (!to_bool(v, b))
            return arg_error(name, "cannot convert " + display(v) + " to a bool", env.loc);
        return v_bool(b);
    }
    if (name == "sensitive" || name == "nonsensitive") {
        if (args.size() != 1) return arg_error(name, "takes one argument", env.loc);
        return args[0];
    }
    if (name == "coalesce") {
        for (const ValPtr& a : args) {
            if (a->unknown()) return a;
            if (a->is(VKind::Null) || (a->is(VKind::String) && a->text.empty())) continue;
            return a;
        }
        return arg_error(name, "no non-null, non-empty argument", env.loc);
    }
    if (name == "timestamp" || name == "uuid" || name == "bcrypt" || name == "uuidv5" ||
        name == "plantimestamp")
        return v_unknown(name + "() is only known when Terraform runs", env.loc);
    return nullptr;
}

} // namespace

ValPtr call_function(const std::string& name, std::vector<ValPtr>& args, const FnEnv& env) {
    auto same_unknown = [&](const Val& u) {
        auto v = new_val(u);
        v->loc = env.loc;
        return ValPtr(v);
    };
    // jsonencode of a structure with unknown leaves keeps the structure: a policy
    // document whose one ARN is known after apply still shows its statements.
    if (name == "jsonencode" && args.size() == 1 && !args[0]->unknown() && find_unknown(args[0]))
        return args[0];
    for (const ValPtr& a : args) {
        if (passes_unknown_elements(name)) {
            if (a->unknown() && name != "coalesce") return same_unknown(*a);
        } else if (const Val* u = find_unknown(a)) {
            return same_unknown(*u);
        }
    }
    std::string fn = name;
    if (fn.starts_with("provider::")) return nullptr;
    if (ValPtr v = conversion(fn, args, env)) return v;
    if (ValPtr v = numeric(fn, args, env)) return v;
    if (ValPtr v = call_string_function(fn, args, env)) return v;
    if (ValPtr v = call_collection_function(fn, args, env)) return v;
    if (ValPtr v = call_encoding_function(fn, args, env)) return v;
    if (ValPtr v = call_file_function(fn, args, env)) return v;
    if (ValPtr v = call_network_function(fn, args, env)) return v;
    if (ValPtr v = call_hash_function(fn, args, env)) return v;
    return nullptr;
}

} // namespace tenet::tf
