// Scan-level lets: top-level lets whose value reads the model (`stack`, `resources_of`,
// or another scan-level let), computed once per scan on first use and shared by the
// worker threads. See ScanState in vm.h.
#include "vm.h"

#include <fmt/format.h>
#include <limits>
#include <mutex>

namespace tenet {

struct ScanSlot {
    std::once_flag once;
    Arena arena; // owns the value; written only inside `once`
    Value value;
    std::string error; // non-empty: the computation failed
};

namespace {

// n * factor, saturating (a limit of "everything" stays that).
template <typename T> T scaled(T n, T factor) {
    return n > std::numeric_limits<T>::max() / factor ? std::numeric_limits<T>::max() : n * factor;
}

} // namespace

ScanState::ScanState(const Program& program, const Model& model, const std::vector<Value>& globals,
                     VmLimits evaluation_limits)
    : program_(program), model_(model),
      globals_(globals), limits_{scaled(evaluation_limits.instruction_budget, kScanBudgetFactor),
                                 scaled(evaluation_limits.memory_cap, kScanMemoryFactor)},
      slots_(new ScanSlot[program.globals.size()]) {}

ScanState::~ScanState() = default;

namespace {

std::string where(const Program& p, const GlobalInfo& g) {
    if (g.loc.line == 0 || g.loc.file >= p.files.size()) return fmt::format("`{}`", g.name);
    return fmt::format("`{}` ({}:{}:{})", g.name, p.files[g.loc.file], g.loc.line, g.loc.column);
}

} // namespace

bool ScanState::get(uint16_t global, Value& out, std::string& error) {
    if (global >= program_.globals.size() || !program_.globals[global].scan) {
        error = fmt::format("internal: global {} is not a scan-level let", global);
        return false;
    }
    ScanSlot& slot = slots_[global];
    std::call_once(slot.once, [&] {
        const GlobalInfo& g = program_.globals[global];
        // A Vm of its own: the reader's evaluation (its arena, budget and frames) is
        // untouched, and the value is copied out before that Vm goes away.
        Vm vm(program_, &model_, &globals_, limits_);
        vm.set_scan(this);
        vm.begin_evaluation();
        Value result;
        if (g.init_fn == kNoFunction)
            slot.error = fmt::format("computing {}: no initializer", where(program_, g));
        else if (!vm.call(g.init_fn, {}, result))
            slot.error = fmt::format("computing {}: {}", where(program_, g), vm.error());
        else if (!persist_value(result, slot.arena, slot.value))
            slot.error = fmt::format("computing {}: out of memory", where(program_, g));
    });
    if (!slot.error.empty()) {
        error = slot.error;
        return false;
    }
    out = slot.value;
    return true;
}

bool Vm::scan_value(uint16_t global, Value& out) {
    if (!scan_ || !model_) {
        fail(fmt::format("`{}` reads the model, which is not available here",
                         global < program_.globals.size() ? program_.globals[global].name
                                                          : std::to_string(global)));
        return false;
    }
    std::string error;
    if (scan_->get(global, out, error)) return true;
    fail(std::move(error));
    return false;
}

} // namespace tenet
