// Shared state of the engine (engine*.cpp): the globals, and the helpers that
// parameter overrides and rule evaluation use.
#pragma once

#include "tenet/model/arena.h"
#include "tenet/model/value.h"
#include "tenet/runtime/engine.h"

#include <string>
#include <string_view>
#include <vector>

namespace tenet {

struct Engine::Impl {
    Arena globals_arena;        // parameter and let values: live as long as the engine
    std::vector<Value> globals; // by GlobalInfo index, filled in initialization order
    bool globals_ready = false;
};

// An AtLeast rule's percentage: its literal, or the value of its percent global
// (init_globals checked that it is a number in 0..100).
inline double rule_percent(const RuleInfo& rule, const std::vector<Value>& globals) {
    if (rule.percent_global == kNoGlobal || rule.percent_global >= globals.size() ||
        !globals[rule.percent_global].is(Kind::Number))
        return rule.percent;
    return globals[rule.percent_global].as_number();
}

// Whether a mapping for `mapping` (its frontend) applies to a resource loaded by frontend
// `resource`: `map terraform` also covers CDKTF and `map cloudformation` also covers the
// CDK, whose synthesized output is CloudFormation.
bool frontend_matches(std::string_view mapping, std::string_view resource);

// Whether `v` has the declared type `type` (GlobalInfo::type text: any, bool, number,
// string, null, list<T>, map<T>, or a record name, which takes a map).
bool value_has_type(const Value& v, std::string_view type);

// Index of the parameter an override names: exact qualified name, or the unique
// parameter whose last component is `name`. -1 with `error` set otherwise.
int resolve_param(const Program& program, std::string_view name, std::string& error);

// Parses an override's text: JSON, or else the text itself as a string. False (with
// `error`) when the text is neither valid JSON nor acceptable as a string for `type`.
bool parse_override(std::string_view text, std::string_view type, Arena& arena, Value& out,
                    std::string& error);

} // namespace tenet
