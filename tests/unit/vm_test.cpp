// The VM on hand-assembled functions: every opcode family, the three-valued logic
// tables, quantifiers and projections laid out as lowering lays them out, and the
// limits (instruction budget, memory cap, call depth).
#include "../../runtime/src/vm.h"
#include "tenet/model/interner.h"
#include "tenet/model/model.h"
#include "tenet/model/value_json.h"
#include "tenet/runtime/builtins.h"
#include "tenet/runtime/bytecode.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <re2/re2.h>
#include <string>

using namespace tenet;

namespace {

// A tiny assembler: operands in opcodes.def order; JUMP operands are label ids.
class Asm {
  public:
    Asm(Program& p, uint16_t arity = 0, uint16_t locals = 0) : p_(p) {
        fn_.arity = arity;
        fn_.num_locals = std::max(arity, locals);
        fn_.max_stack = 64;
    }
    Asm& op(Op o, std::vector<int64_t> operands = {}) {
        const OpInfo& info = op_info(o);
        size_t start = fn_.code.size();
        fn_.code.push_back(static_cast<uint8_t>(o));
        for (size_t i = 0; i < operands.size(); ++i) {
            OperandKind k = info.operands[i];
            if (k == OperandKind::JUMP)
                fixups_.push_back({fn_.code.size(), start + info.size, operands[i]});
            int64_t v = k == OperandKind::JUMP ? 0 : operands[i];
            for (int b = 0; b < operand_size(k); ++b)
                fn_.code.push_back(static_cast<uint8_t>(v >> (8 * b)));
        }
        REQUIRE(fn_.code.size() - start == static_cast<size_t>(info.size));
        return *this;
    }
    Asm& bind(int64_t label) {
        labels_[label] = fn_.code.size();
        return *this;
    }
    uint32_t k(Value v) {
        p_.constants.push_back(v);
        return static_cast<uint32_t>(p_.constants.size() - 1);
    }
    uint32_t ks(std::string_view s) { return k(Value::string(intern(s))); }
    Asm& push(Value v) { return op(Op::CONST, {k(v)}); }
    // Appends the function to the program; returns its index.
    uint32_t done(std::string name = "test") {
        for (auto& f : fixups_) {
            int32_t rel = static_cast<int32_t>(labels_.at(f.label) - f.end);
            for (int b = 0; b < 4; ++b)
                fn_.code[f.at + b] = static_cast<uint8_t>(static_cast<uint32_t>(rel) >> (8 * b));
        }
        fn_.name = std::move(name);
        p_.functions.push_back(std::move(fn_));
        return static_cast<uint32_t>(p_.functions.size() - 1);
    }

  private:
    struct Fixup {
        size_t at, end;
        int64_t label;
    };
    Program& p_;
    Function fn_;
    std::vector<Fixup> fixups_;
    std::map<int64_t, size_t> labels_;
};

struct Run {
    bool ok;
    Value value;
    std::string error;
    std::string json() const { return ok ? value_to_json(value) : "error: " + error; }
};

Run run(const Program& p, uint32_t fn, std::vector<Value> args = {}, const Model* model = nullptr,
        VmLimits limits = {}, const std::vector<Value>* globals = nullptr) {
    static std::vector<std::unique_ptr<Vm>> keep; // results live in the VM's arena
    keep.push_back(std::make_unique<Vm>(p, model, globals, limits));
    Vm& vm = *keep.back();
    vm.begin_evaluation();
    Value out;
    bool ok = vm.call(fn, args, out);
    return {ok, out, vm.error()};
}

Value U(std::string_view reason) {
    return Value::unknown(intern(reason));
}
Value S(std::string_view s) {
    return Value::string(intern(s));
}
Value N(double n) {
    return Value::number(n);
}
Value B(bool b) {
    return Value::boolean(b);
}

Value parse(Program& p, std::string_view json) {
    Value v;
    std::string error;
    REQUIRE(json_to_value(json, p.arena, v, error, true));
    return v;
}

// Truth values for the logic tables, by name.
Value truth_value(char c) {
    switch (c) {
    case 't':
        return B(true);
    case 'f':
        return B(false);
    case 'n':
        return Value::null();
    default:
        return U(std::string("reason-") + c);
    }
}
std::string truth_name(const Run& r) {
    if (!r.ok) return "error: " + r.error;
    if (r.value.is_unknown()) return std::string(r.value.unknown_reason()->view());
    if (r.value.is(Kind::Bool)) return r.value.as_bool() ? "t" : "f";
    return "?" + value_to_json(r.value);
}

} // namespace

TEST_CASE("VM: constants, arithmetic and errors", "[vm]") {
    Program p;
    uint32_t add = Asm(p).push(N(2)).push(N(3)).op(Op::ADD).op(Op::RETURN).done();
    CHECK(run(p, add).json() == "5");
    uint32_t cat = Asm(p).push(S("ab")).push(S("cd")).op(Op::ADD).op(Op::RETURN).done();
    CHECK(run(p, cat).json() == R"("abcd")");
    uint32_t lists =
        Asm(p).push(parse(p, "[1]")).push(parse(p, "[2,3]")).op(Op::ADD).op(Op::RETURN).done();
    CHECK(run(p, lists).json() == "[1,2,3]");
    uint32_t mixed = Asm(p).push(N(1)).push(S("a")).op(Op::ADD).op(Op::RETURN).done();
    CHECK(run(p, mixed).json() == "error: cannot apply `+` to a number and a string");
    uint32_t div0 = Asm(p).push(N(1)).push(N(0)).op(Op::DIV).op(Op::RETURN).done();
    CHECK(run(p, div0).json() == "error: division by zero");
    uint32_t mod0 = Asm(p).push(N(1)).push(N(0)).op(Op::MOD).op(Op::RETURN).done();
    CHECK(run(p, mod0).json() == "error: modulo by zero");
    uint32_t arith = Asm(p)
                         .push(N(7))
                         .push(N(2))
                         .op(Op::MOD)
                         .push(N(3))
                         .op(Op::MUL)
                         .push(N(1))
                         .op(Op::SUB)
                         .push(N(4))
                         .op(Op::DIV)
                         .op(Op::NEG)
                         .op(Op::RETURN)
                         .done();
    CHECK(run(p, arith).json() == "-0.5");
    uint32_t unk = Asm(p).push(U("x: later")).push(N(1)).op(Op::ADD).op(Op::RETURN).done();
    CHECK(run(p, unk).json() == R"({"$unknown":"x: later"})");
    uint32_t neg = Asm(p).push(S("a")).op(Op::NEG).op(Op::RETURN).done();
    CHECK(run(p, neg).json() == "error: cannot negate a string");
    uint32_t nul = Asm(p).op(Op::NULL_).push(N(1)).op(Op::SUB).op(Op::RETURN).done();
    CHECK(run(p, nul).json() == "error: cannot apply `-` to null and a number");
}

