// reference_check(): the rule forms and their verdicts (every, no, exists, at least),
// rule targets, messages, and the order of findings, as the shared semantics define
// them. Expressions are evaluated by reference_eval_expr.cpp.
#include "reference_eval_internal.h"
#include "tenet/common/json.h"
#include "tenet/model/interner.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace tenet {

namespace {

using namespace refeval;

struct Target {
    TargetKind kind = TargetKind::Any;
    const StrObj* type = nullptr;
};

Target target_of(const RuleDecl& rule) {
    Target t;
    const Type* ty = rule.target ? rule.target->resolved : nullptr;
    if (ty && ty->tag == Type::Tag::Resource && ty->decl) {
        t.kind = TargetKind::Canonical;
        t.type = intern(ty->decl->name);
    } else if (ty && ty->tag == Type::Tag::Resource && !ty->native.empty()) {
        t.kind = TargetKind::Native;
        t.type = intern(ty->native);
    }
    return t;
}

// The resources a rule meets, each with the view it sees them through. A scan of every
// resource, not the model's type index: the VM uses the index, so this checks it too.
std::vector<Value> targets(const Model& model, const Target& t) {
    std::vector<Value> out;
    for (uint32_t i = 0; i < model.resources.size(); ++i) {
        const Resource& r = model.resources[i];
        switch (t.kind) {
        case TargetKind::Canonical:
            if (r.canonical_type == t.type) out.push_back(Value::resource(i, View::Canonical));
            break;
        case TargetKind::Native:
            if (r.native_type == t.type) out.push_back(Value::resource(i, View::Native));
            break;
        case TargetKind::Any:
            out.push_back(
                Value::resource(i, r.canonical.is(Kind::Map) ? View::Canonical : View::Native));
            break;
        }
    }
    return out;
}

// One resource's truth for a rule function, or the evaluation error it raised.
struct Outcome {
    bool error = false;
    std::string message; // the error
    Value truth;
};

class RuleRunner {
  public:
    RuleRunner(Evaluator& ev, const RuleDecl& rule, const RuleInfo& info, uint32_t index)
        : ev_(ev), rule_(rule), info_(info), index_(index) {}

    void run(std::vector<Finding>& out) {
        ev_.coverage_rule = index_;
        std::vector<Value> resources = targets(ev_.model, target_of(rule_));
        switch (rule_.form) {
        case ast::RuleForm::Every:
        case ast::RuleForm::No:
            for (const Value& r : resources) per_resource(r, out);
            break;
        case ast::RuleForm::Exists:
            exists(resources, out);
            break;
        case ast::RuleForm::AtLeast:
            at_least(resources, out);
            break;
        }
        ev_.coverage_rule = Evaluator::kNoRule;
    }

  private:
    Outcome truth_of(const Expr* e, const Value& resource) {
        Outcome o;
        Frame f;
        f.at(0) = resource;
        try {
            ev_.enter_rule_function(rule_, e, f);
            o.truth = ev_.truth(*e, f);
            ev_.record(*e, o.truth);
        } catch (const EvalError& err) {
            o.error = true;
            o.message = err.message;
        }
        return o;
    }

    // The rule's message for one resource: the template's string, else the raw text.
    std::string message_for(const Value& resource) {
        if (!rule_.message) return info_.message;
        // The message's expressions are not clauses: nothing to record while it is built.
        struct Pause {
            Evaluator& ev;
            uint32_t saved;
            ExplainRequest* tracing;
            ~Pause() {
                ev.coverage_rule = saved;
                ev.tracing = tracing;
            }
        } pause{ev_, ev_.coverage_rule, ev_.tracing};
        ev_.coverage_rule = Evaluator::kNoRule;
        ev_.tracing = nullptr;
        Frame f;
        f.at(0) = resource;
        try {
            ev_.enter_rule_function(rule_, rule_.message.get(), f);
            Value m = ev_.eval(*rule_.message, f);
            if (m.is(Kind::String)) return std::string(m.as_view());
        } catch (const EvalError&) {
        }
        return info_.message;
    }

