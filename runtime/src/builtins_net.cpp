// Network builtins: cidr_contains cidr_is_public cidr_prefix is_ip is_cidr port_in_range.
// IPv4 and IPv6; an IPv4-mapped IPv6 range (::ffff:a.b.c.d/n) is treated as IPv4.
#include "builtins_internal.h"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <fmt/format.h>
#include <string>

namespace tenet {

namespace {

struct Cidr {
    bool v6 = false;
    unsigned char bytes[16] = {};
    int prefix = 0;
    int bits() const { return v6 ? 128 : 32; }
};

bool parse_ip(std::string_view s, Cidr& out) {
    if (s.size() > 64) return false;
    std::string text(s);
    if (inet_pton(AF_INET, text.c_str(), out.bytes) == 1) {
        out.v6 = false;
    } else if (inet_pton(AF_INET6, text.c_str(), out.bytes) == 1) {
        out.v6 = true;
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(out.bytes, mapped, 12) == 0) {
            std::memmove(out.bytes, out.bytes + 12, 4);
            std::memset(out.bytes + 4, 0, 12);
            out.v6 = false;
            out.prefix = -96; // adjusted by the caller's prefix (or set to 32 for a plain address)
            return true;
        }
    } else {
        return false;
    }
    out.prefix = 0;
    return true;
}

// "a.b.c.d/n" or "x::y/n"; with allow_plain, a bare address is a host range.
bool parse_cidr(std::string_view s, bool allow_plain, Cidr& out) {
    size_t slash = s.find('/');
    if (slash == std::string_view::npos) {
        if (!allow_plain || !parse_ip(s, out)) return false;
        out.prefix = out.bits();
        return true;
    }
    if (!parse_ip(s.substr(0, slash), out)) return false;
    int adjust = out.prefix; // -96 for a mapped IPv4 address
    std::string_view bits = s.substr(slash + 1);
    int n = 0;
    auto res = std::from_chars(bits.data(), bits.data() + bits.size(), n);
    if (bits.empty() || bits.size() > 3 || res.ec != std::errc() ||
        res.ptr != bits.data() + bits.size())
        return false;
    if (adjust != 0 && n < 96) return false; // wider than the mapped block: not an IPv4 range
    n += adjust;
    if (n < 0 || n > out.bits()) return false;
    out.prefix = n;
    return true;
}

// Whether the first `prefix` bits of a and b agree.
bool same_prefix(const unsigned char* a, const unsigned char* b, int prefix) {
    int full = prefix / 8, rest = prefix % 8;
    if (std::memcmp(a, b, full) != 0) return false;
    if (rest == 0) return true;
    unsigned char mask = static_cast<unsigned char>(0xFF << (8 - rest));
    return (a[full] & mask) == (b[full] & mask);
}

bool contains(const Cidr& outer, const Cidr& inner) {
    return outer.v6 == inner.v6 && inner.prefix >= outer.prefix &&
           same_prefix(outer.bytes, inner.bytes, outer.prefix);
}

bool is_private(const Cidr& c) {
    static const char* const kPrivate[] = {
        "10.0.0.0/8",     "172.16.0.0/12", "192.168.0.0/16", // RFC 1918
        "127.0.0.0/8",                                       // loopback
        "169.254.0.0/16",                                    // link-local
        "100.64.0.0/10",                                     // CGNAT (RFC 6598)
        "::1/128",                                           // loopback
        "fe80::/10",                                         // link-local
        "fc00::/7",                                          // unique local
    };
    for (const char* text : kPrivate) {
        Cidr block;
        parse_cidr(text, false, block);
        if (contains(block, c)) return true;
    }
    return false;
}

// A CIDR argument: null -> result null; not a valid CIDR -> error.
bool cidr_arg(BuiltinContext& ctx, const char* fn, const Value& v, bool allow_plain, Cidr& out,
              Value& result) {
    if (v.is_null()) {
        result = Value::null();
        return false;
    }
    if (!v.is(Kind::String)) {
        result = fail_type(ctx, fn, allow_plain ? "an IP address or CIDR" : "a CIDR", v);
        return false;
    }
    if (!parse_cidr(v.as_view(), allow_plain, out)) {
        ctx.fail(fmt::format("{}: \"{}\" is not {}", fn, v.as_view(),
                             allow_plain ? "an IP address or CIDR" : "a CIDR"));
        result = Value::null();
        return false;
    }
    return true;
}

// A port: a number or a numeric string (CloudFormation writes "22").
bool port_arg(BuiltinContext& ctx, const Value& v, double& out, Value& result) {
    if (v.is_null()) {
        result = Value::null();
        return false;
    }
    if (v.is(Kind::Number)) {
        out = v.as_number();
        return true;
    }
    if (v.is(Kind::String)) {
        std::string_view s = v.as_view();
        auto res = std::from_chars(s.data(), s.data() + s.size(), out);
        if (!s.empty() && res.ec == std::errc() && res.ptr == s.data() + s.size()) return true;
    }
    result = fail_type(ctx, "port_in_range", "a port number", v);
    return false;
}

} // namespace

Value builtin_cidr_contains(BuiltinContext& ctx, std::span<const Value> args) {
    Cidr outer, inner;
    Value result;
    if (!cidr_arg(ctx, "cidr_contains", args[0], false, outer, result)) return result;
    if (!cidr_arg(ctx, "cidr_contains", args[1], true, inner, result)) return result;
    return Value::boolean(contains(outer, inner));
}

Value builtin_cidr_is_public(BuiltinContext& ctx, std::span<const Value> args) {
    Cidr c;
    Value result;
    if (!cidr_arg(ctx, "cidr_is_public", args[0], false, c, result)) return result;
    return Value::boolean(!is_private(c));
}

Value builtin_cidr_prefix(BuiltinContext& ctx, std::span<const Value> args) {
    Cidr c;
    Value result;
    if (!cidr_arg(ctx, "cidr_prefix", args[0], false, c, result)) return result;
    // A mapped IPv4 range reports the prefix as written.
    std::string_view s = args[0].as_view();
    int written = 0;
    std::from_chars(s.data() + s.find('/') + 1, s.data() + s.size(), written);
    return Value::number(written);
}

Value builtin_is_ip(BuiltinContext&, std::span<const Value> args) {
    Cidr c;
    return Value::boolean(args[0].is(Kind::String) &&
                          args[0].as_view().find('/') == std::string_view::npos &&
                          parse_cidr(args[0].as_view(), true, c));
}

Value builtin_is_cidr(BuiltinContext&, std::span<const Value> args) {
    Cidr c;
    return Value::boolean(args[0].is(Kind::String) && parse_cidr(args[0].as_view(), false, c));
}

Value builtin_port_in_range(BuiltinContext& ctx, std::span<const Value> args) {
    double port = 0, from = 0, to = 0;
    Value result;
    if (!port_arg(ctx, args[0], port, result) || !port_arg(ctx, args[1], from, result) ||
        !port_arg(ctx, args[2], to, result))
        return result;
    return Value::boolean(from <= port && port <= to);
}

} // namespace tenet
