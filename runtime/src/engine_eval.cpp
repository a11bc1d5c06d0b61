// Rule evaluation: each rule meets only the resources of its target type (from the
// model's type index), split into chunks that worker threads take in turn, each with
// its own VM and arena. Chunk results are merged in rule then resource order, so the
// findings do not depend on the number of threads.
#include "builtins_internal.h"
#include "engine_internal.h"
#include "tenet/model/interner.h"
#include "vm.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fmt/format.h>
#include <thread>
#include <unordered_map>

namespace tenet {

namespace {

constexpr size_t kChunk =
    256; // resources per task: big enough to amortize, small enough to balance

// The outcome of one function on one resource: a truth or an error. Reasons are views
// into the VM (its error text, or an unknown's reason in its arena or the model): valid
// until the next begin_evaluation(), and copied only into findings.
struct Truth {
    enum State { False, True, Unknown, Error } state = False;
    std::string_view reason; // Unknown: the unknown's reason; Error: the error
};

Truth run_truth(Vm& vm, uint32_t fn, const Value& self) {
    Value v;
    if (!vm.call(fn, std::span<const Value>(&self, 1), v)) return {Truth::Error, vm.error()};
    if (v.is(Kind::Bool)) return {v.as_bool() ? Truth::True : Truth::False, {}};
    if (v.is_unknown())
        return {Truth::Unknown, v.unknown_reason() ? v.unknown_reason()->view() : "unknown"};
    if (v.is_null()) return {Truth::False, {}};
    vm.fail("expected a boolean, found " + kind_phrase(v.kind()));
    return {Truth::Error, vm.error()};
}

// One rule's verdict on one resource (per-resource forms), or its contribution to an
// aggregate (Exists: the where truth; AtLeast: where then requires).
struct Outcome {
    bool applicable = true;
    Verdict verdict = Verdict::Pass;
    std::string_view reason;
};

Outcome verdict_of(Truth t, Verdict if_true, Verdict if_false) {
    switch (t.state) {
    case Truth::True:
        return {true, if_true, {}};
    case Truth::False:
        return {true, if_false, {}};
    case Truth::Unknown:
        return {true, Verdict::Unknown, t.reason};
    case Truth::Error:
        break;
    }
    return {true, Verdict::Error, t.reason};
}

Outcome evaluate_resource(Vm& vm, const RuleInfo& rule, const Value& self) {
    vm.begin_evaluation();
    if (rule.where_fn != kNoFunction) {
        Truth where = run_truth(vm, rule.where_fn, self);
        if (where.state == Truth::False) return {false, Verdict::Pass, {}};
        if (rule.form == RuleForm::Exists || where.state != Truth::True)
            return verdict_of(where, Verdict::Pass, Verdict::Fail);
    }
    if (rule.requires_fn == kNoFunction)
        return {true, Verdict::Pass, {}}; // exists without where: any resource
    Truth t = run_truth(vm, rule.requires_fn, self);
    if (rule.form == RuleForm::No) return verdict_of(t, Verdict::Fail, Verdict::Pass);
    return verdict_of(t, Verdict::Pass, Verdict::Fail);
}

// The message of a failing or unknown finding: message_fn's string, else the raw text.
std::string message_of(Vm& vm, const RuleInfo& rule, const Value& self) {
    if (rule.message_fn != kNoFunction) {
        Value m;
        if (vm.call(rule.message_fn, std::span<const Value>(&self, 1), m) && m.is(Kind::String))
            return std::string(m.as_view());
    }
    return rule.message;
}

// Rules with the same target (kind and type) form a group: they meet the same
// resources. A task is one chunk of a group's targets, and evaluates every rule of the
// group on each resource in turn, so a resource's attributes are fetched from memory
// once for all its rules rather than once per rule.
struct Group {
    std::vector<uint32_t> rules;   // rule indices, ascending
    std::vector<uint32_t> targets; // resource indices, ascending
    size_t first_task = 0;
};

struct Task {
    uint32_t group;
    size_t begin, end; // into the group's targets
};

// What a task produces: findings (per-resource forms) or partial counts (aggregates).
struct Partial {
    std::vector<Finding> findings;
    uint32_t applicable = 0, passes = 0, unknowns = 0;
    std::vector<uint32_t> failing;
    std::string first_unknown, first_error;
    uint32_t error_resource = kStackResource;
};

View view_for(const RuleInfo& rule, const Resource& r) {
    switch (rule.target_kind) {
    case TargetKind::Canonical:
        return View::Canonical;
    case TargetKind::Native:
        return View::Native;
    case TargetKind::Any:
        break;
    }
    return r.canonical.is(Kind::Map) ? View::Canonical : View::Native;
}

std::vector<uint32_t> targets_of(const RuleInfo& rule, const Model& model) {
    std::vector<uint32_t> out;
    if (rule.target_kind == TargetKind::Any) {
        out.resize(model.resources.size());
        for (uint32_t i = 0; i < out.size(); ++i) out[i] = i;
        return out;
    }
    const StrObj* type = Interner::global().find(rule.target_type);
    if (!type) return out; // never interned: no resource has that type
    for (uint32_t i : model.of_type(type)) {
        const Resource& r = model.resources[i];
        if ((rule.target_kind == TargetKind::Canonical ? r.canonical_type : r.native_type) == type)
            out.push_back(i);
    }
    if (!std::is_sorted(out.begin(), out.end()))
        std::sort(out.begin(), out.end()); // the index keeps them sorted
    return out;
}

class Evaluator {
  public:
    Evaluator(const Program& program, const Model& model, const EngineOptions& o)
        : program_(program), model_(model), options_(o) {}

