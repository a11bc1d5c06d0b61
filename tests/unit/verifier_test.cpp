// The bytecode verifier: every rejection on hand-assembled programs, and max_stack.
#include "lower_test_support.h"
#include "tenet/model/interner.h"
#include "tenet/runtime/builtins.h"
#include "tenet/runtime/verifier.h"

using namespace tenet;
using namespace tenet::test;

namespace {

// A program with one function and two constants: 0 = the number 1, 1 = the string "a".
Program one_function(const Asm& a, uint16_t arity = 0, uint16_t locals = 0) {
    Program p;
    p.constants.push_back(Value::number(1));
    p.constants.push_back(Value::string(intern("a")));
    p.functions.push_back(make_function("f", arity, locals, a));
    return p;
}

std::string rejection(Program& p) {
    std::string error;
    bool ok = verify_program(p, error);
    INFO(error);
    CHECK_FALSE(ok);
    return error;
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("a well-formed function passes and gets its max_stack", "[verifier]") {
    // if locals[0] then 1 + 1 else "a"
    Asm a;
    a.op(Op::LOAD, 0).op(Op::JUMP_IF_FALSE, 16);                     // 0, 3: -> 24
    a.op(Op::CONST, 0).op(Op::CONST, 0).op(Op::ADD).op(Op::JUMP, 5); // 8, 13, 18, 19: -> 29
    a.op(Op::CONST, 1).op(Op::RETURN);                               // 24, 29
    Program p = one_function(a, 1, 1);
    std::string error;
    INFO(error);
    REQUIRE(verify_program(p, error));
    CHECK(p.functions[0].max_stack == 2);
}

TEST_CASE("the branching opcodes' stack effects on each edge", "[verifier]") {
    // x ?? 1: COALESCE_TEST keeps x when it jumps and drops it when it falls through.
    Asm a;
    a.op(Op::LOAD, 0).op(Op::COALESCE_TEST, 5).op(Op::CONST, 0).op(Op::RETURN);
    Program p = one_function(a, 1, 1);
    std::string error;
    CHECK(verify_program(p, error));
    // ITER_INIT pushes the unknown collection only on its jump edge.
    Asm b;
    b.op(Op::LOAD, 0).op(Op::ITER_INIT, 1, 2).op(Op::TRUE_).op(Op::RETURN).op(Op::RETURN);
    Program q = one_function(b, 1, 3);
    INFO(error);
    CHECK(verify_program(q, error));
}

TEST_CASE("bad jumps are rejected", "[verifier]") {
    SECTION("past the end") {
        Asm a;
        a.op(Op::JUMP, 100).op(Op::TRUE_).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "jump target 105 out of bounds"));
    }
    SECTION("before the start") {
        Asm a;
        a.op(Op::JUMP, -6).op(Op::TRUE_).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "out of bounds"));
    }
    SECTION("into the middle of an instruction") {
        Asm a;
        a.op(Op::JUMP, 1).op(Op::CONST, 0).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "not an instruction boundary"));
    }
}

TEST_CASE("stack underflow, depth mismatches and RETURN depth are rejected", "[verifier]") {
    SECTION("underflow") {
        Asm a;
        a.op(Op::CONST, 0).op(Op::ADD).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "stack underflow"));
    }
    SECTION("different depths on two paths") {
        Asm a;
        a.op(Op::TRUE_).op(Op::JUMP_IF_FALSE, 5).op(Op::CONST, 0).op(Op::TRUE_).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "on one path and"));
    }
    SECTION("two values at RETURN") {
        Asm a;
        a.op(Op::TRUE_).op(Op::TRUE_).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "RETURN with 2 values"));
    }
    SECTION("LIST pops its count") {
        Asm a;
        a.op(Op::TRUE_).op(Op::LIST, 2).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "stack underflow"));
    }
}

