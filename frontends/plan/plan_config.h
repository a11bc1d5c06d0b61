// The configuration section of a plan (`terraform show -json PLAN`): per module, the
// resources' expressions with their `references`, variables, outputs and module
// calls. It is what lets a plan keep joins when ids are unknown after apply: the
// bucket policy's `bucket` is "known after apply", but its expression references
// `aws_s3_bucket.b["data"].id`.
//
// References are resolved to scan-wide names (docs/frontends/terraform-plan.md):
// inside module `module.net`, `aws_vpc.main.id` becomes `module.net.aws_vpc.main.id`,
// `local.x` becomes `module.net.local.x`, `var.x` becomes `module.net.var.x` plus what
// the module call passes for `x` (resolved in the caller), and `module.c.out` becomes
// `module.net.module.c.out` plus what output `out` of that module references.
#pragma once

#include "tenet/common/json.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tenet::plan {

// One expression: where it is in the plan and what it references (raw, in its
// module's scope, with Terraform's redundant prefixes dropped).
struct Expression {
    const json::Elem* node = nullptr;
    std::string pointer;
    std::vector<std::string> references;
    bool constant = false; // constant_value
};

struct ConfigResource {
    std::string mode, type, name;                  // "managed" / "data"
    std::map<std::string, Expression> expressions; // by attribute path (".rule[0].sse_algorithm")
    std::vector<std::string> for_each_references;
    const json::Elem* node = nullptr;
    std::string pointer;
};

struct ConfigModule {
    std::string call_name; // "" for the root
    ConfigModule* parent = nullptr;
    std::string source; // as written in the call
    std::string dir;    // on disk, when the source is a local path (or found in modules.json)
    const json::Elem* call = nullptr; // the module_calls entry
    std::string call_pointer;
    std::map<std::string, Expression>
        inputs; // what the call passes, by variable name (caller scope)
    std::map<std::string, ConfigResource>
        resources; // by "mode.type.name" ("managed.aws_s3_bucket.b")
    std::map<std::string, Expression> outputs;
    std::map<std::string, const json::Elem*> variables;
    std::map<std::string, std::unique_ptr<ConfigModule>> children;
};

// `root_dir` is the plan file's directory (.tf files of the root module), or "".
std::unique_ptr<ConfigModule> read_configuration(const json::Elem* configuration,
                                                 const std::string& root_dir);

// The config module for a module instance address ("module.net", `module.a["x"].module.b`);
// null when the configuration has none.
const ConfigModule* module_for(const ConfigModule& root, const std::string& module_address);

// Resolution of one module-scope reference to scan-wide refs and resource targets.
struct Resolved {
    std::vector<std::string> refs; // provenance refs, in order, without duplicates
    std::vector<std::string>
        targets; // resource references (also in refs), for ModelBuilder::add_reference
};

struct ScopeContext {
    const ConfigModule* module = nullptr;
    std::string prefix;       // the module instance address + "." ("" at the root)
    std::string instance_key; // `["data"]` or `[0]` of the resource instance, for each.value
    const std::vector<std::string>* for_each = nullptr;
};

void resolve_reference(const ScopeContext& scope, const std::string& ref, Resolved& out);

// .terraform/modules/modules.json under `root_dir`: where `terraform init` put each
// module call, by key ("net", "net.flow_bucket") -> directory. Empty when absent.
std::map<std::string, std::string> installed_module_dirs(const std::string& root_dir);
// The modules.json key of a module instance address: `module.a["x"].module.b` -> "a.b".
std::string module_key(const std::string& module_address);

// Whether a dotted reference names a resource ("aws_s3_bucket.b...", "data.x.y...")
// rather than var., local., module., each., count., path., terraform., self.
bool is_resource_reference(const std::string& ref);

} // namespace tenet::plan
