// Intrinsic function evaluation over a template's Node tree: parameters (defaults and
// overrides), pseudo parameters, Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select,
// Fn::Split, Fn::FindInMap, Fn::Base64, Fn::Cidr, Fn::GetAZs, Fn::ImportValue,
// Fn::Length, Fn::ToJsonString, Fn::Transform, conditions and Fn::If.
//
// What cannot be known before deployment becomes an unknown CVal with its reason and
// the refs it derives from; nothing is guessed. Malformed intrinsics are reported as
// problems at their location and evaluate to an unknown saying so.
#pragma once

#include "cfn_node.h"
#include "cfn_value.h"
#include "tenet/model/json_model.h"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tenet::cfn {

// The sections of one template, as found in its Document.
struct Template {
    const Document* doc = nullptr;
    const Node* parameters = nullptr;
    const Node* mappings = nullptr;
    const Node* conditions = nullptr;
    const Node* resources = nullptr;
    const Node* outputs = nullptr;
    const Node* globals = nullptr; // SAM
    bool sam = false;              // Transform includes AWS::Serverless-2016-10-31
    // Prepended to logical ids in refs and addresses ("Stack/" in a multi-stack cdk.out).
    std::string address_prefix;
    // The logical ids of Resources (their bodies may be released once loaded).
    std::unordered_set<std::string_view> resource_ids;
    // Exports of the other stacks of a cdk.out: name -> resource refs (may be null).
    const std::unordered_map<std::string, std::vector<std::string>>* exports = nullptr;
};

// Reads the section nodes of `doc` into `t`; shape problems go to `problems`.
void index_template(const Document& doc, Template& t, std::vector<ModelError>& problems);

enum class Truth : uint8_t { False, True, Undecided };

struct Decision {
    Truth truth = Truth::Undecided;
    std::vector<std::string> refs; // parameters (and conditions) it depends on
    std::string reason;            // why undecided
};

class Evaluator {
  public:
    // `overrides` are "NAME=VALUE" (FrontendOptions::cfn_params), for parameters and
    // pseudo parameters alike.
    Evaluator(const Template& t, const std::vector<std::string>& overrides,
              std::vector<ModelError>& problems);

    // A value in a property context: intrinsics are evaluated, AWS::NoValue yields Absent.
    CVal eval(const Node& n) { return eval_node(n, false); }
    // A literal: no intrinsic evaluation (Parameters, Mappings as written); short-form
    // tags become their long form ({"Fn::Sub": ...}).
    CVal literal(const Node& n) const;

    // The effective value of parameter `name` (nullptr when there is no such parameter).
    const CVal* parameter(std::string_view name) const;
    Decision condition(std::string_view name, SourceLoc use);

    // Branch views: while an assumption is set, condition `name` is decided as `value`.
    void assume(std::string_view name, bool value);
    void clear_assumptions();
    // Conditions of undecided Fn::Ifs met since the last reset, in order of first use.
    std::vector<std::string> take_undecided_conditions();
    // While muted, problems are not reported again (branch views re-evaluate).
    void set_muted(bool muted) { muted_ = muted; }

    const Template& tmpl() const { return t_; }

  private:
    using Fn = CVal (Evaluator::*)(const Node& arg, bool short_form, SourceLoc at);
    struct DepthGuard {
        explicit DepthGuard(uint32_t& d) : depth(d) { ++depth; }
        ~DepthGuard() { --depth; }
        uint32_t& depth;
    };

    CVal eval_node(const Node& n, bool ignore_tag);
    CVal call(std::string_view fn, const Node& arg, bool short_form, SourceLoc at);
    CVal invalid(SourceLoc at, std::string message);
    void report(SourceLoc at, std::string message);
    CVal scalar(const Node& n) const;

    void init_parameters(const std::vector<std::string>& overrides);
    CVal ref(std::string_view name, SourceLoc at);
    CVal get_att(std::string_view resource, std::string_view attribute, SourceLoc at,
                 std::vector<std::string> refs);
    Decision truth(const Node& n, bool ignore_tag);
    // Fn::Equals, Fn::Not, Fn::And, Fn::Or and Condition.
    Decision decide(std::string_view fn, const Node& arg, SourceLoc at);
    static bool is_boolean_function(std::string_view fn);
    Decision compute_condition(std::string_view name, SourceLoc use);

    // The functions (evaluator.cpp, functions.cpp, conditions.cpp).
    CVal fn_ref(const Node&, bool, SourceLoc);
    CVal fn_get_att(const Node&, bool, SourceLoc);
    CVal fn_sub(const Node&, bool, SourceLoc);
    CVal fn_join(const Node&, bool, SourceLoc);
    CVal fn_select(const Node&, bool, SourceLoc);
    CVal fn_split(const Node&, bool, SourceLoc);
    CVal fn_find_in_map(const Node&, bool, SourceLoc);
    CVal fn_base64(const Node&, bool, SourceLoc);
    CVal fn_cidr(const Node&, bool, SourceLoc);
    CVal fn_get_azs(const Node&, bool, SourceLoc);
    CVal fn_import_value(const Node&, bool, SourceLoc);
    CVal fn_length(const Node&, bool, SourceLoc);
    CVal fn_to_json_string(const Node&, bool, SourceLoc);
    CVal fn_transform(const Node&, bool, SourceLoc);
    CVal fn_if(const Node&, bool, SourceLoc);

    static Fn function(std::string_view name);
    // The arguments of a function given as a list, exactly `count` of them (0: any).
    bool list_args(const Node& arg, std::string_view fn, size_t min, size_t max, SourceLoc at,
                   std::vector<const Node*>& out);
    // The value of a node that must be a known string, or an unknown/invalid CVal.
    bool known_string(const CVal& v, std::string_view what, SourceLoc at, CVal& failed);

    const Template& t_;
    const Document& doc_;
    std::vector<ModelError>& problems_;
    std::set<std::pair<std::string, std::tuple<uint32_t, uint32_t, uint32_t>>> reported_;
    bool muted_ = false;
    std::unordered_map<std::string, CVal> params_;
    std::unordered_map<std::string, CVal> pseudo_overrides_;
    std::unordered_map<std::string, Decision> decided_;
    std::set<std::string> deciding_;
    std::map<std::string, bool> assumptions_;
    std::vector<std::string> undecided_;
    uint32_t depth_ = 0;
};

// Every ref anywhere in `v` (its own and its elements'), without duplicates.
void collect_refs(const CVal& v, std::vector<std::string>& out);

} // namespace tenet::cfn