TEST_CASE("VM: locals, DUP, POP, lists, maps, templates", "[vm]") {
    Program p;
    uint32_t f = Asm(p, 1, 2)
                     .op(Op::LOAD, {0})
                     .op(Op::DUP)
                     .op(Op::ADD)
                     .op(Op::STORE, {1})
                     .op(Op::TRUE_)
                     .op(Op::POP)
                     .op(Op::LOAD, {1})
                     .op(Op::RETURN)
                     .done();
    CHECK(run(p, f, {N(21)}).json() == "42");
    Asm m(p);
    m.push(S("b"))
        .push(N(2))
        .push(S("a"))
        .op(Op::NULL_)
        .op(Op::MAP, {2})
        .op(Op::FALSE_)
        .op(Op::LIST, {2});
    uint32_t mf = m.op(Op::RETURN).done();
    CHECK(run(p, mf).json() == R"([{"a":null,"b":2},false])");
    uint32_t badkey = Asm(p).push(N(1)).push(N(2)).op(Op::MAP, {1}).op(Op::RETURN).done();
    CHECK(run(p, badkey).json() == "error: map keys must be strings, found a number");
    Asm t(p);
    t.push(S("port "))
        .push(N(22))
        .push(S(" "))
        .push(N(0.25))
        .push(S(" "))
        .op(Op::TRUE_)
        .push(S(" "))
        .op(Op::NULL_)
        .push(S(" "))
        .push(parse(p, R"({"k":[1]})"))
        .op(Op::CONCAT, {10});
    uint32_t tf = t.op(Op::RETURN).done();
    CHECK(run(p, tf).json() == R"("port 22 0.25 true null {\"k\":[1]}")");
    uint32_t tu = Asm(p)
                      .push(S("a"))
                      .push(U("first"))
                      .push(U("second"))
                      .op(Op::CONCAT, {3})
                      .op(Op::RETURN)
                      .done();
    CHECK(run(p, tu).json() == R"({"$unknown":"first"})");
}

TEST_CASE("VM: fields and indexing", "[vm]") {
    Program p;
    Value obj = parse(p, R"({"a": {"b": [10, 20]}, "s": "x"})");
    auto field = [&](Value v, std::string_view name) {
        Asm a(p);
        uint32_t f = a.push(v).op(Op::FIELD, {a.ks(name)}).op(Op::RETURN).done();
        return run(p, f).json();
    };
    CHECK(field(obj, "a") == R"({"b":[10,20]})");
    CHECK(field(obj, "missing") == "null");
    CHECK(field(Value::null(), "a") == "null");
    CHECK(field(U("u"), "a") == R"({"$unknown":"u"})");
    CHECK(field(N(3), "x") == "error: cannot read field `x` of a number");

    auto index = [&](Value v, Value key) {
        uint32_t f = Asm(p).push(v).push(key).op(Op::INDEX).op(Op::RETURN).done();
        return run(p, f).json();
    };
    Value list = parse(p, "[10, 20]");
    CHECK(index(list, N(1)) == "20");
    CHECK(index(list, N(2)) == "null");
    CHECK(index(list, N(-1)) == "error: invalid list index -1");
    CHECK(index(list, N(0.5)) == "error: invalid list index 0.5");
    CHECK(index(obj, S("s")) == R"("x")");
    CHECK(index(obj, S("nope")) == "null");
    CHECK(index(Value::null(), N(0)) == "null");
    CHECK(index(U("o"), N(0)) == R"({"$unknown":"o"})");
    CHECK(index(list, U("k")) == R"({"$unknown":"k"})");
    CHECK(index(list, S("a")) == "error: cannot index a list with a string");

    uint32_t mv =
        Asm(p).push(parse(p, R"({"b":2,"a":1})")).op(Op::MAP_VALUES).op(Op::RETURN).done();
    CHECK(run(p, mv).json() == "[1,2]");
    uint32_t mvn = Asm(p).op(Op::NULL_).op(Op::MAP_VALUES).op(Op::RETURN).done();
    CHECK(run(p, mvn).json() == "null");
    uint32_t mvs = Asm(p).push(S("s")).op(Op::MAP_VALUES).op(Op::RETURN).done();
    CHECK(run(p, mvs).json() == "error: cannot iterate over a string");
}

TEST_CASE("VM: Kleene logic tables for AND, OR, NOT and the short-circuit tests", "[vm]") {
    // Expected results, rows = left operand, columns = right operand, in order t f n u
    // (u is an unknown whose reason names its side: reason-u / reason-v).
    const char* values = "tfnu";
    std::map<std::string, std::string> expected_and = {
        {"tt", "t"},        {"tf", "f"}, {"tn", "f"}, {"tu", "reason-v"}, {"ft", "f"}, {"ff", "f"},
        {"fn", "f"},        {"fu", "f"}, {"nt", "f"}, {"nf", "f"},        {"nn", "f"}, {"nu", "f"},
        {"ut", "reason-u"}, {"uf", "f"}, {"un", "f"}, {"uu", "reason-u"},
    };
    std::map<std::string, std::string> expected_or = {
        {"tt", "t"}, {"tf", "t"},        {"tn", "t"},        {"tu", "t"},
        {"ft", "t"}, {"ff", "f"},        {"fn", "f"},        {"fu", "reason-v"},
        {"nt", "t"}, {"nf", "f"},        {"nn", "f"},        {"nu", "reason-v"},
        {"ut", "t"}, {"uf", "reason-u"}, {"un", "reason-u"}, {"uu", "reason-u"},
    };
    for (const char* a = values; *a; ++a) {
        for (const char* b = values; *b; ++b) {
            std::string key{*a, *b};
            Value va = truth_value(*a), vb = truth_value(*b == 'u' ? 'v' : *b);
            for (bool is_and : {true, false}) {
                INFO((is_and ? "and " : "or ") << key);
                auto& expected = is_and ? expected_and : expected_or;
                Program p;
                // Plain binary opcode.
                uint32_t plain =
                    Asm(p).push(va).push(vb).op(is_and ? Op::AND : Op::OR).op(Op::RETURN).done();
                CHECK(truth_name(run(p, plain)) == expected[key]);
                // As lowering emits it: lhs; X_TEST end; rhs; X; end: RETURN.
                Asm s(p);
                s.push(va)
                    .op(is_and ? Op::AND_TEST : Op::OR_TEST, {1})
                    .push(vb)
                    .op(is_and ? Op::AND : Op::OR);
                uint32_t shorted = s.bind(1).op(Op::RETURN).done();
                CHECK(truth_name(run(p, shorted)) == expected[key]);
            }
        }
    }
    Program p;
    for (auto [in, out] : std::vector<std::pair<char, std::string>>{
             {'t', "f"}, {'f', "t"}, {'n', "t"}, {'u', "reason-u"}}) {
        uint32_t f = Asm(p).push(truth_value(in)).op(Op::NOT).op(Op::RETURN).done();
        CHECK(truth_name(run(p, f)) == out);
    }
    uint32_t bad = Asm(p).push(N(1)).op(Op::NOT).op(Op::RETURN).done();
    CHECK(truth_name(run(p, bad)) == "error: expected a boolean, found a number");
    uint32_t bad_and = Asm(p).push(B(true)).push(S("x")).op(Op::AND).op(Op::RETURN).done();
    CHECK(truth_name(run(p, bad_and)) == "error: expected a boolean, found a string");
    uint32_t tr = Asm(p).op(Op::NULL_).op(Op::TRUTH).op(Op::RETURN).done();
    CHECK(truth_name(run(p, tr)) == "f");
    uint32_t has = Asm(p)
                       .push(U("h"))
                       .op(Op::HAS)
                       .op(Op::NULL_)
                       .op(Op::HAS)
                       .op(Op::LIST, {2})
                       .op(Op::RETURN)
                       .done();
    CHECK(run(p, has).json() == "[true,false]");
}

TEST_CASE("VM: comparisons, membership and regular expressions", "[vm]") {
    Program p;
    auto bin = [&](Value a, Value b, Op o) {
        uint32_t f = Asm(p).push(a).push(b).op(o).op(Op::RETURN).done();
        return run(p, f).json();
    };
    CHECK(bin(parse(p, R"({"a":[1,"x"]})"), parse(p, R"({"a":[1,"x"]})"), Op::EQ) == "true");
    CHECK(bin(N(1), S("1"), Op::EQ) == "false");
    CHECK(bin(N(1), S("1"), Op::NE) == "true");
    CHECK(bin(U("e"), N(1), Op::EQ) == R"({"$unknown":"e"})");
    CHECK(bin(N(1), N(2), Op::LT) == "true");
    CHECK(bin(N(2), N(2), Op::LE) == "true");
    CHECK(bin(S("b"), S("a"), Op::GT) == "true");
    CHECK(bin(S("a"), S("a"), Op::GE) == "true");
    CHECK(bin(Value::null(), N(1), Op::LT) == "error: cannot compare null with a number");
    CHECK(bin(S("a"), N(1), Op::GE) == "error: cannot compare a string with a number");

    CHECK(bin(N(22), parse(p, "[80, 22]"), Op::IN) == "true");
    CHECK(bin(N(23), parse(p, "[80, 22]"), Op::IN) == "false");
    std::vector<Value> with_unknown = {N(1), U("elem")};
    CHECK(bin(N(23), Value::list(p.arena.make_list(with_unknown)), Op::IN) ==
          R"({"$unknown":"elem"})");
    CHECK(bin(N(1), Value::list(p.arena.make_list(with_unknown)), Op::IN) == "true");
    CHECK(bin(S("a"), parse(p, R"({"a":1})"), Op::IN) == "true");
    CHECK(bin(S("ell"), S("hello"), Op::IN) == "true");
    CHECK(bin(S("a"), Value::null(), Op::IN) == "false");
    CHECK(bin(U("x"), parse(p, "[]"), Op::IN) == R"({"$unknown":"x"})");
    CHECK(bin(N(1), parse(p, R"({"a":1})"), Op::IN) ==
          "error: cannot look up a number in the keys of a map");
    CHECK(bin(N(1), N(2), Op::IN) == "error: cannot test membership in a number");

    p.regex_sources = {"^prod-[0-9]+$"};
    REQUIRE(p.compile_regexes(nullptr));
    auto match = [&](Value s) {
        uint32_t f = Asm(p).push(s).op(Op::MATCHES, {0}).op(Op::RETURN).done();
        return run(p, f).json();
    };
    CHECK(match(S("prod-12")) == "true");
    CHECK(match(S("prod-x")) == "false");
    CHECK(match(Value::null()) == "false");
    CHECK(match(U("m")) == R"({"$unknown":"m"})");
    CHECK(match(N(1)) == "error: cannot match a number against a regular expression");
    CHECK(bin(S("abc"), S("b"), Op::MATCHES_DYN) == "true");
    CHECK(bin(S("abc"), S("(oops"), Op::MATCHES_DYN)
              .rfind("error: invalid regular expression `(oops`", 0) == 0);
    CHECK(bin(S("abc"), N(1), Op::MATCHES_DYN) ==
          "error: a regular expression must be a string, found a number");
}

TEST_CASE("VM: jumps, if/then/else and ?? as lowering lays them out", "[vm]") {
    Program p;
    // if C then "yes" else "no":  C; DUP; JUMP_IF_UNKNOWN unk; JUMP_IF_FALSE else; A; JUMP end;
    //                             else: B; JUMP end; unk: POP; end: RETURN
    auto conditional = [&](Value c) {
        Asm a(p);
        a.push(c)
            .op(Op::DUP)
            .op(Op::JUMP_IF_UNKNOWN, {1})
            .op(Op::JUMP_IF_FALSE, {2})
            .push(S("yes"))
            .op(Op::JUMP, {3});
        a.bind(2).push(S("no")).op(Op::JUMP, {3}).bind(1).op(Op::POP).bind(3).op(Op::RETURN);
        return run(p, a.done()).json();
    };
    CHECK(conditional(B(true)) == R"("yes")");
    CHECK(conditional(B(false)) == R"("no")");
    CHECK(conditional(Value::null()) == R"("no")");
    CHECK(conditional(U("c")) == R"({"$unknown":"c"})");
    CHECK(conditional(N(1)) == "error: expected a boolean, found a number");
    // a ?? b: a; COALESCE_TEST end; b; end: RETURN
    auto coalesce = [&](Value a) {
        Asm s(p);
        s.push(a).op(Op::COALESCE_TEST, {1}).push(S("default")).bind(1).op(Op::RETURN);
        return run(p, s.done()).json();
    };
    CHECK(coalesce(Value::null()) == R"("default")");
    CHECK(coalesce(N(0)) == "0");
    CHECK(coalesce(U("stays")) == R"({"$unknown":"stays"})");
}

namespace {

// some/all/count x in XS: x (the body is the element itself), as lowering emits it:
//     XS; ITER_INIT it, end; <init acc>; STORE acc
//     loop: ITER_NEXT it, x, done; LOAD x; QUANT_* acc[, done]; JUMP loop
//     done: LOAD acc; end: RETURN
// Locals: 0 = x, 1-2 = iterator, 3 = acc.
uint32_t quantifier(Program& p, Value xs, Op quant) {
    Asm a(p, 0, 4);
    a.push(xs).op(Op::ITER_INIT, {1, 3});
    if (quant == Op::QUANT_SOME)
        a.op(Op::FALSE_);
    else if (quant == Op::QUANT_ALL)
        a.op(Op::TRUE_);
    else
        a.push(N(0));
    a.op(Op::STORE, {3}).bind(1).op(Op::ITER_NEXT, {1, 0, 2}).op(Op::LOAD, {0});
    if (quant == Op::QUANT_COUNT)
        a.op(quant, {3});
    else
        a.op(quant, {3, 2});
    a.op(Op::JUMP, {1}).bind(2).op(Op::LOAD, {3}).bind(3).op(Op::RETURN);
    return a.done();
}

} // namespace

TEST_CASE("VM: quantifiers over lists, maps, null and unknown", "[vm]") {
    Program p;
    auto list = [&](std::vector<Value> items) { return Value::list(p.arena.make_list(items)); };
    auto q = [&](Value xs, Op o) { return truth_name(run(p, quantifier(p, xs, o))); };
    auto count = [&](Value xs) { return run(p, quantifier(p, xs, Op::QUANT_COUNT)).json(); };

    CHECK(q(list({B(false), B(true)}), Op::QUANT_SOME) == "t");
    CHECK(q(list({B(false), U("a"), B(true)}), Op::QUANT_SOME) == "t");
    CHECK(q(list({B(false), U("a"), U("b")}), Op::QUANT_SOME) == "a"); // first reason kept
    CHECK(q(list({B(false), Value::null()}), Op::QUANT_SOME) == "f");
    CHECK(q(list({}), Op::QUANT_SOME) == "f");
    CHECK(q(Value::null(), Op::QUANT_SOME) == "f");
    CHECK(q(U("coll"), Op::QUANT_SOME) == "coll");

    CHECK(q(list({B(true), B(true)}), Op::QUANT_ALL) == "t");
    CHECK(q(list({U("a"), B(false)}), Op::QUANT_ALL) == "f");
    CHECK(q(list({B(true), U("a"), U("b")}), Op::QUANT_ALL) == "a");
    CHECK(q(list({B(true), Value::null()}), Op::QUANT_ALL) == "f");
    CHECK(q(Value::null(), Op::QUANT_ALL) == "t");
    CHECK(q(U("coll"), Op::QUANT_ALL) == "coll");

    CHECK(count(list({B(true), B(false), B(true)})) == "2");
    CHECK(count(list({B(true), U("c1"), B(true), U("c2")})) == R"({"$unknown":"c1"})");
    CHECK(count(Value::null()) == "0");
    CHECK(count(parse(p, R"({"b":true,"a":false,"c":true})")) == "2");

    CHECK(q(list({N(1)}), Op::QUANT_SOME) == "error: expected a boolean, found a number");
    CHECK(q(N(5), Op::QUANT_ALL) == "error: cannot iterate over a number");
}

TEST_CASE("VM: projections", "[vm]") {
    Program p;
    // XS[*].name: XS; COALESCE_TEST go; NULL_; JUMP end
    //   go: ITER_INIT it, end; PROJECT_INIT acc
    //   loop: ITER_NEXT it, x, done; LOAD x; FIELD name; PROJECT_PUSH acc; JUMP loop
    //   done: PROJECT_END acc; end: RETURN
    auto project = [&](Value xs) {
        Asm a(p, 0, 4);
        a.push(xs).op(Op::COALESCE_TEST, {1}).op(Op::NULL_).op(Op::JUMP, {4});
        a.bind(1).op(Op::ITER_INIT, {1, 4}).op(Op::PROJECT_INIT, {3});
        a.bind(2).op(Op::ITER_NEXT, {1, 0, 3}).op(Op::LOAD, {0}).op(Op::FIELD, {a.ks("name")});
        a.op(Op::PROJECT_PUSH, {3}).op(Op::JUMP, {2});
        a.bind(3).op(Op::PROJECT_END, {3}).bind(4).op(Op::RETURN);
        return run(p, a.done()).json();
    };
    CHECK(project(parse(p, R"([{"name":"a"},{"name":"b"},{}])")) == R"(["a","b",null])");
    CHECK(project(parse(p, R"({"y":{"name":"2"},"x":{"name":"1"}})")) == R"(["1","2"])");
    CHECK(project(parse(p, "[]")) == "[]");
    CHECK(project(Value::null()) == "null");
    CHECK(project(U("p")) == R"({"$unknown":"p"})");
    CHECK(project(parse(p, "[1]")) == "error: cannot read field `name` of a number");
    // A PROJECT_PUSH without PROJECT_INIT is refused, not followed.
    uint32_t bad =
        Asm(p, 0, 1).push(N(1)).op(Op::PROJECT_PUSH, {0}).op(Op::NULL_).op(Op::RETURN).done();
    CHECK(run(p, bad).json() == "error: internal: PROJECT_PUSH without PROJECT_INIT");
}

TEST_CASE("VM: calls, builtins and globals", "[vm]") {
    Program p;
    uint32_t twice =
        Asm(p, 1).op(Op::LOAD, {0}).push(N(2)).op(Op::MUL).op(Op::RETURN).done("twice");
    // Locals around a call survive it; the callee's frame sits above the caller's.
    uint32_t caller = Asm(p, 1, 2)
                          .push(N(100))
                          .op(Op::STORE, {1})
                          .op(Op::LOAD, {0})
                          .op(Op::CALL, {twice})
                          .op(Op::LOAD, {1})
                          .op(Op::ADD)
                          .op(Op::RETURN)
                          .done();
    CHECK(run(p, caller, {N(4)}).json() == "108");

    uint16_t upper = static_cast<uint16_t>(find_builtin("upper"));
    uint32_t b = Asm(p).push(S("abc")).op(Op::CALL_BUILTIN, {upper, 1}).op(Op::RETURN).done();
    CHECK(run(p, b).json() == R"("ABC")");
    uint32_t bu = Asm(p).push(U("later")).op(Op::CALL_BUILTIN, {upper, 1}).op(Op::RETURN).done();
    CHECK(run(p, bu).json() == R"({"$unknown":"later"})");
    uint32_t be = Asm(p).push(N(1)).op(Op::CALL_BUILTIN, {upper, 1}).op(Op::RETURN).done();
    CHECK(run(p, be).json() == "error: upper: expected a string, found a number");
    uint16_t is_unknown = static_cast<uint16_t>(find_builtin("is_unknown"));
    uint32_t sees = Asm(p).push(U("u")).op(Op::CALL_BUILTIN, {is_unknown, 1}).op(Op::RETURN).done();
    CHECK(run(p, sees).json() == "true");

    p.globals.resize(2);
    p.globals[0].name = "pkg.first";
    p.globals[1].name = "pkg.second";
    std::vector<Value> globals = {S("g0")};
    uint32_t g0 = Asm(p).op(Op::GLOBAL, {0}).op(Op::RETURN).done();
    uint32_t g1 = Asm(p).op(Op::GLOBAL, {1}).op(Op::RETURN).done();
    CHECK(run(p, g0, {}, nullptr, {}, &globals).json() == R"("g0")");
    CHECK(run(p, g1, {}, nullptr, {}, &globals).json() ==
          "error: `pkg.second` is read before it is initialized");
}

TEST_CASE("VM: instruction budget, memory cap and call depth", "[vm]") {
    Program p;
    Asm loop(p);
    uint32_t spin = loop.bind(1).op(Op::JUMP, {1}).done();
    CHECK(run(p, spin).json() == "error: instruction budget of 10000000 exhausted");
    CHECK(run(p, spin, {}, nullptr, VmLimits{1000, 0}).json() ==
          "error: instruction budget of 1000 exhausted");

    // s = "x"; loop: s = s + s  -- doubles until the cap stops it.
    Asm grow(p, 0, 1);
    grow.push(S("x"))
        .op(Op::STORE, {0})
        .bind(1)
        .op(Op::LOAD, {0})
        .op(Op::LOAD, {0})
        .op(Op::ADD)
        .op(Op::STORE, {0});
    uint32_t g = grow.op(Op::JUMP, {1}).done();
    CHECK(run(p, g, {}, nullptr, VmLimits{10'000'000, 1 << 20}).json() ==
          "error: memory cap of 1048576 bytes exceeded");

    // Lists built in a loop count too.
    Asm lists(p, 0, 1);
    lists.push(parse(p, "[1,2,3,4,5,6,7,8]"))
        .op(Op::STORE, {0})
        .bind(1)
        .op(Op::LOAD, {0})
        .op(Op::LOAD, {0});
    uint32_t l = lists.op(Op::ADD).op(Op::STORE, {0}).op(Op::JUMP, {1}).done();
    CHECK(run(p, l, {}, nullptr, VmLimits{10'000'000, 1 << 20}).json() ==
          "error: memory cap of 1048576 bytes exceeded");

    // A recursive function (which the verifier would refuse) stops at the depth bound.
    uint32_t self = static_cast<uint32_t>(p.functions.size());
    uint32_t rec = Asm(p, 1).op(Op::LOAD, {0}).op(Op::CALL, {self}).op(Op::RETURN).done();
    REQUIRE(rec == self);
    CHECK(run(p, rec, {N(1)}).json() == "error: call depth limit of 200 exceeded");

    // The budget is per evaluation: a fresh one after begin_evaluation().
    uint32_t small = Asm(p).push(N(1)).op(Op::RETURN).done();
    Vm vm(p, nullptr, nullptr, VmLimits{5, 0});
    Value out;
    for (int i = 0; i < 3; ++i) {
        vm.begin_evaluation();
        REQUIRE(vm.call(small, {}, out));
    }
    CHECK(vm.instructions_total() == 6);
}

TEST_CASE("VM: resources, relations, references and the stack", "[vm]") {
    Model model;
    auto add = [&](const char* address, const char* type, const char* json,
                   std::vector<std::string> refs = {}) {
        Resource r;
        r.address = intern(address);
        r.native_type = intern(type);
        r.frontend = intern("terraform");
        std::string error;
        REQUIRE(json_to_value(json, model.arena, r.native, error, true));
        if (!refs.empty()) {
            Provenance pv;
            pv.refs_begin = static_cast<uint32_t>(model.ref_pool.size());
            for (auto& s : refs) model.ref_pool.push_back(intern(s));
            pv.refs_count = static_cast<uint32_t>(refs.size());
            ProvId id = model.add_provenance(pv);
            // Give the "name" attribute that provenance.
            std::vector<MapEntry> entries(r.native.as_map()->span().begin(),
                                          r.native.as_map()->span().end());
            for (auto& e : entries)
                if (e.key->view() == "name") e.value = e.value.with_prov(id);
            r.native = Value::map(model.arena.make_map(entries));
        }
        model.resources.push_back(r);
    };
    add("aws_s3_bucket.b", "aws_s3_bucket", R"({"name": "logs-dev"})", {"var.Environment_Suffix"});
    add("aws_s3_bucket_policy.p", "aws_s3_bucket_policy", R"({"bucket": "b"})");
    add("aws_s3_bucket_policy.q", "aws_s3_bucket_policy", R"({"bucket": "b"})");
    add("aws_kms_key.k", "aws_kms_key", R"({"name": "k"})", {"aws_kms_key.main.arn"});
    model.edges.push_back({2, intern("bucket"), 0});
    model.edges.push_back({1, intern("bucket"), 0});
    std::string error;
    REQUIRE(
        json_to_value(R"({"variables": {"env": "dev"}})", model.arena, model.stack, error, true));
    model.finalize();

    Program p;
    {
        Asm a(p, 1);
        a.op(Op::LOAD, {0})
            .op(Op::RELATION, {a.ks("aws_s3_bucket_policy"), a.ks("bucket")})
            .op(Op::RETURN);
        uint32_t f = a.done();
        CHECK(run(p, f, {Value::resource(0, View::Native)}, &model).json() ==
              R"([{"$resource":1},{"$resource":2}])");
        CHECK(run(p, f, {Value::resource(1, View::Native)}, &model).json() == "[]");
        CHECK(run(p, f, {Value::null()}, &model).json() == "[]");
        CHECK(run(p, f, {N(1)}, &model).json() == "error: cannot follow references to a number");
    }
    auto refs = [&](uint32_t resource, const char* target) {
        Asm a(p, 1);
        a.op(Op::LOAD, {0})
            .op(Op::FIELD, {a.ks("name")})
            .op(Op::REFERENCES, {a.ks(target)})
            .op(Op::RETURN);
        return run(p, a.done(), {Value::resource(resource, View::Native)}, &model).json();
    };
    CHECK(refs(0, "param.environment_suffix") == "true"); // case, `_` and `-` ignored
    CHECK(refs(0, "var.environment-suffix") == "true");
    CHECK(refs(0, "var.region") == "false");
    CHECK(refs(3, "aws_kms_key.main") == "true");
    CHECK(refs(3, "aws_kms_key.mai") == "false");
    CHECK(refs(1, "var.environment_suffix") == "false");

    Asm st(p);
    st.op(Op::STACK)
        .op(Op::FIELD, {st.ks("variables")})
        .op(Op::FIELD, {st.ks("env")})
        .op(Op::RETURN);
    CHECK(run(p, st.done(), {}, &model).json() == R"("dev")");
    // Fields of a resource read its view; an unmapped canonical view is absent.
    Asm fc(p, 1);
    fc.op(Op::LOAD, {0}).op(Op::FIELD, {fc.ks("name")}).op(Op::RETURN);
    uint32_t f = fc.done();
    CHECK(run(p, f, {Value::resource(0, View::Native)}, &model).json() == R"("logs-dev")");
    CHECK(run(p, f, {Value::resource(0, View::Canonical)}, &model).json() == "null");
}

// The VM runs a decoded form (runtime/src/vm_code.h): fused pairs, folded constants,
// whole functions of a common shape run without the dispatch loop, and message
// templates written straight into text. Each must count instructions, stop at the
// budget and fail exactly as the plain instructions would.
TEST_CASE("VM: fused, folded and shaped code keeps budgets, errors and results", "[vm]") {
    Model model;
    Resource r;
    r.address = intern("x_thing.a");
    r.native_type = intern("x_thing");
    std::string error;
    REQUIRE(json_to_value(R"({"name": "n1", "size": 3, "on": true, "off": null})", model.arena,
                          r.native, error, true));
    model.resources.push_back(r);
    model.finalize();
    Value self = Value::resource(0, View::Native);

    Program p;
    // name == "n1": the FieldCompare shape, 6 instructions.
    Asm eq(p, 1);
    uint32_t name_eq = eq.op(Op::LOAD, {0})
                           .op(Op::FIELD, {eq.ks("name")})
                           .push(S("n1"))
                           .op(Op::EQ)
                           .op(Op::TRUTH)
                           .op(Op::RETURN)
                           .done();
    // size < 1 + 2 (folded to one constant): 8 instructions.
    Asm lt(p, 1);
    uint32_t size_lt = lt.op(Op::LOAD, {0})
                           .op(Op::FIELD, {lt.ks("size")})
                           .push(N(1))
                           .push(N(2))
                           .op(Op::ADD)
                           .op(Op::LT)
                           .op(Op::TRUTH)
                           .op(Op::RETURN)
                           .done();
    // name > 3: a comparison error inside the shape.
    Asm bad(p, 1);
    uint32_t name_gt = bad.op(Op::LOAD, {0})
                           .op(Op::FIELD, {bad.ks("name")})
                           .push(N(3))
                           .op(Op::GT)
                           .op(Op::TRUTH)
                           .op(Op::RETURN)
                           .done();
    // name (a string) as a truth: the TRUTH error inside the shape.
    Asm tr(p, 1);
    uint32_t name_truth =
        tr.op(Op::LOAD, {0}).op(Op::FIELD, {tr.ks("name")}).op(Op::TRUTH).op(Op::RETURN).done();
    // A jump onto the FIELD after a LOAD: the pair must not be fused.
    Asm j(p, 1);
    uint32_t jumped = j.op(Op::LOAD, {0})
                          .op(Op::JUMP, {1})
                          .bind(1)
                          .op(Op::FIELD, {j.ks("on")})
                          .op(Op::TRUTH)
                          .op(Op::RETURN)
                          .done();
    // "{resource} is off: {off}": the Template shape.
    Asm t(p, 1);
    t.op(Op::LOAD, {0}).op(Op::CALL_BUILTIN, {static_cast<int64_t>(find_builtin("address")), 1});
    uint32_t message = t.push(S(" is off: "))
                           .op(Op::LOAD, {0})
                           .op(Op::FIELD, {t.ks("off")})
                           .op(Op::CONCAT, {3})
                           .op(Op::RETURN)
                           .done();

    // Every way in (call, call1, call_text), at every budget: the instruction count, and
    // the point where the budget stops it, are those of the plain bytecode.
    auto with_budget = [&](uint32_t fn, uint64_t budget, bool one) {
        Vm vm(p, &model, nullptr, VmLimits{budget, 0});
        vm.begin_evaluation();
        Value out;
        bool ok =
            one ? vm.call1(fn, self, out) : vm.call(fn, std::span<const Value>(&self, 1), out);
        std::string text = ok ? value_to_json(out) : "error: " + vm.error();
        return text + " / " + std::to_string(vm.instructions_total());
    };
    for (bool one : {false, true}) {
        INFO("call1: " << one);
        CHECK(with_budget(name_eq, 6, one) == "true / 6");
        CHECK(with_budget(name_eq, 5, one) == "error: instruction budget of 5 exhausted / 6");
        CHECK(with_budget(size_lt, 8, one) == "false / 8");
        CHECK(with_budget(size_lt, 7, one) == "error: instruction budget of 7 exhausted / 8");
        CHECK(with_budget(size_lt, 3, one) == "error: instruction budget of 3 exhausted / 4");
        CHECK(with_budget(name_gt, 100, one) == "error: cannot compare a string with a number / 4");
        CHECK(with_budget(name_gt, 3, one) == "error: instruction budget of 3 exhausted / 4");
        CHECK(with_budget(name_truth, 100, one) == "error: expected a boolean, found a string / 3");
        CHECK(with_budget(jumped, 100, one) == "true / 5");
        CHECK(with_budget(jumped, 3, one) == "error: instruction budget of 3 exhausted / 4");
    }

    auto text = [&](uint64_t budget, size_t cap) {
        Vm vm(p, &model, nullptr, VmLimits{budget, cap});
        vm.begin_evaluation();
        std::string out = "[";
        bool ok = vm.call_text(message, std::span<const Value>(&self, 1), out);
        return (ok ? out + "]" : "error: " + vm.error()) + " / " +
               std::to_string(vm.instructions_total());
    };
    CHECK(text(100, 0) == "[x_thing.a is off: null] / 7");
    CHECK(text(7, 0) == "[x_thing.a is off: null] / 7");
    CHECK(text(6, 0) == "error: instruction budget of 6 exhausted / 7");
    CHECK(text(100, 30) == "error: memory cap of 30 bytes exceeded / 6");
}

// Patterns that are literal text run without RE2 (and IN on strings without
// values_equal): the answers must be RE2's (and in()'s) on every input.
TEST_CASE("VM: literal patterns and string membership agree with RE2 and in()", "[vm]") {
    Program p;
    p.regex_sources = {"^tmp-", "tmp$", "^a$", "b",         "^",    "",
                       "$",     "^$",   "a.b", "^x y/z:_#", "a\\.b"};
    REQUIRE(p.compile_regexes(nullptr));
    std::vector<uint32_t> fns;
    for (uint32_t i = 0; i < p.regex_sources.size(); ++i)
        fns.push_back(Asm(p, 1).op(Op::LOAD, {0}).op(Op::MATCHES, {i}).op(Op::RETURN).done());
    for (const char* text : {"tmp-1", "x-tmp", "a", "", "ab", "a.b", "axb", "x y/z:_#!", "tmp"})
        for (uint32_t i = 0; i < fns.size(); ++i) {
            INFO(p.regex_sources[i] << " on " << text);
            bool want = RE2::PartialMatch(text, *p.regexes[i]);
            CHECK(run(p, fns[i], {S(text)}).json() == (want ? "true" : "false"));
        }
    CHECK(run(p, fns[0], {Value::null()}).json() == "false");
    CHECK(run(p, fns[0], {U("later")}).json() == R"({"$unknown":"later"})");
    CHECK(run(p, fns[0], {N(1)}).json() ==
          "error: cannot match a number against a regular expression");

    uint32_t in = Asm(p, 2).op(Op::LOAD, {0}).op(Op::LOAD, {1}).op(Op::IN).op(Op::RETURN).done();
    auto member = [&](Value x, std::string_view list) {
        return truth_name(run(p, in, {x, parse(p, list)}));
    };
    CHECK(member(S("b"), R"(["a", "b"])") == "t");
    CHECK(member(S("c"), R"(["a", "b"])") == "f");
    CHECK(member(S("c"), R"([1, null, true, {"c": 1}])") == "f");
    Value temp = Value::string(p.arena.make_string("b")); // not interned
    CHECK(member(temp, R"(["a", "b"])") == "t");
    std::vector<Value> items = {S("a"), U("first"), U("second"), S("b")};
    Value list = Value::list(p.arena.make_list(items));
    CHECK(truth_name(run(p, in, {S("b"), list})) == "t");
    CHECK(truth_name(run(p, in, {S("c"), list})) == "first");
}

TEST_CASE("VM: no operand of any kind crashes an opcode or a builtin", "[vm]") {
    Model model;
    Resource r;
    r.address = intern("x_thing.only");
    r.native_type = intern("x_thing");
    std::string error;
    REQUIRE(json_to_value(R"({"a": 1})", model.arena, r.native, error, true));
    model.resources.push_back(r);
    model.finalize();

    Program p;
    std::vector<Value> pool = {Value::null(),
                               B(true),
                               B(false),
                               N(0),
                               N(-0.0),
                               N(1.5),
                               N(-1),
                               N(1e300),
                               N(std::nan("")),
                               N(INFINITY),
                               S(""),
                               S("abc"),
                               S("10.0.0.0/8"),
                               S("::1"),
                               S("("),
                               parse(p, "[]"),
                               parse(p, R"([1,"a",null,[2]])"),
                               parse(p, "{}"),
                               parse(p, R"({"a":{"b":1}})"),
                               U("u"),
                               Value::resource(0, View::Native),
                               Value::resource(0, View::Canonical),
                               Value::resource(999999, View::Native)};
    p.regex_sources = {"a+"};
    REQUIRE(p.compile_regexes(nullptr));
    size_t runs = 0;
    Vm vm(p, &model, nullptr);
    auto survive = [&](uint32_t fn) {
        vm.begin_evaluation();
        Value out;
        bool ok = vm.call(fn, {}, out);
        ++runs;
        INFO(p.functions[fn].name);
        CHECK((ok || !vm.error().empty()));
    };
    const Op unary[] = {Op::NEG, Op::NOT, Op::TRUTH, Op::HAS, Op::MAP_VALUES};
    const Op binary[] = {Op::ADD, Op::SUB, Op::MUL, Op::DIV, Op::MOD, Op::EQ,    Op::NE,
                         Op::LT,  Op::LE,  Op::GT,  Op::GE,  Op::IN,  Op::INDEX, Op::MATCHES_DYN};
    for (const Value& a : pool) {
        for (Op o : unary) survive(Asm(p).push(a).op(o).op(Op::RETURN).done(op_info(o).name));
        {
            Asm f(p);
            survive(f.push(a).op(Op::FIELD, {f.ks("a")}).op(Op::RETURN).done("FIELD"));
        }
        {
            Asm f(p);
            survive(
                f.push(a).op(Op::REFERENCES, {f.ks("var.x")}).op(Op::RETURN).done("REFERENCES"));
        }
        {
            Asm f(p);
            survive(f.push(a)
                        .op(Op::RELATION, {f.ks("x_thing"), f.ks("a")})
                        .op(Op::RETURN)
                        .done("RELATION"));
        }
        survive(Asm(p).push(a).op(Op::MATCHES, {0}).op(Op::RETURN).done("MATCHES"));
        survive(quantifier(p, a, Op::QUANT_COUNT));
        for (const Value& b : pool) {
            for (Op o : binary)
                survive(Asm(p).push(a).push(b).op(o).op(Op::RETURN).done(op_info(o).name));
            survive(Asm(p).push(a).push(b).op(Op::MAP, {1}).op(Op::RETURN).done("MAP"));
            survive(Asm(p).push(a).push(b).op(Op::CONCAT, {2}).op(Op::RETURN).done("CONCAT"));
        }
    }
    // Every builtin with every argument kind (up to three arguments).
    for (int i = 0; i < builtin_count(); ++i) {
        const BuiltinInfo& info = builtin_info(i);
        int n = std::min<int>(info.max_args, 3);
        if (n < info.min_args) continue;
        std::vector<size_t> pick(n, 0);
        while (true) {
            Asm f(p);
            for (size_t k : pick) f.push(pool[k]);
            f.op(Op::CALL_BUILTIN, {i, n}).op(Op::RETURN);
            survive(f.done(info.name));
            size_t d = 0;
            while (d < pick.size() && ++pick[d] == pool.size()) pick[d++] = 0;
            if (d == pick.size()) break;
            p.functions.clear(); // keep the program small: each function runs once
            p.constants.clear();
        }
    }
    CHECK(runs > 10000);
}

// The per-site caches (FIELD, a literal key's INDEX) remember where a name was found in
// the last map; the next map may lay its keys out differently, lack the key, or not be
// a map at all: the answers must be those of field() and index() every time, in any
// order, and locals start null however the frame was used before.
TEST_CASE("VM: per-site field and key caches follow each map's layout", "[vm]") {
    Program p;
    std::vector<Value> maps = {
        parse(p, R"({"Env": "dev", "Owner": "a"})"),
        parse(p, R"({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9,
                     "Env": "prod"})"),
        parse(p, R"({"Owner": "b"})"),
        parse(p, R"({"Owner": "c", "Env": "test", "x": 1})"),
        Value::null(),
        U("tags unknown"),
        parse(p, "[1, 2]"),
        parse(p, R"({"Env": "dev", "Owner": "a"})"),
    };
    const char* expected[] = {R"("dev")",
                              R"("prod")",
                              "null",
                              R"("test")",
                              "null",
                              R"({"$unknown":"tags unknown"})",
                              "error: cannot index a list with a string",
                              R"("dev")"};
    // arg["Env"] (CONST then INDEX fuse into X_INDEX_K) and arg.Env (LOAD then FIELD fuse).
    Asm ix(p, 1);
    uint32_t by_key = ix.op(Op::LOAD, {0}).push(S("Env")).op(Op::INDEX).op(Op::RETURN).done();
    Asm fd(p, 1);
    uint32_t by_field = fd.op(Op::LOAD, {0}).op(Op::FIELD, {fd.ks("Env")}).op(Op::RETURN).done();
    // Two locals besides the argument, read before anything is stored in them: null.
    Asm lc(p, 1, 3);
    uint32_t fresh = lc.op(Op::LOAD, {1})
                         .op(Op::LOAD, {2})
                         .op(Op::EQ)
                         .op(Op::STORE, {1})
                         .op(Op::LOAD, {1})
                         .op(Op::RETURN)
                         .done();
    Vm vm(p, nullptr, nullptr);
    for (int round = 0; round < 2; ++round)
        for (size_t i = 0; i < maps.size(); ++i) {
            INFO("round " << round << ", map " << i);
            for (uint32_t fn : {by_key, by_field}) {
                vm.begin_evaluation();
                Value out;
                bool ok = vm.call(fn, std::span<const Value>(&maps[i], 1), out);
                std::string got = ok ? value_to_json(out) : "error: " + vm.error();
                if (fn == by_field && i == 6)
                    CHECK(got == "error: cannot read field `Env` of a list");
                else
                    CHECK(got == expected[i]);
            }
            vm.begin_evaluation();
            Value out;
            REQUIRE(vm.call(fresh, std::span<const Value>(&maps[i], 1), out));
            CHECK(value_to_json(out) == "true");
        }
}

