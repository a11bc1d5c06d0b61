// The bytecode verifier: decodes every function with the opcode table, checks every
// operand, follows every path to check the stack depth, rejects recursion, and checks
// the indices in the program's metadata. See verifier.h for the list of checks and
// docs/bundle.md for the stack effects of the branching opcodes.
#include "tenet/runtime/verifier.h"

#include "tenet/runtime/builtins.h"
#include "tenet/runtime/bytecode.h"

#include <algorithm>
#include <fmt/format.h>
#include <limits>

namespace tenet {

namespace {

constexpr int kMaxStack = std::numeric_limits<uint16_t>::max();

struct Instr {
    Op op;
    uint32_t pc;
    uint32_t end;
    uint32_t operand[3];
};

// Stack effect of an instruction on each way out of it. Most opcodes take the table's
// pops/pushes on both. The exceptions keep or drop the tested value depending on the
// way taken: COALESCE_TEST and JUMP_IF_UNKNOWN keep it when they jump and drop it when
// they fall through; ITER_INIT pushes the unknown collection only when it jumps.
struct Effect {
    int pops;
    int fall;   // pushes on the fall-through edge
    int branch; // pushes on the jump edge
};

class FunctionVerifier {
  public:
    FunctionVerifier(Program& p, uint32_t index, std::string& error)
        : prog_(p), index_(index), fn_(p.functions[index]), error_(error) {}

    bool run(std::vector<uint32_t>& callees, std::vector<uint32_t>& scans) {
        if (fn_.arity > fn_.num_locals)
            return fail(0,
                        fmt::format("arity {} exceeds its {} locals", fn_.arity, fn_.num_locals));
        if (fn_.code.empty()) return fail(0, "empty code (a function must end with RETURN)");
        if (!decode()) return false;
        if (!falls_through_end()) return fail(code_.back().pc, "code must end with RETURN or JUMP");
        for (const Instr& in : code_)
            if (in.op == Op::CALL)
                callees.push_back(in.operand[0]);
            else if (in.op == Op::SCAN)
                scans.push_back(in.operand[0]);
        if (!check_lines()) return false;
        return flow();
    }

  private:
    bool fail(uint32_t pc, const std::string& what) {
        error_ = fmt::format("function {} ({}) at pc {}: {}", index_, fn_.name, pc, what);
        return false;
    }

    uint32_t read(uint32_t at, int size) const {
        uint32_t v = 0;
        for (int i = 0; i < size; ++i) v |= static_cast<uint32_t>(fn_.code[at + i]) << (8 * i);
        return v;
    }

    bool decode() {
        const auto size = static_cast<uint32_t>(fn_.code.size());
        at_.assign(size, -1);
        uint32_t pc = 0;
        while (pc < size) {
            uint8_t byte = fn_.code[pc];
            if (byte >= kOpCount) return fail(pc, fmt::format("unknown opcode {}", byte));
            Instr in{static_cast<Op>(byte), pc, 0, {0, 0, 0}};
            const OpInfo& info = op_info(in.op);
            if (static_cast<uint64_t>(pc) + info.size > size)
                return fail(pc, fmt::format("{} runs past the end of the code", info.name));
            uint32_t at = pc + 1;
            for (int i = 0; i < 3; ++i) {
                int n = operand_size(info.operands[i]);
                in.operand[i] = read(at, n);
                at += n;
            }
            in.end = at;
            at_[pc] = static_cast<int32_t>(code_.size());
            code_.push_back(in);
            if (!operands(in)) return false;
            pc = at;
        }
        for (Instr& in : code_) {
            const OpInfo& info = op_info(in.op);
            for (int i = 0; i < 3; ++i) {
                if (info.operands[i] != OperandKind::JUMP) continue;
                int64_t target = static_cast<int64_t>(in.end) + static_cast<int32_t>(in.operand[i]);
                if (target < 0 || target >= static_cast<int64_t>(size))
                    return fail(in.pc, fmt::format("jump target {} out of bounds", target));
                if (at_[target] < 0)
                    return fail(in.pc, fmt::format("jump target {} is not an instruction boundary",
                                                   target));
            }
        }
        return true;
    }

