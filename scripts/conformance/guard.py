#!/usr/bin/env python3
"""Conformance against the unit tests of aws-guard-rules-registry.

scripts/conformance/guard_map.tsv maps a Guard rule name to the Tenet rule id(s) that
cover it. Every cfn-guard unit-test case (rules/aws/<service>/tests/*_tests.yml: a list
of {name, input: TEMPLATE, expectations: {rules: {NAME: PASS|FAIL|SKIP}}}) that expects
something of a mapped Guard rule is written out as a CloudFormation template and scanned
with `tenet check`. The verdicts of the mapped Tenet rules on any resource or the stack
reduce to one outcome:

  FAIL     a mapped rule fails somewhere
  UNKNOWN  none fails, one is unknown
  PASS     none fails or is unknown, one passes
  SKIP     no verdict at all from the mapped rules (not applicable)
  ERROR    the template did not load, or a rule raised an evaluation error

and agrees when it equals the Guard expectation. Known disagreements are listed with a
reason in scripts/conformance/guard_expected.tsv; the run fails on anything else that
changes, and when agreement falls below --min-agreement. That floor applies to the cases
that test the control: the SKIP cases of Guard's own suppression switches
(Metadata.guard.SuppressedRules, cfn_nag's rules_to_suppress) test Guard, and Tenet
deliberately ignores another tool's switch; their figure is printed beside it.

  scripts/conformance/guard.py --tenet build/cli/tenet [-v] [--rule NAME] [--update]
"""

import argparse
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUTCOMES = {"fail": "FAIL", "unknown": "UNKNOWN", "pass": "PASS", "none": "SKIP", "error": "ERROR"}
EXPECT_RE = re.compile(r"^\s*([A-Za-z0-9_]+)\s*:\s*(PASS|FAIL|SKIP)\s*(#.*)?$")
KEY_RE = re.compile(r"^(\s*)(- )?([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$")


def parse_cases(text):
    """The cfn-guard test files' shape: a top-level list of mappings with name, input and
    expectations. `input` is kept as raw YAML text (the template is Tenet's to parse),
    `expectations` reduced to {rule: PASS|FAIL|SKIP}."""
    lines = text.split("\n")
    item_indent = None
    for line in lines:
        s = line.strip()
        if s.startswith("- "):
            item_indent = len(line) - len(line.lstrip(" "))
            break
    if item_indent is None:
        return []
    key_indent = item_indent + 2
    cases = []
    cur = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#") or line.strip() == "---":
            i += 1
            continue
        indent = len(line) - len(line.lstrip(" "))
        m = KEY_RE.match(line)
        starts_item = indent == item_indent and line.lstrip().startswith("- ")
        if starts_item:
            cur = {"name": "", "input": None, "expectations": {}, "line": i + 1}
            cases.append(cur)
        if m and cur is not None and (starts_item or indent == key_indent):
            key, inline = m.group(3), m.group(4).strip()
            j = i + 1
            block = []
            while j < len(lines):
                nxt = lines[j]
                if nxt.strip() and len(nxt) - len(nxt.lstrip(" ")) <= key_indent and not nxt.lstrip().startswith("#"):
                    break
                block.append(nxt)
                j += 1
            if key == "name":
                cur["name"] = inline.strip("'\"")
            elif key == "input":
                if inline and not inline.startswith("#"):
                    cur["input"] = inline + "\n"
                else:
                    while block and not block[-1].strip():
                        block.pop()
                    body = [b for b in block]
                    ind = min((len(b) - len(b.lstrip(" ")) for b in body if b.strip()), default=0)
                    cur["input"] = "\n".join(b[ind:] for b in body) + "\n"
            elif key == "expectations":
                for b in block:
                    e = EXPECT_RE.match(b)
                    if e and e.group(1) != "rules":
                        cur["expectations"][e.group(1)] = e.group(2)
            i = j
            continue
        i += 1
    return cases


