#!/usr/bin/env python3
"""Random differential testing of the VM against the reference evaluator.

Generates policy files full of random expressions over a small model whose
attributes are untyped (so the checker accepts almost any combination and the
interesting behaviour -- unknowns, nulls, type errors, empty collections -- happens
at run time), then runs `tenet_spec --differential-only` on them: a case fails only
when it does not compile or when the VM and the reference evaluator disagree on a
verdict, reason, message or related resources.

    spec_fuzz.py --tenet-spec build/tests/tenet_spec [--seed 1] [--cases 40] [--rules 25] [--keep DIR]

The same seed always generates the same cases, so a failure reproduces with --keep.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

# Attribute names of the model's resources, by what they usually hold. Resources
# disagree on purpose (a list here is null or unknown there).
KEYS = ["a", "b", "k", "x", "port", "name", "open"]
PATTERNS = ['"^a"', '"b$"', '"[0-9]+"', '"."', '"^$"', '"(a|b)c?"']


def model(rng):
    """Four resources with overlapping, sometimes unknown, sometimes missing attributes."""
    def unknown(reason, refs=None):
        v = {"$unknown": reason}
        if refs:
            v["$refs"] = refs
        return v

    base = {
        "n0": 0, "n1": 1, "n2": 2, "neg": -3, "frac": 2.5, "s": "ab", "t": "b1", "empty": "",
        "flag": True, "off": False, "later": unknown("known after apply"),
        "xs": [3, 1, 2], "ss": ["a", "bc", "a"], "m": {"a": 1, "b": "x", "k": [1, 2]},
        "ms": [{"a": 1, "open": True, "port": 22}, {"a": 2, "open": False, "name": "z"}, {"b": None}],
        "nested": [[1, 2], [], [3]],
        "later_list": [1, unknown("item later")],
        "env": {"$value": "dev", "$refs": ["var.environment"]},
    }
    variants = [
        {},
        {"xs": [], "ss": None, "m": {}, "s": "", "flag": unknown("flag later"), "n1": 10},
        {"xs": unknown("xs later", ["var.xs"]), "ms": [], "s": "aab", "n2": 0, "t": None, "frac": -0.5},
        {"xs": [1, "a", None], "m": unknown("map later"), "nested": None, "neg": 7, "ss": ["b"]},
    ]
    resources = []
    for i, v in enumerate(variants):
        attrs = dict(base)
        attrs.update(v)
        attrs = {k: val for k, val in attrs.items() if val is not None or rng.random() < 0.5}
        res = {"address": "fz_thing.r%d" % i, "native_type": "fz_thing", "attributes": attrs}
        resources.append(res)
    resources.append({"address": "fz_other.o", "native_type": "fz_other", "attributes": {"size": 1},
                      "references": [{"attribute": "owner", "target": "fz_thing.r0"}]})
    return {"format": "tenet-model/1", "stack": {"variables": {"environment": {"type": "string"}}},
            "resources": resources}


# Leaves by the kind they usually hold (each resource varies: null, unknown, other kinds).
LEAVES = {
    "num": ["n0", "n1", "n2", "neg", "frac", "it.n1", "dyn(len(xs))"],
    "str": ["s", "t", "empty", "it.s", "env"],
    "list": ["xs", "ss", "ms", "nested", "later_list", "it.xs", "dyn(it <- fz_other.owner)"],
    "map": ["m", "stack.variables", "ms[0]"],
    "bool": ["flag", "off", "later"],
}
KINDS = list(LEAVES)


class Gen:
    """Random expressions, mostly of the kind their position wants (so that most
    evaluations get somewhere), sometimes of any kind (so that errors are tested too)."""

    def __init__(self, rng):
        self.rng = rng
        self.vars = []  # (name, kind): quantifier variables and rule-local lets

    def pick(self, xs):
        return self.rng.choice(xs)

    def kind(self, want):
        return want if self.rng.random() < 0.85 else self.pick(KINDS)

    def leaf(self, want):
        k = self.kind(want)
        own = [v for v, vk in self.vars if vk == k]
        if own and self.rng.random() < 0.5:
            return self.pick(own)
        return self.pick(["missing", "later"]) if self.rng.random() < 0.05 else self.pick(LEAVES[k])

    def value(self, d, want="num"):
        # Every compound value goes through dyn() (a predicate returning `any`), so the
        # checker never rejects a combination: the behaviour under test is run time.
        v = self.raw_value(d, self.kind(want))
        return v if v.isidentifier() and v not in ("true", "false") else "dyn(%s)" % v

    def raw_value(self, d, k):
        if d <= 0 or self.rng.random() < 0.2:
            return self.leaf(k)
        e = lambda kind="num": self.value(d - 1, kind)
        r = self.rng.random()
        if r < 0.15:
            return "(if %s then %s else %s)" % (self.truth(d - 1), e(k), e(k))
        if r < 0.25:
            return "(%s ?? %s)" % (e(k), e(k))
        if r < 0.32:
            return "%s[%s]" % (e("list"), self.pick(["0", "1", "n1", "n2 - 1", "5"]))
        if r < 0.38:
            return "%s.%s" % (e("map"), self.pick(KEYS))
        if k == "num":
            return self.pick([
                lambda: "(%s %s %s)" % (e(), self.pick(["+", "-", "*", "/", "%"]), e()),
                lambda: "-%s" % e(),
                lambda: "len(%s)" % e(self.pick(["list", "str", "map"])),
                lambda: "sum(%s)" % e("list"),
                lambda: "%s(%s)" % (self.pick(["abs", "floor", "ceil", "to_number"]), e()),
                lambda: "%s(%s, %s)" % (self.pick(["min", "max"]), e(), e()),
                lambda: "(count %s)" % self.quant_body(d),
            ])()
        if k == "str":
            return self.pick([
                lambda: "(%s + %s)" % (e("str"), e("str")),
                lambda: "%s(%s)" % (self.pick(["lower", "upper", "trim", "to_string", "type_of", "json_encode"]),
                                    e(self.pick(KINDS))),
                lambda: "join(%s, %s)" % (e("list"), e("str")),
                lambda: "replace(%s, %s, %s)" % (e("str"), e("str"), e("str")),
                lambda: "substr(%s, %s)" % (e("str"), e()),
                lambda: "format(%s, %s)" % (self.pick(['"{}-{}"', '"x{}"']), e(self.pick(KINDS))),
                lambda: "regex_find(%s, %s)" % (e("str"), self.pick(PATTERNS)),
                lambda: "first(%s)" % e("list"),
            ])()
        if k == "list":
            return self.pick([
                lambda: "%s[*].%s" % (e("list"), self.pick(KEYS)),
                lambda: "%s.*" % e("map"),
                lambda: "(%s + %s)" % (e("list"), e("list")),
                lambda: "[%s, %s]" % (e(self.pick(KINDS)), e(self.pick(KINDS))),
                lambda: "%s(%s)" % (self.pick(["sort", "distinct", "flatten", "keys", "values"]), e("list")),
                lambda: "split(%s, %s)" % (e("str"), self.pick(['","', '"b"', '""'])),
            ])()
        if k == "map":
            return self.pick([
                lambda: '{"a": %s, "b": %s}' % (e(self.pick(KINDS)), e(self.pick(KINDS))),
                lambda: "json_decode(json_encode(%s))" % e("map"),
                lambda: "%s[0]" % e("list"),
            ])()
        return self.truth(d)

    def quant_body(self, d):
        var = "v%d" % len(self.vars)
        coll = self.value(d - 1, "list")
        self.vars.append((var, self.pick(KINDS)))
        body = self.truth(d - 1)
        self.vars.pop()
        return "%s in %s: %s" % (var, coll, body)

    def truth(self, d):
        r = self.rng.random()
        if d <= 0 or r < 0.1:
            return self.pick([self.leaf("bool"), "has(%s)" % self.leaf(self.pick(KINDS)), "true", "false", "missing"])
        k = self.pick(["num", "num", "str", "list", "map"])
        e = lambda kind=k: self.value(d - 1, kind)
        t = lambda: self.truth(d - 1)
        if r < 0.3:
            ops = ["==", "!=", "<", "<=", ">", ">="] if k in ("num", "str") else ["==", "!="]
            return "(%s %s %s)" % (e(), self.pick(ops), e())
        if r < 0.4:
            return "(%s and %s)" % (t(), t())
        if r < 0.5:
            return "(%s or %s)" % (t(), t())
        if r < 0.55:
            return "(not %s)" % t()
        if r < 0.63:
            return "(%s in %s)" % (e(self.pick(KINDS)), e(self.pick(["list", "map", "str"])))
        if r < 0.69:
            pattern = self.pick(PATTERNS) if self.rng.random() < 0.7 else e("str")
            return "(%s matches %s)" % (e("str"), pattern)
        if r < 0.8:
            return "(%s %s)" % (self.pick(["some", "all"]), self.quant_body(d))
        if r < 0.85:
            return "(%s references %s)" % (e(self.pick(KINDS)), self.pick(["var.environment", "param.Environment",
                                                                         "var.xs", "fz_thing.r0"]))
        if r < 0.9:
            return "(if %s then %s else %s)" % (t(), t(), t())
        if r < 0.95:
            if self.rng.random() < 0.5:
                return "%s(%s)" % (self.pick(["is_unknown", "any_true", "all_true", "is_ip"]), e("list"))
            return "%s(%s, %s)" % (self.pick(["starts_with", "ends_with", "contains"]), e("str"), e("str"))
        return e()  # a value in a boolean position: null is false, others are errors


ATTRIBUTES = ["n0", "n1", "n2", "neg", "frac", "s", "t", "empty", "env", "xs", "ss", "ms", "nested", "later_list",
              "m", "flag", "off", "later", "missing"]


def in_mapping(expr):
    """A rule expression rewritten for a mapping body: attributes are read from `b`."""
    expr = expr.replace("it.", "").replace("it <-", "b <-")
    return re.sub(r"(?<![.\w])(%s)\b" % "|".join(ATTRIBUTES), r"b.\1", expr)


def mapping(g):
    """fz_view: the attributes of fz_thing (as `any`) plus four fields computed by a
    mapping from random values of the native resource."""
    fields = ["  f%d = %s" % (i, in_mapping(g.value(g.rng.randint(0, 3), g.pick(KINDS)))) for i in range(4)]
    if g.rng.random() < 0.5:  # the view also copies some attributes
        fields += ["  %s = b.%s" % (a, a) for a in ATTRIBUTES if g.rng.random() < 0.5]
    decl = "type fz_view { f0: any  f1: any  f2: any  f3: any  %s }" % "  ".join("%s: any" % a for a in ATTRIBUTES)
    return [decl, 'map model "fz_thing" as b to fz_view {'] + fields + ["}"]


def case(rng, rules):
    g = Gen(rng)
    lines = ["# Generated by tests/spec_fuzz.py; only compile errors and disagreements count.",
             "pred dyn(x: any): any = x"]
    lines += mapping(g)
    for i in range(rules):
        depth = rng.randint(1, 4)
        target = "fz_thing"
        lets = ""
        if rng.random() < 0.25:
            target = "fz_view"
            g.vars.append(("f%d" % rng.randint(0, 3), g.pick(KINDS)))
        if rng.random() < 0.3:
            kind = g.pick(KINDS)
            lets = "let l0 = %s " % g.value(depth - 1, kind)
            g.vars.append(("l0", kind))
        form = rng.random()
        meta = ""
        if rng.random() < 0.3:
            meta = 'message = "{resource}: {%s}" ' % g.value(depth - 1, g.pick(KINDS)).replace('"', '\\"')
        if form < 0.55:
            where = " where %s" % g.truth(depth - 1) if rng.random() < 0.3 else ""
            body = "every fz_thing%s requires %s" % (where, g.truth(depth))
        elif form < 0.7:
            body = "no fz_thing where %s" % g.truth(depth)
        elif form < 0.85:
            body = "exists fz_thing where %s" % g.truth(depth)
        else:
            where = " where %s" % g.truth(depth - 1) if rng.random() < 0.3 else ""
            body = "at least %d%% of fz_thing%s requires %s" % (rng.choice([0, 25, 50, 100]), where, g.truth(depth))
        body = body.replace("fz_thing", target)
        lines.append("rule r%d { %s%s%s }" % (i, lets, meta, body))
        if lets:
            g.vars.pop()
        if target == "fz_view":
            g.vars.pop()
    text = json.dumps(model(rng), indent=None)
    lines += ["#| " + text]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tenet-spec", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--rules", type=int, default=25)
    ap.add_argument("--keep", help="write the cases here and keep them")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = args.keep or tempfile.mkdtemp(prefix="tenet_fuzz_")
    os.makedirs(out, exist_ok=True)
    try:
        for i in range(args.cases):
            with open(os.path.join(out, "fuzz_%03d.tenet" % i), "w") as f:
                f.write(case(rng, args.rules))
        return subprocess.call([args.tenet_spec, "--differential-only", out])
    finally:
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
