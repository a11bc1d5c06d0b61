#!/usr/bin/env python3
"""End-to-end golden tests of the `tenet` executable.

Each case is a folder tests/cli/cases/NAME/ with:
  cmd      the arguments, one shell-quoted line (run from the repository root;
           {tmp} is replaced by a fresh temporary folder for the case)
  exit     the expected exit code
  stdout   the expected standard output (optional: compared when present)
  stderr   the expected standard error (optional: compared when present)
  setup    optional shell lines run first (from the repository root, {tmp} replaced;
           $TENET is the tenet binary under test, e.g. to compile a bundle or write a baseline)
  env      optional NAME=VALUE lines added to the environment of setup and tenet
           ({tmp} replaced), e.g. TENET_TODAY=2026-11-23 or SOURCE_DATE_EPOCH=0
Run with --update to rewrite the golden files from the current output.
Closes with the line 'N passed, N failed'.
"""
import argparse
import difflib
import os
import shlex
import subprocess
import sys
import tempfile


def run_case(tenet, root, case_dir, update):
    name = os.path.basename(case_dir)
    with open(os.path.join(case_dir, "cmd")) as f:
        cmd_line = f.read().strip()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, CI="true", NO_COLOR="1", TENET=os.path.abspath(tenet))
        env_file = os.path.join(case_dir, "env")
        if os.path.exists(env_file):
            with open(env_file) as f:
                for line in f:
                    if line.strip():
                        key, _, value = line.strip().partition("=")
                        env[key] = value.replace("{tmp}", tmp)
        setup = os.path.join(case_dir, "setup")
        if os.path.exists(setup):
            with open(setup) as f:
                script = f.read().replace("{tmp}", tmp)
            subprocess.run(["bash", "-euc", script], cwd=root, check=True, env=env)
        args = [a.replace("{tmp}", tmp) for a in shlex.split(cmd_line)]
        proc = subprocess.run([tenet] + args, cwd=root, capture_output=True, text=True,
                              env=env, timeout=120)
        # Paths a config file made absolute are shown relative to the repository, so the
        # goldens do not depend on where the checkout is.
        here = os.path.abspath(root) + "/"
        outputs = {"stdout": proc.stdout.replace(tmp, "{tmp}").replace(here, ""),
                   "stderr": proc.stderr.replace(tmp, "{tmp}").replace(here, ""),
                   "exit": f"{proc.returncode}\n"}
    problems = []
    for key, actual in outputs.items():
        path = os.path.join(case_dir, key)
        if update:
            if key == "exit" or os.path.exists(path) or key == "stdout":
                with open(path, "w") as f:
                    f.write(actual)
            continue
        if not os.path.exists(path):
            continue
        with open(path) as f:
            expected = f.read()
        if expected != actual:
            diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                                f"{name}/{key} (expected)", f"{name}/{key} (actual)"))
            problems.append(diff or f"{key} differs")
    return name, problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--filter", default="")
    opts = ap.parse_args()
    cases_root = os.path.join(opts.root, "tests", "cli", "cases")
    passed = failed = 0
    for name in sorted(os.listdir(cases_root)):
        if opts.filter not in name:
            continue
        case_dir = os.path.join(cases_root, name)
        if not os.path.exists(os.path.join(case_dir, "cmd")):
            continue
        name, problems = run_case(opts.tenet, opts.root, case_dir, opts.update)
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print(p)
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
