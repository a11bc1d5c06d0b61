# Alarms on the distribution's error rate, cache hit rate and origin latency notify an
# encrypted SNS topic; a dashboard shows the same metrics. CloudFront publishes its
# metrics in us-east-1 with the dimension Region = Global.
resource "aws_sns_topic" "alerts" {
  name              = "content-alerts-${var.environment_suffix}"
  kms_master_key_id = aws_kms_key.main.arn
}

resource "aws_sns_topic_subscription" "email" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

locals {
  distribution_dimensions = {
    DistributionId = aws_cloudfront_distribution.content.id
    Region         = "Global"
  }
}

resource "aws_cloudwatch_metric_alarm" "error_rate" {
  alarm_name          = "content-5xx-rate-${var.environment_suffix}"
  alarm_description   = "More than 5% of requests end in a 5xx error"
  namespace           = "AWS/CloudFront"
  metric_name         = "5xxErrorRate"
  dimensions          = local.distribution_dimensions
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = 5
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "cache_hit_rate" {
  alarm_name          = "content-cache-hit-rate-${var.environment_suffix}"
  alarm_description   = "Fewer than 70% of requests are served from the cache"
  namespace           = "AWS/CloudFront"
  metric_name         = "CacheHitRate"
  dimensions          = local.distribution_dimensions
  statistic           = "Average"
  period              = 900
  evaluation_periods  = 4
  threshold           = 70
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "origin_latency" {
  alarm_name          = "content-origin-latency-${var.environment_suffix}"
  alarm_description   = "The origin takes more than a second to answer"
  namespace           = "AWS/CloudFront"
  metric_name         = "OriginLatency"
  dimensions          = local.distribution_dimensions
  extended_statistic  = "p90"
  period              = 300
  evaluation_periods  = 3
  threshold           = 1000
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_dashboard" "content" {
  dashboard_name = "content-delivery-${var.environment_suffix}"
  dashboard_body = jsonencode({
    widgets = [
      {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          title   = "Requests and errors"
          region  = "us-east-1"
          stat    = "Sum"
          period  = 300
          metrics = [
            ["AWS/CloudFront", "Requests", "DistributionId", aws_cloudfront_distribution.content.id, "Region", "Global"],
            ["AWS/CloudFront", "5xxErrorRate", "DistributionId", aws_cloudfront_distribution.content.id, "Region", "Global", { stat = "Average" }]
          ]
        }
      },
      {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          title   = "Cache hit rate and origin latency"
          region  = "us-east-1"
          stat    = "Average"
          period  = 300
          metrics = [
            ["AWS/CloudFront", "CacheHitRate", "DistributionId", aws_cloudfront_distribution.content.id, "Region", "Global"],
            ["AWS/CloudFront", "OriginLatency", "DistributionId", aws_cloudfront_distribution.content.id, "Region", "Global", { stat = "p90" }]
          ]
        }
      }
    ]
  })
}
