#include "plan_config.h"

#include "json_values.h"
#include "tenet/common/file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tenet::plan {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxResolveDepth = 32; // module nesting is far shallower; this bounds bad input

// Terraform lists every prefix of a reference too (`aws_s3_bucket.b["data"].id`,
// `aws_s3_bucket.b["data"]`, `aws_s3_bucket.b`): keep the most specific ones.
std::vector<std::string> most_specific(const json::Elem* list) {
    std::vector<std::string> all;
    if (!list || !list->is(json::Type::Array)) return all;
    for (auto& item : list->items())
        if (item.is(json::Type::String) &&
            std::find(all.begin(), all.end(), item.str()) == all.end())
            all.push_back(std::string(item.str()));
    std::vector<std::string> out;
    for (auto& r : all) {
        bool covered = false;
        for (auto& other : all) covered |= other != r && is_path_prefix(r, other);
        if (!covered) out.push_back(r);
    }
    return out;
}

bool is_expression(const json::Elem& n) {
    return n.is(json::Type::Object) &&
           (n.members().empty() || n.get("references") || n.get("constant_value"));
}

Expression make_expression(const json::Elem& n, const std::string& pointer) {
    Expression e;
    e.node = &n;
    e.pointer = pointer;
    e.references = most_specific(n.get("references"));
    e.constant = n.get("constant_value") != nullptr;
    return e;
}

// Expressions mirror the attribute structure: an attribute is an expression object,
// a nested block is an array of (or, when single, one) object of expressions.
void flatten_expressions(const json::Elem& n, const std::string& pointer, const std::string& path,
                         std::map<std::string, Expression>& out) {
    if (!n.is(json::Type::Object)) return;
    for (auto& [key, child] : n.members()) {
        std::string p = pointer, a = path;
        append_pointer(p, key);
        append_path_key(a, key);
        if (is_expression(child)) {
            out.emplace(a, make_expression(child, p));
        } else if (child.is(json::Type::Array)) {
            for (size_t i = 0; i < child.items().size(); ++i) {
                std::string pi = p, ai = a;
                append_pointer_index(pi, i);
                append_path_index(ai, i);
                flatten_expressions(child.items()[i], pi, ai, out);
            }
        } else {
            flatten_expressions(child, p, a, out);
        }
    }
}

std::string str_of(const json::Elem* n) {
    return n ? std::string(n->str()) : std::string();
}

struct Reader {
    std::map<std::string, std::string> installed;

    void read_module(const json::Elem& n, const std::string& pointer, ConfigModule& m,
                     const std::string& key_path) {
        if (const json::Elem* res = n.get("resources"); res && res->is(json::Type::Array)) {
            for (size_t i = 0; i < res->items().size(); ++i) {
                const json::Elem& r = res->items()[i];
                ConfigResource c;
                c.mode = str_of(r.get("mode"));
                c.type = str_of(r.get("type"));
                c.name = str_of(r.get("name"));
                c.node = &r;
                c.pointer = pointer + "/resources/" + std::to_string(i);
                if (const json::Elem* e = r.get("expressions"))
                    flatten_expressions(*e, c.pointer + "/expressions", "", c.expressions);
                for (const char* meta : {"for_each_expression", "count_expression"})
                    if (const json::Elem* fe = r.get(meta))
                        for (auto& ref : most_specific(fe->get("references")))
                            c.for_each_references.push_back(ref);
                if (c.type.empty() || c.name.empty()) continue;
                m.resources.emplace(c.mode + "." + c.type + "." + c.name, std::move(c));
            }
        }
        if (const json::Elem* outs = n.get("outputs"); outs && outs->is(json::Type::Object))
            for (auto& [name, o] : outs->members())
                if (const json::Elem* e = o.get("expression")) {
                    std::string p = pointer + "/outputs";
                    append_pointer(p, name);
                    m.outputs.emplace(std::string(name), make_expression(*e, p + "/expression"));
                }
        if (const json::Elem* vars = n.get("variables"); vars && vars->is(json::Type::Object))
            for (auto& [name, v] : vars->members()) m.variables[std::string(name)] = &v;
        const json::Elem* calls = n.get("module_calls");
        if (!calls || !calls->is(json::Type::Object)) return;
        for (auto& [name, call] : calls->members()) {
            auto child = std::make_unique<ConfigModule>();
            child->call_name = std::string(name);
            child->parent = &m;
            child->call = &call;
            child->call_pointer = pointer + "/module_calls";
            append_pointer(child->call_pointer, name);
            child->source = str_of(call.get("source"));
            std::string child_key =
                key_path.empty() ? std::string(name) : key_path + "." + std::string(name);
            if ((child->source.starts_with("./") || child->source.starts_with("../")) &&
                !m.dir.empty())
                child->dir = (fs::path(m.dir) / child->source).lexically_normal().string();
            else if (auto it = installed.find(child_key); it != installed.end())
                child->dir = it->second;
            if (const json::Elem* e = call.get("expressions"); e && e->is(json::Type::Object))
                for (auto& [input, expr] : e->members()) {
                    std::string p = child->call_pointer + "/expressions";
                    append_pointer(p, input);
                    if (is_expression(expr))
                        child->inputs.emplace(std::string(input), make_expression(expr, p));
                }
            if (const json::Elem* body = call.get("module"))
                read_module(*body, child->call_pointer + "/module", *child, child_key);
            m.children[std::string(name)] = std::move(child);
        }
    }
};

