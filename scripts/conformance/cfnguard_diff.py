#!/usr/bin/env python3
"""Differential run: Tenet against cfn-guard 3 with AWS Control Tower's proactive controls.

For every CT.*.PR.* control that a Tenet rule claims in its `controls`, both tools judge
the same CloudFormation templates: trivy's CloudFormation examples, the guard-registry
unit-test inputs, the inline CloudFormation inputs of the library's tests
(policies/**/*_test.tenet), and the repository's CloudFormation fixtures and examples.
Only templates holding a resource of a type the control evaluates (its metadata's
EvaluatedResourceTypes) take part. Verdicts are compared per resource of those types:

  cfn-guard  FAIL  the resource appears in a path of the control's failing checks
             PASS  the control ran on the template (not SKIP) and did not fail there
             SKIP  the control did not apply to the template
  Tenet      fail | unknown | pass | none (no verdict) | error, from the claiming rules

They agree when FAIL meets fail, PASS meets pass, SKIP meets none. SKIP met by pass and
PASS met by none are differences of applicability, counted apart and not listed one by
one: neither tool flags the resource, they differ on whether it was judged (Guard's
`when` clauses filter before judging; a Tenet rule may report on a related resource or
scope itself narrower). The tool is not part
of the default test suite (it needs npm); it installs itself on first use:

  scripts/conformance/cfnguard_diff.py --tenet build/cli/tenet
  scripts/conformance/cfnguard_diff.py --tenet build/cli/tenet --control CT.S3.PR.1 -v

Known differences, each with a reason, are in scripts/conformance/cfnguard_expected.tsv;
the run fails on any other difference and on a listed one that changed.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import textwrap

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import guard  # noqa: E402
import trivy  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "@cdklabs/cdk-validator-cfnguard"
CT_RE = re.compile(r"^CT\.[A-Z0-9]+\.PR\.[0-9]+$")
TYPE_RE = re.compile(r"""(?:^|[\s{,])["']?Type["']?\s*:\s*["']?((?:AWS|Alexa)::[A-Za-z0-9]+::[A-Za-z0-9:]+)""",
                     re.M)
# Repository fixtures that are not meant to load (error cases) stay out.
REPO_GLOBS = ["tests/fixtures/cloudformation/**/*.yaml", "tests/fixtures/cloudformation/**/*.json",
              "tests/fixtures/normalize/cloudformation/*.yaml", "tests/cli/fixtures/cfn/*.yaml",
              "examples/**/*.yaml", "examples/**/*.json", "examples/**/*.template"]
REPO_EXCLUDE = re.compile(r"/(errors|malformed)/|manifest\.json$|tree\.json$|\.assets\.json$")
TEST_INPUT_RE = re.compile(r'\binput\s+cloudformation\s*(?:"[^"\n]*"\s*)?"""(.*?)"""', re.S)
VERDICT_ORDER = ("error", "fail", "unknown", "pass")
AGREE = {("FAIL", "fail"), ("PASS", "pass"), ("SKIP", "none")}
# Differences of applicability only: the control filtered the resource out before judging
# (SKIP) while a Tenet rule over the type passed it, or the control passed a resource of
# a type it evaluates while the Tenet rule reports on another resource (a user rather
# than the policy attached to it) or scopes itself narrower (no verdict).
APPLICABILITY = {("SKIP", "pass"), ("PASS", "none")}


def tools_dir():
    return os.path.join(os.environ.get("TENET_TOOLS_DIR", os.path.expanduser("~/.cache/tenet-tools")), "cfnguard")


def install(dir_):
    pkg = os.path.join(dir_, "node_modules", PACKAGE)
    if not os.path.isdir(pkg):
        subprocess.run([os.path.join(HERE, "install-cfnguard")], check=True, stdout=subprocess.DEVNULL)
    return pkg


def load_controls(pkg):
    """{CT id: (guard file, rule names, evaluated types, display name)} from the package's metadata."""
    root = os.path.join(pkg, "rules", "control-tower")
    out = {}
    for meta in glob.glob(os.path.join(root, "metadata", "*", "*.metadata.json")):
        with open(meta, encoding="utf-8") as f:
            m = json.load(f)
        stem = os.path.basename(meta)[: -len(".metadata.json")]
        gfile = os.path.join(root, "cfn-guard", os.path.basename(os.path.dirname(meta)), stem + ".guard")
        if not os.path.isfile(gfile):
            continue
        with open(gfile, encoding="utf-8") as f:
            names = sorted(set(re.findall(r"^rule\s+([A-Za-z0-9_]+)\s+when\b", f.read(), re.M)))
        out[m["Id"]] = (gfile, names, set(m.get("EvaluatedResourceTypes", [])), m.get("DisplayName", ""),
                        m.get("ConfigRuleIdentifier", ""))
    return out


def collect_templates(data_dir, repo):
    """[(template id, text)]: trivy's and the guard registry's CloudFormation, the library's
    test inputs, and the repository's fixtures and examples."""
    out = []
    trivy_dir = os.path.join(data_dir, "trivy")
    if os.path.isfile(os.path.join(trivy_dir, "index.tsv")):
        for row in trivy.load_index(data_dir):
            with open(os.path.join(trivy_dir, row["examples"]), encoding="utf-8") as f:
                ex = trivy.parse_examples(f.read()).get("cloudformation", {})
            for kind in ("good", "bad"):
                for n, text in enumerate(ex.get(kind, []), 1):
                    out.append(("trivy/%s/%s/%d" % (row["id"], kind, n), text))
    reg = os.path.join(data_dir, "guard-registry", "rules", "aws")
    if os.path.isdir(reg):
        for path in sorted(glob.glob(os.path.join(reg, "*", "tests", "*.yml"))):
            rel = os.path.relpath(path, reg).replace("/tests/", "/")
            with open(path, encoding="utf-8") as f:
                for n, case in enumerate(guard.parse_cases(f.read()), 1):
                    if case["input"]:
                        out.append(("guard/%s/%d" % (rel, n), case["input"]))
    # The CloudFormation inputs of the library's own tests (policies/**/*_test.tenet).
    for path in sorted(glob.glob(os.path.join(repo, "policies", "**", "*_test.tenet"), recursive=True)):
        rel = os.path.relpath(path, repo)
        with open(path, encoding="utf-8") as f:
            for n, m in enumerate(TEST_INPUT_RE.finditer(f.read()), 1):
                out.append(("test/%s/%d" % (rel, n), textwrap.dedent(m.group(1)).strip("\n") + "\n"))
    seen = set()
    for pattern in REPO_GLOBS:
        for path in sorted(glob.glob(os.path.join(repo, pattern), recursive=True)):
            rel = os.path.relpath(path, repo)
            if rel in seen or REPO_EXCLUDE.search("/" + rel):
                continue
            seen.add(rel)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if "Resources" in text:
                out.append(("repo/" + rel, text))
    return out


def guard_paths(node, acc):
    """Every /Resources/<LogicalId> named by a "path" in a cfn-guard result subtree."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "path" and isinstance(v, str):
                m = re.match(r"^/Resources/([^/\[]+)", v)
                if m:
                    acc.add(m.group(1))
            else:
                guard_paths(v, acc)
    elif isinstance(node, list):
        for v in node:
            guard_paths(v, acc)
    return acc


def run_guard(binary, gfile, names, files_dir):
    """{file name: (status per rule set: PASS|FAIL|SKIP, failing logical ids)} for one control."""
    proc = subprocess.run([binary, "validate", "-d", files_dir, "-r", gfile, "--output-format", "json",
                           "--show-summary", "none", "--structured"], capture_output=True, text=True)
    if proc.returncode not in (0, 19):
        raise RuntimeError("cfn-guard exit %d on %s: %s" % (proc.returncode, gfile, proc.stderr[:500]))
    out = {}
    for doc in json.loads(proc.stdout):
        name = os.path.basename(doc["name"])
        failing = set()
        status = "SKIP"
        for entry in doc.get("not_compliant", []):
            rule = entry.get("Rule", {})
            if rule.get("name") in names:
                status = "FAIL"
                guard_paths(rule, failing)
        if status == "SKIP" and any((c if isinstance(c, str) else c.get("name")) in names
                                    for c in doc.get("compliant", [])):
            status = "PASS"
        out[name] = (status, failing)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tenet", required=True, help="the tenet executable")
    ap.add_argument("--data", default=common.default_data_dir(), help="the shared conformance folder")
    ap.add_argument("--policy", action="append", help="policy folder (default: the repository's policies/)")
    ap.add_argument("--tools", default=tools_dir(), help="where install-cfnguard put the npm package")
    ap.add_argument("--repo", default=common.REPO, help="checkout whose fixtures and policy tests join the run")
    ap.add_argument("--expected", default=os.path.join(HERE, "cfnguard_expected.tsv"))
    ap.add_argument("--update", action="store_true", help="rewrite the expectations file from this run")
    ap.add_argument("--control", action="append", help="only these CT ids (no stale-entry check)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--write-docs", action="store_true",
                    help="rewrite this run's tables and disagreements in docs/conformance.md")
    ap.add_argument("--keep", action="store_true", help="keep the temporary templates folder")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every difference with its verdicts")
    args = ap.parse_args()
    if args.update and args.control:
        sys.exit("--update rewrites the whole file: run it without --control")

    pkg = install(args.tools)
    binary = os.path.join(pkg, "bin", "ubuntu", "aarch64" if os.uname().machine == "aarch64" else "x86_64",
                          "cfn-guard")
    controls = load_controls(pkg)

    with common.Workdir(args.keep) as work:
        tenet = common.Tenet(args.tenet, args.policy or [os.path.join(args.repo, "policies")], work)
        claimed = {}
        for r in tenet.rules():
            for c in r.get("controls", []):
                if CT_RE.match(c):
                    claimed.setdefault(c, []).append(r["id"])
        if args.control:
            claimed = {c: v for c, v in claimed.items() if c in set(args.control)}
        unknown_controls = sorted(c for c in claimed if c not in controls)
        ctl_ids = sorted(c for c in claimed if c in controls)

        # Templates with a resource of some claimed control's evaluated types.
        wanted_types = set().union(*(controls[c][2] for c in ctl_ids)) if ctl_ids else set()
        templates = []
        for tid, text in collect_templates(args.data, args.repo):
            types = set(TYPE_RE.findall(text))
            if types & wanted_types:
                templates.append((tid, text, types))
        files_dir = os.path.join(work, "templates")
        os.makedirs(files_dir, exist_ok=True)
        fname = {}
        for i, (tid, text, _) in enumerate(templates):
            ext = ".json" if text.lstrip().startswith("{") else ".yaml"
            fname[tid] = "t%04d%s" % (i, ext)
            with open(os.path.join(files_dir, fname[tid]), "w", encoding="utf-8") as f:
                f.write(text if text.endswith("\n") else text + "\n")

        def tenet_side(item):
            tid = item[0]
            path = os.path.join(files_dir, fname[tid])
            rc, report, stderr = tenet.check(path)
            proc = subprocess.run([tenet.exe, "normalize", "--native", "--no-provenance", path],
                                  capture_output=True, text=True)
            resources = []
            try:
                for r in json.loads(proc.stdout).get("resources", []):
                    resources.append((r["address"], r["native_type"]))
            except ValueError:
                pass
            return tid, rc, report, resources

        tenet_results = {tid: (rc, rep, res) for tid, rc, rep, res in
                         common.run_parallel(tenet_side, templates, args.jobs)}
        guard_results = dict(zip(ctl_ids, common.run_parallel(
            lambda c: run_guard(binary, controls[c][0], controls[c][1], files_dir), ctl_ids, args.jobs)))

    rows = []
    results = []  # (key, outcome "GUARD/tenet", agrees)
    details = {}
    totals = [0, 0, 0, 0]  # agree, SKIP met by pass, flag-agree, total
    for c in ctl_ids:
        gfile, names, types, display, _config_rule = controls[c]
        agree = skip_pass = flag = total = 0
        n_templates = 0
        for tid, text, ttypes in templates:
            if not (ttypes & types):
                continue
            rc, report, resources = tenet_results[tid]
            status, failing = guard_results[c].get(fname[tid], ("SKIP", set()))
            by_res = {}
            if report:
                for f in report.get("findings", []):
                    if f["rule"]["id"] in claimed[c]:
                        by_res.setdefault(f.get("resource", ""), set()).add(f["verdict"])
            counted = False
            for addr, ntype in resources:
                if ntype not in types:
                    continue
                counted = True
                g = "FAIL" if addr in failing else ("SKIP" if status == "SKIP" else "PASS")
                vs = by_res.get(addr, set())
                # Input errors elsewhere in the template (a Ref to a resource it does not
                # declare) do not stop the evaluation: this resource loaded, so no verdict
                # is "none". Only a run without a report is an error.
                t = next((v for v in VERDICT_ORDER if v in vs), "error" if report is None else "none")
                ok = (g, t) in AGREE
                agree += ok
                flag += (g == "FAIL") == (t == "fail")
                total += 1
                if (g, t) in APPLICABILITY:
                    # Neither flags the resource; they differ on whether it was judged.
                    # Counted, not listed one by one.
                    skip_pass += 1
                    continue
                key = (c, tid, addr)
                results.append((key, "%s/%s" % (g, t), ok))
                details[key] = common.detail_of(report, claimed[c]) if report else ""
            n_templates += counted
        totals[0] += agree
        totals[1] += skip_pass
        totals[2] += flag
        totals[3] += total
        rows.append([c, display[:60], ", ".join(claimed[c]), n_templates, total, agree, skip_pass,
                     total - agree - skip_pass, common.pct(agree, total), common.pct(agree + skip_pass, total),
                     common.pct(flag, total)])
    header = ["control", "title", "Tenet rules", "templates", "resources", "agree", "applicability", "other",
              "agreement", "agreement with applicability", "fail/not-fail"]
    summary_header = ["controls", "resources", "agree", "applicability", "other", "agreement",
                      "agreement with applicability", "fail/not-fail"]
    a, sp, fl, tot = totals
    summary = [["all %d" % len(ctl_ids), tot, a, sp, tot - a - sp, common.pct(a, tot), common.pct(a + sp, tot),
                common.pct(fl, tot)]]
    common.print_table(header, rows)
    print()
    common.print_table(summary_header, summary)
    if unknown_controls:
        print("\nclaimed but not in the Control Tower rule set: " + ", ".join(unknown_controls))
    # A control's AWS Config rule is often a guard-registry rule of the same name: the
    # Tenet rules claiming the control should then be mapped to it in guard_map.tsv.
    gmap = guard.load_map(os.path.join(HERE, "guard_map.tsv"))
    for c in ctl_ids:
        cfg = controls[c][4]
        if cfg and sorted(gmap.get(cfg, [])) != sorted(claimed[c]):
            print("note: %s is AWS Config rule %s; guard_map.tsv maps it to %s, the rules claiming %s are %s" %
                  (c, cfg, ", ".join(gmap.get(cfg, [])) or "nothing", c, ", ".join(claimed[c])))
    expectations = common.Expectations(args.expected, ["control", "template", "resource"])
    if args.write_docs and not args.control:
        text = common.markdown_table(header, rows) + "\n" + common.markdown_table(summary_header, summary)
        if unknown_controls:
            text += "\nClaimed but not in the Control Tower rule set: %s.\n" % ", ".join(unknown_controls)
        common.replace_section("cfnguard-table", text)
        common.replace_section("summary-cfnguard", "- cfn-guard 3 with Control Tower: %d controls, %d resource "
                               "verdicts; %s agree exactly, %s counting applicability differences as agreeing, "
                               "%s on whether both flag the resource." %
                               (len(ctl_ids), totals[3], common.pct(totals[0], totals[3]),
                                common.pct(totals[0] + totals[1], totals[3]), common.pct(totals[2], totals[3])))
        common.replace_section("cfnguard-differences", common.disagreement_table(
            expectations, results, ["control", "template", "resource"], "cfn-guard/Tenet"))
    if args.verbose:
        for key, o, a in results:
            if not a:
                reason = expectations.entries.get(key, ("", ""))[1]
                print("differ %s: cfn-guard/tenet %s%s%s" % (" ".join(key), o, " | " + details[key]
                                                              if details[key] else "",
                                                              " | known: " + reason if reason else ""))
    if args.update:
        expectations.write(results, [
            "Known differences between Tenet and cfn-guard 3 with the Control Tower rules",
            "(scripts/conformance/cfnguard_diff.py): control, template (trivy/CHECK/KIND/N,",
            "guard/SERVICE/FILE/CASE or repo/PATH), resource (logical id), outcome",
            "(cfn-guard verdict/Tenet verdict), reason (one line).",
        ])
        return 0
    if args.control:
        expectations.entries = {k: v for k, v in expectations.entries.items() if k[0] in set(ctl_ids)}
    problems = expectations.compare(results)
    for key, p in problems:
        print(p + (" [%s]" % details[key] if details.get(key) else ""))
    if problems:
        print("FAIL: %d change(s) against %s" % (len(problems), os.path.relpath(args.expected, common.REPO)))
        return 1
    print("OK: agreement %s on %d resource verdicts (%s counting applicability differences as agreeing); %d known differences, "
          "all explained" % (common.pct(totals[0], totals[3]), totals[3], common.pct(totals[0] + totals[1], totals[3]),
                             sum(1 for _, _, a in results if not a)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
