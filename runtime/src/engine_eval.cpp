// Rule evaluation: each resource meets only the rules of its types (native, canonical)
// and the rules on any resource. The resources are split into runs that worker threads
// take in turn, each with its own VM and arena. The runs' results are merged in rule
// then resource order, so the findings do not depend on the number of threads.
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
    uint32_t where_fn, requires_fn; // as in the rule, kept here with what the loop reads
    RuleForm form;
    TargetKind kind;
    uint32_t aggregate; // Exists, AtLeast: its aggregate number (Shared::aggregate_of)
};

Outcome evaluate_resource(Vm& vm, const Plan& plan, const Value& self) {
    vm.begin_evaluation();
    if (plan.where_fn != kNoFunction) {
        Truth where = run_truth(vm, plan.where_fn, plan.where, self);
        if (where.state == Truth::False) return {false, Verdict::Pass, {}};
        if (plan.form == RuleForm::Exists || where.state != Truth::True)
            return verdict_of(where, Verdict::Pass, Verdict::Fail);
    }
    if (plan.requires_fn == kNoFunction)
        return {true, Verdict::Pass, {}}; // exists without where: any resource
    Truth t = run_truth(vm, plan.requires_fn, plan.require, self);
    if (plan.form == RuleForm::No) return verdict_of(t, Verdict::Fail, Verdict::Pass);
    return verdict_of(t, Verdict::Pass, Verdict::Fail);
}

// The message of a failing or unknown finding, appended to `out`: message_fn's string,
// else the raw text.
void message_of(Vm& vm, const RuleInfo& rule, const Value& self, std::string& out) {
    if (rule.message_fn != kNoFunction &&
        vm.call_text(rule.message_fn, std::span<const Value>(&self, 1), out))
        return;
    out += rule.message;
}

// Where evaluation spends its time is waiting for memory: a resource's record, its
// attribute map and the values in it, each a cache miss on first read. Loaders allocate
// a resource's values together, one resource after the other, so the model is split
// into runs of consecutive resources (tasks), whose data lies together. A task first
// has its resources' data fetched, in stages, then evaluates them type by type (the
// rules that apply to a resource depend only on its native and canonical types: each
// distinct pair gets its rule set once), so that one type's rules run back to back.
struct RuleSet {
    std::vector<uint32_t> rules; // ascending
};

struct Task {
    uint32_t begin, end; // resource indices
};

// A task is a run of at most kTaskResources consecutive resources with at most
// kTaskEvaluations rule x resource evaluations: small enough for the run's data to stay
// in the core's cache from the prefetching pass to the evaluation, and to balance the
// work between workers; big enough that each rule runs over many resources in a row
// (512 and 8192 measured best on the 100-rule benchmark, 128 to 2048 within 8%).
constexpr uint32_t kTaskResources = 512;
constexpr uint64_t kTaskEvaluations = 8192;

// A per-resource verdict, as compact as the merge needs it, with the resource's location
// copied while the resource is at hand (the merge would miss the cache on each). A pass
// has no Detail; with passes left out it is only counted.
struct Record {
    uint32_t rule;
    uint32_t resource;
    uint32_t detail; // index into TaskOut::details, or kNoDetail
    SourceLoc loc;
    Verdict verdict;
};
constexpr uint32_t kNoDetail = 0xFFFFFFFF;

// A finding's texts, written where the verdict is found (by each worker) and moved into
// the Finding by the merge, which then copies no text.
struct Detail {
    std::string message;
    std::string reason;
    SourceLoc value_loc; // fail, unknown: Finding::value_loc
};

// An aggregate rule's (Exists, AtLeast) counts over one task's resources.
// A task meets its resources type by type, not in order, so "first" means the lowest
// resource index, and the failing resources are sorted when the task ends.
struct Aggregate {
    uint32_t applicable = 0, passes = 0, unknowns = 0;
    std::vector<uint32_t> failing;
    std::string first_unknown, first_error;
    uint32_t unknown_resource = kStackResource; // the first unknown's
    uint32_t error_resource = kStackResource;
};

