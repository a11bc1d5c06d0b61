"""Shared helpers of the conformance runs (trivy.py, guard.py, cfnguard_diff.py).

Standard library only. The runs write each example to a temporary folder, run
`tenet check --format json --show-passes` on it with one policy bundle compiled
once from the repository's policies/, and reduce the findings of the rules
under test to one outcome per example.
"""

import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile

# ctest's SKIP_RETURN_CODE for these scripts (tests/CMakeLists.txt).
SKIP = 77

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def default_data_dir():
    """The shared conformance data: $TENET_CONFORMANCE_DIR, else ../shared/conformance beside the checkout."""
    env = os.environ.get("TENET_CONFORMANCE_DIR")
    if env:
        return env
    return os.path.normpath(os.path.join(REPO, "..", "shared", "conformance"))


def skip(message):
    print("SKIPPED: " + message)
    sys.exit(SKIP)


# --- the tenet executable -------------------------------------------------------------


class Tenet:
    """One tenet executable plus one policy bundle compiled from the policy folders."""

    def __init__(self, exe, policy_dirs, workdir):
        self.exe = exe
        self.policy_dirs = policy_dirs
        self.bundle = os.path.join(workdir, "policies.tnb")
        # The policy files without the tests beside them (*_test.tenet hold test blocks).
        files = []
        for d in policy_dirs:
            if os.path.isfile(d):
                files.append(d)
                continue
            for root, _dirs, names in os.walk(d):
                files += [os.path.join(root, n) for n in sorted(names)
                          if n.endswith(".tenet") and not n.endswith("_test.tenet")]
        proc = subprocess.run([exe, "compile", "-o", self.bundle] + sorted(files),
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit("tenet compile failed (exit %d):\n%s%s" % (proc.returncode, proc.stdout, proc.stderr))

    def rules(self):
        """Rule metadata from `tenet rules --format json`: a list of dicts with at least id and controls."""
        proc = subprocess.run([self.exe, "rules", "--format", "json", "--no-default-policies",
                               "--policy", self.bundle], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit("tenet rules failed (exit %d):\n%s%s" % (proc.returncode, proc.stdout, proc.stderr))
        data = json.loads(proc.stdout)
        if isinstance(data, dict):  # tolerate a wrapping object {"rules": [...]}
            data = data.get("rules", [])
        return data

    def check(self, path):
        """Runs tenet check on one file or folder; returns (exit code, parsed report or None, stderr)."""
        cmd = [self.exe, "check", "--no-config", "--no-default-policies", "--policy", self.bundle,
               "--format", "json", "--show-passes", "--jobs", "1", path]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        report = None
        try:
            report = json.loads(proc.stdout)
        except ValueError:
            pass
        return proc.returncode, report, proc.stderr


def verdicts_by_rule(report):
    """{rule id: [(verdict, resource, message, reason)]} from a tenet-findings/1 report."""
    out = {}
    for f in report.get("findings", []):
        rid = f["rule"]["id"]
        out.setdefault(rid, []).append((f["verdict"], f.get("resource", ""), f.get("message", ""),
                                        f.get("reason", "")))
    return out


def outcome_of(report, rule_ids):
    """Reduces one check run to one outcome for a set of rules: the strongest verdict they
    gave (error, an evaluation error; fail; unknown; pass), else none (no verdict from
    those rules), and error when tenet wrote no report at all. Input errors (a template
    naming a resource it does not declare is reported, and the rest still evaluated) do
    not decide: the verdicts do, and none stays none."""
    if report is None:
        return "error"
    seen = set()
    by_rule = verdicts_by_rule(report)
    for rid in rule_ids:
        for verdict, _res, _msg, _reason in by_rule.get(rid, []):
            seen.add(verdict)
    for v in ("error", "fail", "unknown", "pass"):
        if v in seen:
            return v
    return "none"


def detail_of(report, rule_ids):
    """A short description of the verdicts of rule_ids, for disagreement listings."""
    if report is None:
        return "no report"
    parts = []
    for e in report.get("input_errors", []):
        parts.append("input error: %s" % (e.get("message", e) if isinstance(e, dict) else e))
    by_rule = verdicts_by_rule(report)
    for rid in rule_ids:
        for verdict, res, msg, reason in by_rule.get(rid, []):
            if verdict == "pass":
                continue
            text = "%s %s on %s" % (rid, verdict, res)
            if reason:
                text += " (%s)" % reason
            parts.append(text)
    return "; ".join(parts)


def run_parallel(fn, items, jobs):
    """Maps fn over items with a thread pool (each call runs a subprocess); keeps order."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(fn, items))


class Workdir:
    """A temporary folder removed on exit unless --keep asks otherwise."""

    def __init__(self, keep=False):
        self.keep = keep
        self.path = tempfile.mkdtemp(prefix="tenet-conformance-")

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        if self.keep:
            print("kept the examples in %s" % self.path)
        else:
            shutil.rmtree(self.path, ignore_errors=True)


def write_source(folder, frontend, text):
    """Writes one example as the file its frontend is detected by; returns the file path."""
    os.makedirs(folder, exist_ok=True)
    if frontend == "terraform":
        name = "main.tf"
    elif text.lstrip().startswith("{"):
        name = "template.json"
    else:
        name = "template.yaml"
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text if text.endswith("\n") else text + "\n")
    return path


# --- expectations files ---------------------------------------------------------------
#
# A TSV of known, explained disagreements: key columns, the outcome Tenet gives, and a
# one-line reason. The run fails on a disagreement not listed, on a listed one whose
# outcome changed (including one that now agrees), on a listed key no longer run, and
# on an entry without a reason. --update rewrites the file from the run, keeping the
# reasons of entries whose outcome did not change.


class Expectations:
    def __init__(self, path, key_columns):
        self.path = path
        self.key_columns = key_columns
        self.header = key_columns + ["outcome", "reason"]
        self.entries = {}  # key tuple -> (outcome, reason)
        if os.path.exists(path):
            self._load()

    def _load(self):
        with open(self.path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                cols = line.split("\t")
                if cols == self.header:
                    continue
                if len(cols) != len(self.header):
                    sys.exit("%s:%d: expected %d tab-separated columns (%s), got %d" %
                             (self.path, n, len(self.header), ", ".join(self.header), len(cols)))
                k = len(self.key_columns)
                self.entries[tuple(cols[:k])] = (cols[k], cols[k + 1].strip())

    def compare(self, results):
        """results: list of (key tuple, outcome, agrees). Returns a list of (key, problem)."""
        problems = []
        seen = set()
        for key, outcome, agrees in results:
            seen.add(key)
            known = self.entries.get(key)
            label = " ".join(key)
            if known is None:
                if not agrees:
                    problems.append((key, "NEW DISAGREEMENT %s: tenet gives %s" % (label, outcome)))
            elif known[0] != outcome:
                problems.append((key, "CHANGED %s: expected %s (%s), tenet now gives %s%s" %
                                (label, known[0], known[1] or "no reason", outcome,
                                 " (it agrees now: remove the entry)" if agrees else "")))
            elif agrees:
                problems.append((key, "LISTED BUT AGREES %s: remove the entry" % label))
            elif not known[1]:
                problems.append((key, "NO REASON %s: explain the disagreement in %s" % (label, self.path)))
        for key in sorted(set(self.entries) - seen):
            problems.append((key, "STALE %s: listed in %s but not run any more" % (" ".join(key), self.path)))
        return problems

    def write(self, results, preamble):
        """Rewrites the file with the current disagreements."""
        rows = []
        for key, outcome, agrees in results:
            if agrees:
                continue
            known = self.entries.get(key)
            reason = known[1] if known and known[0] == outcome else ""
            rows.append(list(key) + [outcome, reason])
        rows.sort()
        with open(self.path, "w", encoding="utf-8") as f:
            for line in preamble:
                f.write("# " + line + "\n" if line else "#\n")
            f.write("\t".join(self.header) + "\n")
            for r in rows:
                f.write("\t".join(r) + "\n")
        missing = sum(1 for r in rows if not r[-1])
        print("wrote %s: %d known disagreements, %d without a reason" % (self.path, len(rows), missing))


def pct(n, d):
    return "%.1f%%" % (100.0 * n / d) if d else "-"


def print_table(header, rows, out=sys.stdout):
    """A Markdown table (readable as text and pasted into docs/conformance.md)."""
    widths = [len(h) for h in header]
    for r in rows:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], len(str(c)))
    def line(cells):
        return "| " + " | ".join(str(c).ljust(widths[i]) for i, c in enumerate(cells)) + " |"
    out.write(line(header) + "\n")
    out.write("|" + "|".join("-" * (w + 2) for w in widths) + "|\n")
    for r in rows:
        out.write(line(r) + "\n")


DOC = os.path.join(REPO, "docs", "conformance.md")


def replace_section(name, text, path=DOC):
    """Replaces what lies between <!-- begin NAME --> and <!-- end NAME --> in docs/conformance.md."""
    begin, end = "<!-- begin %s -->" % name, "<!-- end %s -->" % name
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    a, b = doc.find(begin), doc.find(end)
    if a < 0 or b < a:
        sys.exit("%s has no %s ... %s section" % (path, begin, end))
    doc = doc[:a + len(begin)] + "\n" + text.rstrip("\n") + "\n" + doc[b:]
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc)
    print("updated the %s section of %s" % (name, os.path.relpath(path, REPO)))


def markdown_table(header, rows):
    import io
    buf = io.StringIO()
    print_table(header, rows, buf)
    return buf.getvalue()


def disagreement_table(expectations, results, key_header, outcome_header="Tenet"):
    """Markdown rows of the current disagreements with the reasons from the expectations file."""
    rows = []
    for key, outcome, agrees in results:
        if not agrees:
            reason = expectations.entries.get(key, ("", ""))[1] if expectations.entries.get(key, ("",))[0] == outcome \
                else ""
            rows.append([c.replace("|", "\\|") for c in list(key) + [outcome, reason or "(not yet explained)"]])
    rows.sort()
    return markdown_table(key_header + [outcome_header, "why"], rows)