TEST_CASE("bad local, global, constant, function, builtin and regex operands are rejected",
          "[verifier]") {
    SECTION("local out of bounds") {
        Asm a;
        a.op(Op::LOAD, 5).op(Op::RETURN);
        Program p = one_function(a, 1, 1);
        CHECK(contains(rejection(p), "local 5 out of bounds"));
    }
    SECTION("an iterator needs two locals") {
        Asm a;
        a.op(Op::NULL_).op(Op::ITER_INIT, 0, 0).op(Op::TRUE_).op(Op::RETURN);
        Program p = one_function(a, 0, 1);
        CHECK(contains(rejection(p), "local 0 out of bounds"));
    }
    SECTION("global out of bounds") {
        Asm a;
        a.op(Op::GLOBAL, 0).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "global 0 out of bounds"));
    }
    SECTION("constant out of bounds") {
        Asm a;
        a.op(Op::CONST, 9).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "constant 9 out of bounds"));
    }
    SECTION("a string operand naming a number constant") {
        Asm a;
        a.op(Op::NULL_).op(Op::FIELD, 0).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "needs a string constant"));
    }
    SECTION("a constant that cannot be one") {
        Asm a;
        a.op(Op::TRUE_).op(Op::RETURN);
        Program p = one_function(a);
        p.constants.push_back(Value::resource(0, View::Native));
        CHECK(contains(rejection(p), "cannot be a constant"));
    }
    SECTION("function out of bounds") {
        Asm a;
        a.op(Op::CALL, 3).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "function 3 out of bounds"));
    }
    SECTION("builtin out of bounds") {
        Asm a;
        a.op(Op::CALL_BUILTIN, builtin_count(), 0).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "out of bounds"));
    }
    SECTION("builtin with the wrong number of arguments") {
        Asm a;
        a.op(Op::TRUE_).op(Op::TRUE_).op(Op::CALL_BUILTIN, find_builtin("len"), 2).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "builtin `len` called with 2 argument(s)"));
    }
    SECTION("regex out of bounds") {
        Asm a;
        a.op(Op::NULL_).op(Op::MATCHES, 0).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "regex 0 out of bounds"));
    }
    SECTION("unknown opcode") {
        Asm a;
        a.code.push_back(0xEE);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "unknown opcode 238"));
    }
    SECTION("an instruction cut short") {
        Asm a;
        a.op(Op::TRUE_).op(Op::RETURN).op(Op::CONST, 0);
        a.code.resize(a.code.size() - 2);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "runs past the end"));
    }
}

TEST_CASE("recursion is rejected", "[verifier]") {
    SECTION("direct") {
        Asm a;
        a.op(Op::CALL, 0).op(Op::RETURN);
        Program p = one_function(a);
        CHECK(contains(rejection(p), "recursively"));
    }
    SECTION("mutual, through a third function") {
        Program p = one_function(Asm().op(Op::CALL, 1).op(Op::RETURN));
        p.functions.push_back(make_function("g", 0, 0, Asm().op(Op::CALL, 2).op(Op::RETURN)));
        p.functions.push_back(make_function("h", 0, 0, Asm().op(Op::CALL, 0).op(Op::RETURN)));
        CHECK(contains(rejection(p), "recursively"));
    }
    SECTION("a shared callee is not recursion") {
        Program p = one_function(Asm().op(Op::CALL, 2).op(Op::CALL, 2).op(Op::ADD).op(Op::RETURN));
        p.functions.push_back(make_function("g", 0, 0, Asm().op(Op::CALL, 2).op(Op::RETURN)));
        p.functions.push_back(make_function("h", 0, 0, Asm().op(Op::CONST, 0).op(Op::RETURN)));
        std::string error;
        INFO(error);
        CHECK(verify_program(p, error));
    }
}

TEST_CASE("wrong arities are rejected", "[verifier]") {
    SECTION("CALL pops the callee's arity") {
        Program p = one_function(Asm().op(Op::TRUE_).op(Op::CALL, 1).op(Op::RETURN));
        p.functions.push_back(make_function("two", 2, 2, Asm().op(Op::LOAD, 1).op(Op::RETURN)));
        CHECK(contains(rejection(p), "stack underflow"));
    }
    SECTION("a rule function must take the resource") {
        Program p = one_function(Asm().op(Op::TRUE_).op(Op::RETURN));
        RuleInfo r;
        r.name = "r";
        r.requires_fn = 0;
        p.rules.push_back(r);
        CHECK(contains(rejection(p), "takes 0 argument(s), expected 1"));
    }
    SECTION("a global initializer takes nothing") {
        Program p = one_function(Asm().op(Op::LOAD, 0).op(Op::RETURN), 1, 1);
        GlobalInfo g;
        g.name = "g";
        g.init_fn = 0;
        p.globals.push_back(g);
        CHECK(contains(rejection(p), "takes 1 argument(s), expected 0"));
    }
    SECTION("arity above the locals") {
        Program p = one_function(Asm().op(Op::TRUE_).op(Op::RETURN), 2, 1);
        CHECK(contains(rejection(p), "arity 2 exceeds its 1 locals"));
    }
    SECTION("an every rule without requires") {
        Program p = one_function(Asm().op(Op::TRUE_).op(Op::RETURN));
        RuleInfo r;
        r.name = "r";
        p.rules.push_back(r);
        CHECK(contains(rejection(p), "function missing"));
    }
}