// What a task produces: its records sorted by rule (stably, so each rule's stay in
// resource order) for the merge, which takes the findings rule by rule.
struct TaskOut {
    std::vector<Record> records;
    std::vector<uint32_t> rule_begin; // rule r's records: [rule_begin[r], rule_begin[r + 1])
    std::vector<uint32_t> passes;     // pass verdicts by rule (listed or not)
    std::vector<Detail> details;
    std::vector<Aggregate> aggregates; // by aggregate number (Shared::aggregate_of)
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

// What every worker reads: the rule sets and which resources they apply to.
struct Shared {
    std::vector<RuleSet> sets;
    std::vector<uint32_t> set_of;       // by resource; kNoSet when no rule applies
    std::vector<uint32_t> aggregate_of; // by rule: its aggregate number, or kNoSet
    size_t aggregates = 0;
};
constexpr uint32_t kNoSet = 0xFFFFFFFF;

Shared rule_sets(const Program& program, const Model& model) {
    Shared shared;
    std::vector<const StrObj*> type(program.rules.size()); // interned target types
    for (uint32_t r = 0; r < program.rules.size(); ++r) {
        const RuleInfo& rule = program.rules[r];
        if (rule.target_kind != TargetKind::Any)
            type[r] = Interner::global().find(rule.target_type); // null: applies to nothing
        bool aggregate = rule.form == RuleForm::Exists || rule.form == RuleForm::AtLeast;
        shared.aggregate_of.push_back(aggregate ? static_cast<uint32_t>(shared.aggregates++)
                                                : kNoSet);
    }
    auto applies = [&](uint32_t r, const Resource& res) {
        switch (program.rules[r].target_kind) {
        case TargetKind::Any:
            return true;
        case TargetKind::Native:
            return type[r] && res.native_type == type[r];
        case TargetKind::Canonical:
            return type[r] && res.canonical_type == type[r];
        }
        return false;
    };
    std::unordered_map<const StrObj*, std::unordered_map<const StrObj*, uint32_t>> by_types;
    // A direct-mapped cache of the type pairs met so far, in front of by_types (a model
    // has few distinct pairs, so it nearly always answers).
    struct Cached {
        const StrObj *native = nullptr, *canonical = nullptr;
        uint32_t set = kNoSet;
        bool used = false;
    };
    constexpr size_t kCache = 64;
    Cached cache[kCache];
    shared.set_of.resize(model.resources.size(), kNoSet);
    for (uint32_t i = 0; i < model.resources.size(); ++i) {
        const Resource& res = model.resources[i];
        uint64_t key = reinterpret_cast<uintptr_t>(res.native_type) * 0x9E3779B97F4A7C15u ^
                       reinterpret_cast<uintptr_t>(res.canonical_type) * 0xC2B2AE3D27D4EB4Fu;
        Cached& c = cache[key >> 58]; // the top 6 bits: kCache slots
        if (c.used && c.native == res.native_type && c.canonical == res.canonical_type) {
            shared.set_of[i] = c.set;
            continue;
        }
        auto [it, fresh] = by_types[res.native_type].try_emplace(res.canonical_type, kNoSet);
        if (fresh) {
            RuleSet set;
            for (uint32_t r = 0; r < program.rules.size(); ++r)
                if (applies(r, res)) set.rules.push_back(r);
            if (!set.rules.empty()) {
                it->second = static_cast<uint32_t>(shared.sets.size());
                shared.sets.push_back(std::move(set));
            }
        }
        c = {res.native_type, res.canonical_type, it->second, true};
        shared.set_of[i] = it->second;
    }
    return shared;
}

class Evaluator {
  public:
    Evaluator(const Program& program, const Model& model, const EngineOptions& o,
              const Shared& shared)
        : program_(program), model_(model), options_(o), shared_(shared) {}

    // A worker's buffers, reused from task to task.
    struct Scratch {
        std::vector<Record> records; // as evaluated, then sorted by rule into TaskOut
        std::vector<Plan> plans;     // by rule: looked up in the worker's Vm once
        std::vector<uint32_t> order; // the task's resources, by rule set
        std::vector<uint32_t> bucket;
        Vm* tracer = nullptr; // locates the deciding values (EngineOptions::locate_values)
    };

    void prepare(Vm& vm, Scratch& work) {
        work.plans.resize(program_.rules.size());
        for (uint32_t r = 0; r < program_.rules.size(); ++r) {
            const RuleInfo& rule = program_.rules[r];
            work.plans[r] = {&rule,
                             rule.where_fn == kNoFunction ? nullptr : vm.runnable1(rule.where_fn),
                             rule.requires_fn == kNoFunction ? nullptr
                                                             : vm.runnable1(rule.requires_fn),
                             rule.where_fn,
                             rule.requires_fn,
                             rule.form,
                             rule.target_kind,
                             shared_.aggregate_of[r]};
        }
    }

