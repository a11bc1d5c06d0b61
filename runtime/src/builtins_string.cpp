// String builtins: lower upper trim starts_with ends_with contains split join replace
// substr format. Null in a string position gives null (see builtins_internal.h).
#include "builtins_internal.h"
#include "tenet/model/model.h"

#include <algorithm>
#include <string>
#include <vector>

namespace tenet {

namespace {

// True when every argument is a string; sets `result` to null (a null argument) or
// to an error (another kind) otherwise.
bool strings(BuiltinContext& ctx, const char* fn, std::span<const Value> args, Value& result) {
    for (const Value& a : args) {
        if (a.is(Kind::String)) continue;
        result = a.is_null() ? Value::null() : fail_type(ctx, fn, "a string", a);
        return false;
    }
    return true;
}

// Byte offset of the `chars`-th UTF-8 character of s (s.size() when past the end).
size_t utf8_offset(std::string_view s, int64_t chars) {
    size_t i = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
        if (chars-- == 0) return i;
    }
    return s.size();
}

Value map_ascii(BuiltinContext& ctx, const Value& s, char from_lo, char from_hi, int delta) {
    std::string out(s.as_view());
    for (char& c : out)
        if (c >= from_lo && c <= from_hi) c = static_cast<char>(c + delta);
    return make_string_value(ctx, out, s.prov());
}

} // namespace

Value builtin_lower(BuiltinContext& ctx, std::span<const Value> args) {
    Value r;
    if (!strings(ctx, "lower", args, r)) return r;
    return map_ascii(ctx, args[0], 'A', 'Z', 'a' - 'A');
}

Value builtin_upper(BuiltinContext& ctx, std::span<const Value> args) {
    Value r;
    if (!strings(ctx, "upper", args, r)) return r;
    return map_ascii(ctx, args[0], 'a', 'z', 'A' - 'a');
}

Value builtin_trim(BuiltinContext& ctx, std::span<const Value> args) {
    Value r;
    if (!strings(ctx, "trim", args, r)) return r;
    std::string_view s = args[0].as_view();
    const char* ws = " \t\r\n\v\f";
    size_t b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return make_string_value(ctx, "", args[0].prov());
    size_t e = s.find_last_not_of(ws);
    return make_string_value(ctx, s.substr(b, e - b + 1), args[0].prov());
}

Value builtin_starts_with(BuiltinContext& ctx, std::span<const Value> args) {
    Value r;
    if (!strings(ctx, "starts_with", args, r)) return r;
    return Value::boolean(args[0].as_view().starts_with(args[1].as_view()));
}

Value builtin_ends_with(BuiltinContext& ctx, std::span<const Value> args) {
    Value r;
    if (!strings(ctx, "ends_with", args, r)) return r;
    return Value::boolean(args[0].as_view().ends_with(args[1].as_view()));
}

Value builtin_contains(BuiltinContext& ctx, std::span<const Value> args) {
    if (args[0].is(Kind::List)) {
        // Like `in`: no match but an unknown element means we cannot tell.
        const Value* unknown = nullptr;
        for (const Value& e : args[0].as_list()->span()) {
            if (e.is_unknown()) {
                if (!unknown) unknown = &e;
            } else if (values_equal(e, args[1])) {
                return Value::boolean(true);
            }
        }
        return unknown ? *unknown : Value::boolean(false);
    }
    Value r;
    if (!strings(ctx, "contains", args, r)) return r;
    return Value::boolean(args[0].as_view().find(args[1].as_view()) != std::string_view::npos);
}