    Finding finding(uint32_t resource, Verdict v) {
        Finding f;
        f.rule = index_;
        f.resource = resource;
        f.verdict = v;
        if (resource != kStackResource) f.loc = ev_.model.resources[resource].loc;
        return f;
    }

    // Explain: trace this resource's evaluation when a request asks for it.
    struct Trace {
        Evaluator& ev;
        Trace(Evaluator& e, uint32_t rule, uint32_t resource) : ev(e) {
            ev.tracing = ev.explain_request(rule, resource);
            ev.trace_resource = resource;
            ev.trace_depth = 0;
        }
        ~Trace() { ev.tracing = nullptr; }
    };

    void per_resource(const Value& r, std::vector<Finding>& out) {
        ev_.begin_evaluation(&ev_.temp_arena);
        uint32_t idx = r.resource_index();
        Trace trace(ev_, index_, idx);
        const Expr* cond =
            rule_.form == ast::RuleForm::No ? rule_.where.get() : rule_.requires_.get();
        if (rule_.form == ast::RuleForm::Every && rule_.where) {
            Outcome w = truth_of(rule_.where.get(), r);
            if (w.error) return error_finding(idx, w.message, out);
            if (w.truth.is(Kind::Bool) && !w.truth.as_bool()) return; // not applicable
            if (w.truth.is_unknown()) return verdict(idx, r, Verdict::Unknown, w.truth, out);
        }
        Outcome c = truth_of(cond, r);
        if (c.error) return error_finding(idx, c.message, out);
        if (c.truth.is_unknown()) return verdict(idx, r, Verdict::Unknown, c.truth, out);
        bool holds = c.truth.as_bool();
        bool pass = rule_.form == ast::RuleForm::No ? !holds : holds;
        verdict(idx, r, pass ? Verdict::Pass : Verdict::Fail, c.truth, out);
    }

    void verdict(uint32_t idx, const Value& r, Verdict v, const Value& truth,
                 std::vector<Finding>& out) {
        Finding f = finding(idx, v);
        if (v == Verdict::Unknown) f.reason = std::string(truth.unknown_reason()->view());
        if (v != Verdict::Pass) f.message = message_for(r);
        out.push_back(std::move(f));
    }

    void error_finding(uint32_t idx, const std::string& message, std::vector<Finding>& out) {
        Finding f = finding(idx, Verdict::Error);
        f.reason = message;
        out.push_back(std::move(f));
    }

    // Exists and AtLeast: one stack finding. A resource whose evaluation fails makes
    // the finding an error naming that resource.
    struct Tally {
        uint64_t applicable = 0, passes = 0, unknowns = 0;
        std::string first_unknown;
        std::vector<uint32_t> failing;
        bool errored = false;
        std::string error;
    };

    void tally(const Value& r, Tally& t) {
        ev_.begin_evaluation(&ev_.temp_arena);
        uint32_t idx = r.resource_index();
        Trace trace(ev_, index_, idx);
        auto error = [&](const std::string& message) {
            if (t.errored) return;
            t.errored = true;
            t.error = std::string(ev_.model.resources[idx].address->view()) + ": " + message;
        };
        auto unknown = [&](const Value& u) {
            if (t.unknowns++ == 0) t.first_unknown = std::string(u.unknown_reason()->view());
        };
        if (rule_.where) {
            Outcome w = truth_of(rule_.where.get(), r);
            if (w.error) return error(w.message);
            if (w.truth.is(Kind::Bool) && !w.truth.as_bool()) return; // not applicable
            ++t.applicable;
            if (w.truth.is_unknown()) return unknown(w.truth);
            if (rule_.form == ast::RuleForm::Exists) {
                ++t.passes;
                return;
            }
        } else {
            ++t.applicable;
            if (rule_.form == ast::RuleForm::Exists) {
                ++t.passes; // exists without where: any resource
                return;
            }
        }
        Outcome c = truth_of(rule_.requires_.get(), r);
        if (c.error) return error(c.message);
        if (c.truth.is_unknown()) return unknown(c.truth);
        if (c.truth.as_bool())
            ++t.passes;
        else
            t.failing.push_back(idx);
    }

