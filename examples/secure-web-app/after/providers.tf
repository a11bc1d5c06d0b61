# A secure web application (seed 003): an Auto Scaling group of instances behind an
# HTTPS load balancer with WAF, a Multi-AZ PostgreSQL database whose password lives in
# Secrets Manager and rotates, a VPC across two zones with flow logs and network ACLs,
# one customer managed KMS key, CloudTrail, GuardDuty and alarms to an SNS topic.
# Every name carries the environment suffix.

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
  name = "secure-app-${var.environment_suffix}"
  azs  = ["${var.aws_region}a", "${var.aws_region}b"]
}
