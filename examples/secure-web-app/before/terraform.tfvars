environment_suffix = "dev"
hosted_zone_id     = "Z0123456789ABCDEFGHIJ"
owner              = "platform-security"
ami_id             = "ami-0abcdef1234567890"
