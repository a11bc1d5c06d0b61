// Frontend load benchmark (issue 3): parse + normalize throughput of one input, as
// `tenet check PATH` loads it (load_path, then reference resolution and the model's
// indexes), best of RUNS, in CPU time of this single-threaded process so that other
// load on a shared machine does not count. Memory: the growth of peak RSS over the
// process's size before the first load, against the input's size.
//
//   python3 bench/gen_frontends.py /tmp/fb
//   build/bench/tenet_bench_frontend /tmp/fb/plan.json [RUNS]
//   build/bench/tenet_bench_frontend /tmp/fb/tf [RUNS]
#include "bench_util.h"
#include "tenet/frontends/frontend.h"
#include "tenet/model/builder.h"

#include <algorithm>
#include <ctime>
#include <fmt/format.h>

using namespace tenet;

namespace {

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Run {
    double seconds = 0;
    size_t bytes = 0, resources = 0, errors = 0;
};

Run load_once(const std::string& path) {
    SourceManager sm;
    Model model;
    model.sources = &sm;
    ModelBuilder builder(model);
    std::vector<ModelError> errors;
    FrontendOptions opts;
    double t = cpu_seconds();
    load_path(sm, path, builder, errors, opts);
    builder.build_stack();
    builder.resolve_references();
    Run r;
    r.seconds = cpu_seconds() - t;
    for (FileId f = 1; f < sm.size(); ++f) r.bytes += sm.text(f).size();
    r.resources = model.resources.size();
    r.errors = errors.size();
    if (!errors.empty()) fmt::print(stderr, "first error: {}\n", errors.front().message);
    return r;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: tenet_bench_frontend PATH [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
    double rss_before = bench::peak_rss_mib();
    Run first = load_once(argv[1]);
    double rss_growth = bench::peak_rss_mib() - rss_before;
    double best = first.seconds;
    for (int i = 1; i < runs; ++i) best = std::min(best, load_once(argv[1]).seconds);
    double mb = static_cast<double>(first.bytes) / 1e6;
    if (first.resources == 0) {
        fmt::print(stderr, "{}: no resources loaded\n", argv[1]);
        return 1;
    }
    fmt::print("{}: {:.1f} MB, {} resources, {} errors\n", argv[1], mb, first.resources,
               first.errors);
    fmt::print("load: first {:.3f} s, best of {} {:.3f} s = {:.1f} MB/s (CPU time)\n",
               first.seconds, runs, best, mb / best);
    fmt::print("memory: peak RSS grew {:.1f} MiB = {:.1f}x the input\n", rss_growth,
               rss_growth * 1048576.0 / static_cast<double>(first.bytes));
    return 0;
}