    void run_task(Vm& vm, const Task& task, TaskOut& out, Scratch& work) {
        size_t nrules = program_.rules.size();
        out.passes.assign(nrules, 0);
        out.aggregates.assign(shared_.aggregates, Aggregate());
        prefetch(task);
        // The task's resources by rule set (counting sort, so each set's stay ascending).
        work.bucket.assign(shared_.sets.size() + 1, 0);
        for (uint32_t i = task.begin; i < task.end; ++i)
            if (shared_.set_of[i] != kNoSet) ++work.bucket[shared_.set_of[i] + 1];
        for (size_t s = 0; s + 1 < work.bucket.size(); ++s) work.bucket[s + 1] += work.bucket[s];
        work.order.resize(work.bucket.back());
        std::vector<uint32_t> at(work.bucket.begin(), work.bucket.end() - 1);
        for (uint32_t i = task.begin; i < task.end; ++i)
            if (shared_.set_of[i] != kNoSet) work.order[at[shared_.set_of[i]]++] = i;

        std::vector<Record>& scratch = work.records;
        scratch.clear();
        for (size_t set = 0; set + 1 < work.bucket.size(); ++set)
            for (const uint32_t rule : shared_.sets[set].rules) {
                const Plan& plan = work.plans[rule];
                // The view is the rule's, except for rules on any resource.
                const bool any = plan.kind == TargetKind::Any;
                const View view =
                    plan.kind == TargetKind::Canonical ? View::Canonical : View::Native;
                for (uint32_t k = work.bucket[set]; k < work.bucket[set + 1]; ++k) {
                    uint32_t i = work.order[k];
                    const Resource& r = model_.resources[i];
                    Value self = Value::resource(i, any ? view_for(plan.kind, r) : view);
                    Outcome o = evaluate_resource(vm, plan, self);
                    if (!o.applicable) continue;
                    if (plan.aggregate != kNoSet) {
                        add_to_aggregate(o, i, out.aggregates[plan.aggregate]);
                        continue;
                    }
                    if (o.verdict == Verdict::Pass) {
                        ++out.passes[rule];
                        if (options_.include_passes)
                            scratch.push_back({rule, i, kNoDetail, r.loc, Verdict::Pass});
                        continue;
                    }
                    uint32_t detail = add_detail(vm, plan, self, o, out);
                    if (work.tracer && o.verdict != Verdict::Error)
                        out.details[detail].value_loc = locate(*work.tracer, plan, self, o.verdict);
                    scratch.push_back({rule, i, detail, r.loc, o.verdict});
                }
            }
        for (Aggregate& a : out.aggregates) std::sort(a.failing.begin(), a.failing.end());
        // Sort by rule, then resource: a counting sort by rule keeps each rule's records
        // in resource order, except a rule in several sets (a rule on any resource), whose
        // records come set by set.
        out.rule_begin.assign(nrules + 1, 0);
        for (const Record& rec : scratch) ++out.rule_begin[rec.rule + 1];
        for (size_t r = 0; r < nrules; ++r) out.rule_begin[r + 1] += out.rule_begin[r];
        out.records.resize(scratch.size());
        at.assign(out.rule_begin.begin(), out.rule_begin.end() - 1);
        for (const Record& rec : scratch) out.records[at[rec.rule]++] = rec;
        for (size_t r = 0; r < nrules; ++r) {
            auto first = out.records.begin() + out.rule_begin[r];
            auto last = out.records.begin() + out.rule_begin[r + 1];
            auto by_resource = [](const Record& a, const Record& b) {
                return a.resource < b.resource;
            };
            if (!std::is_sorted(first, last, by_resource)) std::sort(first, last, by_resource);
        }
    }

