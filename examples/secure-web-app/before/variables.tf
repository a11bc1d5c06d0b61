variable "environment_suffix" {
  description = "Appended to every resource name so that environments do not collide"
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9-]{2,16}$", var.environment_suffix))
    error_message = "environment_suffix is 2 to 16 lower-case letters, digits or dashes."
  }
}

variable "aws_region" {
  description = "The region of the stack"
  type        = string
  default     = "us-east-1"
  validation {
    condition     = can(regex("^[a-z]{2}-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region is a region name such as us-east-1."
  }
}

variable "domain_name" {
  description = "The application's domain (its certificate is validated by DNS in hosted_zone_id)"
  type        = string
  default     = "example.com"
  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name is a lower-case DNS name."
  }
}

variable "hosted_zone_id" {
  description = "The Route 53 hosted zone of domain_name"
  type        = string
  validation {
    condition     = can(regex("^Z[A-Z0-9]+$", var.hosted_zone_id))
    error_message = "hosted_zone_id is a Route 53 zone id."
  }
}

variable "alert_email" {
  description = "Receives the security alerts"
  type        = string
  default     = "security@example.com"
  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+$", var.alert_email))
    error_message = "alert_email is an e-mail address."
  }
}

variable "owner" {
  description = "The team that owns the stack (the Owner tag)"
  type        = string
  validation {
    condition     = length(var.owner) > 0
    error_message = "owner is required."
  }
}

variable "cost_center" {
  description = "The CostCenter tag"
  type        = string
  default     = "security"
  validation {
    condition     = length(var.cost_center) > 0
    error_message = "cost_center is required."
  }
}


variable "instance_type" {
  type    = string
  default = "t3.small"
  validation {
    condition     = contains(["t3.small", "t3.medium", "m5.large"], var.instance_type)
    error_message = "instance_type is t3.small, t3.medium or m5.large."
  }
}

variable "ami_id" {
  description = "The application AMI"
  type        = string
  validation {
    condition     = can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id is an AMI id."
  }
}