    bool operands(const Instr& in) {
        const OpInfo& info = op_info(in.op);
        for (int i = 0; i < 3; ++i) {
            uint32_t v = in.operand[i];
            switch (info.operands[i]) {
            case OperandKind::NONE:
            case OperandKind::COUNT:
            case OperandKind::JUMP:
                break;
            case OperandKind::CONST:
                if (v >= prog_.constants.size())
                    return fail(in.pc, fmt::format("constant {} out of bounds", v));
                break;
            case OperandKind::STR:
                if (v >= prog_.constants.size())
                    return fail(in.pc, fmt::format("constant {} out of bounds", v));
                if (!prog_.constants[v].is(Kind::String))
                    return fail(in.pc,
                                fmt::format("{} needs a string constant, constant {} is a {}",
                                            info.name, v, kind_name(prog_.constants[v].kind())));
                break;
            case OperandKind::LOCAL: {
                // Iterators take two locals (ITER_INIT and ITER_NEXT's first operand).
                bool pair = i == 0 && (in.op == Op::ITER_INIT || in.op == Op::ITER_NEXT);
                if (static_cast<uint64_t>(v) + (pair ? 1 : 0) >= fn_.num_locals)
                    return fail(in.pc, fmt::format("local {} out of bounds ({} locals)", v,
                                                   fn_.num_locals));
                break;
            }
            case OperandKind::GLOBAL:
                if (v >= prog_.globals.size())
                    return fail(in.pc, fmt::format("global {} out of bounds", v));
                // A scan-level let has no value until a scan computes it: only SCAN
                // reads one, and SCAN reads nothing else.
                if (in.op == Op::SCAN && !prog_.globals[v].scan)
                    return fail(in.pc, fmt::format("SCAN of global {}, not a scan-level let", v));
                if (in.op != Op::SCAN && prog_.globals[v].scan)
                    return fail(in.pc, fmt::format("{} of scan-level let {} (only SCAN reads it)",
                                                   info.name, v));
                break;
            case OperandKind::FUNC:
                if (v >= prog_.functions.size())
                    return fail(in.pc, fmt::format("function {} out of bounds", v));
                break;
            case OperandKind::BUILTIN: {
                if (static_cast<int64_t>(v) >= builtin_count())
                    return fail(in.pc, fmt::format("builtin {} out of bounds", v));
                const BuiltinInfo& b = builtin_info(static_cast<int>(v));
                uint32_t n = in.operand[i + 1];
                if (n < b.min_args || n > b.max_args)
                    return fail(in.pc,
                                fmt::format("builtin `{}` called with {} argument(s)", b.name, n));
                break;
            }
            case OperandKind::REGEX:
                if (v >= prog_.regex_sources.size())
                    return fail(in.pc, fmt::format("regex {} out of bounds", v));
                break;
            }
        }
        return true;
    }

    bool check_lines() {
        for (size_t i = 0; i < fn_.lines.size(); ++i) {
            const LineEntry& e = fn_.lines[i];
            if (e.pc >= fn_.code.size())
                return fail(e.pc, "line table entry past the end of the code");
            if (i > 0 && e.pc <= fn_.lines[i - 1].pc)
                return fail(e.pc, "line table not sorted by pc");
            if (e.file >= prog_.files.size())
                return fail(e.pc, fmt::format("line table names file {}", e.file));
        }
        return true;
    }

    Effect effect(const Instr& in) const {
        const OpInfo& info = op_info(in.op);
        int pops = info.pops, pushes = info.pushes;
        if (pops < 0) {
            switch (in.op) {
            case Op::LIST:
            case Op::CONCAT:
                pops = static_cast<int>(in.operand[0]);
                break;
            case Op::MAP:
                pops = 2 * static_cast<int>(in.operand[0]);
                break;
            case Op::CALL:
                pops = prog_.functions[in.operand[0]].arity;
                break;
            case Op::CALL_BUILTIN:
                pops = static_cast<int>(in.operand[1]);
                break;
            default:
                pops = 0;
                break;
            }
        }
        Effect e{pops, pushes, pushes};
        if (in.op == Op::COALESCE_TEST || in.op == Op::JUMP_IF_UNKNOWN) e.fall = pushes - 1;
        if (in.op == Op::ITER_INIT) e.branch = pushes + 1;
        return e;
    }

    bool falls_through_end() const { return !falls_through(code_.back().op); }

    static bool falls_through(Op op) { return op != Op::RETURN && op != Op::JUMP; }

