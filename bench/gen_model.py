#!/usr/bin/env python3
"""Writes a generated "tenet-model/1" JSON model of about N resources, for the model
load and evaluation benchmarks. The resources are the native Terraform types that
bench/gen_policies.py's rules target, shaped as the Terraform frontend would emit
them: every top-level attribute annotated with its "$source" in a .tf file, unknowns
for values known only after apply, "$refs" to variables and to other resources
(bucket policies, encryption configurations and trails point at buckets), and a mix
of passing and failing settings so that rules take both branches.

Deterministic (seeded). One resource per line, no indentation.

Usage: bench/gen_model.py N OUT.json
"""
import json
import random
import sys

ENVS = ["dev", "staging", "prod", "test", "sandbox"]
TYPES = ["aws_s3_bucket", "aws_security_group_rule", "aws_iam_policy", "aws_instance",
         "aws_db_instance", "aws_kms_key", "aws_cloudtrail", "aws_lb"]


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.file = 0
        self.line = 1
        self.buckets = []

    def start_resource(self):
        # About 200 resources per .tf file, each block some lines long.
        if self.line > 2000:
            self.file += 1
            self.line = 1
        self.line += 2
        return {"file": f"stacks/s{self.file:04d}.tf", "line": self.line - 1, "column": 1}

    def attr(self, value, refs=None, unknown=None, state=None):
        self.line += 1
        out = {"$value": value} if unknown is None else {"$unknown": unknown}
        out["$source"] = {"file": f"stacks/s{self.file:04d}.tf", "line": self.line, "column": 3}
        if state:
            out["$state"] = state
        if refs:
            out["$refs"] = refs
        return out

    def tags(self, i):
        r = self.rng
        t = {"Name": f"res-{i}", "Environment": r.choice(ENVS), "Owner": f"team-{i % 37}",
             "CostCenter": str(1000 + i % 250)}
        if r.random() < 0.3:
            t["Project"] = f"project-{i % 91}"
        return self.attr(t)

    def resource(self, i, native_type, name, attributes, source, refs=None):
        return {"address": f"{native_type}.{name}", "native_type": native_type, "frontend": "terraform",
                "provider": "aws", "source": source, "attributes": attributes, "references": refs or []}

    def s3_bucket(self, i):
        src = self.start_resource()
        name = f"b{i}"
        self.buckets.append(name)
        suffix = self.rng.random() < 0.2
        attrs = {
            "bucket": self.attr(None, ["var.environment_suffix"], "var.environment_suffix has no value")
            if suffix else self.attr(f"bucket-{i}-{self.rng.choice(ENVS)}"),
            "force_destroy": self.attr(False, state="default"),
            "arn": self.attr(None, unknown="known after apply", state="computed"),
            "tags": self.tags(i),
        }
        out = [self.resource(i, "aws_s3_bucket", name, attrs, src)]
        # The v4 provider splits settings into their own resources, referring back.
        ref = f"aws_s3_bucket.{name}.id"
        if self.rng.random() < 0.7:
            src = self.start_resource()
            algo = self.rng.choice(["aws:kms", "aws:kms", "AES256"])
            rule = [{"apply_server_side_encryption_by_default": [{
                "sse_algorithm": self.attr(algo),
                "kms_master_key_id": self.attr(None, [f"aws_kms_key.k{i}.arn"], "known after apply"),
            }], "bucket_key_enabled": self.attr(True)}]
            out.append(self.resource(i, "aws_s3_bucket_server_side_encryption_configuration", name, {
                "bucket": self.attr(None, [ref], "known after apply"), "rule": rule}, src))
        if self.rng.random() < 0.5:
            src = self.start_resource()
            policy = {"Version": "2012-10-17", "Statement": [{
                "Sid": "DenyInsecureConnections", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [self.attr(None, [f"aws_s3_bucket.{name}.arn"], "known after apply")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
            out.append(self.resource(i, "aws_s3_bucket_policy", name, {
                "bucket": self.attr(None, [ref], "known after apply"), "policy": self.attr(policy)}, src))
        return out

    def security_group_rule(self, i):
        src = self.start_resource()
        r = self.rng
        port = r.choice([22, 80, 443, 3389, 5432, 8080])
        cidrs = [r.choice(["10.0.0.0/8", "0.0.0.0/0", "192.168.1.0/24", f"172.16.{i % 256}.0/24"])
                 for _ in range(r.randint(1, 3))]
        attrs = {
            "type": self.attr(r.choice(["ingress", "ingress", "egress"])),
            "from_port": self.attr(port), "to_port": self.attr(port),
            "protocol": self.attr("tcp"),
            "cidr_blocks": self.attr(cidrs),
            "security_group_id": self.attr(None, [f"aws_security_group.sg{i % 500}.id"], "known after apply"),
            "description": self.attr(f"rule {i} for port {port}"),
        }
        return [self.resource(i, "aws_security_group_rule", f"r{i}", attrs, src)]

    def iam_policy(self, i):
        src = self.start_resource()
        r = self.rng
        statements = [{"Effect": r.choice(["Allow", "Allow", "Deny"]),
                       "Action": r.choice(["*", "s3:GetObject", "ec2:Describe*", "kms:Decrypt"]),
                       "Resource": r.choice(["*", f"arn:aws:s3:::bucket-{i}/*"])}
                      for _ in range(r.randint(1, 4))]
        doc = json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))
        attrs = {"name": self.attr(f"policy-{i}"), "path": self.attr("/", state="default"),
                 "policy": self.attr(doc), "statement": self.attr(statements)}
        return [self.resource(i, "aws_iam_policy", f"p{i}", attrs, src)]

    def instance(self, i):
        src = self.start_resource()
        r = self.rng
        attrs = {
            "ami": self.attr(None, ["data.aws_ami.ubuntu.id"], "known after apply"),
            "instance_type": self.attr(r.choice(["t3.micro", "t3.small", "m5.large"])),
            "subnet_id": self.attr(None, [f"aws_subnet.s{i % 20}.id"], "known after apply"),
            "monitoring": self.attr(r.random() < 0.5),
            "metadata_options": self.attr([{"http_tokens": r.choice(["required", "optional"]),
                                            "http_endpoint": "enabled"}]),
            "root_block_device": self.attr([{"encrypted": r.random() < 0.8, "volume_size": 8 * r.randint(1, 8)}]),
            "tags": self.tags(i),
        }
        return [self.resource(i, "aws_instance", f"i{i}", attrs, src)]

    def db_instance(self, i):
        src = self.start_resource()
        r = self.rng
        attrs = {
            "engine": self.attr(r.choice(["postgres", "mysql"])),
            "instance_class": self.attr("db.t3.medium"),
            "allocated_storage": self.attr(20 * r.randint(1, 10)),
            "storage_encrypted": self.attr(r.random() < 0.8),
            "deletion_protection": self.attr(r.random() < 0.6) if r.random() < 0.7 else self.attr(None),
            "username": self.attr("admin"),
            "password": self.attr(None, ["var.db_password"], "sensitive value"),
            "tags": self.tags(i),
        }
        return [self.resource(i, "aws_db_instance", f"db{i}", attrs, src)]

    def kms_key(self, i):
        src = self.start_resource()
        attrs = {"description": self.attr(f"key {i}"),
                 "enable_key_rotation": self.attr(self.rng.random() < 0.7),
                 "deletion_window_in_days": self.attr(30, state="default"),
                 "arn": self.attr(None, unknown="known after apply", state="computed")}
        return [self.resource(i, "aws_kms_key", f"k{i}", attrs, src)]

    def cloudtrail(self, i):
        src = self.start_resource()
        bucket = self.buckets[-1] if self.buckets else "b0"
        attrs = {"name": self.attr(f"trail-{i}"),
                 "s3_bucket_name": self.attr(None, [f"aws_s3_bucket.{bucket}.id"], "known after apply"),
                 "is_multi_region_trail": self.attr(self.rng.random() < 0.6),
                 "enable_log_file_validation": self.attr(self.rng.random() < 0.6)}
        return [self.resource(i, "aws_cloudtrail", f"t{i}", attrs, src)]

    def lb(self, i):
        src = self.start_resource()
        r = self.rng
        name = f"tmp-{i}-lb" if r.random() < 0.1 else f"lb-{i}"
        attrs = {"name": self.attr(name), "internal": self.attr(r.random() < 0.5),
                 "load_balancer_type": self.attr("application"),
                 "subnets": self.attr(None, ["aws_subnet.s1.id", "aws_subnet.s2.id"], "known after apply"),
                 "drop_invalid_header_fields": self.attr(r.random() < 0.5)}
        return [self.resource(i, "aws_lb", f"lb{i}", attrs, src)]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    out = sys.argv[2] if len(sys.argv) > 2 else "bench_model.json"
    g = Gen(random.Random(20261123))
    makers = [g.s3_bucket, g.security_group_rule, g.iam_policy, g.instance, g.db_instance, g.kms_key,
              g.cloudtrail, g.lb]
    stack = {"frontend": "terraform",
             "variables": {"environment_suffix": {"type": "string"},
                           "db_password": {"type": "string", "sensitive": True}},
             "providers": {"aws": {"region": "eu-west-1"}}}
    with open(out, "w") as f:
        f.write('{"format": "tenet-model/1",\n"stack": ' + json.dumps(stack) + ',\n"resources": [\n')
        count = 0
        i = 0
        while count < n:
            for res in makers[i % len(makers)](i):
                if count >= n:
                    break
                f.write((",\n" if count else "") + json.dumps(res))
                count += 1
            i += 1
        f.write("\n]}\n")


if __name__ == "__main__":
    main()
