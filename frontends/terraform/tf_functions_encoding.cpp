// Encoding functions: JSON both ways, base64, URL encoding.
#include "tenet/common/json.h"
#include "tf_functions.h"

#include <cstring>

namespace tenet::tf {

namespace {

ValPtr from_json(const json::Node& n) {
    switch (n.type) {
    case json::Type::Null:
        return v_null();
    case json::Type::Bool:
        return v_bool(n.boolean);
    case json::Type::Number:
        return v_num(n.number);
    case json::Type::String:
        return v_str(n.string);
    case json::Type::Array: {
        std::vector<ValPtr> items;
        for (const json::Node& i : n.items) items.push_back(from_json(i));
        return v_list(items);
    }
    case json::Type::Object: {
        Members m;
        for (const auto& [k, v] : n.members) m.emplace_back(k, from_json(v));
        return v_map(m);
    }
    }
    return v_null();
}

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(const std::string& in) {
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
        for (int k = 18; k >= 0; k -= 6) out += kB64[(n >> k) & 63];
    }
    if (i + 1 == in.size()) {
        uint32_t n = uint8_t(in[i]) << 16;
        out += kB64[(n >> 18) & 63];
        out += kB64[(n >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
        out += kB64[(n >> 18) & 63];
        out += kB64[(n >> 12) & 63];
        out += kB64[(n >> 6) & 63];
        out += '=';
    }
    return out;
}

bool unbase64(const std::string& in, std::string& out) {
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=') break;
        const char* p = std::strchr(kB64, c);
        if (!p || c == '\0') return false;
        acc = (acc << 6) | static_cast<uint32_t>(p - kB64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    return true;
}

} // namespace

std::string base64_encode(const std::string& in) {
    return base64(in);
}

ValPtr parse_json_value(const std::string& text, std::string& error) {
    json::Node root;
    json::ParseError err;
    if (!json::parse(text, 0, root, err)) {
        error = err.message;
        return nullptr;
    }
    return from_json(root);
}

ValPtr call_encoding_function(const std::string& name, std::vector<ValPtr>& args,
                              const FnEnv& env) {
    SourceLoc loc = env.loc;
    if (name == "jsonencode") {
        if (args.size() != 1) return arg_error(name, "takes one argument", loc);
        std::string out;
        to_json(*args[0], out);
        return v_str(out);
    }
    std::string s;
    if (name == "jsondecode") {
        if (args.size() != 1 || !want_string(args[0], s))
            return arg_error(name, "takes one string", loc);
        json::Node root;
        json::ParseError err;
        if (!json::parse(s, 0, root, err))
            return arg_error(name, "invalid JSON: " + err.message, loc);
        return from_json(root);
    }
    if (name == "base64encode" || name == "base64decode" || name == "urlencode") {
        if (args.size() != 1 || !want_string(args[0], s))
            return arg_error(name, "takes one string", loc);
        if (name == "base64encode") return v_str(base64(s));
        if (name == "base64decode") {
            std::string out;
            if (!unbase64(s, out)) return arg_error(name, "the string is not valid base64", loc);
            return v_str(out);
        }
        std::string out;
        const char* hex = "0123456789ABCDEF";
        for (unsigned char c : s) {
            if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
                out += static_cast<char>(c);
            } else {
                out += '%';
                out += hex[c >> 4];
                out += hex[c & 15];
            }
        }
        return v_str(out);
    }
    return nullptr;
}

} // namespace tenet::tf
