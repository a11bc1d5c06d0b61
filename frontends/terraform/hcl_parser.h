// HCL2 parsing: native syntax (.tf, .tfvars) by recursive descent over the lexer's
// tokens, and the JSON syntax (.tf.json, .tfvars.json) mapped onto the same tree.
// Errors never throw past these functions; nesting deeper than max_depth is an error.
#pragma once

#include "hcl_ast.h"

#include <string>
#include <string_view>

namespace tenet::hcl {

struct ParseError {
    SourceLoc loc;
    std::string message;
};

inline constexpr uint32_t kMaxDepth = 200;

// A whole native-syntax file into `out` (its body and expression pool).
bool parse_native(std::string_view text, FileId id, File& out, ParseError& error);

// A native-syntax expression on its own (the text of a `-var` value, a JSON-syntax
// `depends_on` entry), its nodes in `file`'s pool.
Expr* parse_expression_text(File& file, std::string_view text, SourceLoc start, ParseError& error);

// A string of the JSON syntax: a template with `${}` and `%{}` but no quotes or escapes.
Expr* parse_template_text(File& file, std::string_view text, SourceLoc start, ParseError& error);

// What a JSON-syntax body key denotes. Terraform's JSON syntax needs the schema to tell a
// nested block from an object-valued argument; lacking provider schemas, a key whose
// value is an object or an array of objects is a nested block unless its name is a
// well-known map argument (tags, variables, ...). `labels` is how many label levels the
// top-level block types have (resource: 2, module: 1, ...).
enum class JsonSchema : uint8_t { Config, Vars };

// A whole JSON-syntax file: a Terraform configuration or a .tfvars.json file.
bool parse_json(std::string_view text, FileId id, File& out, ParseError& error,
                JsonSchema schema = JsonSchema::Config);

} // namespace tenet::hcl
