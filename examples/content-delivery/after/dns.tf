resource "aws_route53_zone" "main" {
  name    = var.domain_name
  comment = "Content delivery (${var.environment_suffix})"
}

resource "aws_acm_certificate" "content" {
  domain_name               = var.domain_name
  subject_alternative_names = ["www.${var.domain_name}"]
  validation_method         = "DNS"
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "cert_validation" {
  for_each = {
    for o in aws_acm_certificate.content.domain_validation_options : o.domain_name => {
      name   = o.resource_record_name
      record = o.resource_record_value
      type   = o.resource_record_type
    }
  }
  zone_id         = aws_route53_zone.main.zone_id
  name            = each.value.name
  type            = each.value.type
  records         = [each.value.record]
  ttl             = 60
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "content" {
  certificate_arn         = aws_acm_certificate.content.arn
  validation_record_fqdns = [for r in aws_route53_record.cert_validation : r.fqdn]
}

# The apex and www, IPv4 and IPv6, alias the distribution.
resource "aws_route53_record" "site" {
  for_each = {
    apex-a    = { name = var.domain_name, type = "A" }
    apex-aaaa = { name = var.domain_name, type = "AAAA" }
    www-a     = { name = "www.${var.domain_name}", type = "A" }
    www-aaaa  = { name = "www.${var.domain_name}", type = "AAAA" }
  }
  zone_id = aws_route53_zone.main.zone_id
  name    = each.value.name
  type    = each.value.type
  alias {
    name                   = aws_cloudfront_distribution.content.domain_name
    zone_id                = aws_cloudfront_distribution.content.hosted_zone_id
    evaluate_target_health = false
  }
}
