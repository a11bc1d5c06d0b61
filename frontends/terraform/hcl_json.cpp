// Terraform's JSON syntax (.tf.json, cdk.tf.json, .tfvars.json) mapped onto the HCL tree.
//
// The JSON syntax leaves it to the schema whether an object is a nested block or an
// object-valued argument. Top-level block types, their label levels and Terraform's own
// meta blocks are known here; inside resource, data, provider and terraform bodies an
// object (or an array of objects) is a nested block unless its name is a well-known
// map argument such as `tags`. Strings are templates, except where Terraform reads
// literal values (variable defaults, .tfvars.json).
#include "hcl_parser.h"
#include "tenet/common/json.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace tenet::hcl {

namespace {

using json::Node;
using json::Type;

struct JsonFailure {
    ParseError error;
};

// Object-valued arguments of the AWS provider and Terraform that must stay maps.
bool is_map_argument(std::string_view name) {
    static constexpr std::array<std::string_view, 16> names = {"tags",
                                                               "tags_all",
                                                               "variables",
                                                               "labels",
                                                               "triggers",
                                                               "parameters",
                                                               "dimensions",
                                                               "request_parameters",
                                                               "request_templates",
                                                               "response_parameters",
                                                               "response_templates",
                                                               "stage_variables",
                                                               "environment_variables",
                                                               "required_providers",
                                                               "attributes",
                                                               "default_tags_map"};
    return std::find(names.begin(), names.end(), name) != names.end();
}

enum class BodyKind : uint8_t {
    Attributes, // module inputs, locals, outputs, variables: every member is an argument
    Blocks,     // resource, data, provider, terraform and their nested blocks
};

class JsonReader {
  public:
    explicit JsonReader(File& f) : f_(f) {}

    void config(const Node& root) {
        if (!root.is(Type::Object)) fail(root.loc, "a Terraform JSON file must hold an object");
        f_.body.loc = root.loc;
        for (size_t i = 0; i < root.members.size(); ++i) {
            const auto& [key, value] = root.members[i];
            SourceLoc kloc = root.key_locs[i];
            if (key == "//") continue;
            if (key == "locals") {
                for_each_object(value, [&](const Node& o) {
                    Block blk;
                    blk.type = "locals";
                    blk.loc = kloc;
                    body(blk.body, o, BodyKind::Attributes, "locals");
                    f_.body.blocks.push_back(std::move(blk));
                });
                continue;
            }
            size_t levels = 0;
            if (key == "resource" || key == "data")
                levels = 2;
            else if (key == "module" || key == "variable" || key == "output" || key == "provider")
                levels = 1;
            labelled(key, value, kloc, levels, {});
        }
    }

    void vars(const Node& root) {
        if (!root.is(Type::Object)) fail(root.loc, "a .tfvars.json file must hold an object");
        f_.body.loc = root.loc;
        for (size_t i = 0; i < root.members.size(); ++i)
            f_.body.attributes.push_back({f_.keep(root.members[i].first), root.key_locs[i],
                                          literal(root.members[i].second)});
    }

  private:
    [[noreturn]] void fail(SourceLoc loc, std::string msg) {
        throw JsonFailure{{loc, std::move(msg)}};
    }

    template <class Fn> void for_each_object(const Node& n, Fn fn) {
        if (n.is(Type::Object)) {
            fn(n);
        } else if (n.is(Type::Array)) {
            for (const Node& item : n.items) {
                if (!item.is(Type::Object)) fail(item.loc, "expected an object");
                fn(item);
            }
        } else {
            fail(n.loc, "expected an object");
        }
    }

    // `type: {name: body}` with `levels` label levels still to read.
    void labelled(const std::string& type, const Node& n, SourceLoc loc, size_t levels,
                  std::vector<std::string> labels, std::vector<SourceLoc> label_locs = {}) {
        if (levels == 0) {
            for_each_object(n, [&](const Node& o) {
                Block blk;
                blk.type = f_.keep(type);
                blk.labels = labels;
                blk.label_locs = label_locs;
                blk.loc = loc;
                BodyKind kind = (type == "resource" || type == "data" || type == "provider" ||
                                 type == "terraform")
                                    ? BodyKind::Blocks
                                    : BodyKind::Attributes;
                body(blk.body, o, kind, type);
                f_.body.blocks.push_back(std::move(blk));
            });
            return;
        }
        for_each_object(n, [&](const Node& o) {
            for (size_t i = 0; i < o.members.size(); ++i) {
                if (o.members[i].first == "//") continue;
                auto l = labels;
                auto ll = label_locs;
                l.push_back(o.members[i].first);
                ll.push_back(o.key_locs[i]);
                labelled(type, o.members[i].second, o.key_locs[i], levels - 1, l, ll);
            }
        });
    }

    static bool all_objects(const Node& n) {
        if (!n.is(Type::Array) || n.items.empty()) return false;
        for (const Node& i : n.items)
            if (!i.is(Type::Object)) return false;
        return true;
    }

    void comment(Body& b, const Node& n) {
        const Node* meta = n.get("metadata");
        const Node* path = meta ? meta->get("path") : nullptr;
        if (path && path->is(Type::String)) b.json_comment_path = path->string;
    }