    // Depth-first over the control-flow graph; every instruction gets one depth.
    bool flow() {
        std::vector<int> depth(code_.size(), -1);
        std::vector<uint32_t> work;
        depth[0] = 0;
        work.push_back(0);
        int max_depth = 0;
        auto reach = [&](const Instr& from, int64_t pc, int d) -> bool {
            if (pc >= static_cast<int64_t>(fn_.code.size()))
                return fail(from.pc, "execution runs off the end of the code (missing RETURN)");
            uint32_t k = static_cast<uint32_t>(at_[pc]);
            if (depth[k] < 0) {
                depth[k] = d;
                work.push_back(k);
            } else if (depth[k] != d) {
                return fail(
                    static_cast<uint32_t>(pc),
                    fmt::format("stack depth {} on one path and {} on another", depth[k], d));
            }
            return true;
        };
        while (!work.empty()) {
            uint32_t k = work.back();
            work.pop_back();
            const Instr& in = code_[k];
            int d = depth[k];
            Effect e = effect(in);
            if (e.pops > d)
                return fail(in.pc, fmt::format("stack underflow: {} pops {} of {}",
                                               op_info(in.op).name, e.pops, d));
            if (in.op == Op::RETURN && d != 1)
                return fail(in.pc,
                            fmt::format("RETURN with {} values on the stack (must be 1)", d));
            int fall = d - e.pops + e.fall, branch = d - e.pops + e.branch;
            if (fall > kMaxStack || branch > kMaxStack)
                return fail(in.pc, "stack deeper than 65535");
            max_depth = std::max({max_depth, d, fall, branch});
            const OpInfo& info = op_info(in.op);
            for (int i = 0; i < 3; ++i)
                if (info.operands[i] == OperandKind::JUMP &&
                    !reach(in, static_cast<int64_t>(in.end) + static_cast<int32_t>(in.operand[i]),
                           branch))
                    return false;
            if (falls_through(in.op) && !reach(in, in.end, fall)) return false;
        }
        fn_.max_stack = static_cast<uint16_t>(max_depth);
        return true;
    }

