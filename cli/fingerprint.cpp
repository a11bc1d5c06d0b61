#include "fingerprint.h"

#include <fmt/format.h>

namespace tenet::cli {

namespace {

uint64_t fnv1a64(std::string_view s, uint64_t h = 1469598103934665603ull) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

} // namespace

std::string finding_fingerprint(const CheckReport& r, const Finding& f) {
    const RuleInfo& rule = r.rule(f);
    std::string key = rule.id;
    key += '\x1f';
    key += subject_name(r, f);
    if (f.resource != kStackResource && r.model->resources[f.resource].native_type) {
        key += '\x1f';
        key += r.model->resources[f.resource].native_type->view();
    }
    return fmt::format("{:016x}", fnv1a64(key));
}

} // namespace tenet::cli
