#!/usr/bin/env python3
"""Generates the frontend load benchmark inputs (issue 3, section 5), deterministically.

    python3 bench/gen_frontends.py OUT_DIR

writes
  OUT_DIR/plan.json        `terraform show -json` of a plan creating 10,000 resources
                           (planned_values, resource_changes with after_unknown, configuration)
  OUT_DIR/tf/              a Terraform tree of about 50,000 lines: a root module of many files
                           with for_each, count, locals and variables, calling local modules
                           with for_each; dense: about 140 bytes of source per resource instance
  OUT_DIR/tf_typical/      a Terraform tree of about 50,000 lines written the way published
                           modules are (comments, described variables, merged tags, policy
                           documents, resources gated by count, a few instances per for_each):
                           about 200 bytes of source per resource instance (the network
                           module is called by every service file)
  OUT_DIR/cfn.yaml         a CloudFormation template with 20,000 resources (short tags,
  OUT_DIR/cfn.json         conditions, Fn::Sub, Fn::GetAtt), in YAML and in JSON
  OUT_DIR/pulumi.json      `pulumi stack export` of 10,000 resources
Measure with build/bench/tenet_bench_frontend (see docs/performance.md).
"""
import json
import os
import random
import sys


def policy_doc(i):
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": f"S{i}", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                       "Resource": [f"arn:aws:s3:::bucket-{i}", f"arn:aws:s3:::bucket-{i}/*"]}],
    })


def plan_resource(i):
    """(type, name, values, unknown-after-apply keys, config expressions) of resource i."""
    kind = i % 5
    if kind == 0:
        return ("aws_s3_bucket", f"b{i}", {"bucket": f"bucket-{i}-dev", "force_destroy": False,
                                          "tags": {"Environment": "dev", "Owner": f"team-{i % 7}"}},
                ["arn", "id", "bucket_domain_name", "versioning", "server_side_encryption_configuration"],
                {"bucket": {"constant_value": f"bucket-{i}-dev"}})
    if kind == 1:
        return ("aws_s3_bucket_versioning", f"v{i}", {"versioning_configuration": [{"status": "Enabled", "mfa_delete": None}]},
                ["bucket", "id"],
                {"bucket": {"references": [f"aws_s3_bucket.b{i - 1}.id", f"aws_s3_bucket.b{i - 1}"]}})
    if kind == 2:
        return ("aws_security_group_rule", f"r{i}", {"type": "ingress", "from_port": 443, "to_port": 443, "protocol": "tcp",
                                                    "cidr_blocks": [f"10.{i % 250}.0.0/16"], "description": f"rule {i}"},
                ["id", "security_group_id"],
                {"from_port": {"constant_value": 443}, "to_port": {"constant_value": 443}})
    if kind == 3:
        return ("aws_iam_policy", f"p{i}", {"name": f"policy-{i}", "path": "/", "policy": policy_doc(i),
                                           "description": "generated"},
                ["arn", "id", "policy_id"], {"name": {"constant_value": f"policy-{i}"}})
    return ("aws_instance", f"i{i}", {"ami": "ami-0123456789abcdef0", "instance_type": "t3.micro",
                                      "metadata_options": [{"http_tokens": "required", "http_endpoint": "enabled"}],
                                      "root_block_device": [{"encrypted": True, "volume_size": 20}],
                                      "tags": {"Name": f"instance-{i}"}},
            ["arn", "id", "private_ip", "public_ip", "subnet_id"],
            {"instance_type": {"constant_value": "t3.micro"}})


def write_plan(path, n=10000):
    planned, changes, config = [], [], []
    for i in range(n):
        rtype, name, values, unknown, expressions = plan_resource(i)
        address = f"{rtype}.{name}"
        after = dict(values)
        planned.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                        "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                        "values": after, "sensitive_values": {}})
        changes.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                        "provider_name": "registry.terraform.io/hashicorp/aws",
                        "change": {"actions": ["create"], "before": None, "after": after,
                                   "after_unknown": {k: True for k in unknown},
                                   "before_sensitive": False, "after_sensitive": {}}})
        config.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                       "provider_config_key": "aws", "expressions": expressions, "schema_version": 0})
    doc = {"format_version": "1.2", "terraform_version": "1.11.0",
           "planned_values": {"root_module": {"resources": planned}},
           "resource_changes": changes,
           "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                                                         "expressions": {"region": {"constant_value": "us-east-1"}}}},
                             "root_module": {"resources": config}}}
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)


SERVICE_MODULE = '''variable "name" {
  type = string
}

variable "environment" {
  type    = string
  default = "dev"
}

variable "ports" {
  type    = list(number)
  default = [443, 8443]
}

locals {
  full_name = "${var.name}-${var.environment}"
  tags = {
    Service     = var.name
    Environment = var.environment
  }
}

resource "aws_s3_bucket" "data" {
  bucket = "${local.full_name}-data"
  tags   = local.tags
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_security_group" "svc" {
  name        = "${local.full_name}-sg"
  description = "service ${var.name}"

  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["10.0.0.0/8"]
    }
  }
}

output "bucket_arn" {
  value = aws_s3_bucket.data.arn
}
'''


def root_file(k, per_file=12):
    """One root-module file: for_each over a local map, count, interpolation, functions."""
    lines = [f"locals {{\n  group_{k} = {{"]
    for j in range(per_file):
        lines.append(f'    svc{j} = {{ port = {8000 + j}, public = {str(j % 3 == 0).lower()} }}')
    lines.append("  }\n}\n")
    lines.append(f'''resource "aws_security_group_rule" "group_{k}" {{
  for_each          = local.group_{k}
  type              = "ingress"
  from_port         = each.value.port
  to_port           = each.value.port
  protocol          = "tcp"
  cidr_blocks       = each.value.public ? ["0.0.0.0/0"] : ["10.{k % 200}.0.0/16"]
  security_group_id = "sg-{k:08d}"
  description       = format("%s rule for group {k}", each.key)
}}
''')
    lines.append(f'''resource "aws_iam_policy" "group_{k}" {{
  count = 2
  name  = "group-{k}-${{count.index}}-${{var.environment}}"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = ["arn:aws:s3:::group-{k}-${{count.index}}/*"]
      }},
      {{
        Effect    = "Deny"
        Action    = "s3:*"
        Resource  = "*"
        Condition = {{ Bool = {{ "aws:SecureTransport" = "false" }} }}
      }}
    ]
  }})
}}
''')
    lines.append(f'''module "svc_{k}" {{
  source      = "./modules/service"
  for_each    = toset(["a{k}", "b{k}"])
  name        = each.key
  environment = var.environment
}}
''')
    for j in range(per_file):
        lines.append(f'''resource "aws_s3_bucket" "g{k}_{j}" {{
  bucket = "g{k}-{j}-${{var.environment}}"
  tags = merge(local.common_tags, {{
    Index = "{j}"
  }})
}}

resource "aws_s3_bucket_public_access_block" "g{k}_{j}" {{
  bucket                  = aws_s3_bucket.g{k}_{j}.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}
''')
    return "\n".join(lines)


def write_terraform(root, target_lines=50000):
    os.makedirs(os.path.join(root, "modules", "service"), exist_ok=True)
    with open(os.path.join(root, "modules", "service", "main.tf"), "w") as f:
        f.write(SERVICE_MODULE)
    with open(os.path.join(root, "variables.tf"), "w") as f:
        f.write('variable "environment" {\n  type    = string\n  default = "dev"\n}\n\n'
                'locals {\n  common_tags = {\n    Environment = var.environment\n    Owner       = "platform"\n  }\n}\n')
    lines, k = SERVICE_MODULE.count("\n") + 12, 0
    while lines < target_lines:
        text = root_file(k)
        with open(os.path.join(root, f"group_{k:03d}.tf"), "w") as f:
            f.write(text)
        lines += text.count("\n")
        k += 1


NETWORK_MODULE = """################################################################################
# A VPC with public and private subnets in each availability zone
################################################################################

variable "name" {
  description = "Name prefix of every resource of the network"
  type        = string
}

variable "cidr" {
  description = "The IPv4 CIDR block of the VPC"
  type        = string
  default     = "10.0.0.0/16"
}

variable "azs" {
  description = "Availability zones of the subnets, one subnet of each kind per zone"
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b"]
}

variable "enable_nat_gateway" {
  description = "Whether the private subnets reach the internet through NAT gateways"
  type        = bool
  default     = true
}

variable "enable_flow_log" {
  description = "Whether traffic of the VPC is logged to CloudWatch Logs"
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
}

locals {
  # Public subnets take the first addresses of the VPC, private ones start at .100.
  public_cidrs  = [for i, az in var.azs : cidrsubnet(var.cidr, 8, i)]
  private_cidrs = [for i, az in var.azs : cidrsubnet(var.cidr, 8, i + 100)]
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_hostnames = true
  enable_dns_support   = true

  tags = merge(
    { "Name" = var.name },
    var.tags,
  )
}

resource "aws_subnet" "public" {
  count = length(var.azs)

  vpc_id                  = aws_vpc.this.id
  cidr_block              = local.public_cidrs[count.index]
  availability_zone       = element(var.azs, count.index)
  map_public_ip_on_launch = false

  tags = merge(
    { "Name" = format("%s-public-%s", var.name, element(var.azs, count.index)) },
    var.tags,
  )
}

resource "aws_subnet" "private" {
  count = length(var.azs)

  vpc_id            = aws_vpc.this.id
  cidr_block        = local.private_cidrs[count.index]
  availability_zone = element(var.azs, count.index)

  tags = merge(
    { "Name" = format("%s-private-%s", var.name, element(var.azs, count.index)) },
    var.tags,
  )
}

resource "aws_nat_gateway" "this" {
  count = var.enable_nat_gateway ? 1 : 0

  subnet_id = aws_subnet.public[0].id

  tags = merge(
    { "Name" = "${var.name}-nat" },
    var.tags,
  )
}

resource "aws_flow_log" "this" {
  count = var.enable_flow_log ? 1 : 0

  vpc_id               = aws_vpc.this.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_log[0].arn
  iam_role_arn         = "arn:aws:iam::123456789012:role/flow-log"
}

resource "aws_cloudwatch_log_group" "flow_log" {
  count = var.enable_flow_log ? 1 : 0

  name              = "/aws/vpc-flow-log/${var.name}"
  retention_in_days = 365

  tags = var.tags
}

resource "aws_security_group" "default" {
  name        = "${var.name}-default"
  description = "Traffic between the instances of ${var.name}"
  vpc_id      = aws_vpc.this.id

  ingress {
    description = "Any traffic from inside the VPC"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = [var.cidr]
  }

  egress {
    description = "HTTPS to anywhere"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = var.tags
}

output "vpc_id" {
  description = "The id of the VPC"
  value       = aws_vpc.this.id
}

output "private_subnet_ids" {
  description = "The ids of the private subnets"
  value       = aws_subnet.private[*].id
}

output "security_group_id" {
  description = "The default security group of the network"
  value       = aws_security_group.default.id
}
"""


def typical_file(k):
    """One root-module file: a service with its buckets, roles, instance and alarms."""
    svc = f"svc{k:03d}"
    return f"""################################################################################
# Service {svc}: storage, access and compute
################################################################################

variable "{svc}_instance_type" {{
  description = "Instance type of the {svc} hosts"
  type        = string
  default     = "t3.micro"
}}

variable "{svc}_retention_days" {{
  description = "How long the {svc} logs are kept"
  type        = number
  default     = 90
}}

locals {{
  {svc}_name = "{svc}-${{var.environment}}"
  {svc}_tags = merge(local.common_tags, {{
    Service = "{svc}"
    Team    = "team-{k % 9}"
  }})
  # The buckets of the service: one for its data, one for its access logs.
  {svc}_buckets = {{
    data = {{ versioned = true, expire_days = 0 }}
    logs = {{ versioned = false, expire_days = 30 }}
  }}
}}

module "{svc}_network" {{
  source = "./modules/network"

  name = local.{svc}_name
  cidr = "10.{k % 250}.0.0/16"
  azs  = ["us-east-1a", "us-east-1b"]
  tags = local.{svc}_tags
}}

resource "aws_kms_key" "{svc}" {{
  description             = "Encrypts the data of {svc}"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  tags = local.{svc}_tags
}}

resource "aws_s3_bucket" "{svc}" {{
  for_each = local.{svc}_buckets

  bucket        = "${{local.{svc}_name}}-${{each.key}}"
  force_destroy = false

  tags = merge(local.{svc}_tags, {{
    Purpose = each.key
  }})
}}

resource "aws_s3_bucket_versioning" "{svc}" {{
  for_each = {{ for name, b in local.{svc}_buckets : name => b if b.versioned }}

  bucket = aws_s3_bucket.{svc}[each.key].id

  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "{svc}" {{
  for_each = local.{svc}_buckets

  bucket = aws_s3_bucket.{svc}[each.key].id

  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.{svc}.arn
    }}
    bucket_key_enabled = true
  }}
}}

resource "aws_s3_bucket_public_access_block" "{svc}" {{
  for_each = local.{svc}_buckets

  bucket                  = aws_s3_bucket.{svc}[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

resource "aws_s3_bucket_policy" "{svc}_data" {{
  bucket = aws_s3_bucket.{svc}["data"].id

  # Deny every request that does not use TLS.
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource = [
          aws_s3_bucket.{svc}["data"].arn,
          "${{aws_s3_bucket.{svc}["data"].arn}}/*",
        ]
        Condition = {{ Bool = {{ "aws:SecureTransport" = "false" }} }}
      }}
    ]
  }})
}}

data "aws_iam_policy_document" "{svc}_assume" {{
  statement {{
    actions = ["sts:AssumeRole"]

    principals {{
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }}
  }}
}}

resource "aws_iam_role" "{svc}" {{
  name               = "${{local.{svc}_name}}-host"
  description        = "Role of the {svc} hosts"
  assume_role_policy = data.aws_iam_policy_document.{svc}_assume.json

  tags = local.{svc}_tags
}}

resource "aws_iam_role_policy" "{svc}" {{
  name = "data-access"
  role = aws_iam_role.{svc}.id

  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
        Resource = [aws_s3_bucket.{svc}["data"].arn, "${{aws_s3_bucket.{svc}["data"].arn}}/*"]
      }},
      {{
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [aws_kms_key.{svc}.arn]
      }}
    ]
  }})
}}

resource "aws_iam_instance_profile" "{svc}" {{
  name = "${{local.{svc}_name}}-host"
  role = aws_iam_role.{svc}.name
}}

resource "aws_instance" "{svc}" {{
  count = 2

  ami                    = "ami-0123456789abcdef0"
  instance_type          = var.{svc}_instance_type
  subnet_id              = module.{svc}_network.private_subnet_ids[count.index]
  vpc_security_group_ids = [module.{svc}_network.security_group_id]
  iam_instance_profile   = aws_iam_instance_profile.{svc}.name
  monitoring             = true

  metadata_options {{
    http_endpoint = "enabled"
    http_tokens   = "required"
  }}

  root_block_device {{
    encrypted   = true
    kms_key_id  = aws_kms_key.{svc}.arn
    volume_size = 20
    volume_type = "gp3"
  }}

  tags = merge(local.{svc}_tags, {{
    Name = "${{local.{svc}_name}}-${{count.index}}"
  }})
}}

resource "aws_cloudwatch_log_group" "{svc}" {{
  name              = "/{svc}/${{var.environment}}"
  retention_in_days = var.{svc}_retention_days
  kms_key_id        = aws_kms_key.{svc}.arn

  tags = local.{svc}_tags
}}

resource "aws_cloudwatch_metric_alarm" "{svc}_cpu" {{
  count = 2

  alarm_name          = "${{local.{svc}_name}}-cpu-${{count.index}}"
  alarm_description   = "CPU of {svc} host ${{count.index}} above 80% for 10 minutes"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 2
  metric_name         = "CPUUtilization"
  namespace           = "AWS/EC2"
  period              = 300
  statistic           = "Average"
  threshold           = 80
  alarm_actions       = ["arn:aws:sns:us-east-1:123456789012:ops"]

  dimensions = {{
    InstanceId = aws_instance.{svc}[count.index].id
  }}
}}
"""


def write_terraform_typical(root, target_lines=50000):
    os.makedirs(os.path.join(root, "modules", "network"), exist_ok=True)
    with open(os.path.join(root, "modules", "network", "main.tf"), "w") as f:
        f.write(NETWORK_MODULE)
    common = ('variable "environment" {\n  description = "Deployment environment"\n  type        = string\n'
              '  default     = "dev"\n}\n\nlocals {\n  common_tags = {\n    Environment = var.environment\n'
              '    Owner       = "platform"\n    ManagedBy   = "terraform"\n  }\n}\n')
    with open(os.path.join(root, "variables.tf"), "w") as f:
        f.write(common)
    lines, k = NETWORK_MODULE.count("\n") + common.count("\n"), 0
    while lines < target_lines:
        text = typical_file(k)
        with open(os.path.join(root, f"service_{k:03d}.tf"), "w") as f:
            f.write(text)
        lines += text.count("\n")
        k += 1


def cfn_resources(n=20000):
    resources = {}
    for i in range(n):
        kind = i % 4
        if kind == 0:
            resources[f"Bucket{i}"] = {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "Properties": {
                "BucketName": {"Fn::Sub": "bucket-" + str(i) + "-${EnvironmentSuffix}"},
                "VersioningConfiguration": {"Status": "Enabled"},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Ref": "Key"}}}]},
                "Tags": [{"Key": "Environment", "Value": {"Ref": "EnvironmentSuffix"}}]}}
        elif kind == 1:
            resources[f"Policy{i}"] = {"Type": "AWS::S3::BucketPolicy", "Properties": {
                "Bucket": {"Ref": f"Bucket{i - 1}"},
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                    "Resource": [{"Fn::GetAtt": [f"Bucket{i - 1}", "Arn"]},
                                 {"Fn::Sub": "${Bucket" + str(i - 1) + ".Arn}/*"}],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}}
        elif kind == 2:
            resources[f"Ingress{i}"] = {"Type": "AWS::EC2::SecurityGroupIngress", "Condition": "IsProd", "Properties": {
                "GroupId": "sg-0123456789", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                "CidrIp": {"Fn::If": ["IsProd", "10.0.0.0/8", "0.0.0.0/0"]}, "Description": f"ingress {i}"}}
        else:
            resources[f"Role{i}"] = {"Type": "AWS::IAM::Role", "Properties": {
                "RoleName": {"Fn::Join": ["-", ["role", str(i), {"Ref": "EnvironmentSuffix"}]]},
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}}
    resources["Key"] = {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True}}
    return resources


def cfn_template(n):
    return {"AWSTemplateFormatVersion": "2010-09-09",
            "Parameters": {"EnvironmentSuffix": {"Type": "String", "Default": "dev", "AllowedPattern": "^[a-z0-9-]+$"},
                           "Environment": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]}},
            "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Environment"}, "prod"]}},
            "Resources": cfn_resources(n),
            "Outputs": {"KeyArn": {"Value": {"Fn::GetAtt": ["Key", "Arn"]}}}}


def yaml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v)
    if s == "" or any(c in s for c in ":#{}[],&*!|>'\"%@`") or s.strip() != s or s in ("true", "false", "null", "yes", "no"):
        return json.dumps(s)
    return s


TAGS = {"Ref": "!Ref", "Fn::Sub": "!Sub", "Fn::GetAtt": "!GetAtt", "Fn::If": "!If", "Fn::Join": "!Join",
        "Fn::Equals": "!Equals"}


def yaml_lines(v, indent):
    """YAML block lines for v; intrinsics become short tags (flow style for their arguments)."""
    pad = "  " * indent
    out = []
    if isinstance(v, dict):
        for k, x in v.items():
            if isinstance(x, dict) and len(x) == 1 and next(iter(x)) in TAGS:
                fn, arg = next(iter(x.items()))
                if fn == "Fn::GetAtt":
                    out.append(f"{pad}{k}: {TAGS[fn]} {arg[0]}.{arg[1]}")
                else:
                    out.append(f"{pad}{k}: {TAGS[fn]} {flow(arg)}")
            elif isinstance(x, (dict, list)) and x:
                out.append(f"{pad}{k}:")
                out += yaml_lines(x, indent + 1)
            else:
                out.append(f"{pad}{k}: {flow(x)}")
    else:
        for x in v:
            inner = yaml_lines(x, indent + 1) if isinstance(x, (dict, list)) and x else [f"{pad}  {flow(x)}"]
            first = inner[0].lstrip()
            out.append(f"{pad}- {first}")
            out += inner[1:]
    return out


def flow(v):
    if isinstance(v, dict):
        if len(v) == 1 and next(iter(v)) in TAGS:
            fn, arg = next(iter(v.items()))
            if fn == "Fn::GetAtt":
                return f"{TAGS[fn]} {arg[0]}.{arg[1]}"
            return f"{TAGS[fn]} {flow(arg)}"
        return "{" + ", ".join(f"{yaml_scalar(k)}: {flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(flow(x) for x in v) + "]"
    if v is None:
        return "null"
    return yaml_scalar(v)


def write_cfn(out_dir, n=20000):
    template = cfn_template(n)
    with open(os.path.join(out_dir, "cfn.json"), "w") as f:
        json.dump(template, f, indent=2)
    with open(os.path.join(out_dir, "cfn.yaml"), "w") as f:
        f.write("\n".join(yaml_lines(template, 0)) + "\n")


def write_pulumi(path, n=10000):
    stack = "urn:pulumi:dev::bench::pulumi:pulumi:Stack::bench-dev"
    resources = [{"urn": stack, "custom": False, "type": "pulumi:pulumi:Stack"}]
    for i in range(n):
        if i % 2 == 0:
            urn = f"urn:pulumi:dev::bench::aws:s3/bucketV2:BucketV2::b{i}"
            inputs = {"bucket": f"bucket-{i}-dev", "tags": {"Environment": "dev"}}
            outputs = dict(inputs, id=f"bucket-{i}-dev", arn=f"arn:aws:s3:::bucket-{i}-dev",
                           bucketDomainName=f"bucket-{i}-dev.s3.amazonaws.com", policy="")
            deps = {}
        else:
            urn = f"urn:pulumi:dev::bench::aws:s3/bucketVersioningV2:BucketVersioningV2::v{i}"
            parent = f"urn:pulumi:dev::bench::aws:s3/bucketV2:BucketV2::b{i - 1}"
            inputs = {"bucket": f"bucket-{i - 1}-dev", "versioningConfiguration": {"status": "Enabled"}}
            outputs = dict(inputs, id=f"bucket-{i - 1}-dev")
            deps = {"bucket": [parent]}
        resources.append({"urn": urn, "custom": True, "id": outputs["id"], "type": urn.split("::")[2],
                          "inputs": inputs, "outputs": outputs, "parent": stack,
                          "dependencies": sorted({u for us in deps.values() for u in us}),
                          "propertyDependencies": deps,
                          "provider": "urn:pulumi:dev::bench::pulumi:providers:aws::default_6_0_0::0000"})
    doc = {"version": 3, "deployment": {"manifest": {"time": "2026-11-23T00:00:00Z", "magic": "", "version": "v3.140.0"},
                                        "resources": resources}}
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    random.seed(1)
    write_plan(os.path.join(out, "plan.json"))
    write_terraform(os.path.join(out, "tf"))
    write_terraform_typical(os.path.join(out, "tf_typical"))
    write_cfn(out)
    write_pulumi(os.path.join(out, "pulumi.json"))
    for name in ("plan.json", "cfn.yaml", "cfn.json", "pulumi.json"):
        print(f"{name}: {os.path.getsize(os.path.join(out, name)) / 1e6:.1f} MB")
    for tree in ("tf", "tf_typical"):
        tf_bytes = tf_lines = 0
        for d, _, files in os.walk(os.path.join(out, tree)):
            for name in files:
                with open(os.path.join(d, name)) as f:
                    text = f.read()
                tf_bytes += len(text)
                tf_lines += text.count("\n")
        print(f"{tree}/: {tf_lines} lines, {tf_bytes / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
