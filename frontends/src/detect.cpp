// Frontend detection: by name first, then by a cheap look at the content. Only the
// first 64 KiB of a file are read; top-level keys of JSON documents and YAML templates
// decide between the JSON-based formats.
#include "tenet/frontends/frontend.h"

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace tenet {

namespace fs = std::filesystem;

const char* frontend_name(FrontendKind k) {
    switch (k) {
    case FrontendKind::Unknown:
        return "unknown";
    case FrontendKind::TenetModel:
        return "model";
    case FrontendKind::Terraform:
        return "terraform";
    case FrontendKind::TerraformPlan:
        return "terraform-plan";
    case FrontendKind::TerraformState:
        return "terraform-state";
    case FrontendKind::CloudFormation:
        return "cloudformation";
    case FrontendKind::Cdk:
        return "cdk";
    case FrontendKind::Cdktf:
        return "cdktf";
    case FrontendKind::Pulumi:
        return "pulumi";
    }
    return "unknown";
}

namespace {

std::string head_of(const fs::path& p, size_t limit = 64 * 1024) {
    std::ifstream in(p, std::ios::binary);
    std::string s(limit, '\0');
    in.read(s.data(), static_cast<std::streamsize>(limit));
    s.resize(static_cast<size_t>(in.gcount()));
    return s;
}

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The keys of the top-level JSON object that appear in the first bytes: a key is a
// string at depth 1 followed by `:`. Good enough to tell the formats apart; the
// loaders themselves parse properly.
std::vector<std::string> top_level_json_keys(const std::string& text) {
    std::vector<std::string> keys;
    int depth = 0;
    const char* b = text.data();
    const size_t n = text.size();
    // Only quotes and brackets matter: the bytes between them (indentation, numbers,
    // punctuation) are skipped through a table, four at a time.
    static const auto special = [] {
        std::array<bool, 256> t{};
        for (unsigned char c : {'{', '}', '[', ']', '"'}) t[c] = true;
        return t;
    }();
    for (size_t i = 0; i < n; ++i) {
        while (i + 4 <= n && !(special[static_cast<unsigned char>(b[i])] |
                               special[static_cast<unsigned char>(b[i + 1])] |
                               special[static_cast<unsigned char>(b[i + 2])] |
                               special[static_cast<unsigned char>(b[i + 3])]))
            i += 4;
        while (i < n && !special[static_cast<unsigned char>(b[i])]) ++i;
        if (i >= n) break;
        char c = b[i];
        if (c == '{' || c == '[')
            ++depth;
        else if (c == '}' || c == ']')
            --depth;
        else if (c == '"') {
            // The string's end: the next quote not escaped (memchr skips the text between).
            size_t j = i + 1;
            bool escaped = false;
            while (j < n) {
                const void* q = std::memchr(b + j, '"', n - j);
                size_t stop = q ? static_cast<size_t>(static_cast<const char*>(q) - b) : n;
                const void* bs = std::memchr(b + j, '\\', stop - j);
                if (!bs) {
                    j = stop;
                    break;
                }
                escaped = true;
                j = static_cast<size_t>(static_cast<const char*>(bs) - b) + 2; // skip the escape
            }
            if (j > n) j = n;
            size_t k = j + 1;
            while (k < n && (b[k] == ' ' || b[k] == '\n' || b[k] == '\r' || b[k] == '\t')) ++k;
            if (depth == 1 && k < n && b[k] == ':') {
                std::string s;
                if (!escaped) {
                    s.assign(b + i + 1, j - i - 1);
                } else {
                    for (size_t x = i + 1; x < j; ++x) {
                        if (b[x] == '\\' && x + 1 < n) ++x;
                        s += b[x];
                    }
                }
                keys.push_back(std::move(s));
            }
            i = j;
        }
    }
    return keys;
}

bool has(const std::vector<std::string>& keys, std::string_view k) {
    for (auto& x : keys)
        if (x == k) return true;
    return false;
}

FrontendKind detect_json(const std::string& name, const std::string& text) {
    auto keys = top_level_json_keys(text);
    if (text.find("\"tenet-model/") != std::string::npos && has(keys, "format"))
        return FrontendKind::TenetModel;
    if (has(keys, "planned_values") || has(keys, "resource_changes"))
        return FrontendKind::TerraformPlan;
    if (has(keys, "terraform_version") && has(keys, "values")) return FrontendKind::TerraformState;
    if (has(keys, "serial") && has(keys, "lineage")) return FrontendKind::TerraformState;
    if (has(keys, "deployment") ||
        (has(keys, "steps") && text.find("\"urn\"") != std::string::npos))
        return FrontendKind::Pulumi;
    if (has(keys, "AWSTemplateFormatVersion") || has(keys, "Resources"))
        return FrontendKind::CloudFormation;
    if (ends_with(name, ".tf.json"))
        return name == "cdk.tf.json" ? FrontendKind::Cdktf : FrontendKind::Terraform;
    return FrontendKind::Unknown;
}

bool yaml_is_template(const std::string& text) {
    // Top-level keys start at column 1.
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        std::string_view line(text.data() + pos,
                              (end == std::string::npos ? text.size() : end) - pos);
        if (line.starts_with("AWSTemplateFormatVersion") || line.starts_with("Resources:") ||
            line.starts_with("Transform:"))
            return true;
        if (end == std::string::npos) break;
        pos = end + 1;
    }
    return false;
}

} // namespace

FrontendKind detect_frontend(const std::string& path) {
    std::error_code ec;
    fs::path p(path);
    if (fs::is_directory(p, ec)) {
        if (fs::exists(p / "manifest.json", ec)) {
            std::string manifest = head_of(p / "manifest.json");
            if (manifest.find("aws:cloudformation:stack") != std::string::npos)
                return FrontendKind::Cdk;
            if (fs::is_directory(p / "stacks", ec)) return FrontendKind::Cdktf;
        }
        for (auto& e : fs::directory_iterator(p, ec)) {
            std::string n = e.path().filename().string();
            if (e.is_regular_file(ec) && (ends_with(n, ".tf") || ends_with(n, ".tf.json")))
                return FrontendKind::Terraform;
        }
        return FrontendKind::Unknown;
    }
    std::string name = p.filename().string();
    if (ends_with(name, ".tf")) return FrontendKind::Terraform;
    if (ends_with(name, ".tfstate")) return FrontendKind::TerraformState;
    // Top-level JSON keys can follow a large first section (a plan's variables): look further.
    if (ends_with(name, ".json")) return detect_json(name, head_of(p, 4u << 20));
    if (ends_with(name, ".yaml") || ends_with(name, ".yml") || ends_with(name, ".template"))
        return yaml_is_template(head_of(p)) ? FrontendKind::CloudFormation : FrontendKind::Unknown;
    return FrontendKind::Unknown;
}

} // namespace tenet
