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
#include <memory>
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

[[gnu::cold, gnu::noinline]] Truth not_a_truth(Vm& vm, const Value& v) {
    vm.fail("expected a boolean, found " + kind_phrase(v.kind()));
    return {Truth::Error, vm.error()};
}

// `decoded` is vm.runnable1(fn), looked up once per task.
inline Truth run_truth(Vm& vm, uint32_t fn, const DecodedFunction* decoded, const Value& self) {
    Value v;
    if (!(decoded ? vm.run1(*decoded, self, v) : vm.call1(fn, self, v)))
        return {Truth::Error, vm.error()};
    if (v.is(Kind::Bool)) return {v.as_bool() ? Truth::True : Truth::False, {}};
    if (v.is_unknown())
        return {Truth::Unknown, v.unknown_reason() ? v.unknown_reason()->view() : "unknown"};
    if (v.is_null()) return {Truth::False, {}};
    return not_a_truth(vm, v);
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

// A rule as a task runs it: its functions looked up in the worker's Vm once per task.
struct Plan {
    const RuleInfo* rule;
    const DecodedFunction* where; // null: none, or not runnable (call1 then says why)
    const DecodedFunction* require;
};

Outcome evaluate_resource(Vm& vm, const Plan& plan, const Value& self) {
    const RuleInfo& rule = *plan.rule;
    vm.begin_evaluation();
    if (rule.where_fn != kNoFunction) {
        Truth where = run_truth(vm, rule.where_fn, plan.where, self);
        if (where.state == Truth::False) return {false, Verdict::Pass, {}};
        if (rule.form == RuleForm::Exists || where.state != Truth::True)
            return verdict_of(where, Verdict::Pass, Verdict::Fail);
    }
    if (rule.requires_fn == kNoFunction)
        return {true, Verdict::Pass, {}}; // exists without where: any resource
    Truth t = run_truth(vm, rule.requires_fn, plan.require, self);
    if (rule.form == RuleForm::No) return verdict_of(t, Verdict::Fail, Verdict::Pass);
    return verdict_of(t, Verdict::Pass, Verdict::Fail);
}

// The message of a failing or unknown finding: message_fn's string, else the raw text.
void message_of(Vm& vm, const RuleInfo& rule, const Value& self, std::string& out) {
    if (rule.message_fn != kNoFunction &&
        vm.call_text(rule.message_fn, std::span<const Value>(&self, 1), out))
        return;
    out = rule.message;
}

// Rules with the same target (kind and type) form a group: they meet the same
// resources. A task is one chunk of a group's targets, and evaluates every rule of the
// group on each resource in turn, so a resource's attributes are fetched from memory
// once for all its rules rather than once per rule.
struct Group {
    std::vector<uint32_t> rules;   // rule indices, ascending; a rule's slot is its position
    std::vector<uint32_t> targets; // resource indices, ascending
    TargetKind kind = TargetKind::Any;
    bool has_aggregates = false; // an Exists or AtLeast rule among them
    size_t first_task = 0;
};

struct Task {
    uint32_t group;
    size_t begin, end; // into the group's targets
};

// A per-resource verdict, as compact as the merge needs it, with the resource's location
// copied while the resource is at hand (the merge would miss the cache on each). A pass
// has no Detail; with passes left out it is only counted.
struct Record {
    uint32_t resource;
    uint32_t detail; // index into TaskOut::details, or kNoDetail
    SourceLoc loc;
    Verdict verdict;
    uint16_t slot; // the rule's position in its group
};
constexpr uint32_t kNoDetail = 0xFFFFFFFF;

struct Detail {
    std::string message, reason;
};

// An aggregate rule's (Exists, AtLeast) counts over one task's resources.
struct Aggregate {
    uint32_t applicable = 0, passes = 0, unknowns = 0;
    std::vector<uint32_t> failing;
    std::string first_unknown, first_error;
    uint32_t error_resource = kStackResource;
};

// What a task produces: its records grouped by rule slot, each slot's in resource
// order, for the merge, which takes the findings rule by rule. With passes listed every
// slot has at most one record per resource, so each slot gets that much room and the
// records go straight to their place; otherwise the few records are written in
// resource order and sorted by slot (stably) when the task ends.
struct TaskOut {
    std::unique_ptr<Record[]> records;
    std::vector<uint32_t> slot_begin, slot_end; // slot j's records: [slot_begin[j], slot_end[j])
    std::vector<uint32_t> slot_passes;          // pass verdicts by slot (listed or not)
    std::vector<Detail> details;
    std::vector<Aggregate> aggregates; // by slot, when the group has aggregate rules
    size_t record_count() const {
        size_t n = 0;
        for (size_t j = 0; j < slot_begin.size(); ++j) n += slot_end[j] - slot_begin[j];
        return n;
    }
};

View view_for(TargetKind kind, const Resource& r) {
    switch (kind) {
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

    // A worker's buffers, reused from task to task.
    struct Scratch {
        std::vector<Record> records; // in resource order, when they are sorted after
        std::vector<Plan> plans;     // the task's rules
    };

    void run_task(Vm& vm, const Task& task, const Group& group, TaskOut& out, Scratch& work) {
        size_t n = group.rules.size(), count = task.end - task.begin;
        out.slot_passes.assign(n, 0);
        if (group.has_aggregates) out.aggregates.assign(n, Aggregate());
        std::vector<Plan>& plans = work.plans;
        plans.resize(n);
        for (size_t j = 0; j < n; ++j) {
            const RuleInfo& rule = program_.rules[group.rules[j]];
            plans[j] = {&rule, rule.where_fn == kNoFunction ? nullptr : vm.runnable1(rule.where_fn),
                        rule.requires_fn == kNoFunction ? nullptr : vm.runnable1(rule.requires_fn)};
        }
        bool in_place = options_.include_passes;
        out.slot_begin.resize(n);
        out.slot_end.resize(n);
        if (in_place) {
            out.records = std::make_unique_for_overwrite<Record[]>(n * count);
            for (size_t j = 0; j < n; ++j) out.slot_begin[j] = out.slot_end[j] = j * count;
        }
        std::vector<Record>& scratch = work.records;
        scratch.clear();
        for (size_t k = task.begin; k < task.end; ++k) {
            uint32_t index = group.targets[k];
            const Resource& r = model_.resources[index];
            prefetch_ahead(group, k, task.end);
            Value self = Value::resource(index, view_for(group.kind, r));
            for (size_t j = 0; j < n; ++j) {
                Record rec{index, kNoDetail, {}, Verdict::Pass, static_cast<uint16_t>(j)};
                if (!run_one(vm, plans[j], self, out, rec)) continue;
                rec.loc = r.loc;
                if (in_place)
                    out.records[out.slot_end[j]++] = rec;
                else
                    scratch.push_back(rec);
            }
        }
        if (in_place) return;
        // Counting sort by slot, stable.
        std::fill(out.slot_end.begin(), out.slot_end.end(), 0);
        for (const Record& rec : scratch) ++out.slot_end[rec.slot];
        uint32_t at = 0;
        for (size_t j = 0; j < n; ++j) {
            out.slot_begin[j] = at;
            at += out.slot_end[j];
            out.slot_end[j] = out.slot_begin[j];
        }
        out.records = std::make_unique_for_overwrite<Record[]>(scratch.size());
        for (const Record& rec : scratch) out.records[out.slot_end[rec.slot]++] = rec;
    }

  private:
    // Evaluation waits on memory more than on anything else: a resource's record, its
    // attribute map and the values in it are far apart and each first read misses the
    // cache. So while one resource is evaluated, the next ones are fetched in stages,
    // each stage reading only what the previous one brought in a few resources earlier:
    // records eight ahead, attribute maps four ahead, the maps' values two ahead.
    void prefetch_ahead(const Group& group, size_t k, size_t end) const {
#if defined(__GNUC__)
        auto lines = [](const void* p, size_t bytes) {
            const char* c = static_cast<const char*>(p);
            for (size_t at = 0; at < bytes; at += 64) __builtin_prefetch(c + at);
        };
        if (k + 8 < end) lines(&model_.resources[group.targets[k + 8]], sizeof(Resource));
        if (k + 4 < end) {
            const Value* attrs = group_attributes(group, model_.resources[group.targets[k + 4]]);
            if (attrs) lines(attrs->as_map(), sizeof(MapObj) + 8 * sizeof(MapEntry));
        }
        if (k + 2 < end) {
            const Resource& r = model_.resources[group.targets[k + 2]];
            if (r.address) __builtin_prefetch(r.address);
            if (const Value* attrs = group_attributes(group, r)) {
                const MapObj* m = attrs->as_map();
                for (uint32_t i = 0; i < m->size && i < 16; ++i) {
                    const Value& v = m->entries()[i].value;
                    if (v.is(Kind::String) || v.is(Kind::List) || v.is(Kind::Map))
                        __builtin_prefetch(reinterpret_cast<const void*>(v.bits()));
                }
            }
        }
#endif
    }

    // The attribute map the group's rules read on `r`, or nullptr.
    static const Value* group_attributes(const Group& group, const Resource& r) {
        const Value* attrs = view_for(group.kind, r) == View::Canonical ? &r.canonical : &r.native;
        return attrs->is(Kind::Map) ? attrs : nullptr;
    }

    // Evaluates one rule on one resource. True when `rec` (verdict and detail filled in)
    // is to be kept: a listed pass, or any other verdict of a per-resource form.
    bool run_one(Vm& vm, const Plan& plan, const Value& self, TaskOut& out, Record& rec) {
        const RuleInfo& rule = *plan.rule;
        Outcome o = evaluate_resource(vm, plan, self);
        if (!o.applicable) return false;
        if (rule.form == RuleForm::Exists || rule.form == RuleForm::AtLeast) {
            add_to_aggregate(o, rec.resource, out.aggregates[rec.slot]);
            return false;
        }
        rec.verdict = o.verdict;
        if (o.verdict == Verdict::Pass) {
            ++out.slot_passes[rec.slot];
            return options_.include_passes;
        }
        rec.detail = static_cast<uint32_t>(out.details.size());
        Detail& d = out.details.emplace_back();
        d.reason = o.reason; // copied before message_of runs more code in this evaluation
        if (o.verdict == Verdict::Fail || o.verdict == Verdict::Unknown)
            message_of(vm, rule, self, d.message);
        return true;
    }

    static void add_to_aggregate(const Outcome& o, uint32_t index, Aggregate& out) {
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
                          const std::vector<uint32_t>& targets, std::span<Aggregate> parts,
                          const Model& model) {
    Aggregate total;
    for (Aggregate& p : parts) {
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
        if (fresh) groups.push_back({{}, targets_of(rule, model), rule.target_kind});
        groups[it->second].rules.push_back(r);
        if (rule.form == RuleForm::Exists || rule.form == RuleForm::AtLeast)
            groups[it->second].has_aggregates = true;
        group_of[r] = it->second;
    }
    std::vector<Task> tasks;
    for (uint32_t g = 0; g < groups.size(); ++g) {
        groups[g].first_task = tasks.size();
        for (size_t b = 0; b < groups[g].targets.size(); b += kChunk)
            tasks.push_back({g, b, std::min(b + kChunk, groups[g].targets.size())});
    }

    std::vector<TaskOut> outs(tasks.size());
    Evaluator evaluator(program_, model, options_);
    std::atomic<size_t> next{0};
    std::atomic<uint64_t> instructions{0};
    auto worker = [&] {
        Vm vm(program_, &model, &impl_->globals,
              VmLimits{options_.instruction_budget, options_.memory_cap});
        Evaluator::Scratch scratch;
        for (size_t t; (t = next.fetch_add(1)) < tasks.size();)
            evaluator.run_task(vm, tasks[t], groups[tasks[t].group], outs[t], scratch);
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
    // come out sorted by (rule, resource) with no sort. Each Finding is built once, in
    // place.
    std::vector<Finding> findings;
    size_t total = program_.rules.size(); // at most one finding per aggregate rule
    for (const TaskOut& out : outs) total += out.record_count();
    findings.reserve(total);
    evaluations_ = 0;
    passes_ = 0;
    for (uint32_t r = 0; r < program_.rules.size(); ++r) {
        const RuleInfo& rule = program_.rules[r];
        const Group& group = groups[group_of[r]];
        size_t slot = static_cast<size_t>(std::find(group.rules.begin(), group.rules.end(), r) -
                                          group.rules.begin());
        size_t ntasks = (group.targets.size() + kChunk - 1) / kChunk;
        evaluations_ += group.targets.size();
        std::span<TaskOut> outs_of_group(outs.data() + group.first_task, ntasks);
        if (rule.form == RuleForm::Exists || rule.form == RuleForm::AtLeast) {
            std::vector<Aggregate> parts;
            parts.reserve(ntasks);
            for (TaskOut& out : outs_of_group) parts.push_back(std::move(out.aggregates[slot]));
            Finding f = aggregate_finding(rule, r, group.targets, parts, model);
            if (f.verdict == Verdict::Pass) ++passes_;
            if (f.verdict != Verdict::Pass || options_.include_passes)
                findings.push_back(std::move(f));
            continue;
        }
        for (TaskOut& out : outs_of_group) {
            passes_ += out.slot_passes[slot];
            for (uint32_t i = out.slot_begin[slot]; i < out.slot_end[slot]; ++i) {
                const Record& rec = out.records[i];
                Finding& f = findings.emplace_back();
                f.rule = r;
                f.resource = rec.resource;
                f.verdict = rec.verdict;
                f.loc = rec.loc;
                if (rec.detail != kNoDetail) {
                    f.message = std::move(out.details[rec.detail].message);
                    f.reason = std::move(out.details[rec.detail].reason);
                }
            }
        }
    }
    instructions_ = instructions;
    return findings;
}

} // namespace tenet
