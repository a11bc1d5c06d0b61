#!/usr/bin/env python3
"""Corrupted and hostile bundles are rejected cleanly, never executed into a crash.

Compiles a small policy with `tenet compile`, then, with a fixed seed, makes many
variants: random byte flips with the checksum left alone (must fail the checksum),
and random byte changes with the checksum recomputed (hostile: the section reader or
the verifier must catch them, or the change was harmless). For each, `tenet disasm`
and `tenet check --policy` must exit 0 or 2, never die from a signal, never print
anything but an `invalid bundle:` error on exit 2.

Usage: bundle_corruption.py --tenet BIN --root REPO [--cases N] [--seed S]
"""
import argparse
import os
import random
import struct
import subprocess
import sys
import tempfile

HEADER = 16


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def mutate(rng, data, fix_checksum):
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(HEADER, len(out))
        out[i] = rng.choice([out[i] ^ (1 << rng.randrange(8)), rng.randrange(256), 0xFF, 0x00])
    if fix_checksum:
        out[12:16] = struct.pack("<I", fnv1a(out[HEADER:]))
    return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--cases", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    opts = ap.parse_args()
    rng = random.Random(opts.seed)
    env = dict(os.environ, CI="true", NO_COLOR="1")
    problems = []
    rejected = 0
    with tempfile.TemporaryDirectory() as tmp:
        good = os.path.join(tmp, "good.tnb")
        subprocess.run([opts.tenet, "compile", "-o", good, "tests/cli/fixtures/policy/hard.tenet"],
                       cwd=opts.root, check=True, capture_output=True)
        data = open(good, "rb").read()
        if struct.unpack("<I", data[12:16])[0] != fnv1a(data[HEADER:]):
            print("FAIL: the checksum is not the FNV-1a of the payload that docs/bundle.md describes")
            return 1
        bad = os.path.join(tmp, "bad.tnb")
        for n in range(opts.cases):
            hostile = n % 2 == 1
            mutated = mutate(rng, data, hostile)
            while mutated[HEADER:] == data[HEADER:]:  # a change that changed nothing
                mutated = mutate(rng, data, hostile)
            with open(bad, "wb") as f:
                f.write(mutated)
            for args in (["disasm", bad],
                         ["check", "tests/cli/fixtures/levels", "--no-config", "--no-default-policies", "--policy", bad]):
                proc = subprocess.run([opts.tenet] + args, cwd=opts.root, env=env, capture_output=True, text=True,
                                      errors="replace", timeout=60)
                what = f"case {n} ({'hostile' if hostile else 'corrupted'}) {args[0]}"
                if proc.returncode < 0 or proc.returncode not in (0, 1, 2):
                    problems.append(f"{what}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
                elif proc.returncode == 2:
                    rejected += 1
                    if "invalid bundle" not in proc.stderr:
                        problems.append(f"{what}: exit 2 without `invalid bundle`: {proc.stderr[-500:]}")
                elif not hostile:
                    problems.append(f"{what}: a checksum mismatch was accepted (exit {proc.returncode})")
    for p in problems:
        print("FAIL", p)
    print(f"{opts.cases} bundles, {rejected} rejections, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