    Program& prog_;
    uint32_t index_;
    Function& fn_;
    std::string& error_;
    std::vector<Instr> code_;
    std::vector<int32_t> at_; // pc -> instruction number, -1 inside an instruction
};

// Calls must form a DAG: a cycle is recursion, which the language forbids.
bool check_no_recursion(const Program& p, const std::vector<std::vector<uint32_t>>& callees,
                        std::string& error) {
    enum : uint8_t { White, Gray, Black };
    std::vector<uint8_t> color(p.functions.size(), White);
    std::vector<std::pair<uint32_t, size_t>> stack; // function, next callee to visit
    for (uint32_t root = 0; root < p.functions.size(); ++root) {
        if (color[root] != White) continue;
        color[root] = Gray;
        stack.push_back({root, 0});
        while (!stack.empty()) {
            auto& [f, next] = stack.back();
            if (next == callees[f].size()) {
                color[f] = Black;
                stack.pop_back();
                continue;
            }
            uint32_t g = callees[f][next++];
            if (color[g] == Gray) {
                error = fmt::format("function {} ({}) calls function {} ({}) recursively", f,
                                    p.functions[f].name, g, p.functions[g].name);
                return false;
            }
            if (color[g] == White) {
                color[g] = Gray;
                stack.push_back({g, 0});
            }
        }
    }
    return true;
}

bool check_loc(const Program& p, const LineEntry& loc, const std::string& what,
               std::string& error) {
    if (loc.line != 0 && loc.file >= p.files.size()) {
        error = fmt::format("{}: location names file {}", what, loc.file);
        return false;
    }
    return true;
}

bool check_fn(const Program& p, uint32_t fn, int arity, bool optional, const std::string& what,
              std::string& error) {
    if (fn == kNoFunction) {
        if (optional) return true;
        error = what + ": function missing";
        return false;
    }
    if (fn >= p.functions.size()) {
        error = fmt::format("{}: function {} out of bounds", what, fn);
        return false;
    }
    if (p.functions[fn].arity != arity) {
        error = fmt::format("{}: function {} ({}) takes {} argument(s), expected {}", what, fn,
                            p.functions[fn].name, p.functions[fn].arity, arity);
        return false;
    }
    return true;
}

bool check_metadata(const Program& p, std::string& error) {
    for (size_t i = 0; i < p.globals.size(); ++i) {
        const GlobalInfo& g = p.globals[i];
        std::string what = fmt::format("global {} ({})", i, g.name);
        if (!check_fn(p, g.init_fn, 0, g.is_param, what, error) ||
            !check_loc(p, g.loc, what, error))
            return false;
    }
    for (size_t i = 0; i < p.rules.size(); ++i) {
        const RuleInfo& r = p.rules[i];
        std::string what = fmt::format("rule {} ({})", i, r.name);
        if (static_cast<uint8_t>(r.severity) > static_cast<uint8_t>(Severity::Critical) ||
            static_cast<uint8_t>(r.level) > static_cast<uint8_t>(Level::Hard) ||
            static_cast<uint8_t>(r.form) > static_cast<uint8_t>(RuleForm::AtLeast) ||
            static_cast<uint8_t>(r.target_kind) > static_cast<uint8_t>(TargetKind::Native)) {
            error = what + ": invalid severity, level, form or target kind";
            return false;
        }
        if (!(r.percent >= 0 && r.percent <= 100)) {
            error = what + ": percentage out of range";
            return false;
        }
        if (r.percent_global != kNoGlobal &&
            (r.form != RuleForm::AtLeast || r.percent_global >= p.globals.size() ||
             p.globals[r.percent_global].scan)) {
            error = what + ": invalid percent global";
            return false;
        }
        if ((r.target_kind == TargetKind::Any) != r.target_type.empty()) {
            error = what + ": target type does not match its kind";
            return false;
        }
        bool needs_requires = r.form != RuleForm::Exists;
        if (!check_fn(p, r.where_fn, 1, true, what + " where", error) ||
            !check_fn(p, r.requires_fn, 1, !needs_requires, what + " requires", error) ||
            !check_fn(p, r.message_fn, 1, true, what + " message", error) ||
            !check_loc(p, r.loc, what, error))
            return false;
    }
    for (size_t i = 0; i < p.mappings.size(); ++i) {
        const MappingInfo& m = p.mappings[i];
        for (const MapFieldInfo& f : m.fields)
            if (!check_fn(p, f.fn, 1, false,
                          fmt::format("mapping {} ({}) field {}", i, m.native_type, f.name), error))
                return false;
    }
    return true;
}

// Scan-level lets are computed on first use: the computation of one may read only
// scan-level lets before it (no cycle, so no computation waits on itself), and the
// other globals' initializers and the mappings, which run before there is a scan,
// read none. Call graphs are acyclic by now.
bool check_scan_order(const Program& p, const std::vector<std::vector<uint32_t>>& callees,
                      const std::vector<std::vector<uint32_t>>& scans, std::string& error) {
    constexpr int64_t kUnvisited = -2; // -1: reads no scan-level let
    std::vector<int64_t> highest(p.functions.size(), kUnvisited);
    // The highest scan-level let function f reads, directly or through its callees.
    std::vector<std::pair<uint32_t, size_t>> stack;
    auto highest_of = [&](uint32_t root) {
        if (highest[root] != kUnvisited) return highest[root];
        stack.push_back({root, 0});
        while (!stack.empty()) {
            auto& [f, next] = stack.back();
            if (next < callees[f].size()) {
                uint32_t g = callees[f][next++];
                if (highest[g] == kUnvisited) stack.push_back({g, 0});
                continue;
            }
            int64_t h = -1;
            for (uint32_t s : scans[f]) h = std::max<int64_t>(h, s);
            for (uint32_t g : callees[f]) h = std::max(h, highest[g]);
            highest[f] = h;
            stack.pop_back();
        }
        return highest[root];
    };
    for (size_t i = 0; i < p.globals.size(); ++i) {
        const GlobalInfo& g = p.globals[i];
        if (g.scan && (g.is_param || g.init_fn == kNoFunction)) {
            error = fmt::format("global {} ({}): a scan-level let needs an initializer", i, g.name);
            return false;
        }
        if (g.init_fn == kNoFunction) continue;
        int64_t h = highest_of(g.init_fn);
        if (g.scan ? h >= static_cast<int64_t>(i) : h >= 0) {
            error = fmt::format(
                "global {} ({}): its initializer reads scan-level let {}{}", i, g.name, h,
                g.scan ? ", which is not computed before it" : " before there is a scan");
            return false;
        }
    }
    for (const MappingInfo& m : p.mappings)
        for (const MapFieldInfo& f : m.fields)
            if (int64_t h = highest_of(f.fn); h >= 0) {
                error = fmt::format("mapping {} field {} reads scan-level let {} before there is a "
                                    "scan",
                                    m.native_type, f.name, h);
                return false;
            }
    return true;
}

} // namespace

bool verify_program(Program& program, std::string& error) {
    for (size_t i = 0; i < program.constants.size(); ++i) {
        Kind k = program.constants[i].kind();
        if (k == Kind::Resource || k == Kind::Unknown) {
            error = fmt::format("constant {} is a {}, which cannot be a constant", i, kind_name(k));
            return false;
        }
    }
    std::vector<std::vector<uint32_t>> callees(program.functions.size());
    std::vector<std::vector<uint32_t>> scans(program.functions.size());
    for (uint32_t i = 0; i < program.functions.size(); ++i) {
        FunctionVerifier v(program, i, error);
        if (!v.run(callees[i], scans[i])) return false;
    }
    return check_no_recursion(program, callees, error) && check_metadata(program, error) &&
           check_scan_order(program, callees, scans, error);
}

} // namespace tenet
