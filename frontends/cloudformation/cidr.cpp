// Fn::Cidr [ipBlock, count, cidrBits]: `count` consecutive subnets of the block, each
// with `cidrBits` host bits, for IPv4 and IPv6 alike.
#include "evaluator.h"

#include <charconv>

namespace tenet::cfn {

namespace {

using u128 = unsigned __int128;

bool parse_uint(std::string_view s, uint32_t max, uint32_t& out) {
    if (s.empty()) return false;
    auto res = std::from_chars(s.data(), s.data() + s.size(), out);
    return res.ec == std::errc() && res.ptr == s.data() + s.size() && out <= max;
}

bool parse_ipv4(std::string_view s, u128& out) {
    uint32_t addr = 0;
    for (int i = 0; i < 4; ++i) {
        size_t dot = i < 3 ? s.find('.') : s.size();
        uint32_t part = 0;
        if (dot == std::string_view::npos || !parse_uint(s.substr(0, dot), 255, part)) return false;
        addr = addr << 8 | part;
        s.remove_prefix(i < 3 ? dot + 1 : dot);
    }
    out = addr;
    return s.empty();
}

bool parse_ipv6(std::string_view s, u128& out) {
    // Groups before and after a `::`.
    std::vector<uint32_t> head, tail;
    bool gap = false;
    size_t pos = s.find("::");
    auto groups = [](std::string_view part, std::vector<uint32_t>& into) {
        while (!part.empty()) {
            size_t colon = part.find(':');
            std::string_view g = part.substr(0, colon);
            uint32_t v = 0;
            if (g.empty() || g.size() > 4) return false;
            auto res = std::from_chars(g.data(), g.data() + g.size(), v, 16);
            if (res.ec != std::errc() || res.ptr != g.data() + g.size()) return false;
            into.push_back(v);
            if (colon == std::string_view::npos) break;
            part.remove_prefix(colon + 1);
            if (part.empty()) return false;
        }
        return true;
    };
    if (pos != std::string_view::npos) {
        gap = true;
        if (!groups(s.substr(0, pos), head) || !groups(s.substr(pos + 2), tail)) return false;
    } else if (!groups(s, head)) {
        return false;
    }
    size_t total = head.size() + tail.size();
    if (gap ? total > 7 : total != 8) return false;
    out = 0;
    for (uint32_t g : head) out = out << 16 | g;
    for (size_t i = total; i < 8; ++i) out <<= 16;
    for (uint32_t g : tail) out = out << 16 | g;
    return true;
}

std::string format_ipv4(u128 a) {
    auto v = static_cast<uint32_t>(a);
    return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 255) + "." +
           std::to_string((v >> 8) & 255) + "." + std::to_string(v & 255);
}

// RFC 5952: lowercase, no leading zeros, the longest run (2+) of zero groups as `::`.
std::string format_ipv6(u128 a) {
    uint32_t g[8];
    for (int i = 7; i >= 0; --i) {
        g[i] = static_cast<uint32_t>(a & 0xffff);
        a >>= 16;
    }
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && g[j] == 0) ++j;
        if (j - i > best_len && j - i >= 2) best = i, best_len = j - i;
        i = j == i ? i + 1 : j;
    }
    std::string out;
    char buf[8];
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        auto res = std::to_chars(buf, buf + sizeof buf, g[i], 16);
        out.append(buf, res.ptr);
    }
    return out;
}

} // namespace

CVal Evaluator::fn_cidr(const Node& arg, bool, SourceLoc at) {
    std::vector<const Node*> args;
    if (!list_args(arg, "Fn::Cidr", 3, 3, at, args)) return CVal::unknown("invalid Fn::Cidr", at);
    CVal block = eval(*args[0]), count = eval(*args[1]), bits = eval(*args[2]);
    std::vector<std::string> refs;
    for (const CVal* v : {&block, &count, &bits}) collect_refs(*v, refs);
    for (const CVal* v : {&block, &count, &bits})
        if (v->is(CVal::Kind::Unknown)) return CVal::unknown(v->text, at, refs);
    std::string text = scalar_text(block);
    size_t slash = text.find('/');
    u128 addr = 0;
    uint32_t prefix = 0, n = 0, host_bits = 0;
    bool v6 = text.find(':') != std::string::npos;
    uint32_t width = v6 ? 128 : 32;
    if (!block.is_scalar() || slash == std::string::npos ||
        !parse_uint(text.substr(slash + 1), width, prefix) ||
        !(v6 ? parse_ipv6(text.substr(0, slash), addr) : parse_ipv4(text.substr(0, slash), addr)))
        return invalid(doc_.loc(*args[0]),
                       "Fn::Cidr: `" + text + "` is not an address block like 10.0.0.0/16");
    if (!count.is_scalar() || !parse_uint(scalar_text(count), 256, n) || n == 0)
        return invalid(doc_.loc(*args[1]), "Fn::Cidr: the count must be a number from 1 to 256");
    if (!bits.is_scalar() || !parse_uint(scalar_text(bits), width, host_bits) || host_bits == 0 ||
        host_bits >= width || width - host_bits < prefix)
        return invalid(doc_.loc(*args[2]), "Fn::Cidr: the subnet bits do not fit in the block");
    uint32_t sub_prefix = width - host_bits;
    // The block must hold `n` subnets.
    if (sub_prefix - prefix < 9 && (u128(1) << (sub_prefix - prefix)) < n)
        return invalid(doc_.loc(*args[1]),
                       "Fn::Cidr: the block holds fewer than " + std::to_string(n) + " subnets");
    u128 mask = prefix == 0 ? 0 : (~u128(0)) << (128 - prefix);
    if (!v6) mask >>= 96;
    u128 base = addr & mask;
    CVal out;
    out.kind = CVal::Kind::List;
    out.loc = at;
    out.state = ValueState::Computed;
    out.refs = refs;
    for (uint32_t i = 0; i < n; ++i) {
        u128 a = base + (u128(i) << host_bits);
        std::string s = (v6 ? format_ipv6(a) : format_ipv4(a)) + "/" + std::to_string(sub_prefix);
        out.items.push_back(CVal::string(std::move(s), at, ValueState::Computed));
    }
    return out;
}

} // namespace tenet::cfn
