resource "aws_kms_key" "master" {
  description         = "${local.name} master key"
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
        Sid    = "ServicesUseTheKey"
        Effect = "Allow"
        Principal = { Service = [
          "logs.${var.aws_region}.amazonaws.com", "cloudtrail.amazonaws.com", "sns.amazonaws.com",
          "cloudwatch.amazonaws.com", "delivery.logs.amazonaws.com"
        ] }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
      }
    ]
  })
  tags = { Name = "${local.name}-kms" }
}

resource "aws_kms_alias" "master" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.master.key_id
}
