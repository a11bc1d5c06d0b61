// Helpers shared by the lowering, bundle and verifier tests: compiling a snippet,
// listing a function's opcodes, and assembling bytecode by hand.
#pragma once

#include "tenet/compiler/compiler.h"
#include "tenet/runtime/bytecode.h"
#include "tenet/runtime/program.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace tenet::test {

// Compiles `text` as file "t.tenet" (without the standard library unless asked);
// fails the test with the diagnostics if it does not compile.
inline CompileResult compile_snippet(SourceManager& sm, const std::string& text,
                                     bool with_stdlib = false, bool with_policies = false) {
    FileId id = sm.add("t.tenet", text);
    CompileOptions opts;
    opts.include_stdlib = with_stdlib;
    opts.include_policies = with_policies;
    CompileResult r = compile(sm, {id}, opts);
    std::string diags;
    for (const Diagnostic& d : r.diags.items())
        if (d.severity() == DiagSeverity::Error) diags += render_diagnostic(d, sm, false);
    INFO(diags);
    REQUIRE(r.program);
    return r;
}

// The opcode names of a function, in order.
inline std::vector<std::string> opcodes(const Function& fn) {
    std::vector<std::string> out;
    for (size_t pc = 0; pc < fn.code.size();) {
        const OpInfo& info = op_info(static_cast<Op>(fn.code[pc]));
        out.push_back(info.name);
        pc += static_cast<size_t>(info.size);
    }
    return out;
}

inline bool has_op(const Function& fn, const std::string& name) {
    for (const std::string& op : opcodes(fn))
        if (op == name) return true;
    return false;
}

inline const Function& function_named(const Program& p, const std::string& name) {
    for (const Function& fn : p.functions)
        if (fn.name == name) return fn;
    FAIL("no function " << name);
    return p.functions.front();
}

// Hand assembly: operands are encoded little-endian with the sizes of opcodes.def;
// jump operands are given as raw relative offsets.
class Asm {
  public:
    Asm& op(Op o, int64_t a = 0, int64_t b = 0, int64_t c = 0) {
        const OpInfo& info = op_info(o);
        code.push_back(static_cast<uint8_t>(o));
        const int64_t operands[3] = {a, b, c};
        for (int i = 0; i < 3; ++i) {
            int n = operand_size(info.operands[i]);
            auto v = static_cast<uint64_t>(operands[i]);
            for (int k = 0; k < n; ++k) code.push_back(static_cast<uint8_t>(v >> (8 * k)));
        }
        return *this;
    }
    std::vector<uint8_t> code;
};

inline Function make_function(std::string name, uint16_t arity, uint16_t locals, const Asm& a) {
    Function fn;
    fn.name = std::move(name);
    fn.arity = arity;
    fn.num_locals = locals;
    fn.code = a.code;
    return fn;
}

} // namespace tenet::test
