// Network functions: cidrsubnet, cidrsubnets, cidrhost, cidrnetmask (IPv4 and IPv6).
#include "tf_functions.h"

#include <cstdio>

namespace tenet::tf {

namespace {

using u128 = unsigned __int128;

struct Prefix {
    u128 addr = 0;
    int bits = 0;   // prefix length
    int width = 32; // 32 or 128
};

bool parse_ipv4(const std::string& s, u128& out) {
    unsigned a, b, c, d;
    char tail;
    if (std::sscanf(s.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 ||
        c > 255 || d > 255)
        return false;
    out = (u128(a) << 24) | (u128(b) << 16) | (u128(c) << 8) | u128(d);
    return true;
}

bool parse_ipv6(const std::string& s, u128& out) {
    std::vector<uint32_t> head, tail;
    bool gap = false;
    size_t i = 0;
    if (s.starts_with("::")) {
        gap = true;
        i = 2;
    }
    while (i < s.size()) {
        size_t j = s.find(':', i);
        std::string part = s.substr(i, j == std::string::npos ? std::string::npos : j - i);
        if (part.empty() || part.size() > 4) return false;
        uint32_t v = 0;
        for (char c : part) {
            if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
            v = v * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(c))
                                                   ? c - '0'
                                                   : (std::tolower(c) - 'a' + 10));
        }
        (gap ? tail : head).push_back(v);
        if (j == std::string::npos) break;
        i = j + 1;
        if (i < s.size() && s[i] == ':') {
            if (gap) return false;
            gap = true;
            ++i;
        }
    }
    size_t groups = head.size() + tail.size();
    if (groups > 8 || (!gap && groups != 8)) return false;
    std::vector<uint32_t> all = head;
    all.resize(8 - tail.size(), 0);
    all.insert(all.end(), tail.begin(), tail.end());
    out = 0;
    for (uint32_t g : all) out = (out << 16) | g;
    return true;
}

bool parse_prefix(const std::string& s, Prefix& p) {
    size_t slash = s.find('/');
    if (slash == std::string::npos) return false;
    std::string ip = s.substr(0, slash);
    char* end = nullptr;
    long bits = std::strtol(s.c_str() + slash + 1, &end, 10);
    if (!end || *end != '\0' || slash + 1 == s.size()) return false;
    if (ip.find(':') != std::string::npos) {
        p.width = 128;
        if (!parse_ipv6(ip, p.addr)) return false;
    } else if (!parse_ipv4(ip, p.addr)) {
        return false;
    }
    if (bits < 0 || bits > p.width) return false;
    p.bits = static_cast<int>(bits);
    return true;
}

u128 mask(int bits, int width) {
    if (bits == 0) return 0;
    u128 all = width == 128 ? ~u128(0) : ((u128(1) << 32) - 1);
    return (all << (width - bits)) & all;
}

std::string format_ip(u128 a, int width) {
    char buf[64];
    if (width == 32) {
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", unsigned(a >> 24) & 255,
                      unsigned(a >> 16) & 255, unsigned(a >> 8) & 255, unsigned(a) & 255);
        return buf;
    }
    // The longest run of zero groups becomes `::`.
    uint32_t g[8];
    for (int i = 7; i >= 0; --i, a >>= 16) g[i] = uint32_t(a & 0xFFFF);
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && g[j] == 0) ++j;
        if (j - i > best_len && j - i > 1) {
            best = i;
            best_len = j - i;
        }
        i = j == i ? i + 1 : j;
    }
    std::string out;
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        std::snprintf(buf, sizeof buf, "%x", g[i]);
        out += buf;
    }
    return out;
}

ValPtr subnet(const std::string& fn, const Prefix& p, long long newbits, long long netnum,
              SourceLoc loc) {
    if (newbits < 0 || p.bits + newbits > p.width)
        return arg_error(fn, "not enough bits for the new prefix", loc);
    int nb = p.bits + static_cast<int>(newbits);
    if (netnum < 0 || (newbits < 64 && u128(netnum) >= (u128(1) << newbits)))
        return arg_error(
            fn, "the network number does not fit in " + std::to_string(newbits) + " bits", loc);
    u128 base = p.addr & mask(p.bits, p.width);
    u128 addr = base | (u128(netnum) << (p.width - nb));
    return v_str(format_ip(addr, p.width) + "/" + std::to_string(nb));
}

} // namespace

ValPtr call_network_function(const std::string& name, std::vector<ValPtr>& args, const FnEnv& env) {
    if (name != "cidrsubnet" && name != "cidrsubnets" && name != "cidrhost" &&
        name != "cidrnetmask")
        return nullptr;
    std::string s;
    Prefix p;
    if (args.empty() || !want_string(args[0], s) || !parse_prefix(s, p))
        return arg_error(name, "the first argument must be a CIDR prefix such as 10.0.0.0/16",
                         env.loc);
    if (name == "cidrnetmask") {
        if (p.width != 32) return arg_error(name, "only IPv4 prefixes have a netmask", env.loc);
        return v_str(format_ip(mask(p.bits, 32), 32));
    }
    if (name == "cidrhost") {
        long long host;
        if (args.size() != 2 || !want_int(args[1], host))
            return arg_error(name, "takes a prefix and a host number", env.loc);
        int hostbits = p.width - p.bits;
        u128 size = hostbits >= 127 ? ~u128(0) : (u128(1) << hostbits);
        u128 h = host < 0 ? size - u128(-host) : u128(host);
        if (h >= size) return arg_error(name, "the host number is outside the prefix", env.loc);
        return v_str(format_ip((p.addr & mask(p.bits, p.width)) | h, p.width));
    }
    if (name == "cidrsubnet") {
        long long newbits, netnum;
        if (args.size() != 3 || !want_int(args[1], newbits) || !want_int(args[2], netnum))
            return arg_error(name, "takes a prefix, new bits and a network number", env.loc);
        return subnet(name, p, newbits, netnum, env.loc);
    }
    // cidrsubnets: consecutive subnets of the given sizes.
    std::vector<ValPtr> out;
    u128 next = p.addr & mask(p.bits, p.width);
    for (size_t i = 1; i < args.size(); ++i) {
        long long newbits;
        if (!want_int(args[i], newbits) || newbits < 1 || p.bits + newbits > p.width)
            return arg_error(name, "every size must be a positive number of bits that fits",
                             env.loc);
        int nb = p.bits + static_cast<int>(newbits);
        u128 step = u128(1) << (p.width - nb);
        next = (next + step - 1) / step * step; // align
        if ((next & mask(p.bits, p.width)) != (p.addr & mask(p.bits, p.width)))
            return arg_error(name, "the subnets do not fit in the prefix", env.loc);
        out.push_back(v_str(format_ip(next, p.width) + "/" + std::to_string(nb)));
        next += step;
    }
    return v_list(out);
}

} // namespace tenet::tf
