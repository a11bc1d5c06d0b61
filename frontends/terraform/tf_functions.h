// Terraform's built-in functions over tf::Val.
//
// Every function sees its arguments already evaluated (try and can are handled by the
// evaluator, which must not evaluate their arguments eagerly). Unless a function is
// written to look inside unknowns, an unknown argument makes the result that unknown.
#pragma once

#include "tf_value.h"

#include <string>
#include <vector>

namespace tenet::tf {

struct FnEnv {
    const std::string&
        base_dir;  // relative paths of file(), templatefile() resolve against it (the root module)
    SourceLoc loc; // the call
    // templatefile() evaluates the template with its own variables.
    class Evaluator* evaluator;
};

// nullptr when `name` is not a supported function.
ValPtr call_function(const std::string& name, std::vector<ValPtr>& args, const FnEnv& env);

// Families, each in its own file; they return nullptr for names they do not know.
ValPtr call_string_function(const std::string& name, std::vector<ValPtr>& args, const FnEnv& env);
ValPtr call_collection_function(const std::string& name, std::vector<ValPtr>& args,
                                const FnEnv& env);
ValPtr call_encoding_function(const std::string& name, std::vector<ValPtr>& args, const FnEnv& env);
ValPtr call_file_function(const std::string& name, std::vector<ValPtr>& args, const FnEnv& env);
ValPtr call_network_function(const std::string& name, std::vector<ValPtr>& args, const FnEnv& env);
ValPtr call_hash_function(const std::string& name, std::vector<ValPtr>& args, const FnEnv& env);

// JSON text to a value (jsondecode); nullptr with `error` when it is not JSON.
ValPtr parse_json_value(const std::string& text, std::string& error);

// Helpers shared by the families.
ValPtr arg_error(const std::string& fn, const std::string& message, SourceLoc loc);
bool want_string(const ValPtr& v, std::string& out);
bool want_int(const ValPtr& v, long long& out);

} // namespace tenet::tf
