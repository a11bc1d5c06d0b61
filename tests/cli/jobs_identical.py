#!/usr/bin/env python3
"""`tenet check --jobs 1` and `--jobs N` must write byte-identical reports.

Runs tenet over a generated model (bench/gen_model.py, a thousand resources, so the
workers really split the resources) and over the bundled Terraform example, in every
report format, with 1, 2 and 4 workers, and compares the bytes and the exit codes.

Usage: jobs_identical.py --tenet BIN --root REPO
"""
import argparse
import os
import subprocess
import sys
import tempfile

FORMATS = ["text", "json", "sarif", "junit", "github", "markdown", "gitlab"]


def run(tenet, root, args, jobs, fmt, tmp):
    out = os.path.join(tmp, f"report-{jobs}.{fmt}")
    if os.path.exists(out):
        os.remove(out)
    env = dict(os.environ, CI="true", NO_COLOR="1", SOURCE_DATE_EPOCH="1767225600", TENET_TODAY="2026-11-23")
    proc = subprocess.run([tenet, "check"] + args + ["--no-config", "--jobs", str(jobs), "--format", fmt, "-o", out],
                          cwd=root, env=env, capture_output=True, timeout=300)
    if not os.path.exists(out):
        return proc.returncode, b"", proc.stderr
    with open(out, "rb") as f:
        return proc.returncode, f.read(), proc.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", required=True)
    ap.add_argument("--root", required=True)
    # 1,000 resources: with the whole library a task holds at most 8,192 rule x resource
    # evaluations (runtime/src/engine_eval.cpp), so the scan is cut into dozens of tasks
    # and the workers really split them; small enough for the 21 scans this runs.
    ap.add_argument("--resources", type=int, default=1000)
    opts = ap.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "model.json")
        subprocess.run([sys.executable, os.path.join(opts.root, "bench", "gen_model.py"), str(opts.resources), model],
                       check=True, capture_output=True)
        scans = {"generated model": ["--model", model],
                 "terraform example": ["examples/model/main.tf"]}
        for name, args in scans.items():
            for fmt in FORMATS:
                reference = run(opts.tenet, opts.root, args, 1, fmt, tmp)
                if not reference[1]:
                    print(f"FAIL {name} {fmt}: empty report (exit {reference[0]})\n{reference[2].decode()}")
                    failures += 1
                    continue
                for jobs in (2, 4):
                    got = run(opts.tenet, opts.root, args, jobs, fmt, tmp)
                    if got[:2] != reference[:2]:
                        failures += 1
                        print(f"FAIL {name} {fmt}: --jobs {jobs} differs from --jobs 1 "
                              f"(exit {got[0]} vs {reference[0]}, {len(got[1])} vs {len(reference[1])} bytes)")
                print(f"{name} {fmt}: {len(reference[1])} bytes, exit {reference[0]}")
    print("jobs: all identical" if not failures else f"jobs: {failures} differences")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