    void body(Body& b, const Node& o, BodyKind kind, std::string_view type) {
        b.loc = o.loc;
        for (size_t i = 0; i < o.members.size(); ++i) {
            const auto& [key, value] = o.members[i];
            SourceLoc kloc = o.key_locs[i];
            if (key == "//") {
                if (value.is(Type::Object)) comment(b, value);
                continue;
            }
            if (special_block(b, key, value, kloc, type)) continue;
            bool nested = kind == BodyKind::Blocks && !is_map_argument(key) &&
                          (value.is(Type::Object) || all_objects(value));
            if (nested) {
                for_each_object(value, [&](const Node& item) {
                    Block blk;
                    blk.type = f_.keep(key);
                    blk.loc = kloc;
                    body(blk.body, item, BodyKind::Blocks, key);
                    b.blocks.push_back(std::move(blk));
                });
                continue;
            }
            bool literal_value = (type == "variable" && key == "default");
            Expr* e = literal_value ? literal(value) : expression(value);
            if (type == "variable" && key == "type" && value.is(Type::String))
                e = type_expression(value);
            b.attributes.push_back({f_.keep(key), kloc, e});
        }
    }

    // Blocks the JSON syntax spells in a fixed way whatever the body kind.
    bool special_block(Body& b, const std::string& key, const Node& value, SourceLoc kloc,
                       std::string_view type) {
        bool in_resource = type == "resource" || type == "data";
        bool meta = ((key == "lifecycle" || key == "connection") && in_resource) ||
                    (key == "validation" && type == "variable");
        if (meta) {
            for_each_object(value, [&](const Node& item) {
                Block blk{f_.keep(key), {}, {}, kloc, {}};
                body(blk.body, item, BodyKind::Attributes, key);
                b.blocks.push_back(std::move(blk));
            });
            return true;
        }
        if (key == "dynamic" || key == "provisioner" || key == "backend") {
            // {"dynamic": {"ingress": {"for_each": ..., "content": {...}}}}
            for_each_object(value, [&](const Node& labels) {
                for (size_t i = 0; i < labels.members.size(); ++i) {
                    for_each_object(labels.members[i].second, [&](const Node& item) {
                        Block blk{f_.keep(key),
                                  {labels.members[i].first},
                                  {labels.key_locs[i]},
                                  labels.key_locs[i],
                                  {}};
                        body(blk.body, item,
                             key == "dynamic" ? BodyKind::Blocks : BodyKind::Attributes, key);
                        b.blocks.push_back(std::move(blk));
                    });
                }
            });
            return true;
        }
        return false;
    }

    Expr* literal(const Node& n) {
        Expr* e = f_.make(ExprKind::Literal, n.loc);
        switch (n.type) {
        case Type::Null:
            return e;
        case Type::Bool:
            e->lit = LitKind::Bool;
            e->boolean = n.boolean;
            return e;
        case Type::Number:
            e->lit = LitKind::Number;
            e->number = n.number;
            return e;
        case Type::String:
            e->lit = LitKind::String;
            e->name = f_.keep(n.string);
            return e;
        case Type::Array: {
            e->kind = ExprKind::Tuple;
            std::vector<Expr*> items;
            for (const Node& i : n.items) items.push_back(literal(i));
            e->items = f_.list(items);
            return e;
        }
        case Type::Object: {
            e->kind = ExprKind::Object;
            std::vector<Expr*> items;
            for (size_t i = 0; i < n.members.size(); ++i) {
                items.push_back(string_literal(n.members[i].first, n.key_locs[i]));
                items.push_back(literal(n.members[i].second));
            }
            e->items = f_.list(items);
            return e;
        }
        }
        return e;
    }

    Expr* string_literal(const std::string& s, SourceLoc loc) {
        Expr* k = f_.make(ExprKind::Literal, loc);
        k->lit = LitKind::String;
        k->name = f_.keep(s);
        return k;
    }

    Expr* expression(const Node& n) {
        switch (n.type) {
        case Type::String: {
            ParseError err;
            SourceLoc start = n.loc;
            ++start.column; // after the opening quote
            Expr* e = parse_template_text(f_, n.string, start, err);
            if (!e) fail(err.loc, err.message);
            return e;
        }
        case Type::Array: {
            Expr* e = f_.make(ExprKind::Tuple, n.loc);
            std::vector<Expr*> items;
            for (const Node& i : n.items) items.push_back(expression(i));
            e->items = f_.list(items);
            return e;
        }
        case Type::Object: {
            Expr* e = f_.make(ExprKind::Object, n.loc);
            std::vector<Expr*> items;
            for (size_t i = 0; i < n.members.size(); ++i) {
                if (n.members[i].first == "//") continue;
                items.push_back(string_literal(n.members[i].first, n.key_locs[i]));
                items.push_back(expression(n.members[i].second));
            }
            e->items = f_.list(items);
            return e;
        }
        default:
            return literal(n);
        }
    }

    // `"type": "list(string)"`: a type expression written as a string.
    Expr* type_expression(const Node& n) {
        ParseError err;
        SourceLoc start = n.loc;
        ++start.column;
        Expr* e = parse_expression_text(f_, n.string, start, err);
        return e ? e : string_literal(n.string, n.loc);
    }

    File& f_;
};

} // namespace

bool parse_json(std::string_view text, FileId id, File& out, ParseError& error, JsonSchema schema) {
    out.id = id;
    out.json = true;
    json::Node root;
    json::ParseError jerr;
    json::ParseOptions opts;
    opts.max_depth = kMaxDepth;
    if (!json::parse(text, id, root, jerr, opts)) {
        error = {jerr.loc, jerr.message};
        return false;
    }
    try {
        JsonReader r(out);
        if (schema == JsonSchema::Vars)
            r.vars(root);
        else
            r.config(root);
    } catch (const JsonFailure& f) {
        error = f.error;
        return false;
    }
    return true;
}

} // namespace tenet::hcl
