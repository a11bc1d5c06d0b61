output "distribution_id" {
  description = "The CloudFront distribution"
  value       = aws_cloudfront_distribution.content.id
}

output "distribution_domain_name" {
  value = aws_cloudfront_distribution.content.domain_name
}

output "site_url" {
  value = "https://${var.domain_name}"
}

output "content_bucket" {
  value = aws_s3_bucket.this["content"].id
}

output "kms_key_arn" {
  value = aws_kms_key.main.arn
}

output "hosted_zone_id" {
  value = aws_route53_zone.main.zone_id
}

output "name_servers" {
  value = aws_route53_zone.main.name_servers
}

output "certificate_arn" {
  value = aws_acm_certificate.content.arn
}

output "alerts_topic_arn" {
  value = aws_sns_topic.alerts.arn
}

output "web_acl_arn" {
  value = aws_wafv2_web_acl.cdn.arn
}

output "trail_arn" {
  value = aws_cloudtrail.audit.arn
}
