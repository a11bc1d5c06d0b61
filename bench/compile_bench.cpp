// Compile benchmark: parse, check and lower a policy file (e.g. 1,000 generated
// rules from bench/gen_policies.py). Prints the best of several runs.
//
//   bench/gen_policies.py 1000 /tmp/rules.tenet
//   build/bench/tenet_bench_compile /tmp/rules.tenet
#include "bench_util.h"
#include "tenet/compiler/compiler.h"

#include <cstdio>
#include <fmt/format.h>

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: tenet_bench_compile POLICY.tenet [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? std::atoi(argv[2]) : 5;
    std::string text = tenet::bench::read_all(argv[1]);
    double best = 1e9;
    size_t rules = 0;
    for (int i = 0; i < runs; ++i) {
        tenet::SourceManager sm;
        tenet::FileId id = sm.add(argv[1], text);
        double t0 = tenet::bench::now_seconds();
        tenet::CompileResult r = tenet::compile(sm, {id}, tenet::CompileOptions{});
        double t = tenet::bench::now_seconds() - t0;
        if (!r.program) {
            fmt::print(stderr, "compile failed with {} diagnostics\n", r.diags.items().size());
            return 1;
        }
        rules = r.program->rules.size();
        best = std::min(best, t);
    }
    fmt::print("compile: {} rules, {} bytes of source: best of {} runs {:.3f} s ({:.0f} rules/s), "
               "peak RSS {:.1f} MiB\n",
               rules, text.size(), runs, best, rules / best, tenet::bench::peak_rss_mib());
    return 0;
}