def load_map(path):
    """guard_map.tsv: guard rule name, Tenet rule ids (comma-separated), note."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if cols[0] == "guard_rule":
                continue
            if len(cols) < 2:
                sys.exit("%s:%d: expected guard_rule<TAB>tenet_rules[<TAB>note]" % (path, n))
            out[cols[0]] = [r.strip() for r in cols[1].split(",") if r.strip()]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tenet", required=True, help="the tenet executable")
    ap.add_argument("--data", default=common.default_data_dir(), help="the shared conformance folder")
    ap.add_argument("--policy", action="append", help="policy folder (default: the repository's policies/)")
    ap.add_argument("--map", default=os.path.join(HERE, "guard_map.tsv"))
    ap.add_argument("--expected", default=os.path.join(HERE, "guard_expected.tsv"))
    ap.add_argument("--update", action="store_true", help="rewrite the expectations file from this run")
    ap.add_argument("--rule", action="append", help="only these Guard rules (no stale-entry check)")
    ap.add_argument("--min-agreement", type=float, default=95.0, help="percent, over mapped expectations without Guard's suppression cases")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--write-docs", action="store_true",
                    help="rewrite this run's tables and disagreements in docs/conformance.md")
    ap.add_argument("--keep", action="store_true", help="keep the temporary templates folder")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every disagreement with its verdicts")
    args = ap.parse_args()

    reg = os.path.join(args.data, "guard-registry", "rules", "aws")
    if not os.path.isdir(reg):
        common.skip("no guard-registry conformance data at %s (set TENET_CONFORMANCE_DIR or --data)" % reg)
    if args.update and args.rule:
        sys.exit("--update rewrites the whole file: run it without --rule")
    mapping = load_map(args.map)
    if args.rule:
        mapping = {k: v for k, v in mapping.items() if k in set(args.rule)}

    with common.Workdir(args.keep) as work:
        tenet = common.Tenet(args.tenet, args.policy or [os.path.join(common.REPO, "policies")], work)
        known_ids = {r["id"] for r in tenet.rules()}
        missing = sorted({t for ids in mapping.values() for t in ids} - known_ids)
        if missing:
            sys.exit("%s names Tenet rules that do not exist: %s" % (args.map, ", ".join(missing)))

        jobs = []  # (folder, [(key, guard rule, expected, tenet ids)])
        for service in sorted(os.listdir(reg)):
            tests = os.path.join(reg, service, "tests")
            if not os.path.isdir(tests):
                continue
            for name in sorted(os.listdir(tests)):
                if not name.endswith((".yml", ".yaml")):
                    continue
                rel = "%s/%s" % (service, name)
                with open(os.path.join(tests, name), encoding="utf-8") as f:
                    cases = parse_cases(f.read())
                for n, case in enumerate(cases, 1):
                    wanted = [(g, e) for g, e in case["expectations"].items() if g in mapping]
                    if not wanted or case["input"] is None:
                        continue
                    folder = os.path.join(work, "%s_%s_%d" % (service, name.split(".")[0], n))
                    common.write_source(folder, "cloudformation", case["input"])
                    suppressing = "SuppressedRules" in case["input"] or "rules_to_suppress" in case["input"]
                    jobs.append((folder, [((rel, str(n), g), g, e, mapping[g], case["name"],
                                           suppressing and e == "SKIP") for g, e in wanted]))

        def run(job):
            folder, items = job
            rc, report, stderr = tenet.check(folder)
            out = []
            for key, g, expected, ids, case_name, own_suppression in items:
                outcome = OUTCOMES[common.outcome_of(report, ids)]
                detail = common.detail_of(report, ids) if report else stderr.strip()
                out.append((key, g, expected, outcome, detail, case_name, own_suppression))
            return out

        results = [r for batch in common.run_parallel(run, jobs, args.jobs) for r in batch]

    per = {}
    # SKIP cases that test a suppression switch (Metadata.guard.SuppressedRules, and
    # cfn_nag's rules_to_suppress, which some registry rules honour)
    # are counted, and also reported apart: they test Guard, not the control.
    sup = [0, 0]
    # Whether both flag the case (FAIL against anything else), outside the suppression cases.
    flag = [0, 0]
    for key, g, expected, outcome, _, _, own_suppression in results:
        if own_suppression:
            sup[1] += 1
            sup[0] += 1 if outcome == expected else 0
        else:
            flag[1] += 1
            flag[0] += 1 if (expected == "FAIL") == (outcome == "FAIL") else 0
        cell = per.setdefault(g, {"PASS": [0, 0], "FAIL": [0, 0], "SKIP": [0, 0]})
        cell[expected][1] += 1
        cell[expected][0] += 1 if outcome == expected else 0
    rows = []
    agree = total = 0
    for g in sorted(mapping):
        cell = per.get(g)
        if cell is None:
            rows.append([g, ", ".join(mapping[g]), "-", "-", "-", "no test cases"])
            continue
        a = sum(v[0] for v in cell.values())
        t = sum(v[1] for v in cell.values())
        agree += a
        total += t
        rows.append([g, ", ".join(mapping[g])] + ["%d/%d" % tuple(cell[k]) if cell[k][1] else "-"
                                                  for k in ("PASS", "FAIL", "SKIP")] + [common.pct(a, t)])
    header = ["Guard rule", "Tenet rules", "PASS agree", "FAIL agree", "SKIP agree", "agreement"]
    summary = [["all mapped expectations", "%d/%d" % (agree, total), common.pct(agree, total)],
               ["without the cases of Guard's own suppression metadata",
                "%d/%d" % (agree - sup[0], total - sup[1]), common.pct(agree - sup[0], total - sup[1])],
               ["the same cases, FAIL against not FAIL (both flag, or neither does)",
                "%d/%d" % tuple(flag), common.pct(*flag)]]
    common.print_table(header, rows)
    print()
    common.print_table(["", "agreeing", "agreement"], summary)
    print()
    expectations = common.Expectations(args.expected, ["test_file", "case", "guard_rule", "guard_expects"])
    triples = [(k + (e,), o, o == e) for k, g, e, o, _, _, _ in results]
    if args.write_docs and not args.rule:
        common.replace_section("guard-table", common.markdown_table(header, rows) + "\n" +
                               common.markdown_table(["", "agreeing", "agreement"], summary))
        common.replace_section("guard-disagreements", common.disagreement_table(
            expectations, triples, ["test file", "case", "Guard rule", "Guard expects"]))
        common.replace_section("summary-guard", "- guard-registry: %d Guard rules mapped; %d of %d expectations "
                               "agree (%s) without the cases of Guard's own suppression switches, %s counting "
                               "only whether both flag; %s on all %d." %
                               (len([g for g in mapping if g in per]), agree - sup[0], total - sup[1],
                                common.pct(agree - sup[0], total - sup[1]), common.pct(*flag),
                                common.pct(agree, total), total))
    details = {k + (e,): (d, cn) for k, g, e, o, d, cn, _ in results}
    if args.verbose:
        for key, o, a in triples:
            if not a:
                d, cn = details[key]
                reason = expectations.entries.get(key, ("", ""))[1]
                print("disagree %s (%s): tenet %s%s%s" % (" ".join(key), cn, o, " | " + d if d else "",
                                                          " | known: " + reason if reason else ""))
    if args.update:
        expectations.write(triples, [
            "Known disagreements between Tenet and the guard-registry unit tests (scripts/conformance/guard.py).",
            "test_file (service/file under rules/aws), case (1-based), guard_rule, guard_expects,",
            "outcome (what Tenet gives: FAIL, UNKNOWN, PASS, SKIP, ERROR), reason (one line).",
        ])
        return 0
    if args.rule:
        expectations.entries = {k: v for k, v in expectations.entries.items() if k[2] in mapping}
    problems = expectations.compare(triples)
    for key, p in problems:
        if key in details:
            p += " [%s: %s]" % (details[key][1], details[key][0])
        print(p)
    in_scope = total - sup[1]
    agreement = 100.0 * (agree - sup[0]) / in_scope if in_scope else 100.0
    ok = True
    if problems:
        print("FAIL: %d change(s) against %s" % (len(problems), os.path.relpath(args.expected, common.REPO)))
        ok = False
    if agreement < args.min_agreement:
        print("FAIL: agreement %.1f%% (without Guard's suppression cases) is below %.1f%%" %
              (agreement, args.min_agreement))
        ok = False
    if ok:
        print("OK: agreement %.1f%% on %d mapped expectations without Guard's suppression cases (%s on all %d); "
              "%d known disagreements, all explained" % (agreement, in_scope, common.pct(agree, total), total,
                                                          sum(1 for _, _, a in triples if not a)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
