// Tests (`tenet test`): duplicate names, input frontends and file names, fixture paths,
// parameters (declared, of the right type, literal), and the rules expectations name.
// Tests are checked with the program but never lowered.
#include "checker_internal.h"
#include "tenet/common/json.h"

#include <algorithm>
#include <filesystem>

namespace tenet::check {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kFrontends = {"terraform", "cloudformation", "plan", "pulumi",
                                             "model"};

void add_help(Diagnostic& d, const std::string& suggestion) {
    if (!suggestion.empty()) d.help = "did you mean `" + suggestion + "`?";
}

// A literal (what `--param` could say), or the first part that is not one.
const Expr* non_literal(const Expr& e) {
    switch (e.kind) {
    case ExprKind::Null:
    case ExprKind::Bool:
    case ExprKind::Number:
    case ExprKind::String:
        return nullptr;
    case ExprKind::Unary:
        return e.lhs && e.lhs->kind == ExprKind::Number ? nullptr : &e;
    case ExprKind::List:
    case ExprKind::MapLit:
        for (auto& item : e.items)
            if (const Expr* bad = non_literal(*item)) return bad;
        return nullptr;
    default:
        return &e;
    }
}

void literal_json(const Expr& e, std::string& out) {
    switch (e.kind) {
    case ExprKind::Bool:
        out += e.bool_value ? "true" : "false";
        break;
    case ExprKind::Number:
        json::append_number(out, e.number_value);
        break;
    case ExprKind::String:
        json::append_quoted(out, e.string_value);
        break;
    case ExprKind::Unary:
        json::append_number(out, -e.lhs->number_value);
        break;
    case ExprKind::List:
        out += '[';
        for (size_t i = 0; i < e.items.size(); ++i) {
            if (i) out += ',';
            literal_json(*e.items[i], out);
        }
        out += ']';
        break;
    case ExprKind::MapLit:
        out += '{';
        for (size_t i = 0; i < e.items.size(); ++i) {
            if (i) out += ',';
            json::append_quoted(out, e.keys[i]);
            out += ':';
            literal_json(*e.items[i], out);
        }
        out += '}';
        break;
    default:
        out += "null";
    }
}

// The file an inline input is written to when the test does not name one.
std::string default_file(const TestInput& in) {
    if (in.frontend == "terraform") return "main.tf";
    if (in.frontend == "cloudformation") {
        size_t i = in.block.text.find_first_not_of(" \t\r\n");
        return i != std::string::npos && in.block.text[i] == '{' ? "template.json"
                                                                 : "template.yaml";
    }
    if (in.frontend == "plan") return "plan.json";
    if (in.frontend == "pulumi") return "stack.json";
    return "model.json";
}

// "main.tf" -> "main_2.tf"
std::string numbered(const std::string& name, int n) {
    size_t dot = name.find('.');
    std::string stem = dot == std::string::npos ? name : name.substr(0, dot);
    std::string ext = dot == std::string::npos ? "" : name.substr(dot);
    return stem + "_" + std::to_string(n) + ext;
}

// A name the test may write: relative, inside its folder.
bool safe_file_name(const std::string& name) {
    if (name.empty() || name.front() == '/' || name.back() == '/') return false;
    for (const auto& part : fs::path(name))
        if (part == ".." || part == ".") return false;
    return true;
}

} // namespace

void Checker::check_tests() {
    std::map<std::pair<std::string, std::string>, const TestDecl*> seen;
    for (File& f : prog_.files) {
        for (auto& t : f.tests) {
            auto [it, fresh] = seen.emplace(std::make_pair(t->package, t->name), t.get());
            if (!fresh) {
                auto& d = diags_.report(Diag::DuplicateTest, t->name_span, t->name, t->package);
                d.notes.push_back({it->second->name_span, "first declared here"});
            }
            check_test(*t, f);
            prog_.tests.push_back(t.get());
        }
    }
}

