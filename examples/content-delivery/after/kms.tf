# One customer managed key for the content, the logs, the alarm topic and the trail.
resource "aws_kms_key" "main" {
  description         = "content-delivery-${var.environment_suffix}"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "ServicesEncrypt"
        Effect    = "Allow"
        Principal = { Service = ["cloudfront.amazonaws.com", "cloudtrail.amazonaws.com", "logs.us-east-1.amazonaws.com", "sns.amazonaws.com", "cloudwatch.amazonaws.com", "delivery.logs.amazonaws.com"] }
        Action    = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
      }
    ]
  })
}

resource "aws_kms_alias" "main" {
  name          = "alias/content-delivery-${var.environment_suffix}"
  target_key_id = aws_kms_key.main.key_id
}