    // `out` has one Partial per rule of the group.
    void run_task(Vm& vm, const Task& task, const Group& group, std::vector<Partial>& out) {
        out.resize(group.rules.size());
        if (options_.include_passes) // then every resource gives a finding: no regrowth
            for (size_t j = 0; j < out.size(); ++j) {
                RuleForm form = program_.rules[group.rules[j]].form;
                if (form == RuleForm::Every || form == RuleForm::No)
                    out[j].findings.reserve(task.end - task.begin);
            }
        for (size_t k = task.begin; k < task.end; ++k) {
            uint32_t index = group.targets[k];
            const Resource& r = model_.resources[index];
            prefetch_ahead(group, k, task.end);
            for (size_t j = 0; j < group.rules.size(); ++j)
                run_one(vm, group.rules[j], index, r, out[j]);
        }
    }

  private:
    // Evaluation waits on memory more than on anything else: the first read of a
    // resource's attributes misses the cache. Ask for the next resources' records and
    // attribute maps while this one runs (a few percent on the 100-rule benchmark).
    void prefetch_ahead(const Group& group, size_t k, size_t end) const {
#if defined(__GNUC__)
        if (k + 3 < end) __builtin_prefetch(&model_.resources[group.targets[k + 3]]);
        if (k + 1 < end) {
            const Resource& next = model_.resources[group.targets[k + 1]];
            for (const Value* attrs : {&next.native, &next.canonical})
                if (attrs->is(Kind::Map)) __builtin_prefetch(attrs->as_map());
        }
#endif
    }

    void run_one(Vm& vm, uint32_t rule_index, uint32_t index, const Resource& r, Partial& out) {
        const RuleInfo& rule = program_.rules[rule_index];
        Value self = Value::resource(index, view_for(rule, r));
        Outcome o = evaluate_resource(vm, rule, self);
        if (!o.applicable) return;
        if (rule.form == RuleForm::Exists || rule.form == RuleForm::AtLeast) {
            add_to_aggregate(o, index, out);
            return;
        }
        if (o.verdict == Verdict::Pass && !options_.include_passes) return;
        Finding& f = out.findings.emplace_back();
        f.rule = rule_index;
        f.resource = index;
        f.verdict = o.verdict;
        f.loc = r.loc;
        f.reason = o.reason; // copied before message_of runs more code in this evaluation
        if (o.verdict == Verdict::Fail || o.verdict == Verdict::Unknown)
            f.message = message_of(vm, rule, self);
    }

    static void add_to_aggregate(const Outcome& o, uint32_t index, Partial& out) {
        ++out.applicable;
        switch (o.verdict) {
        case Verdict::Pass:
            ++out.passes;
            break;
        case Verdict::Fail:
            out.failing.push_back(index);
            break;
        case Verdict::Unknown:
            if (out.unknowns++ == 0) out.first_unknown = o.reason;
            break;
        case Verdict::Error:
            if (out.error_resource == kStackResource) {
                out.error_resource = index;
                out.first_error = o.reason;
            }
            break;
        }
    }