void Checker::check_test(TestDecl& t, const File& f) {
    // Inputs: frontends, file names, fixture paths.
    std::set<std::string> files;
    std::map<std::string, int> defaults;
    fs::path dir = fs::path(sm_.path(f.file)).parent_path();
    for (TestInput& in : t.inputs) {
        if (in.is_fixture()) {
            fs::path p = fs::path(in.path).is_absolute() ? fs::path(in.path) : dir / in.path;
            in.resolved_path = p.lexically_normal().generic_string();
            std::error_code ec;
            if (!fs::exists(p, ec))
                diags_.report(Diag::MissingFixture, in.path_span, in.path, in.resolved_path);
            continue;
        }
        if (std::find(kFrontends.begin(), kFrontends.end(), in.frontend) == kFrontends.end()) {
            auto& d = diags_.report(Diag::UnknownFrontend, in.frontend_span, in.frontend);
            add_help(d, closest_match(in.frontend, kFrontends));
            continue;
        }
        if (!in.file_name.empty()) {
            if (!safe_file_name(in.file_name)) {
                diags_.report(Diag::BadInputFileName, in.file_name_span, in.file_name);
                continue;
            }
            in.file = in.file_name;
            if (!files.insert(in.frontend + "/" + in.file).second)
                diags_.report(Diag::DuplicateInputFile, in.file_name_span, in.file_name);
            continue;
        }
        std::string name = default_file(in);
        int n = ++defaults[in.frontend + "/" + name];
        in.file = n == 1 ? name : numbered(name, n);
        while (!files.insert(in.frontend + "/" + in.file).second) in.file = numbered(name, ++n);
    }
    for (TestParam& p : t.params) check_test_param(p, f);

    // Expectations: the rules they name, by id, name or package.name.
    std::vector<std::string> candidates;
    for (const RuleDecl* r : prog_.rules) {
        if (!r->id.empty()) candidates.push_back(r->id);
        candidates.push_back(r->name);
    }
    for (TestExpect& e : t.expects) {
        if (e.rule.empty()) continue;
        const RuleDecl* found = nullptr;
        for (const RuleDecl* r : prog_.rules) {
            bool by_name = r->name == e.rule || r->package + "." + r->name == e.rule;
            if (r->id != e.rule && !by_name) continue;
            // A name declared in several packages: the test's own package wins.
            if (!found || (r->package == t.package && found->package != t.package)) found = r;
        }
        if (!found) {
            auto& d = diags_.report(Diag::UnknownTestRule, e.rule_span, e.rule);
            add_help(d, closest_match(e.rule, candidates));
            continue;
        }
        e.rule_id = found->id;
        e.rule_name = found->package + "." + found->name;
    }
    if (t.expects.empty()) diags_.report(Diag::EmptyTest, t.name_span, t.name);
}

void Checker::check_test_param(TestParam& p, const File& f) {
    // The parameter: package.name, or a name of the test's package, of a package the
    // file imports, or of exactly one package.
    const ParamDecl* decl = nullptr;
    auto param_in = [&](const std::string& pkg, const std::string& name) -> const ParamDecl* {
        auto it = packages_.find(pkg);
        if (it == packages_.end()) return nullptr;
        auto n = it->second.names.find(name);
        if (n == it->second.names.end() || n->second->kind != DeclKind::Param) return nullptr;
        return static_cast<const ParamDecl*>(n->second);
    };
    size_t dot = p.name.rfind('.');
    if (dot != std::string::npos) {
        decl = param_in(p.name.substr(0, dot), p.name.substr(dot + 1));
    } else {
        decl = param_in(f.package, p.name);
        if (!decl) {
            std::vector<const ParamDecl*> found;
            for (const Decl* g : prog_.globals)
                if (g->kind == DeclKind::Param && g->name == p.name)
                    found.push_back(static_cast<const ParamDecl*>(g));
            if (found.size() > 1) {
                auto& d = diags_.report(Diag::AmbiguousTestParam, p.name_span, p.name);
                for (const ParamDecl* c : found)
                    d.notes.push_back({c->name_span, "declared in package `" + c->package + "`"});
                d.help = "qualify it: `" + found.front()->package + "." + p.name + "`";
                return;
            }
            if (!found.empty()) decl = found.front();
        }
    }
    if (!decl) {
        std::vector<std::string> names;
        for (const Decl* g : prog_.globals)
            if (g->kind == DeclKind::Param) names.push_back(g->name);
        auto& d = diags_.report(Diag::UnknownParam, p.name_span, p.name);
        add_help(d, closest_match(p.name, names));
        return;
    }
    p.qualified = decl->package + "." + decl->name;
    if (const Expr* bad = non_literal(*p.value)) {
        diags_.report(Diag::TestParamNotLiteral, bad->span);
        return;
    }
    Scope s;
    s.package = package_of(f);
    s.file = &f;
    const Type* want = decl->type->resolved;
    const Type* got = nullptr;
    size_t errors_before = diags_.error_count();
    if (!want) return;
    if (!check_against(*p.value, want, s, &got)) {
        diags_.report(Diag::BadParamValue, p.value->span, p.qualified, want->to_string(),
                      got ? got->to_string() : "invalid");
        return;
    }
    if (diags_.error_count() != errors_before) return;
    literal_json(*p.value, p.json);
}

} // namespace tenet::check
