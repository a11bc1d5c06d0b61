// Number builtins: abs min max floor ceil to_number. Null in gives null out.
#include "builtins_internal.h"

#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace tenet {

namespace {

template <typename F> Value unary(BuiltinContext& ctx, const char* fn, const Value& v, F f) {
    if (v.is_null()) return Value::null();
    if (!v.is(Kind::Number)) return fail_type(ctx, fn, "a number", v);
    return Value::number(f(v.as_number()));
}

// min/max over the arguments, or over the one list argument.
template <typename Better>
Value extreme(BuiltinContext& ctx, const char* fn, std::span<const Value> args, Better better) {
    std::span<const Value> items = args;
    if (args.size() == 1) {
        if (args[0].is_null()) return Value::null();
        if (!args[0].is(Kind::List)) return fail_type(ctx, fn, "a list of numbers", args[0]);
        items = args[0].as_list()->span();
        if (const Value* u = first_unknown(items)) return *u;
    }
    const Value* best = nullptr;
    for (const Value& v : items) {
        if (v.is_null()) return Value::null();
        if (!v.is(Kind::Number)) return fail_type(ctx, fn, "numbers", v);
        if (!best || better(v.as_number(), best->as_number())) best = &v;
    }
    return best ? *best : Value::null();
}

} // namespace

Value builtin_abs(BuiltinContext& ctx, std::span<const Value> args) {
    return unary(ctx, "abs", args[0], [](double n) { return std::fabs(n); });
}

Value builtin_floor(BuiltinContext& ctx, std::span<const Value> args) {
    return unary(ctx, "floor", args[0], [](double n) { return std::floor(n); });
}

Value builtin_ceil(BuiltinContext& ctx, std::span<const Value> args) {
    return unary(ctx, "ceil", args[0], [](double n) { return std::ceil(n); });
}

Value builtin_min(BuiltinContext& ctx, std::span<const Value> args) {
    return extreme(ctx, "min", args, [](double a, double b) { return a < b; });
}

Value builtin_max(BuiltinContext& ctx, std::span<const Value> args) {
    return extreme(ctx, "max", args, [](double a, double b) { return a > b; });
}

Value builtin_to_number(BuiltinContext& ctx, std::span<const Value> args) {
    const Value& v = args[0];
    if (v.is_null() || v.is(Kind::Number)) return v;
    if (!v.is(Kind::String)) return fail_type(ctx, "to_number", "a number or a string", v);
    std::string_view s = v.as_view();
    double n = 0;
    // from_chars takes no leading '+' or spaces: neither does JSON, nor do we.
    auto res = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size() || !std::isfinite(n)) {
        ctx.fail(fmt::format("to_number: \"{}\" is not a number", s));
        return Value::null();
    }
    return Value::number(n, v.prov());
}

} // namespace tenet
