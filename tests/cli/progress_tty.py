#!/usr/bin/env python3
"""The progress line of `tenet check` (cli/progress.cpp), seen on a real terminal.

Runs `tenet check` with standard output and standard error on a pseudo-terminal over a
generated scan long enough for the line to appear (it is drawn after half a second), and
checks that:
  - the line appears on the terminal (`\\r\\x1b[K` then the phase and input count);
  - it is erased before the report: the last erase comes after the last drawn line and
    before the report's first byte, and nothing is drawn once the report has started;
  - it is absent with CI=true, with --no-progress, and when standard error is not a
    terminal, while the report is the same.
The scan (Terraform files, one bucket each, one of them failing the fixture policy) grows
until the line shows or a run takes over two seconds, so a fast machine still shows it.

Usage: progress_tty.py --tenet BIN --root REPO
"""
import argparse
import errno
import os
import pty
import re
import subprocess
import sys
import tempfile
import time

ERASE = b"\r\x1b[K"
# A drawn line: the erase, a spinner character, the phase, then "(N inputs, S.Ss)".
DRAWN = re.compile(rb"\r\x1b\[K[|/\\-] (loading|evaluating [0-9]+ rules on [0-9]+ resources) "
                   rb"\([0-9]+ inputs?, [0-9]+\.[0-9]s\)")


def write_scan(folder, count):
    os.makedirs(folder, exist_ok=True)
    for i in range(count):
        name = "legacy-odd-one" if i == count // 2 else f"app-{i}"
        with open(os.path.join(folder, f"b{i:05d}.tf"), "w") as f:
            f.write(f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "{name}"\n}}\n')


def run_on_pty(cmd, env, stderr_on_pty=True):
    """Runs cmd with stdout (and stderr) on a new pseudo-terminal; returns
    (exit code, bytes the terminal received, bytes of stderr when piped, seconds)."""
    master, slave = pty.openpty()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave,
                            stderr=slave if stderr_on_pty else subprocess.PIPE, env=env)
    os.close(slave)
    received = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError as e:  # EIO: the child closed its end of the terminal
            if e.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        received += chunk
    piped = proc.stderr.read() if proc.stderr else b""
    code = proc.wait(timeout=300)
    os.close(master)
    return code, bytes(received), piped, time.monotonic() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", required=True)
    ap.add_argument("--root", required=True)
    opts = ap.parse_args()
    tenet = os.path.abspath(opts.tenet)
    policy = os.path.join(os.path.abspath(opts.root), "tests", "cli", "fixtures", "policy", "hard.tenet")
    base_env = {k: v for k, v in os.environ.items() if k != "CI"}
    base_env.update(TERM="xterm", NO_COLOR="1")
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
        return cond

    with tempfile.TemporaryDirectory() as tmp:
        count, shown = 1000, None
        while True:
            scan = os.path.join(tmp, f"scan{count}")
            write_scan(scan, count)
            cmd = [tenet, "check", scan, "--no-config", "--no-default-policies", "--policy", policy,
                   "--format", "text", "--jobs", "1"]
            code, out, _, seconds = run_on_pty(cmd, base_env)
            if DRAWN.search(out) or seconds > 2.0 or count >= 64000:
                shown = (code, out, seconds)
                break
            count *= 2
        code, out, seconds = shown
        # The text report starts with the location of the one failing bucket.
        odd_one = os.path.join(scan, f"b{count // 2:05d}.tf").encode() + b":"
        print(f"scan of {count} files: {seconds:.2f}s, {len(out)} bytes on the terminal")
        check(code == 1, f"exit code {code}, want 1 (one blocking finding)")
        drawn = list(DRAWN.finditer(out))
        report = out.find(odd_one)
        if check(drawn, f"no progress line on the terminal in {seconds:.2f}s:\n{out[:400]!r}") and \
                check(report >= 0, f"no report on the terminal:\n{out[-400:]!r}"):
            last_drawn = drawn[-1]
            last_erase = out.rfind(ERASE, 0, report)
            check(last_erase >= last_drawn.end(),
                  "the progress line is not erased after it was last drawn, before the report")
            check(ERASE not in out[report:], "progress drawn or erased after the report started")
            # Once erased, the line leaves nothing behind: the report follows at once.
            between = out[last_erase + len(ERASE):report]
            check(between == b"", f"left over between the erase and the report: {between[:200]!r}")
            print(f"{len(drawn)} progress lines drawn, the first: {drawn[0].group(0)[len(ERASE):]!r}")
        quiet_report = out[report:] if report >= 0 else b""

        for label, env, extra, on_pty in [
                ("CI=true", dict(base_env, CI="true"), [], True),
                ("--no-progress", base_env, ["--no-progress"], True),
                ("stderr not a terminal", base_env, [], False)]:
            code2, out2, err2, seconds2 = run_on_pty(cmd + extra, env, stderr_on_pty=on_pty)
            check(code2 == 1, f"{label}: exit code {code2}, want 1")
            check(ERASE not in out2 and ERASE not in err2 and not DRAWN.search(out2 + err2),
                  f"{label}: progress output appeared ({seconds2:.2f}s)")
            check(out2 == quiet_report,
                  f"{label}: the terminal shows other than the report drawn after the progress line")
            print(f"{label}: no progress line in {seconds2:.2f}s")

    for f in failures:
        print("FAIL " + f)
    print("progress_tty: " + ("ok" if not failures else f"{len(failures)} failures"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
