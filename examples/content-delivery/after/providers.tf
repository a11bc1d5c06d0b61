# Content delivery for a publication with 5,000+ daily readers (seed 000): an S3 origin
# behind CloudFront with OAC, WAF, security headers and HTTPS only; Route 53 and ACM;
# KMS for data at rest; CloudWatch alarms to an SNS topic; a multi-region CloudTrail.
# CloudFront takes its certificate and web ACL from us-east-1, so the stack lives there.

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
  region = "us-east-1"
  default_tags {
    tags = {
      Environment = var.environment_suffix
      Owner       = var.owner
      Project     = "content-delivery"
    }
  }
}

data "aws_caller_identity" "current" {}
