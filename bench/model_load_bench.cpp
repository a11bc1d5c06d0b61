// Model load benchmark: reads a "tenet-model/1" file (bench/gen_model.py) several
// times and reports the throughput of the JSON reader alone and of the whole loader
// (values, provenance, interning, edges, indexes), best of the runs. Times are CPU
// time of this (single-threaded) process, so that other load on a shared machine does
// not count; on an idle machine they match wall time.
//
//   python3 bench/gen_model.py 100000 /tmp/model100k.json
//   build/bench/tenet_bench_model_load /tmp/model100k.json [RUNS]
#include "bench_util.h"
#include "tenet/common/json.h"
#include "tenet/model/json_model.h"

#include <algorithm>
#include <ctime>
#include <fmt/format.h>

using namespace tenet;

namespace {

// Consumes events and does nothing: the cost of reading JSON alone.
struct NullHandler final : json::Handler {
    size_t events = 0;
    bool tick() { return ++events != 0; }
    bool null_value(SourceLoc) override { return tick(); }
    bool bool_value(bool, SourceLoc) override { return tick(); }
    bool number_value(double, SourceLoc) override { return tick(); }
    bool string_value(std::string_view, SourceLoc) override { return tick(); }
    bool begin_array(SourceLoc) override { return tick(); }
    bool end_array() override { return tick(); }
    bool begin_object(SourceLoc) override { return tick(); }
    bool key(std::string_view, SourceLoc) override { return tick(); }
    bool end_object() override { return tick(); }
};

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: tenet_bench_model_load MODEL.json [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
    SourceManager sm;
    FileId id = sm.add(argv[1], bench::read_all(argv[1]));
    double mb = static_cast<double>(sm.text(id).size()) / 1e6;
    if (mb == 0) {
        fmt::print(stderr, "cannot read {}\n", argv[1]);
        return 2;
    }

    double parse_best = 1e9;
    size_t events = 0;
    for (int i = 0; i < runs; ++i) {
        NullHandler h;
        json::ParseError e;
        double t = cpu_seconds();
        if (!json::parse_events(sm.text(id), id, h, e)) {
            fmt::print(stderr, "{}:{}:{}: {}\n", argv[1], e.loc.line, e.loc.column, e.message);
            return 1;
        }
        parse_best = std::min(parse_best, cpu_seconds() - t);
        events = h.events;
    }
    fmt::print("json reader: {:.1f} MB, {} events in {:.3f} s = {:.0f} MB/s\n", mb, events,
               parse_best, mb / parse_best);

    double load_best = 1e9, finalize_best = 1e9, load_first = 0;
    size_t resources = 0, edges = 0, provenance = 0;
    for (int i = 0; i < runs; ++i) {
        Model model;
        model.sources = &sm;
        std::vector<ModelError> errors;
        double t = cpu_seconds();
        bool ok = load_json_model(sm, id, model, errors);
        double loaded = cpu_seconds();
        model.finalize();
        double finalized = cpu_seconds();
        if (!ok || !errors.empty()) {
            for (auto& e : errors)
                fmt::print(stderr, "{}:{}:{}: {}\n", argv[1], e.loc.line, e.loc.column, e.message);
            return 1;
        }
        if (i == 0) load_first = finalized - t; // a real run: every string is new to the interner
        load_best = std::min(load_best, finalized - t);
        finalize_best = std::min(finalize_best, finalized - loaded);
        resources = model.resources.size();
        edges = model.edges.size();
        provenance = model.provenance.size();
    }
    fmt::print("model load: {} resources, {} edges, {} provenance records\n", resources, edges,
               provenance);
    fmt::print("  first load (strings new to the interner): {:.3f} s = {:.0f} MB/s\n", load_first,
               mb / load_first);
    fmt::print("  best of {}: {:.3f} s (finalize {:.3f} s) = {:.0f} MB/s\n", runs, load_best,
               finalize_best, mb / load_best);
    fmt::print("peak RSS {:.1f} MiB\n", bench::peak_rss_mib());
    return 0;
}