  private:
    // Fetches the task's resources' data in stages, each reading only what the one
    // before brought in: the records, then their attribute maps, then the values in them.
    void prefetch(const Task& task) const {
#if defined(__GNUC__)
        auto lines = [](const void* p, size_t bytes) {
            const char* c = static_cast<const char*>(p);
            for (size_t at = 0; at < bytes; at += 64) __builtin_prefetch(c + at);
        };
        for (uint32_t i = task.begin; i < task.end; ++i)
            lines(&model_.resources[i], sizeof(Resource));
        for (uint32_t i = task.begin; i < task.end; ++i) {
            const Resource& r = model_.resources[i];
            if (r.address) __builtin_prefetch(r.address);
            for (const Value* attrs : {&r.native, &r.canonical})
                if (attrs->is(Kind::Map))
                    lines(attrs->as_map(), sizeof(MapObj) + 8 * sizeof(MapEntry));
        }
        for (uint32_t i = task.begin; i < task.end; ++i) {
            const Resource& r = model_.resources[i];
            for (const Value* attrs : {&r.native, &r.canonical}) {
                if (!attrs->is(Kind::Map)) continue;
                const MapObj* m = attrs->as_map();
                for (uint32_t e = 0; e < m->size && e < 16; ++e) {
                    const Value& v = m->entries()[e].value;
                    if (v.is(Kind::String) || v.is(Kind::List) || v.is(Kind::Map))
                        __builtin_prefetch(reinterpret_cast<const void*>(v.bits()));
                }
            }
        }
#endif
    }

    // Where the value that decided a fail or unknown verdict was written: the function
    // that decided it (where, when it was unknown; else requires) run again in trace mode
    // (Vm::trace1), whose result carries the deciding value's provenance. Invalid when
    // that names no place in a source, names a default, or the traced run does not give
    // the verdict's truth again. A separate Vm, so the scan's counters stay as they were.
    SourceLoc locate(Vm& tracer, const Plan& plan, const Value& self, Verdict verdict) const {
        Value t;
        auto run = [&](uint32_t fn) {
            tracer.begin_evaluation();
            return tracer.trace1(fn, self, t);
        };
        // A fail had its where hold: only an unknown may come from it.
        if (plan.where_fn != kNoFunction && verdict == Verdict::Unknown) {
            if (!run(plan.where_fn)) return {};
            if (t.is_unknown()) return written_at(t);
            if (!(t.is(Kind::Bool) && t.as_bool())) return {};
        }
        if (plan.requires_fn == kNoFunction || !run(plan.requires_fn)) return {};
        bool holds = t.is(Kind::Bool) && t.as_bool();
        bool same = verdict == Verdict::Unknown ? t.is_unknown()
                    : plan.form == RuleForm::No ? holds
                                                : !t.is_unknown() && !holds;
        return same ? written_at(t) : SourceLoc{};
    }

    SourceLoc written_at(const Value& v) const {
        if (v.prov() == 0 || v.prov() >= model_.provenance.size()) return {};
        const Provenance& p = model_.prov(v.prov());
        if (p.state == ValueState::Default || !p.loc.valid() || p.loc.file == 0) return {};
        return p.loc;
    }

    // The detail of a verdict other than pass: its reason, and for a fail or an unknown
    // its message.
    static uint32_t add_detail(Vm& vm, const Plan& plan, const Value& self, const Outcome& o,
                               TaskOut& out) {
        auto index = static_cast<uint32_t>(out.details.size());
        Detail& d = out.details.emplace_back();
        // Copied before message_of runs more code in this evaluation.
        if (!o.reason.empty()) d.reason = o.reason;
        if (o.verdict == Verdict::Fail || o.verdict == Verdict::Unknown)
            message_of(vm, *plan.rule, self, d.message);
        return index;
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
            if (out.unknowns++ == 0 || index < out.unknown_resource) {
                out.unknown_resource = index;
                out.first_unknown = o.reason;
            }
            break;
        case Verdict::Error:
            if (index < out.error_resource) { // kStackResource is above every index
                out.error_resource = index;
                out.first_error = o.reason;
            }
            break;
        }
    }

    const Program& program_;
    const Model& model_;
    const EngineOptions& options_;
    const Shared& shared_;
};

std::string percent_text(uint32_t part, uint32_t whole) {
    double pct = whole == 0 ? 100 : std::round(1000.0 * part / whole) / 10;
    return format_number(pct);
}

