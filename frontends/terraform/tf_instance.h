// Module instances: the root module and every local module call (with each of its
// count/for_each instances) evaluated lazily. A name is evaluated the first time
// something refers to it and remembered; a name met again while it is being evaluated
// is a cycle, reported once and unknown from then on.
#pragma once

#include "tenet/frontends/frontend.h"
#include "tenet/model/value.h"
#include "tf_eval.h"
#include "tf_module.h"

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tenet::tf {

// One resource or data source instance, ready for the model. It holds what the model
// needs of its declaration, so that it outlives the syntax trees and module instances
// (the loader frees them before the instances go into the model).
struct ResourceInstance {
    std::string address;                 // module.net.aws_subnet.private[0]
    const ResourceDecl* decl = nullptr;  // valid only while the module configurations live
    ValPtr attrs;                        // Map: evaluated attributes and blocks
    std::string construct_path;          // CDKTF: the "//" metadata path
    const StrObj* native_type = nullptr; // aws_subnet, data.aws_iam_policy_document (interned)
    const StrObj* provider = nullptr;    // aws (interned)
    SourceLoc loc;                       // the declaration's block
    const StrObj* interned = nullptr;    // `address`, interned
};

// A module call seen anywhere in the tree, for the stack's "modules" section.
struct ModuleCallInfo {
    std::string address; // module.net
    std::string source;
    std::string version;
    bool loaded = false;
    std::string note;
    SourceLoc loc;
};

class ModuleInstance;

// Everything shared by the instances of one load.
struct Loader {
    SourceManager& sm;
    std::vector<ModelError>& errors;
    const FrontendOptions& opts;
    std::string root_dir;
    std::map<std::string, std::unique_ptr<ModuleConfig>> configs; // by directory
    std::map<std::string, ValPtr> root_inputs;                    // -var, tfvars
    std::vector<std::string> eval_stack; // names being evaluated, for cycle messages
    StepBudget budget;                   // evaluation steps, grown with every module's source size
    std::vector<ModuleCallInfo> module_calls;
    // `terraform init`'s .terraform/modules/modules.json: module key ("vpc", "vpc.nat")
    // -> directory of the downloaded module, so registry and git modules load too.
    std::map<std::string, std::string> installed_modules;

    const ModuleConfig& config(const std::string& dir);
    void read_installed_modules();
};

class ModuleInstance : public Context {
  public:
    // `prefix` is "" for the root, "module.net." or "module.net[\"a\"]." for children.
    ModuleInstance(Loader& loader, const ModuleConfig& cfg, std::string prefix,
                   ModuleInstance* parent, const hcl::Block* call, std::vector<Scope> call_scope,
                   int depth);

    ValPtr reference(const hcl::Expr* e, const Scope* s) override;
    const std::string& base_dir() const override { return loader_.root_dir; }

    // Evaluates everything and appends the resource instances (this module's, then its
    // children's) to `out`.
    void collect(std::deque<ResourceInstance>& out);

    ValPtr variable(const std::string& name);
    ValPtr local(const std::string& name);
    ValPtr output(const std::string& name);
    ValPtr resource(const std::string& key);
    // module.NAME as a whole (an object of its outputs, or a list/map of them).
    ValPtr module_object(const std::string& name);
    // module.NAME.OUTPUT when the call has neither count nor for_each.
    ValPtr module_output(const std::string& name, const std::string& output);

    const std::string& prefix() const { return prefix_; }
    // The call path without instance keys, as modules.json names it ("net.inner").
    std::string module_key() const;
    const ModuleConfig& config() const { return cfg_; }
    bool is_root() const { return parent_ == nullptr; }
    Evaluator& evaluator() { return ev_; }
    // The value of a block body: attributes and nested blocks (repeatable, so lists of
    // maps), `dynamic` blocks expanded. `open` makes missing attributes known after apply;
    // `refs` are the value's own refs.
    ValPtr body_value(const hcl::Body& body, const Scope* s, const std::string& open,
                      bool skip_meta, const Refs& refs = {});

  private:
    struct Memo {
        enum State : uint8_t { Fresh, Busy, Done } state = Fresh;
        ValPtr value;
    };
    struct Call {
        bool loaded = false;
        bool keyed = false; // for_each: children by key; count: by index
        bool single = true; // neither count nor for_each
        ValPtr unknown;     // count/for_each unknown, or the module not loaded
        std::vector<std::pair<std::string, std::unique_ptr<ModuleInstance>>> children;
    };
    struct Expansion {
        std::vector<std::pair<std::string, std::vector<Scope>>> instances; // address suffix, scope
        ValPtr unknown; // count or for_each unknown: one instance, marked
        bool keyed = false;
        bool counted = false;
    };

    // `kind` ("var.", "local.", "output.", "") only names the value in cycle messages.
    ValPtr memo(StrMap<Memo>& table, const char* kind, const std::string& name, SourceLoc loc,
                const std::function<ValPtr()>& compute);
    // The value when it is already evaluated: the common case, without building a closure.
    static const ValPtr* done(const StrMap<Memo>& table, const std::string& name) {
        auto it = table.find(name);
        return it != table.end() && it->second.state == Memo::Done ? &it->second.value : nullptr;
    }
    Expansion expand(const hcl::Body& body, const std::string& what);
    void evaluate_resource(const ResourceDecl& d, Memo& m);
    // `self` is the instance's address as a ref.
    ValPtr instance_value(const ResourceDecl& d, const std::string& address, const Ref& self,
                          const Scope* s);
    Call& call(const std::string& name);
    void block_values(const hcl::Body& body, const Scope* s, const std::string& open, Members& out);
    ValPtr typed(const hcl::Block* decl, ValPtr v);

    Loader& loader_;
    const ModuleConfig& cfg_;
    std::string prefix_;
    ModuleInstance* parent_;
    const hcl::Block* call_block_;
    std::vector<Scope> call_scope_; // count/each of the module call, evaluated in the parent
    int depth_;
    Evaluator ev_;
    StrMap<Memo> vars_, locals_, outputs_, resources_;
    StrMap<std::vector<ResourceInstance>> instances_;
    StrMap<Call> calls_;
};

// aws_iam_policy_document: the `json` attribute from the statement blocks.
ValPtr iam_policy_document_json(const ValPtr& attrs, SourceLoc loc);

} // namespace tenet::tf
