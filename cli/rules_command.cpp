// tenet rules: list every compiled rule with its metadata, as a text table or as
// JSON (a fixed schema that scripts code against; see docs/ci.md).
#include "cli_common.h"
#include "commands.h"
#include "rule_catalog.h"
#include "tenet/common/json.h"

#include <algorithm>
#include <fmt/format.h>

namespace tenet::cli {

namespace {

struct RulesOptions {
    PolicyOptions policy;
    bool no_default_policies = false;
    std::string format = "text";
};

std::string render_rules_json(const Program& program, const std::vector<const RuleInfo*>& rules) {
    json::Writer w;
    w.begin_array();
    for (const RuleInfo* r : rules) {
        w.begin_object();
        w.key("id").value(r->id);
        w.key("name").value(r->name);
        w.key("package").value(r->package);
        w.key("title").value(r->title);
        w.key("severity").value(severity_name(r->severity));
        w.key("level").value(level_name(r->level));
        w.key("controls").begin_array();
        for (auto& c : r->controls) w.value(c);
        w.end_array();
        w.key("fix").value(r->fix);
        w.key("message").value(rule_message(*r));
        w.key("target");
        if (auto target = rule_target(*r))
            w.value(*target);
        else
            w.null();
        w.key("file").value(rule_file(program, *r));
        w.key("line").value(static_cast<int64_t>(r->loc.line));
        w.end_object();
    }
    w.end_array();
    return w.str() + "\n";
}

std::string render_rules_text(const std::vector<const RuleInfo*>& rules) {
    size_t id_w = 2, sev_w = 8, level_w = 5, target_w = 6;
    for (const RuleInfo* r : rules) {
        id_w = std::max(id_w, r->id.size());
        target_w = std::max(target_w, rule_target(*r).value_or("(stack)").size());
    }
    std::string out = fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", "ID", id_w, "SEVERITY",
                                  sev_w, "LEVEL", level_w + 3, "TARGET", target_w, "TITLE");
    for (const RuleInfo* r : rules)
        out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", r->id, id_w,
                           severity_name(r->severity), sev_w, level_name(r->level), level_w + 3,
                           rule_target(*r).value_or("(stack)"), target_w, r->title);
    out += fmt::format("{} rule{}\n", rules.size(), rules.size() == 1 ? "" : "s");
    return out;
}

int run_rules(RulesOptions& o) {
    if (o.format != "text" && o.format != "json") {
        print_error(fmt::format("--format expects text or json; found `{}`", o.format));
        return kExitError;
    }
    SourceManager sm;
    o.policy.default_policies = !o.no_default_policies;
    std::unique_ptr<Program> program = load_program(sm, o.policy);
    if (!program) return kExitError;
    std::vector<const RuleInfo*> rules = sorted_rules(*program);
    fmt::print("{}",
               o.format == "json" ? render_rules_json(*program, rules) : render_rules_text(rules));
    return kExitOk;
}

} // namespace

void add_rules_command(CLI::App& app, int& exit_code) {
    auto o = std::make_shared<RulesOptions>();
    CLI::App* cmd = app.add_subcommand("rules", "List every compiled rule with its metadata");
    cmd->footer("\nExamples:\n"
                "  tenet rules\n"
                "  tenet rules --format json --policy my-policies/\n"
                "  tenet rules --no-default-policies --policy pack.tnb\n");
    cmd->add_option("-p,--policy", o->policy.paths, "Extra .tenet files or folders, or a bundle")
        ->type_name("PATH");
    cmd->add_flag("--no-default-policies", o->no_default_policies,
                  "Do not include the bundled policies");
    cmd->add_option("-f,--format", o->format, "Output format: text or json")->type_name("FORMAT");
    cmd->callback([o, &exit_code] { exit_code = run_rules(*o); });
}

} // namespace tenet::cli