    const Program& program_;
    const Model& model_;
    const EngineOptions& options_;
};

std::string percent_text(uint32_t part, uint32_t whole) {
    double pct = whole == 0 ? 100 : std::round(1000.0 * part / whole) / 10;
    return format_number(pct);
}

// Merges an aggregate rule's partial results (in resource order) into its one finding.
Finding aggregate_finding(const RuleInfo& rule, uint32_t rule_index,
                          const std::vector<uint32_t>& targets, std::span<Partial> parts,
                          const Model& model) {
    Partial total;
    for (Partial& p : parts) {
        total.applicable += p.applicable;
        total.passes += p.passes;
        if (p.unknowns && total.unknowns == 0) total.first_unknown = p.first_unknown;
        total.unknowns += p.unknowns;
        total.failing.insert(total.failing.end(), p.failing.begin(), p.failing.end());
        if (p.error_resource != kStackResource && total.error_resource == kStackResource) {
            total.error_resource = p.error_resource;
            total.first_error = p.first_error;
        }
    }
    Finding f;
    f.rule = rule_index;
    f.resource = kStackResource;
    std::string what = rule.target_type.empty() ? "resources" : rule.target_type + " resources";
    if (total.error_resource != kStackResource) {
        f.verdict = Verdict::Error;
        const StrObj* address = model.resources[total.error_resource].address;
        f.reason = fmt::format("{}: {}", address ? address->view() : "?", total.first_error);
        return f;
    }
    if (rule.form == RuleForm::Exists) {
        f.related = targets;
        f.verdict = total.passes > 0     ? Verdict::Pass
                    : total.unknowns > 0 ? Verdict::Unknown
                                         : Verdict::Fail;
        if (f.verdict == Verdict::Unknown) f.reason = total.first_unknown;
        if (f.verdict != Verdict::Pass)
            f.message = rule.message.empty()
                            ? fmt::format("no {} satisfies the condition",
                                          rule.target_type.empty() ? "resource" : rule.target_type)
                            : rule.message;
        return f;
    }
    // AtLeast: pass if 100*passes >= N*applicable, fail if even every unknown passing
    // would not reach N%, else unknown.
    double need = rule.percent * total.applicable;
    if (total.applicable == 0 || 100.0 * total.passes >= need)
        f.verdict = Verdict::Pass;
    else if (100.0 * (total.passes + total.unknowns) < need)
        f.verdict = Verdict::Fail;
    else
        f.verdict = Verdict::Unknown;
    if (f.verdict == Verdict::Unknown) f.reason = total.first_unknown;
    f.related = std::move(total.failing);
    f.message = fmt::format("{} of {} ({}%) {} pass; at least {}% must", total.passes,
                            total.applicable, percent_text(total.passes, total.applicable), what,
                            format_number(rule.percent));
    if (total.unknowns) f.message += fmt::format(" ({} unknown)", total.unknowns);
    return f;
}

} // namespace

std::vector<Finding> Engine::evaluate(const Model& model) {
    if (!impl_->globals_ready) {
        std::vector<std::string>
            ignored; // globals that fail read as null; init_globals reports why
        init_globals({}, ignored);
    }
    // Group the rules by target, then cut each group's targets into tasks.
    std::vector<Group> groups;
    std::vector<uint32_t> group_of(program_.rules.size());
    std::unordered_map<std::string, uint32_t> group_index;
    for (uint32_t r = 0; r < program_.rules.size(); ++r) {
        const RuleInfo& rule = program_.rules[r];
        std::string key =
            std::to_string(static_cast<int>(rule.target_kind)) + ":" + rule.target_type;
        auto [it, fresh] = group_index.emplace(key, static_cast<uint32_t>(groups.size()));
        if (fresh) groups.push_back({{}, targets_of(rule, model)});
        groups[it->second].rules.push_back(r);
        group_of[r] = it->second;
    }
    std::vector<Task> tasks;
    for (uint32_t g = 0; g < groups.size(); ++g) {
        groups[g].first_task = tasks.size();
        for (size_t b = 0; b < groups[g].targets.size(); b += kChunk)
            tasks.push_back({g, b, std::min(b + kChunk, groups[g].targets.size())});
    }

    std::vector<std::vector<Partial>> partials(tasks.size()); // [task][rule within its group]
    Evaluator evaluator(program_, model, options_);
    std::atomic<size_t> next{0};
    std::atomic<uint64_t> instructions{0};
    auto worker = [&] {
        Vm vm(program_, &model, &impl_->globals,
              VmLimits{options_.instruction_budget, options_.memory_cap});
        for (size_t t; (t = next.fetch_add(1)) < tasks.size();)
            evaluator.run_task(vm, tasks[t], groups[tasks[t].group], partials[t]);
        vm.begin_evaluation(); // folds the last evaluation into the total
        instructions += vm.instructions_total();
    };
    unsigned jobs =
        std::max(1u, std::min<unsigned>(options_.jobs, static_cast<unsigned>(tasks.size())));
    if (jobs == 1) {
        worker();
    } else {
        std::vector<std::thread> threads;
        for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
        for (auto& t : threads) t.join();
    }

    // Merge in rule order; within a rule, tasks are in resource order, so the findings
    // come out sorted by (rule, resource) with no sort.
    std::vector<Finding> findings;
    size_t total = program_.rules.size(); // at most one finding per aggregate rule
    for (auto& task : partials)
        for (Partial& p : task) total += p.findings.size();
    findings.reserve(total);
    evaluations_ = 0;
    for (uint32_t r = 0; r < program_.rules.size(); ++r) {
        const RuleInfo& rule = program_.rules[r];
        const Group& group = groups[group_of[r]];
        size_t slot = static_cast<size_t>(std::find(group.rules.begin(), group.rules.end(), r) -
                                          group.rules.begin());
        size_t ntasks = (group.targets.size() + kChunk - 1) / kChunk;
        evaluations_ += group.targets.size();
        std::vector<Partial> parts;
        parts.reserve(ntasks);
        for (size_t t = group.first_task; t < group.first_task + ntasks; ++t)
            parts.push_back(std::move(partials[t][slot]));
        if (rule.form == RuleForm::Exists || rule.form == RuleForm::AtLeast) {
            Finding f = aggregate_finding(rule, r, group.targets, parts, model);
            if (f.verdict != Verdict::Pass || options_.include_passes)
                findings.push_back(std::move(f));
            continue;
        }
        for (Partial& p : parts)
            for (Finding& f : p.findings) findings.push_back(std::move(f));
    }
    instructions_ = instructions;
    return findings;
}

} // namespace tenet
