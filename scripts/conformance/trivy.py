#!/usr/bin/env python3
"""Conformance against trivy's AWS checks (aquasecurity/trivy-checks examples).

For every trivy check whose AVD id (AWS-0086, ...) appears in the `controls` of some
Tenet rule, each good and bad example of its terraform and cloudformation sections is
written to a temporary folder and scanned with `tenet check`. Only the verdicts of the
rules claiming the check count:

  bad example   agrees when a claiming rule fails on it;
  good example  agrees when no claiming rule fails or is unknown on it.

An unknown verdict is its own outcome and agrees with neither side: Tenet could not
decide (a value known only after apply, an unresolved reference), so it neither proved
the violation the bad example shows nor cleared the good one. Known disagreements are
listed, each with a reason, in scripts/conformance/trivy_expected.tsv; the run fails on
any other disagreement, on a listed one that changed, and when agreement on the covered
examples falls below --min-agreement.

  scripts/conformance/trivy.py --tenet build/cli/tenet
  scripts/conformance/trivy.py --tenet build/cli/tenet --check AWS-0086 -v
  scripts/conformance/trivy.py --tenet build/cli/tenet --update   # then explain new entries
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

FRONTENDS = ("terraform", "cloudformation")


def parse_examples(text):
    """The subset of YAML trivy's example files use: {frontend: {good|bad|links: [block scalars]}}."""
    out = {}
    lines = text.split("\n")
    frontend = section = None
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            frontend = stripped.rstrip(":")
            out.setdefault(frontend, {})
            section = None
        elif stripped.endswith(":") and not stripped.startswith("- "):
            section = stripped[:-1]
            out[frontend].setdefault(section, [])
        elif stripped.startswith("- ") and section is not None:
            value = stripped[2:]
            if value in ("|", "|-"):
                body = []
                j = i + 1
                while j < len(lines):
                    nxt = lines[j]
                    if nxt.strip() and len(nxt) - len(nxt.lstrip(" ")) <= indent:
                        break
                    body.append(nxt)
                    j += 1
                while body and not body[-1].strip():
                    body.pop()
                block_indent = min((len(b) - len(b.lstrip(" ")) for b in body if b.strip()), default=0)
                text_value = "\n".join(b[block_indent:] for b in body)
                out[frontend][section].append(text_value + ("\n" if value == "|" else ""))
                i = j
                continue
            out[frontend][section].append(value)
        i += 1
    return out