    void exists(const std::vector<Value>& resources, std::vector<Finding>& out) {
        Tally t;
        for (const Value& r : resources) tally(r, t);
        Finding f = finding(kStackResource, Verdict::Fail);
        if (t.errored) {
            f.verdict = Verdict::Error;
            f.reason = t.error;
            out.push_back(std::move(f));
            return;
        }
        for (const Value& r : resources) f.related.push_back(r.resource_index());
        if (t.passes > 0) {
            f.verdict = Verdict::Pass;
        } else if (t.unknowns > 0) {
            f.verdict = Verdict::Unknown;
            f.reason = t.first_unknown;
        }
        if (f.verdict != Verdict::Pass) {
            const RuleInfo& info = info_;
            f.message = !info.message.empty()
                            ? info.message
                            : "no " + (info.target_type.empty() ? "resource" : info.target_type) +
                                  " satisfies the condition";
        }
        out.push_back(std::move(f));
    }

    void at_least(const std::vector<Value>& resources, std::vector<Finding>& out) {
        Tally t;
        for (const Value& r : resources) tally(r, t);
        Finding f = finding(kStackResource, Verdict::Pass);
        if (t.errored) {
            f.verdict = Verdict::Error;
            f.reason = t.error;
            out.push_back(std::move(f));
            return;
        }
        double n = rule_.percent;
        if (rule_.percent_param && rule_.percent_param->slot < ev_.globals.size() &&
            ev_.globals[rule_.percent_param->slot].is(Kind::Number))
            n = ev_.globals[rule_.percent_param->slot].as_number();
        if (t.applicable == 0 || 100.0 * t.passes >= n * t.applicable) {
            f.verdict = Verdict::Pass;
        } else if (100.0 * (t.passes + t.unknowns) < n * t.applicable) {
            f.verdict = Verdict::Fail;
        } else {
            f.verdict = Verdict::Unknown;
            f.reason = t.first_unknown;
        }
        f.related = t.failing;
        // "3 of 4 (75%) s3_bucket resources pass; at least 80% must (1 unknown)"
        double pct = t.applicable == 0 ? 100 : std::round(1000.0 * t.passes / t.applicable) / 10;
        std::string what =
            info_.target_type.empty() ? "resources" : info_.target_type + " resources";
        f.message = std::to_string(t.passes) + " of " + std::to_string(t.applicable) + " (" +
                    number_text(pct) + "%) " + what + " pass; at least " + number_text(n) +
                    "% must";
        if (t.unknowns) f.message += " (" + std::to_string(t.unknowns) + " unknown)";
        out.push_back(std::move(f));
    }

    static std::string number_text(double n) {
        std::string s;
        json::append_number(s, n);
        return s;
    }

    Evaluator& ev_;
    const RuleDecl& rule_;
    const RuleInfo& info_;
    uint32_t index_;
};

const RuleDecl* find_rule(const CheckedProgram& checked, const RuleInfo& info, size_t index) {
    for (const RuleDecl* r : checked.rules)
        if (r->package + "." + r->name == info.name ||
            (info.name == r->name && r->package == "main"))
            return r;
    return index < checked.rules.size() ? checked.rules[index] : nullptr;
}

} // namespace

std::vector<Finding> reference_check(const CheckedProgram& checked, const Program& program,
                                     Model& model, const std::vector<ParamOverride>& overrides,
                                     std::string& error, const ReferenceOptions& options) {
    Evaluator ev(checked, model, options);
    ev.program = &program;
    if (!init_globals(ev, overrides, error)) return {};
    normalize(ev);
    std::vector<Finding> out;
    for (uint32_t i = 0; i < program.rules.size(); ++i) {
        const RuleDecl* rule = find_rule(checked, program.rules[i], i);
        if (!rule) {
            error = "reference evaluator: no rule declaration for `" + program.rules[i].name + "`";
            return {};
        }
        RuleRunner(ev, *rule, program.rules[i], i).run(out);
    }
    // Already in rule order, then resource order (stack findings are one per rule).
    return out;
}

} // namespace tenet
