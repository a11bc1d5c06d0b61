environment_suffix = "dev"
domain_name        = "news.acme-media.net"
alert_email        = "oncall@acme-media.net"
owner              = "web-platform"