void add_unique(std::vector<std::string>& v, const std::string& s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// The first step of a reference ("aws_s3_bucket" of "aws_s3_bucket.b.id") and the rest.
std::string first_step(const std::string& ref, size_t from = 0) {
    if (from >= ref.size()) return {};
    size_t end = ref.find_first_of(".[", from);
    return ref.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

// `module.c["k"].out.x` from position `at` (just after "module."): the call name,
// the instance key text (`["k"]`, may be empty) and the output name.
void split_module_ref(const std::string& ref, size_t at, std::string& call, std::string& key,
                      std::string& output) {
    call = first_step(ref, at);
    size_t p = at + call.size();
    if (p < ref.size() && ref[p] == '[') {
        size_t close = ref.find(']', p);
        if (close == std::string::npos) close = ref.size() - 1;
        key = ref.substr(p, close - p + 1);
        p = close + 1;
    }
    if (p < ref.size() && ref[p] == '.') output = first_step(ref, p + 1);
}

std::string parent_prefix(const std::string& prefix) {
    // "module.a.module.b[\"k\"]." -> "module.a."; quoted keys may hold dots, so cut at
    // the last ".module." outside quotes.
    size_t cut = std::string::npos;
    bool quoted = false;
    for (size_t i = 0; i + 1 < prefix.size(); ++i) {
        if (prefix[i] == '"' && (i == 0 || prefix[i - 1] != '\\')) quoted = !quoted;
        if (!quoted && prefix.compare(i, 7, "module.") == 0 && (i == 0 || prefix[i - 1] == '.'))
            cut = i;
    }
    return cut == std::string::npos ? std::string() : prefix.substr(0, cut);
}

void resolve(const ScopeContext& scope, const std::string& ref, Resolved& out, int depth) {
    if (depth > kMaxResolveDepth || ref.empty()) return;
    std::string head = first_step(ref);
    if (head == "count" || head == "path" || head == "terraform" || head == "self") return;
    if (head == "each") {
        if (!ref.starts_with("each.value") || !scope.for_each) return;
        std::string rest = ref.substr(10);
        for (auto& fe : *scope.for_each) {
            if (is_resource_reference(fe) && !scope.instance_key.empty() &&
                fe.find('[') == std::string::npos)
                resolve(scope, fe + scope.instance_key + rest, out, depth + 1);
            else
                resolve(scope, fe, out, depth + 1);
        }
        return;
    }
    if (head == "var") {
        std::string name = first_step(ref, 4);
        if (name.empty()) return;
        if (!scope.module || !scope.module->parent) {
            add_unique(out.refs, "var." + name);
            return;
        }
        add_unique(out.refs, scope.prefix + "var." + name);
        auto it = scope.module->inputs.find(name);
        if (it == scope.module->inputs.end()) return;
        ScopeContext caller{scope.module->parent, parent_prefix(scope.prefix), "", nullptr};
        for (auto& r : it->second.references) resolve(caller, r, out, depth + 1);
        return;
    }
    if (head == "local") {
        if (std::string name = first_step(ref, 6); !name.empty())
            add_unique(out.refs, scope.prefix + "local." + name);
        return;
    }
    if (head == "module") {
        std::string call, key, output;
        split_module_ref(ref, 7, call, key, output);
        std::string named =
            scope.prefix + "module." + call + key + (output.empty() ? "" : "." + output);
        add_unique(out.refs, named);
        if (!scope.module || output.empty()) return;
        auto child = scope.module->children.find(call);
        if (child == scope.module->children.end()) return;
        auto o = child->second->outputs.find(output);
        if (o == child->second->outputs.end()) return;
        ScopeContext inner{child->second.get(), scope.prefix + "module." + call + key + ".", "",
                           nullptr};
        for (auto& r : o->second.references) resolve(inner, r, out, depth + 1);
        return;
    }
    if (!is_resource_reference(ref)) return;
    std::string full = scope.prefix + ref;
    add_unique(out.refs, full);
    add_unique(out.targets, full);
}

} // namespace

std::map<std::string, std::string> installed_module_dirs(const std::string& root_dir) {
    std::map<std::string, std::string> out;
    if (root_dir.empty()) return out;
    fs::path p = fs::path(root_dir) / ".terraform" / "modules" / "modules.json";
    std::string text; // the Doc's strings view it
    if (!read_file(p, text)) return out;
    json::Doc doc;
    json::ParseError err;
    if (!json::parse(text, 0, doc, err)) return out;
    const json::Elem* mods = doc.root().get("Modules");
    if (!mods) return out;
    for (auto& m : mods->items()) {
        std::string key = str_of(m.get("Key")), dir = str_of(m.get("Dir"));
        if (!key.empty() && !dir.empty())
            out[key] = (fs::path(root_dir) / dir).lexically_normal().string();
    }
    return out;
}

std::string module_key(const std::string& module_address) {
    std::string key;
    size_t pos = 0;
    while (pos < module_address.size() && module_address.compare(pos, 7, "module.") == 0) {
        std::string call, instance, ignored;
        split_module_ref(module_address, pos + 7, call, instance, ignored);
        if (call.empty()) break;
        key += (key.empty() ? "" : ".") + call;
        pos += 7 + call.size() + instance.size();
        if (pos < module_address.size() && module_address[pos] == '.') ++pos;
    }
    return key;
}

bool is_resource_reference(const std::string& ref) {
    std::string head = first_step(ref);
    if (head.empty() || ref.size() == head.size()) return false; // a type alone names nothing
    static const char* kNotResources[] = {"var",   "local", "module",    "each",
                                          "count", "path",  "terraform", "self"};
    for (const char* k : kNotResources)
        if (head == k) return false;
    return true;
}

std::unique_ptr<ConfigModule> read_configuration(const json::Elem* configuration,
                                                 const std::string& root_dir) {
    auto root = std::make_unique<ConfigModule>();
    root->dir = root_dir;
    const json::Elem* rm = configuration ? configuration->get("root_module") : nullptr;
    if (!rm || !rm->is(json::Type::Object)) return root;
    Reader reader{installed_module_dirs(root_dir)};
    reader.read_module(*rm, "/configuration/root_module", *root, "");
    return root;
}

const ConfigModule* module_for(const ConfigModule& root, const std::string& module_address) {
    const ConfigModule* m = &root;
    size_t pos = 0;
    while (pos < module_address.size()) {
        if (module_address.compare(pos, 7, "module.") != 0) return nullptr;
        std::string call, key, ignored;
        split_module_ref(module_address, pos + 7, call, key, ignored);
        auto it = m->children.find(call);
        if (it == m->children.end()) return nullptr;
        m = it->second.get();
        pos += 7 + call.size() + key.size();
        if (pos < module_address.size() && module_address[pos] == '.') ++pos;
    }
    return m;
}

void resolve_reference(const ScopeContext& scope, const std::string& ref, Resolved& out) {
    resolve(scope, ref, out, 0);
}

} // namespace tenet::plan
