// Evaluation benchmark: N rules over a large JSON model (bench/gen_model.py).
// Reports model load throughput and rule x resource evaluations per second, with
// one worker thread (per core figure) and with all cores, in wall and CPU time (best of
// RUNS, default 5), in two modes: every verdict listed as a Finding, passes included
// (as the spec tests and `tenet check --show-passes` ask), and passes only counted (as
// `tenet check` asks), and "bare": passes counted and the deciding values of fails and
// unknowns not located (EngineOptions::locate_values off), the evaluation alone.
//
//   bench/gen_policies.py 100 /tmp/rules100.tenet
//   python3 bench/gen_model.py 100000 /tmp/model100k.json
//   build/bench/tenet_bench_eval /tmp/rules100.tenet /tmp/model100k.json [RUNS [JOBS MODE]]
//
// JOBS and MODE (listed, counted or bare) run that one configuration only, e.g. under
// `valgrind --tool=callgrind --toggle-collect='tenet::Engine::evaluate(tenet::Model const&)'`
// for the instructions per evaluation.
#include "bench_util.h"
#include "tenet/compiler/compiler.h"
#include "tenet/model/json_model.h"
#include "tenet/runtime/engine.h"

#include <fmt/format.h>
#include <string_view>
#include <thread>

using namespace tenet;

int main(int argc, char** argv) {
    if (argc < 3) {
        fmt::print(
            stderr,
            "usage: tenet_bench_eval POLICY.tenet MODEL.json [RUNS [JOBS listed|counted|bare]]\n");
        return 2;
    }
    SourceManager sm;
    FileId pid = sm.add(argv[1], bench::read_all(argv[1]));
    CompileResult compiled = compile(sm, {pid}, CompileOptions{});
    if (!compiled.program) {
        fmt::print(stderr, "policy compile failed\n");
        return 1;
    }
    std::string text = bench::read_all(argv[2]);
    size_t bytes = text.size();
    FileId mid = sm.add(argv[2], std::move(text));
    Model model;
    model.sources = &sm;
    std::vector<ModelError> errors;
    double t0 = bench::now_seconds();
    load_json_model(sm, mid, model, errors);
    model.finalize();
    double load = bench::now_seconds() - t0;
    if (!errors.empty()) {
        fmt::print(stderr, "model errors: {}\n", errors.size());
        return 1;
    }
    fmt::print(
        "model: {} resources, {:.1f} MB, loaded in {:.3f} s = {:.0f} MB/s, peak RSS {:.1f} MiB\n",
        model.resources.size(), bytes / 1e6, load, bytes / 1e6 / load, bench::peak_rss_mib());

    int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
    fmt::print("load average {:.2f} before evaluating\n", bench::load_average());
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    unsigned only_jobs = argc > 4 ? static_cast<unsigned>(std::max(1, std::atoi(argv[4]))) : 0;
    std::string only_mode = argc > 5 ? argv[5] : "";
    for (unsigned jobs : {1u, cores}) {
        for (const char* mode : {"listed", "counted", "bare"}) {
            if (only_jobs && (jobs != only_jobs || only_mode != mode)) continue;
            bool listed = std::string_view(mode) == "listed";
            EngineOptions opts;
            opts.jobs = jobs;
            opts.include_passes = listed;
            opts.locate_values = std::string_view(mode) != "bare";
            Engine engine(*compiled.program, opts);
            std::vector<std::string> errs;
            if (!engine.init_globals({}, errs)) return 1;
            engine.normalize(model);
            double best = 1e9, best_cpu = 1e9;
            size_t findings = 0;
            for (int run = 0; run < runs; ++run) {
                double t = bench::now_seconds(), c = bench::cpu_seconds();
                findings = engine.evaluate(model).size(); // the findings are freed in the timing
                best = std::min(best, bench::now_seconds() - t);
                best_cpu = std::min(best_cpu, bench::cpu_seconds() - c);
            }
            double evals = static_cast<double>(engine.evaluations());
            fmt::print("evaluate: {} rules, jobs={}, mode {}: {:.0f} rule x resource evaluations "
                       "in {:.3f} s = {:.1f} M/s ({:.1f} M/s per core); CPU {:.3f} s = {:.1f} M/s "
                       "per CPU second; {} findings, {} passes\n",
                       compiled.program->rules.size(), jobs, mode, evals, best, evals / best / 1e6,
                       evals / best / 1e6 / jobs, best_cpu, evals / best_cpu / 1e6, findings,
                       engine.passes());
            fmt::print("  {} bytecode instructions = {:.1f} per evaluation\n",
                       engine.instructions(), engine.instructions() / evals);
        }
    }
    fmt::print("load average {:.2f} after\n", bench::load_average());
    fmt::print("peak RSS {:.1f} MiB\n", bench::peak_rss_mib());
    return 0;
}
