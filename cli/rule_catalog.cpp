#include "rule_catalog.h"

#include "tenet/compiler/parser.h"

#include <algorithm>

namespace tenet::cli {

std::vector<const RuleInfo*> sorted_rules(const Program& program) {
    std::vector<const RuleInfo*> rules;
    rules.reserve(program.rules.size());
    for (const RuleInfo& r : program.rules) rules.push_back(&r);
    std::sort(rules.begin(), rules.end(), [](const RuleInfo* a, const RuleInfo* b) {
        return a->id != b->id ? a->id < b->id : a->name < b->name;
    });
    return rules;
}

std::optional<std::string> rule_target(const RuleInfo& rule) {
    if (rule.form == RuleForm::Exists || rule.form == RuleForm::AtLeast) return std::nullopt;
    if (rule.target_kind == TargetKind::Any) return std::string("resource");
    return rule.target_type;
}

std::string rule_message(const RuleInfo& rule) {
    return decode_string_body(rule.message);
}

std::string rule_file(const Program& program, const RuleInfo& rule) {
    return rule.loc.file < program.files.size() ? program.files[rule.loc.file] : std::string();
}

} // namespace tenet::cli
