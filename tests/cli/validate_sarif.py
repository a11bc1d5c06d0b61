#!/usr/bin/env python3
"""Checks a SARIF log against the key requirements of SARIF 2.1.0 (stdlib only).

Usage:
  validate_sarif.py FILE.sarif                 check a file
  validate_sarif.py --tenet BIN --root DIR     run `tenet check` on the bundled examples
                                               with --format sarif and check the output

What is checked (SARIF 2.1.0, OASIS standard, sections 3.13-3.33 and 3.52):
- the log: `version` "2.1.0", a `$schema` naming 2.1.0 when present, a non-empty `runs` list;
- each run: `tool.driver.name`, `tool.driver.rules[]` with unique non-empty `id`s, a
  `defaultConfiguration.level` from the level enum when present, absolute `helpUri`s;
- each result: `message.text`, `ruleId` naming a rule of the driver and `ruleIndex`
  pointing at that same rule, `level` and `kind` from their enums, `locations[]` with
  `physicalLocation.artifactLocation.uri` (a relative or file URI, no backslashes) and
  `region.startLine` >= 1 (and startColumn >= 1, endLine >= startLine when present),
  `logicalLocations` with a name, and `partialFingerprints` mapping names to non-empty strings.
With --tenet it also checks that partialFingerprints stay the same when the example's
lines move (a copy with blank lines inserted).
When the SARIF authors' validator (`Sarif.Multitool`, installed by scripts/test-tools
from npm's @microsoft/sarif-multitool-linux) is present, its `validate` runs too, and
its errors and warnings are problems; without it only the checks above run
(--require-multitool makes its absence a failure). A deliberately broken log must be
rejected by both, so neither check can pass vacuously.
Exits 0 when the log is valid, 1 with one line per problem otherwise.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

LEVELS = {"none", "note", "warning", "error"}
KINDS = {"notApplicable", "pass", "fail", "review", "open", "informational"}


class Checker:
    def __init__(self):
        self.problems = []

    def need(self, cond, where, what):
        if not cond:
            self.problems.append(f"{where}: {what}")
        return cond

    def positive_int(self, obj, key, where, minimum=1):
        if key not in obj:
            return None
        v = obj[key]
        self.need(isinstance(v, int) and not isinstance(v, bool) and v >= minimum, f"{where}.{key}",
                  f"must be an integer >= {minimum}, found {v!r}")
        return v

    def log(self, doc):
        if not self.need(isinstance(doc, dict), "$", "the log must be a JSON object"):
            return
        self.need(doc.get("version") == "2.1.0", "$.version", f"must be \"2.1.0\", found {doc.get('version')!r}")
        if "$schema" in doc:
            self.need(isinstance(doc["$schema"], str) and "2.1.0" in doc["$schema"], "$.$schema",
                      "must name the SARIF 2.1.0 schema")
        runs = doc.get("runs")
        if self.need(isinstance(runs, list) and runs, "$.runs", "must be a non-empty list"):
            for i, run in enumerate(runs):
                self.run(run, f"$.runs[{i}]")

    def run(self, run, where):
        if not self.need(isinstance(run, dict), where, "a run must be an object"):
            return
        driver = run.get("tool", {}).get("driver") if isinstance(run.get("tool"), dict) else None
        if not self.need(isinstance(driver, dict), f"{where}.tool.driver", "is required"):
            return
        self.need(isinstance(driver.get("name"), str) and driver["name"], f"{where}.tool.driver.name",
                  "must be a non-empty string")
        rules = driver.get("rules", [])
        ids = []
        if self.need(isinstance(rules, list), f"{where}.tool.driver.rules", "must be a list"):
            for j, rule in enumerate(rules):
                ids.append(self.rule(rule, f"{where}.tool.driver.rules[{j}]"))
        seen = set()
        for j, rid in enumerate(ids):
            if rid is not None:
                self.need(rid not in seen, f"{where}.tool.driver.rules[{j}].id", f"duplicate rule id {rid!r}")
                seen.add(rid)
        results = run.get("results")
        if self.need(isinstance(results, list), f"{where}.results", "must be a list (empty when nothing was found)"):
            for k, result in enumerate(results):
                self.result(result, ids, f"{where}.results[{k}]")

    def rule(self, rule, where):
        if not self.need(isinstance(rule, dict), where, "a rule must be an object"):
            return None
        rid = rule.get("id")
        self.need(isinstance(rid, str) and rid, f"{where}.id", "must be a non-empty string")
        for key in ("shortDescription", "fullDescription", "help"):
            if key in rule:
                self.need(isinstance(rule[key], dict) and isinstance(rule[key].get("text"), str),
                          f"{where}.{key}", "must be a message object with `text`")
        if "helpUri" in rule:
            uri = rule["helpUri"]
            self.need(isinstance(uri, str) and "://" in uri, f"{where}.helpUri", f"must be an absolute URI, found {uri!r}")
        config = rule.get("defaultConfiguration")
        if config is not None and self.need(isinstance(config, dict), f"{where}.defaultConfiguration", "must be an object"):
            if "level" in config:
                self.need(config["level"] in LEVELS, f"{where}.defaultConfiguration.level",
                          f"must be one of {sorted(LEVELS)}, found {config['level']!r}")
        if "properties" in rule:
            self.need(isinstance(rule["properties"], dict), f"{where}.properties", "must be an object")
        return rid if isinstance(rid, str) else None

    def result(self, result, ids, where):
        if not self.need(isinstance(result, dict), where, "a result must be an object"):
            return
        message = result.get("message")
        self.need(isinstance(message, dict) and isinstance(message.get("text"), str) and message["text"],
                  f"{where}.message.text", "is required")
        rid = result.get("ruleId")
        self.need(isinstance(rid, str) and rid, f"{where}.ruleId", "must be a non-empty string")
        if isinstance(rid, str):
            self.need(rid in ids, f"{where}.ruleId", f"{rid!r} is not a rule of tool.driver.rules")
        index = self.positive_int(result, "ruleIndex", where, minimum=0)
        if isinstance(index, int) and not isinstance(index, bool):
            if self.need(index < len(ids), f"{where}.ruleIndex", f"{index} is out of range ({len(ids)} rules)"):
                self.need(ids[index] == rid, f"{where}.ruleIndex",
                          f"points at rule {ids[index]!r} but ruleId is {rid!r}")
        if "level" in result:
            self.need(result["level"] in LEVELS, f"{where}.level", f"must be one of {sorted(LEVELS)}, found {result['level']!r}")
        if "kind" in result:
            self.need(result["kind"] in KINDS, f"{where}.kind", f"must be one of {sorted(KINDS)}, found {result['kind']!r}")
            if result.get("kind", "fail") != "fail" and "level" in result:
                self.need(result["level"] == "none", f"{where}.level", "must be \"none\" when kind is not \"fail\"")
        locations = result.get("locations")
        if self.need(isinstance(locations, list), f"{where}.locations", "must be a list"):
            for n, loc in enumerate(locations):
                self.location(loc, f"{where}.locations[{n}]")
        fingerprints = result.get("partialFingerprints")
        if self.need(isinstance(fingerprints, dict) and fingerprints, f"{where}.partialFingerprints",
                     "must be a non-empty object"):
            for name, value in fingerprints.items():
                self.need(isinstance(value, str) and value, f"{where}.partialFingerprints[{name!r}]",
                          "must be a non-empty string")
        for key in ("suppressions", "relatedLocations"):
            if key in result:
                self.need(isinstance(result[key], list), f"{where}.{key}", "must be a list")
        for n, s in enumerate(result.get("suppressions", []) or []):
            if self.need(isinstance(s, dict), f"{where}.suppressions[{n}]", "must be an object"):
                self.need(s.get("kind") in ("inSource", "external"), f"{where}.suppressions[{n}].kind",
                          f"must be inSource or external, found {s.get('kind')!r}")
                if "status" in s:
                    self.need(s["status"] in ("accepted", "underReview", "rejected"),
                              f"{where}.suppressions[{n}].status", f"invalid status {s['status']!r}")

    def location(self, loc, where):
        if not self.need(isinstance(loc, dict), where, "a location must be an object"):
            return
        physical = loc.get("physicalLocation")
        logical = loc.get("logicalLocations")
        self.need(physical is not None or logical is not None, where,
                  "needs a physicalLocation or logicalLocations")
        if physical is not None and self.need(isinstance(physical, dict), f"{where}.physicalLocation", "must be an object"):
            artifact = physical.get("artifactLocation")
            uri = artifact.get("uri") if isinstance(artifact, dict) else None
            if self.need(isinstance(uri, str) and uri, f"{where}.physicalLocation.artifactLocation.uri",
                         "must be a non-empty string"):
                self.need("\\" not in uri and " " not in uri, f"{where}.physicalLocation.artifactLocation.uri",
                          f"must be a URI (no backslashes or spaces): {uri!r}")
            region = physical.get("region")
            if self.need(isinstance(region, dict), f"{where}.physicalLocation.region", "is required for a result in a file"):
                start = self.positive_int(region, "startLine", f"{where}.physicalLocation.region")
                self.need(start is not None, f"{where}.physicalLocation.region.startLine", "is required")
                self.positive_int(region, "startColumn", f"{where}.physicalLocation.region")
                end = self.positive_int(region, "endLine", f"{where}.physicalLocation.region")
                if isinstance(start, int) and isinstance(end, int):
                    self.need(end >= start, f"{where}.physicalLocation.region.endLine", "must be >= startLine")
        if logical is not None and self.need(isinstance(logical, list), f"{where}.logicalLocations", "must be a list"):
            for n, ll in enumerate(logical):
                self.need(isinstance(ll, dict) and (ll.get("name") or ll.get("fullyQualifiedName")),
                          f"{where}.logicalLocations[{n}]", "needs a name or fullyQualifiedName")


def check_file(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        return [f"{path}: not readable JSON: {e}"]
    c = Checker()
    c.log(doc)
    return c.problems


def multitool():
    """The SARIF authors' validator (Sarif.Multitool), when scripts/test-tools installed it
    or it is on PATH. It is never fetched from here."""
    tools = os.environ.get("TENET_TOOLS_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "tenet-tools")
    bundled = os.path.join(tools, "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool")
    if os.access(bundled, os.X_OK):
        return [bundled]
    for name in ("sarif-multitool", "Sarif.Multitool"):
        if shutil.which(name):
            return [shutil.which(name)]
    return None


def run_multitool(path, required):
    """Runs `Sarif.Multitool validate`; its errors and warnings are problems (its notes are
    style advice, printed only). The tool's exit code says whether it ran, not whether the
    log is valid: the verdicts are results in the SARIF log it writes."""
    tool = multitool()
    if not tool:
        msg = "Sarif.Multitool not installed (scripts/test-tools installs it)"
        print(msg + ("" if required else ": structural checks only"))
        return [msg] if required else []
    env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "validation.sarif")
        proc = subprocess.run(tool + ["validate", path, "-o", out, "--log", "ForceOverwrite",
                                      "--level", "Error;Warning;Note"],
                              capture_output=True, text=True, timeout=300, env=env)
        try:
            with open(out, encoding="utf-8-sig") as f:
                log = json.load(f)
        except (OSError, ValueError):
            return [f"{path}: Sarif.Multitool validate wrote no log (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}"]
    problems, notes = [], 0
    for run in log.get("runs", []):
        for inv in run.get("invocations", []):
            for n in inv.get("toolConfigurationNotifications", []) + inv.get("toolExecutionNotifications", []):
                if n.get("level", "warning") == "error":
                    problems.append(f"{path}: Sarif.Multitool: {n.get('message', {}).get('text', '')} "
                                    f"(the log does not load against the SARIF 2.1.0 schema)")
        for r in run.get("results", []):
            args = r.get("message", {}).get("arguments", [])
            where = args[0] if args else ""
            if r.get("level", "warning") in ("error", "warning"):
                problems.append(f"{path}: Sarif.Multitool {r.get('level')} {r.get('ruleId')} at {where} {args[1:]}")
            else:
                notes += 1
    print(f"Sarif.Multitool validate {os.path.basename(path)}: "
          f"{len(problems)} errors/warnings, {notes} style notes")
    return problems


def check_validator_rejects(good, tmp):
    """A negative control: a log broken in ways the SARIF rules forbid (a rule index past the
    driver's rules, a helpUri that is no URI) must be rejected, so a validator that accepts
    everything cannot pass this test."""
    with open(good, encoding="utf-8") as f:
        log = json.load(f)
    run = log["runs"][0]
    if not run.get("results") or not run["tool"]["driver"].get("rules"):
        return [f"{good}: the negative control needs a log with rules and results"]
    run["results"][0]["ruleIndex"] = len(run["tool"]["driver"]["rules"]) + 5
    run["tool"]["driver"]["rules"][0]["helpUri"] = "not a uri"
    broken = os.path.join(tmp, "broken.sarif")
    with open(broken, "w", encoding="utf-8") as f:
        json.dump(log, f)
    structural = check_file(broken)
    official = run_multitool(broken, False) if multitool() else ["(not installed)"]
    missed = [name for name, found in (("structural checks", structural), ("Sarif.Multitool", official)) if not found]
    print(f"negative control (broken log): {'rejected' if not missed else 'ACCEPTED by ' + ', '.join(missed)}")
    return [f"a broken SARIF log was accepted by {m}" for m in missed]


def check_fingerprints_stable(tenet, root, env, tmp):
    """partialFingerprints must not change when lines move (code scanning keeps the alerts)."""
    moved = os.path.join(tmp, "moved")
    os.makedirs(moved)
    with open(os.path.join(root, "examples", "model", "main.tf")) as f:
        text = f.read()
    with open(os.path.join(moved, "main.tf"), "w") as f:
        f.write("# moved down by a header\n\n\n" + text.replace("\n\n", "\n\n\n"))
    prints = []
    for path in (os.path.join(root, "examples", "model"), moved):
        proc = subprocess.run([tenet, "check", path, "--no-config", "--format", "sarif"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=120)
        try:
            results = json.loads(proc.stdout)["runs"][0]["results"]
        except (ValueError, KeyError, IndexError):
            return [f"tenet check {path} --format sarif: no SARIF (exit {proc.returncode})"]
        prints.append(sorted((r["ruleId"], json.dumps(r.get("partialFingerprints"), sort_keys=True),
                              r["locations"][0].get("physicalLocation", {}).get("region", {}).get("startLine", 0))
                             for r in results))
    same = [p[:2] for p in prints[0]] == [p[:2] for p in prints[1]]
    moved_lines = [p[2] for p in prints[0]] != [p[2] for p in prints[1]]
    print(f"fingerprints after moving lines: {'stable' if same else 'CHANGED'}")
    if not moved_lines:
        return ["the moved copy did not move any result (the stability check tested nothing)"]
    return [] if same else ["partialFingerprints changed when only line numbers moved"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*")
    ap.add_argument("--tenet", help="run this tenet binary on the examples and validate its SARIF")
    ap.add_argument("--root", default=".", help="repository root (with --tenet)")
    ap.add_argument("--require-multitool", action="store_true",
                    help="fail when Sarif.Multitool is not installed")
    opts = ap.parse_args()
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        files = list(opts.files)
        if opts.tenet:
            env = dict(os.environ, CI="true", NO_COLOR="1")
            scans = [("main_tf", ["examples/model/main.tf"]),
                     ("model_json", ["--model", "examples/model/content-delivery.json"]),
                     ("verdicts", ["tests/cli/fixtures/levels", "--no-default-policies", "--policy",
                                   "tests/cli/fixtures/policy/hard.tenet", "--show-passes"]),
                     ("suppressed", ["tests/cli/fixtures/suppress", "--no-default-policies", "--policy",
                                     "tests/cli/fixtures/policy/hard.tenet", "--waivers",
                                     "tests/cli/fixtures/suppress/waivers.yaml", "--show-passes"])]
            for name, args in scans:
                out = os.path.join(tmp, name + ".sarif")
                proc = subprocess.run([opts.tenet, "check", "--no-config", "--format", "sarif", "-o", out] + args,
                                      cwd=opts.root, env=env, capture_output=True, text=True, timeout=120)
                if proc.returncode not in (0, 1) or not os.path.exists(out):
                    problems.append(f"tenet check {' '.join(args)}: exit {proc.returncode}\n{proc.stderr}")
                    continue
                files.append(out)
            problems += check_fingerprints_stable(opts.tenet, opts.root, env, tmp)
            problems += check_validator_rejects(files[0], tmp) if files else []
        if not files:
            ap.error("give a SARIF file or --tenet")
        for path in files:
            found = check_file(path)
            if not found:
                found = run_multitool(path, opts.require_multitool)
            problems += found
            print(f"{os.path.basename(path)}: {'ok' if not found else f'{len(found)} problems'}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
