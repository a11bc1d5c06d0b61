# A secure web application (seed 003), before the gaps its review lists were closed:
# names carry the environment suffix in only three places (parallel environments
# collide), domain_name and alert_email default to example.com placeholders, and the
# database password in Secrets Manager never rotates. The rest (VPC with flow logs, WAF
# in front of an HTTPS load balancer, Multi-AZ encrypted PostgreSQL, KMS, CloudTrail,
# GuardDuty, alarms) is as in ../after.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.aws_region
  default_tags {
    tags = {
      Environment = var.environment_suffix
      Owner       = var.owner
      CostCenter  = var.cost_center
      ManagedBy   = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}

locals {
  azs = ["${var.aws_region}a", "${var.aws_region}b"]
}