Value builtin_split(BuiltinContext& ctx, std::span<const Value> args) {
    Value r;
    if (!strings(ctx, "split", args, r)) return r;
    std::string_view s = args[0].as_view(), sep = args[1].as_view();
    std::vector<Value> parts;
    auto add = [&](std::string_view piece) {
        Value v = make_string_value(ctx, piece);
        if (v.is_null()) return false;
        parts.push_back(v);
        return true;
    };
    if (sep.empty()) {
        for (size_t i = 0; i < s.size();) {
            size_t next = i + 1;
            while (next < s.size() && (static_cast<unsigned char>(s[next]) & 0xC0) == 0x80) ++next;
            if (!add(s.substr(i, next - i))) return Value::null();
            i = next;
        }
    } else {
        size_t start = 0;
        while (true) {
            size_t at = s.find(sep, start);
            if (!add(s.substr(start,
                              at == std::string_view::npos ? std::string_view::npos : at - start)))
                return Value::null();
            if (at == std::string_view::npos) break;
            start = at + sep.size();
        }
    }
    return make_list_value(ctx, parts, args[0].prov());
}

Value builtin_join(BuiltinContext& ctx, std::span<const Value> args) {
    if (args[0].is_null()) return make_string_value(ctx, "");
    if (!args[0].is(Kind::List)) return fail_type(ctx, "join", "a list", args[0]);
    if (!args[1].is(Kind::String))
        return args[1].is_null() ? Value::null() : fail_type(ctx, "join", "a string", args[1]);
    auto items = args[0].as_list()->span();
    if (const Value* u = first_unknown(items)) return *u;
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += args[1].as_view();
        append_string_form(out, items[i], ctx.model());
    }
    return make_string_value(ctx, out);
}

Value builtin_replace(BuiltinContext& ctx, std::span<const Value> args) {
    Value r;
    if (!strings(ctx, "replace", args, r)) return r;
    std::string_view s = args[0].as_view(), from = args[1].as_view(), to = args[2].as_view();
    if (from.empty()) return args[0];
    std::string out;
    size_t start = 0;
    for (size_t at; (at = s.find(from, start)) != std::string_view::npos;
         start = at + from.size()) {
        out += s.substr(start, at - start);
        out += to;
    }
    out += s.substr(start);
    return make_string_value(ctx, out, args[0].prov());
}

Value builtin_substr(BuiltinContext& ctx, std::span<const Value> args) {
    if (args[0].is_null()) return Value::null();
    if (!args[0].is(Kind::String)) return fail_type(ctx, "substr", "a string", args[0]);
    int64_t start = 0, length = -1;
    if (!integral_value(args[1], start) || start < 0) {
        ctx.fail("substr: the start must be a non-negative integer");
        return Value::null();
    }
    if (args.size() > 2 && (!integral_value(args[2], length) || length < 0)) {
        ctx.fail("substr: the length must be a non-negative integer");
        return Value::null();
    }
    std::string_view s = args[0].as_view();
    size_t b = utf8_offset(s, start);
    size_t e = length < 0 ? s.size() : b + utf8_offset(s.substr(b), length);
    return make_string_value(ctx, s.substr(b, e - b), args[0].prov());
}

Value builtin_format(BuiltinContext& ctx, std::span<const Value> args) {
    if (args[0].is_null()) return Value::null();
    if (!args[0].is(Kind::String)) return fail_type(ctx, "format", "a string", args[0]);
    std::string_view f = args[0].as_view();
    std::string out;
    size_t next = 1;
    for (size_t i = 0; i < f.size(); ++i) {
        char c = f[i];
        if ((c == '{' || c == '}') && i + 1 < f.size() && f[i + 1] == c) {
            out += c;
            ++i;
        } else if (c == '{' && i + 1 < f.size() && f[i + 1] == '}') {
            if (next >= args.size()) {
                ctx.fail("format: more {} placeholders than arguments");
                return Value::null();
            }
            if (const Value* u = deep_unknown(args[next])) return *u;
            append_string_form(out, args[next++], ctx.model());
            ++i;
        } else if (c == '{' || c == '}') {
            ctx.fail("format: a lone brace (write {{ or }} for a literal one)");
            return Value::null();
        } else {
            out += c;
        }
    }
    if (next != args.size()) {
        ctx.fail("format: more arguments than {} placeholders");
        return Value::null();
    }
    return make_string_value(ctx, out);
}

} // namespace tenet
