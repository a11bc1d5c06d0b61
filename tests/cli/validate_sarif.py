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
When `sarif-multitool` (or `npx --no-install @microsoft/sarif-multitool`) is available
offline, its `validate` runs too; without it only the checks above run.
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
    """The official validator's command line, when it is installed (never fetched)."""
    for name in ("sarif-multitool", "Sarif.Multitool"):
        if shutil.which(name):
            return [name]
    if shutil.which("npx"):
        try:
            probe = subprocess.run(["npx", "--no-install", "@microsoft/sarif-multitool", "--version"],
                                   capture_output=True, timeout=60, env=dict(os.environ, npm_config_offline="true"))
            if probe.returncode == 0:
                return ["npx", "--no-install", "@microsoft/sarif-multitool"]
        except (OSError, subprocess.TimeoutExpired):
            pass
    return None


def run_multitool(path):
    tool = multitool()
    if not tool:
        print("sarif-multitool not installed: structural checks only")
        return []
    proc = subprocess.run(tool + ["validate", path], capture_output=True, text=True, timeout=300)
    print(proc.stdout.strip())
    return [] if proc.returncode == 0 else [f"{path}: sarif-multitool validate failed:\n{proc.stderr}"]


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
        if not files:
            ap.error("give a SARIF file or --tenet")
        for path in files:
            found = check_file(path)
            if not found:
                found = run_multitool(path)
            problems += found
            print(f"{os.path.basename(path)}: {'ok' if not found else f'{len(found)} problems'}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