TEST_CASE("code must end in RETURN and never run off its end", "[verifier]") {
    SECTION("no RETURN") {
        Program p = one_function(Asm().op(Op::TRUE_).op(Op::NOP));
        CHECK(contains(rejection(p), "must end with RETURN or JUMP"));
    }
    SECTION("empty code") {
        Program p = one_function(Asm());
        CHECK(contains(rejection(p), "empty code"));
    }
    SECTION("unreachable code is still decoded and checked") {
        Program p =
            one_function(Asm().op(Op::TRUE_).op(Op::RETURN).op(Op::CONST, 9).op(Op::RETURN));
        CHECK(contains(rejection(p), "constant 9 out of bounds"));
    }
}

TEST_CASE("line tables and metadata locations are checked", "[verifier]") {
    Program p = one_function(Asm().op(Op::TRUE_).op(Op::RETURN));
    p.functions[0].lines.push_back({0, 3, 1, 1});
    CHECK(contains(rejection(p), "line table names file 3"));
    p.files.assign(4, "x.tenet");
    p.functions[0].lines.push_back({0, 0, 2, 1});
    CHECK(contains(rejection(p), "not sorted"));
}

TEST_CASE("scan-level lets are read by SCAN only, in their order, and never before a scan",
          "[verifier]") {
    // Function 0 reads global 0 with `op`; global 0 is a scan-level let computed by
    // function 1 (TRUE), global 1 a let or scan-level let computed by function 0.
    auto program = [](Op op, bool second_scan) {
        Program p = one_function(Asm().op(op, 0).op(Op::RETURN));
        p.functions.push_back(make_function("init", 0, 0, Asm().op(Op::TRUE_).op(Op::RETURN)));
        GlobalInfo first;
        first.name = "first";
        first.scan = true;
        first.init_fn = 1;
        GlobalInfo second;
        second.name = "second";
        second.scan = second_scan;
        second.init_fn = 0;
        p.globals = {first, second};
        return p;
    };
    SECTION("a scan-level let reading an earlier one is fine") {
        Program p = program(Op::SCAN, true);
        std::string error;
        INFO(error);
        CHECK(verify_program(p, error));
    }
    SECTION("GLOBAL cannot read a scan-level let") {
        Program p = program(Op::GLOBAL, true);
        CHECK(contains(rejection(p), "GLOBAL of scan-level let 0 (only SCAN reads it)"));
    }
    SECTION("SCAN cannot read anything else") {
        Program p = program(Op::SCAN, true);
        p.globals[0].scan = false;
        CHECK(contains(rejection(p), "SCAN of global 0, not a scan-level let"));
    }
    SECTION("a plain let's initializer runs before there is a scan") {
        Program p = program(Op::SCAN, false);
        CHECK(contains(rejection(p), "reads scan-level let 0 before there is a scan"));
    }
    SECTION("a scan-level let reads only the ones before it") {
        Program p = program(Op::SCAN, true);
        std::swap(p.globals[0], p.globals[1]); // now global 0 (function 0) reads itself
        p.functions[0] = make_function("f", 0, 0, Asm().op(Op::SCAN, 1).op(Op::RETURN));
        p.globals[0].init_fn = 1;
        p.globals[1].init_fn = 0;
        CHECK(contains(rejection(p), "which is not computed before it"));
    }
    SECTION("a mapping runs before there is a scan") {
        Program p = program(Op::SCAN, true);
        p.functions.push_back(make_function("map", 1, 1, Asm().op(Op::SCAN, 0).op(Op::RETURN)));
        MappingInfo m;
        m.native_type = "t";
        m.fields.push_back({"f", 2});
        p.mappings.push_back(m);
        CHECK(contains(rejection(p), "reads scan-level let 0 before there is a scan"));
    }
}
