#include "explain.h"

#include "tenet/compiler/reference_eval.h"

#include <fmt/format.h>

namespace tenet::cli {

namespace {

constexpr size_t kExprWidth = 72;  // expression text column
constexpr size_t kValueWidth = 60; // longest value shown

std::string location(const SourceManager& sm, SourceLoc loc) {
    if (!loc.valid() || loc.file == 0 || loc.file >= sm.size()) return "";
    return fmt::format("{}:{}:{}", sm.path(loc.file), loc.line, loc.column);
}

// The expression as written, whitespace runs folded to one space, shortened in the middle.
std::string expression_text(const SourceManager& sm, SourceSpan span) {
    if (span.begin.file == 0 || span.begin.file >= sm.size() || !span.begin.valid()) return "";
    std::string text;
    for (uint32_t line = span.begin.line; line <= span.end.line && line < span.begin.line + 20;
         ++line) {
        std::string_view l = sm.line_text(span.begin.file, line);
        size_t from = line == span.begin.line && span.begin.column ? span.begin.column - 1 : 0;
        size_t to = line == span.end.line && span.end.column ? span.end.column - 1 : l.size();
        if (from > l.size()) from = l.size();
        if (to > l.size() || to < from) to = l.size();
        if (!text.empty()) text += ' ';
        text += l.substr(from, to - from);
    }
    std::string folded;
    for (char c : text) {
        bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
        if (space && (folded.empty() || folded.back() == ' ')) continue;
        folded += space ? ' ' : c;
    }
    while (!folded.empty() && folded.back() == ' ') folded.pop_back();
    if (folded.size() > kExprWidth) folded = folded.substr(0, kExprWidth - 3) + "...";
    return folded;
}

std::string shorten(const std::string& s, size_t width) {
    return s.size() <= width ? s : s.substr(0, width - 3) + "...";
}

// Where a value came from: its source position and state, and what it derives from.
std::string provenance(const Model& model, const SourceManager& sm, ProvId id) {
    if (id == 0 || id >= model.provenance.size()) return "";
    const Provenance& p = model.prov(id);
    std::string where = location(sm, p.loc);
    if (where.empty() && p.pointer) where = std::string(p.pointer->view());
    std::string out;
    switch (p.state) {
    case ValueState::Explicit:
        out = where;
        break;
    case ValueState::Default:
        out = where.empty() ? "default" : "default, " + where;
        break;
    case ValueState::Unknown:
        out = where.empty() ? "unknown" : "unknown, " + where;
        break;
    case ValueState::Computed:
        out = where.empty() ? "computed" : "computed, " + where;
        break;
    }
    auto refs = model.refs(p);
    if (!refs.empty()) {
        out += out.empty() ? "from " : " from ";
        for (size_t i = 0; i < refs.size() && i < 3; ++i)
            out += (i ? ", " : "") + std::string(refs[i]->view());
        if (refs.size() > 3) out += fmt::format(" and {} more", refs.size() - 3);
    }
    return out;
}

// Literals explain nothing: their value is their text (lists of literals too).
bool worth_showing(const ast::Expr& e) {
    switch (e.kind) {
    case ast::ExprKind::Null:
    case ast::ExprKind::Bool:
    case ast::ExprKind::Number:
    case ast::ExprKind::String:
        return false;
    case ast::ExprKind::List:
        for (auto& item : e.items)
            if (worth_showing(*item)) return true;
        return false;
    default:
        return true;
    }
}

const ast::RuleDecl* rule_decl(const CheckedProgram& checked, const RuleInfo& info) {
    for (const ast::RuleDecl* r : checked.rules)
        if (r->package + "." + r->name == info.name) return r;
    return nullptr;
}

void render_steps(const ExplainRequest& req, const Model& model, const SourceManager& sm,
                  std::string& out) {
    uint32_t current_resource = UINT32_MAX;
    bool stack_level = req.resource == kStackResource;
    // The text shown at each depth: a step that reads the same as its parent (a long
    // expression and its first operand, cut at the same width) adds nothing.
    // Indentation counts only the ancestors that were shown.
    struct Level {
        std::string text;
        bool shown = false;
        uint32_t indent = 0;
    };
    std::vector<Level> levels;
    for (const ExplainStep& s : req.steps) {
        if (!worth_showing(*s.expr)) continue;
        levels.resize(s.depth + 1);
        Level& level = levels[s.depth];
        const Level* parent = s.depth > 0 ? &levels[s.depth - 1] : nullptr;
        level.text = expression_text(sm, s.expr->span);
        level.indent = parent ? parent->indent + (parent->shown ? 1 : 0) : 0;
        level.shown = !level.text.empty() && !(parent && parent->text == level.text);
        if (!level.shown) continue;
        const std::string& text = level.text;
        if (stack_level && s.resource != current_resource) {
            current_resource = s.resource;
            const Resource& r = model.resources[s.resource];
            std::string at = location(sm, r.loc);
            out += fmt::format("  {}{}\n", r.address->view(), at.empty() ? "" : " (" + at + ")");
        }
        std::string indent((level.indent + 1 + (stack_level ? 1 : 0)) * 2, ' ');
        std::string value = s.value.empty() ? "(evaluation error)" : shorten(s.value, kValueWidth);
        std::string line = fmt::format("{}{} = {}", indent, text, value);
        std::string from = provenance(model, sm, s.prov);
        if (s.expr->callee) {
            std::string def = location(sm, s.expr->callee->span.begin);
            if (!def.empty()) from = from.empty() ? "pred at " + def : from + "; pred at " + def;
        }
        if (!from.empty()) line += "   [" + from + "]";
        out += line + "\n";
    }
    if (req.truncated)
        out += fmt::format("  ... (stopped after {} steps)\n", ExplainRequest::kMaxExplainSteps);
}

} // namespace

bool explain(SourceManager& sm, const Program& program, const CheckedProgram& checked,
             const InputOptions& inputs, const std::vector<ParamOverride>& params,
             const std::vector<ExplainTarget>& targets, std::string& out, std::string& error) {
    Model model;
    std::vector<std::string> input_errors;
    load_inputs(sm, inputs, model, input_errors);
    std::vector<ExplainRequest> requests;
    std::vector<const ExplainTarget*> for_request;
    for (const ExplainTarget& t : targets) {
        ExplainRequest req;
        req.rule = t.rule;
        req.resource = kStackResource;
        if (t.resource != "stack") {
            int64_t r = model.find_address(t.resource);
            if (r < 0) continue; // it was loaded for the verdict: a fresh load finds it too
            req.resource = static_cast<uint32_t>(r);
        }
        requests.push_back(std::move(req));
        for_request.push_back(&t);
    }
    ReferenceOptions opts;
    opts.explain = &requests;
    reference_check(checked, program, model, params, error, opts);
    if (!error.empty()) return false;
    for (size_t i = 0; i < requests.size(); ++i) {
        const ExplainRequest& req = requests[i];
        const ExplainTarget& t = *for_request[i];
        const RuleInfo& info = program.rules[req.rule];
        std::string where;
        if (req.resource != kStackResource) where = location(sm, model.resources[req.resource].loc);
        out += fmt::format("{} {} on {}{}\n", info.id.empty() ? info.name : info.id,
                           verdict_name(t.verdict), t.resource,
                           where.empty() ? "" : " (" + where + ")");
        if (const ast::RuleDecl* decl = rule_decl(checked, info)) {
            out += fmt::format("  rule {} at {}\n", info.name, location(sm, decl->span.begin));
        }
        if (req.steps.empty() && req.resource == kStackResource)
            out += fmt::format("  no {} resource was found, so nothing was evaluated\n",
                               info.target_type.empty() ? "" : "`" + info.target_type + "`");
        else if (req.steps.empty())
            out += "  (no expression was evaluated)\n";
        render_steps(req, model, sm, out);
        out += "\n";
    }
    return true;
}

} // namespace tenet::cli
