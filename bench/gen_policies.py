#!/usr/bin/env python3
"""Writes N generated rules (default 1000) to one .tenet file, for the compile and
evaluation benchmarks. The rules exercise the common shapes of real policies: field
paths, comparisons, membership, quantifiers over lists, regex, predicates and
params, over native Terraform types found in bench/gen_model.py's models.

Usage: bench/gen_policies.py N OUT.tenet
"""
import sys

TYPES = ["aws_s3_bucket", "aws_security_group_rule", "aws_iam_policy", "aws_instance",
         "aws_db_instance", "aws_kms_key", "aws_cloudtrail", "aws_lb"]

SHAPES = [
    # (where, requires) for the type at the same index; {i} is the rule number
    ("has(tags)", 'tags["Environment"] in allowed_envs'),
    ('it["type"] == "ingress"', 'not (some c in cidr_blocks: c == "0.0.0.0/0") or from_port > 1024'),
    (None, 'all s in (statement ?? []): s.Effect != "Allow" or s.Action != "*"'),
    (None, 'len(tags ?? {}) < 64 + {m}'),
    ('deletion_protection != null', "deletion_protection == true"),
    (None, "enable_key_rotation == true or {m} > 50"),
    ("is_multi_region_trail", "enable_log_file_validation"),
    (None, 'not (name matches "^tmp-{i}-")'),
]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    out = sys.argv[2] if len(sys.argv) > 2 else "bench_policies.tenet"
    lines = ["package bench", "",
             'param allowed_envs: list<string> = ["dev", "staging", "prod"]', "",
             "pred tagged(r: any) = has(r.tags) and len(r.tags) > 0", ""]
    for i in range(n):
        t = TYPES[i % len(TYPES)]
        where, req = SHAPES[i % len(SHAPES)]
        req = req.replace("{i}", str(i)).replace("{m}", str(i % 97))
        body = f"every {t}"
        if where:
            body += f" where {where}"
        body += f" requires {req}"
        lines += [f"rule r{i} {{",
                  f'  id = "BENCH-{i:04d}"',
                  f"  severity = {['low', 'medium', 'high', 'critical'][i % 4]}",
                  f'  message = "{{resource}} breaks generated rule {i}"',
                  f"  {body}",
                  "}", ""]
    with open(out, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