// Merges an aggregate rule's partial results (in resource order) into its one finding.
// `percent`: the rule's (AtLeast), from its literal or its percent global.
Finding aggregate_finding(const RuleInfo& rule, uint32_t rule_index,
                          const std::vector<uint32_t>& targets, std::span<Aggregate> parts,
                          const Model& model, double percent) {
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
    double need = percent * total.applicable;
    if (total.applicable == 0 || 100.0 * total.passes >= need)
        f.verdict = Verdict::Pass;
    else if (100.0 * (total.passes + total.unknowns) < need)
        f.verdict = Verdict::Fail;
    else
        f.verdict = Verdict::Unknown;
    if (f.verdict == Verdict::Unknown) f.reason = total.first_unknown;
    f.related = std::move(total.failing);
    f.message =
        fmt::format("{} of {} ({}%) {} pass; at least {}% must", total.passes, total.applicable,
                    percent_text(total.passes, total.applicable), what, format_number(percent));
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
    Shared shared = rule_sets(program_, model);
    std::vector<uint64_t> per_set(shared.sets.size(), 0); // resources by rule set
    std::vector<Task> tasks;
    for (uint32_t b = 0, n = 0; b < model.resources.size(); b = n) {
        uint64_t evaluations = 0;
        for (n = b;
             n < model.resources.size() && n - b < kTaskResources && evaluations < kTaskEvaluations;
             ++n)
            if (uint32_t set = shared.set_of[n]; set != kNoSet) {
                evaluations += shared.sets[set].rules.size();
                ++per_set[set];
            }
        tasks.push_back({b, n});
    }
    std::vector<uint64_t> targets(program_.rules.size(), 0); // evaluations by rule
    for (size_t set = 0; set < shared.sets.size(); ++set)
        for (uint32_t r : shared.sets[set].rules) targets[r] += per_set[set];

    std::vector<TaskOut> outs(tasks.size());
    Evaluator evaluator(program_, model, options_, shared);
    std::atomic<size_t> next{0};
    std::atomic<uint64_t> instructions{0};
    // Locating deciding values needs values written somewhere: not worth a trace when no
    // provenance of the model has a source position (a model file without positions).
    bool locate = false;
    if (options_.locate_values)
        for (size_t i = 1; i < model.provenance.size() && !locate; ++i) {
            const Provenance& p = model.provenance[i];
            locate = p.loc.valid() && p.loc.file != 0 && p.state != ValueState::Default;
        }
    ScanState scan(program_, model, impl_->globals,
                   VmLimits{options_.instruction_budget, options_.memory_cap});
    auto worker = [&] {
        Vm vm(program_, &model, &impl_->globals,
              VmLimits{options_.instruction_budget, options_.memory_cap});
        vm.set_scan(&scan);
        Evaluator::Scratch scratch;
        evaluator.prepare(vm, scratch);
        std::unique_ptr<Vm> tracer;
        if (locate) {
            tracer =
                std::make_unique<Vm>(program_, &model, &impl_->globals,
                                     VmLimits{options_.instruction_budget, options_.memory_cap});
            tracer->set_scan(&scan);
            scratch.tracer = tracer.get();
        }
        for (size_t t; (t = next.fetch_add(1)) < tasks.size();)
            evaluator.run_task(vm, tasks[t], outs[t], scratch);
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
    for (const TaskOut& out : outs) total += out.records.size();
    findings.reserve(total);
    evaluations_ = 0;
    passes_ = 0;
    for (uint32_t r = 0; r < program_.rules.size(); ++r) {
        const RuleInfo& rule = program_.rules[r];
        evaluations_ += targets[r];
        if (shared.aggregate_of[r] != kNoSet) {
            std::vector<Aggregate> parts;
            parts.reserve(outs.size());
            for (TaskOut& out : outs)
                parts.push_back(std::move(out.aggregates[shared.aggregate_of[r]]));
            std::vector<uint32_t> all =
                rule.form == RuleForm::Exists ? targets_of(rule, model) : std::vector<uint32_t>{};
            Finding f =
                aggregate_finding(rule, r, all, parts, model, rule_percent(rule, impl_->globals));
            if (f.verdict == Verdict::Pass) ++passes_;
            if (f.verdict != Verdict::Pass || options_.include_passes)
                findings.push_back(std::move(f));
            continue;
        }
        for (TaskOut& out : outs) {
            passes_ += out.passes[r];
            for (uint32_t i = out.rule_begin[r]; i < out.rule_begin[r + 1]; ++i) {
                const Record& rec = out.records[i];
                Finding& f = findings.emplace_back();
                f.rule = r;
                f.resource = rec.resource;
                f.verdict = rec.verdict;
                f.loc = rec.loc;
                if (rec.detail != kNoDetail) {
                    Detail& d = out.details[rec.detail];
                    f.value_loc = d.value_loc;
                    f.message = std::move(d.message);
                    f.reason = std::move(d.reason);
                }
            }
        }
    }
    instructions_ = instructions;
    return findings;
}

} // namespace tenet
