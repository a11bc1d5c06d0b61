output "vpc_id" {
  value = aws_vpc.main.id
}

output "alb_dns_name" {
  value = aws_lb.app.dns_name
}

output "app_url" {
  value = "https://${var.domain_name}"
}

output "db_endpoint" {
  value = aws_db_instance.main.endpoint
}

output "db_secret_arn" {
  value = aws_secretsmanager_secret.rds_password.arn
}

output "kms_key_arn" {
  value = aws_kms_key.master.arn
}

output "security_alerts_topic_arn" {
  value = aws_sns_topic.security_alerts.arn
}

output "trail_arn" {
  value = aws_cloudtrail.main.arn
}

output "web_acl_arn" {
  value = aws_wafv2_web_acl.app.arn
}
