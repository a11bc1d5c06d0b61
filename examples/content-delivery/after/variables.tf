variable "environment_suffix" {
  description = "Appended to every resource name so that environments do not collide (dev, staging, prod)"
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9-]{2,16}$", var.environment_suffix))
    error_message = "environment_suffix is 2 to 16 lower-case letters, digits or dashes."
  }
}

variable "domain_name" {
  description = "The publication's domain; its hosted zone is created here"
  type        = string
  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name is a lower-case DNS name such as news.acme.io."
  }
}

variable "alert_email" {
  description = "Receives the CloudWatch alarm notifications"
  type        = string
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