// A quantifier's step and its JUMP back run as one decoded instruction: the budget must
// still count the JUMP, and stop exactly where the plain instructions would have.
TEST_CASE("VM: fused quantifier loops count every instruction against the budget", "[vm]") {
    Program p;
    auto list = [&](std::vector<Value> items) { return Value::list(p.arena.make_list(items)); };
    struct Case {
        Op quant;
        Value xs;
        std::string result;
        uint64_t instructions; // as the bytecode counts them
    };
    // CONST, ITER_INIT, the accumulator's literal, STORE; per element ITER_NEXT, LOAD, the
    // step, JUMP; the last ITER_NEXT, LOAD, RETURN (an early exit skips its JUMP and the
    // last ITER_NEXT).
    std::vector<Case> cases = {
        {Op::QUANT_SOME, list({B(false), B(false), B(false)}), "false", 4 + 4 * 3 + 3},
        {Op::QUANT_SOME, list({B(false), B(true), B(false)}), "true", 4 + 4 + 3 + 2},
        {Op::QUANT_ALL, list({B(true), U("u"), B(true)}), R"({"$unknown":"u"})", 4 + 4 * 3 + 3},
        {Op::QUANT_ALL, list({B(false)}), "false", 4 + 3 + 2},
        {Op::QUANT_COUNT, list({B(true), B(false), B(true), B(true)}), "3", 4 + 4 * 4 + 3},
    };
    for (const Case& c : cases) {
        uint32_t fn = quantifier(p, c.xs, c.quant);
        for (uint64_t budget = 1; budget <= c.instructions + 1; ++budget) {
            INFO(op_info(c.quant).name << " " << value_to_json(c.xs) << ", budget " << budget);
            Vm vm(p, nullptr, nullptr, VmLimits{budget, 0});
            vm.begin_evaluation();
            Value out;
            bool ok = vm.call(fn, {}, out);
            if (budget >= c.instructions) {
                REQUIRE(ok);
                CHECK(value_to_json(out) == c.result);
                CHECK(vm.instructions_total() == c.instructions);
            } else {
                REQUIRE(!ok);
                CHECK(vm.error() ==
                      "instruction budget of " + std::to_string(budget) + " exhausted");
                CHECK(vm.instructions_total() == budget + 1);
            }
        }
    }
}
