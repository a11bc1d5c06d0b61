// What `tenet rules` and `tenet doc` say about a compiled rule: the rules in id order,
// the type a rule quantifies over, the file that declares it.
#pragma once

#include "tenet/runtime/program.h"

#include <optional>
#include <string>
#include <vector>

namespace tenet::cli {

// The program's rules sorted by id (then by qualified name).
std::vector<const RuleInfo*> sorted_rules(const Program& program);

// The canonical or native type a per-resource rule (every, no) quantifies over;
// "resource" when it quantifies over every resource; nullopt for the stack-level
// forms (exists, at least), which give one verdict for the whole stack.
std::optional<std::string> rule_target(const RuleInfo& rule);

// The message template with the string literal's escapes decoded (`\"` is `"`); its
// `{EXPR}` interpolations are kept as written.
std::string rule_message(const RuleInfo& rule);

// The path of the file declaring the rule ("" when the program does not know it).
std::string rule_file(const Program& program, const RuleInfo& rule);

} // namespace tenet::cli