def load_index(data_dir):
    rows = []
    with open(os.path.join(data_dir, "trivy", "index.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            if line.strip():
                rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    return rows


def claims(rules):
    """{AVD id: [rule ids]} from the rules' controls (an "AVD-" prefix is accepted)."""
    out = {}
    for r in rules:
        for c in r.get("controls", []):
            c = c.upper()
            if c.startswith("AVD-"):
                c = c[4:]
            if c.startswith("AWS-") and c[4:].isdigit():
                out.setdefault(c, []).append(r["id"])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tenet", required=True, help="the tenet executable")
    ap.add_argument("--data", default=common.default_data_dir(), help="the shared conformance folder")
    ap.add_argument("--policy", action="append", help="policy folder (default: the repository's policies/)")
    ap.add_argument("--expected", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       "trivy_expected.tsv"))
    ap.add_argument("--update", action="store_true", help="rewrite the expectations file from this run")
    ap.add_argument("--check", action="append", help="only these AVD ids (no stale-entry check)")
    ap.add_argument("--min-agreement", type=float, default=95.0, help="percent, over covered examples")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--write-docs", action="store_true",
                    help="rewrite this run's tables and disagreements in docs/conformance.md")
    ap.add_argument("--keep", action="store_true", help="keep the temporary examples folder")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every disagreement with its verdicts")
    args = ap.parse_args()

    trivy_dir = os.path.join(args.data, "trivy")
    if not os.path.isfile(os.path.join(trivy_dir, "index.tsv")):
        common.skip("no trivy conformance data at %s (set TENET_CONFORMANCE_DIR or --data)" % trivy_dir)
    if args.update and args.check:
        sys.exit("--update rewrites the whole file: run it without --check")

    with common.Workdir(args.keep) as work:
        tenet = common.Tenet(args.tenet, args.policy or [os.path.join(common.REPO, "policies")], work)
        claimed = claims(tenet.rules())
        index = [r for r in load_index(args.data) if r["id"] in claimed]
        if args.check:
            wanted = {c.upper() for c in args.check}
            index = [r for r in index if r["id"] in wanted]

        jobs = []  # (key, rule ids, kind, folder)
        for row in index:
            with open(os.path.join(trivy_dir, row["examples"]), encoding="utf-8") as f:
                examples = parse_examples(f.read())
            for fe in FRONTENDS:
                for kind in ("good", "bad"):
                    for n, text in enumerate(examples.get(fe, {}).get(kind, []), 1):
                        key = (row["id"], fe, kind, str(n))
                        folder = os.path.join(work, "_".join(key))
                        common.write_source(folder, fe, text)
                        jobs.append((key, claimed[row["id"]], kind, folder))

        def run(job):
            key, rule_ids, kind, folder = job
            rc, report, stderr = tenet.check(folder)
            outcome = common.outcome_of(report, rule_ids)
            agrees = outcome == "fail" if kind == "bad" else outcome in ("pass", "none")
            detail = common.detail_of(report, rule_ids) if report else stderr.strip()
            return key, outcome, agrees, detail

        results = common.run_parallel(run, jobs, args.jobs)

    # Tables: per check and frontend, then totals per frontend.
    per = {}
    for key, outcome, agrees, _ in results:
        cell = per.setdefault((key[0], key[1]), {"good": [0, 0], "bad": [0, 0]})
        cell[key[2]][1] += 1
        cell[key[2]][0] += 1 if agrees else 0
    titles = {r["id"]: r for r in index}
    rows = []
    totals = {fe: [0, 0] for fe in FRONTENDS}
    for row in index:
        for fe in FRONTENDS:
            cell = per.get((row["id"], fe))
            if cell is None:
                rows.append([row["id"], row["long_id"], fe, "-", "-", "-", ", ".join(claimed[row["id"]])])
                continue
            a = cell["good"][0] + cell["bad"][0]
            t = cell["good"][1] + cell["bad"][1]
            totals[fe][0] += a
            totals[fe][1] += t
            rows.append([row["id"] + (" (deprecated)" if row["deprecated"] == "true" else ""), row["long_id"], fe,
                         "%d/%d" % tuple(cell["good"]), "%d/%d" % tuple(cell["bad"]), common.pct(a, t),
                         ", ".join(claimed[row["id"]])])
    header = ["check", "trivy id", "frontend", "good agree", "bad agree", "agreement", "Tenet rules"]
    all_agree = sum(v[0] for v in totals.values())
    all_total = sum(v[1] for v in totals.values())

    out = []
    out.append("trivy checks claimed by Tenet rules: %d of %d in the index" % (len(index), len(load_index(args.data))))
    summary = [[fe, "%d/%d" % tuple(totals[fe]), common.pct(*totals[fe])] for fe in FRONTENDS]
    summary.append(["all", "%d/%d" % (all_agree, all_total), common.pct(all_agree, all_total)])
    full = sum(1 for row in index if all(a for k, _, a, _ in results if k[0] == row["id"]))
    out.append("checks where every example agrees: %d of %d" % (full, len(index)))
    common.print_table(header, rows)
    print()
    common.print_table(["frontend", "examples agreeing", "agreement"], summary)
    print()
    for line in out:
        print(line)

    expectations = common.Expectations(args.expected, ["check", "frontend", "example", "n"])
    triples = [(k, o, a) for k, o, a, _ in results]
    if args.write_docs and not args.check:
        common.replace_section("trivy-table", common.markdown_table(header, rows) + "\n" +
                               common.markdown_table(["frontend", "examples agreeing", "agreement"], summary) +
                               "\n" + "\n".join(line[0].upper() + line[1:] + "." for line in out))
        common.replace_section("trivy-disagreements", common.disagreement_table(
            expectations, triples, ["check", "frontend", "example", "n"]))
        common.replace_section("summary-trivy", "- trivy: %d checks claimed; %d of %d examples agree (%s; "
                               "Terraform %s, CloudFormation %s); %d checks agree on every example." %
                               (len(index), all_agree, all_total, common.pct(all_agree, all_total),
                                common.pct(*totals["terraform"]), common.pct(*totals["cloudformation"]),
                                full))
    details = {k: d for k, _, _, d in results}
    if args.verbose:
        for k, o, a, d in results:
            if not a:
                reason = expectations.entries.get(k, ("", ""))[1]
                print("disagree %s: %s%s%s" % (" ".join(k), o, " | " + d if d else "",
                                               " | known: " + reason if reason else ""))
    if args.update:
        expectations.write(triples, [
            "Known disagreements between Tenet and trivy's examples (scripts/conformance/trivy.py).",
            "check, frontend, example (good|bad), n (1-based position in the examples file),",
            "outcome (what Tenet gives: fail, unknown, pass, none, error), reason (one line).",
        ])
        return 0
    if args.check:
        expectations.entries = {k: v for k, v in expectations.entries.items() if k[0] in {r["id"] for r in index}}
    problems = expectations.compare(triples)
    for key, p in problems:
        print(p + (" [%s]" % details[key] if details.get(key) else ""))
    agreement = 100.0 * all_agree / all_total if all_total else 100.0
    ok = True
    if problems:
        print("FAIL: %d change(s) against %s" % (len(problems), os.path.relpath(args.expected, common.REPO)))
        ok = False
    if agreement < args.min_agreement:
        print("FAIL: agreement %.1f%% is below %.1f%%" % (agreement, args.min_agreement))
        ok = False
    if ok:
        print("OK: agreement %.1f%% on %d covered examples; %d known disagreements, all explained" %
              (agreement, all_total, sum(1 for _, _, a in triples if not a)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
