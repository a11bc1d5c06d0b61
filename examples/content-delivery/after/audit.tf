# A multi-region trail with log file validation, encrypted with the stack's key, also
# delivered to CloudWatch Logs; S3 data events of the content bucket are recorded.
resource "aws_cloudwatch_log_group" "trail" {
  name              = "/aws/cloudtrail/content-trail-${var.environment_suffix}"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_iam_role" "trail" {
  name = "content-audit-trail-${var.environment_suffix}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "trail" {
  name = "content-audit-trail-${var.environment_suffix}"
  role = aws_iam_role.trail.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.trail.arn}:*"
    }]
  })
}

resource "aws_cloudtrail" "audit" {
  depends_on                    = [aws_s3_bucket_policy.audit]
  name                          = "content-trail-${var.environment_suffix}"
  s3_bucket_name                = aws_s3_bucket.this["audit"].id
  kms_key_id                    = aws_kms_key.main.arn
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn     = aws_iam_role.trail.arn

  event_selector {
    read_write_type           = "All"
    include_management_events = true
    data_resource {
      type   = "AWS::S3::Object"
      values = ["${aws_s3_bucket.this["content"].arn}/"]
    }
  }
}

resource "aws_guardduty_detector" "main" {
  enable = true
}
