#!/usr/bin/env python3
"""Writes before/stack.json and after/stack.json: the `pulumi stack export` of seed 001's
multi-region static site (tap_stack.py) before and after its review.

The exports are written by this script rather than by `pulumi up` (which needs an AWS
account), in Pulumi's serialized format (deployment v3, apitype ResourceV3): every
resource with its urn, type, id, parent, provider, inputs, outputs, dependencies and
propertyDependencies, as pulumi-aws 6.x writes them. Ids, ARNs and timestamps are fixed
so that the output is the same on every run.

    python3 examples/multi-region-cdn/make_exports.py
"""
import hashlib
import json
import os

STACK = "dev"
PROJECT = "tap"
ACCOUNT = "123456789012"
SUFFIX = "dev"
TIME = "2026-11-20T10:12:31.118634Z"
COMPONENT_TYPE = "tap:stack:TapStack"
TAGS = {"Environment": SUFFIX, "Owner": "web-platform", "Project": "tap"}
CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"


def digest(*parts, n=12):
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:n]


class Ref:
    """An output of another resource used as an input (a Pulumi Output)."""

    def __init__(self, res, attr):
        self.res, self.attr = res, attr


class Fmt:
    """A string built from outputs (pulumi.Output.concat / format)."""

    def __init__(self, template, *refs):
        self.template, self.refs = template, refs


class Json:
    """A JSON document built from outputs (pulumi.Output.json_dumps)."""

    def __init__(self, doc):
        self.doc = doc


def resolve(value, deps):
    if isinstance(value, Ref):
        deps.add(value.res.urn)
        return value.res.out[value.attr]
    if isinstance(value, Fmt):
        return value.template.format(*[resolve(r, deps) for r in value.refs])
    if isinstance(value, Json):
        return json.dumps(resolve(value.doc, deps), separators=(",", ":"))
    if isinstance(value, dict):
        return {k: resolve(v, deps) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, deps) for v in value]
    return value


class Resource:
    def __init__(self, stack, type_, name, parent_type):
        qualified = f"{parent_type}${type_}" if parent_type else type_
        self.urn = f"urn:pulumi:{STACK}::{PROJECT}::{qualified}::{name}"
        self.type, self.name, self.out = type_, name, {}


class Stack:
    def __init__(self):
        self.entries = []
        self.stack_urn = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"
        self.component = Resource(self, COMPONENT_TYPE, "TapStack", None)
        self.providers = {}

    def provider(self, name, region):
        r = Resource(self, "pulumi:providers:aws", name, COMPONENT_TYPE)
        r.id = f"{digest(name, 'provider', n=8)}-5b6c-4f3e-9a41-{digest(name, n=12)}"
        r.region = region
        settings = {"region": region, "skipCredentialsValidation": "false",
                    "skipRegionValidation": "true", "version": "6.56.1"}
        self.entries.append({
            "urn": r.urn, "custom": True, "id": r.id, "type": r.type,
            "inputs": dict(settings, __internal={}), "outputs": settings,
            "parent": self.component.urn, "created": TIME, "modified": TIME})
        self.providers[name] = r
        return r

    def add(self, type_, name, inputs, computed=None, provider="primary", defaults=(), tags=True):
        r = Resource(self, type_, name, COMPONENT_TYPE)
        prov = self.providers[provider]
        r.region = prov.region
        if tags:
            inputs = dict(inputs, tags=dict(TAGS, Name=name))
        deps_by_prop = {}
        resolved = {}
        for k, v in inputs.items():
            deps = set()
            resolved[k] = resolve(v, deps)
            if deps:
                deps_by_prop[k] = sorted(deps)
        out = dict(resolved)
        out.update(computed(resolved, r) if computed else {})
        if tags:
            out["tagsAll"] = dict(resolved["tags"])
        r.id = out.setdefault("id", f"{name}-{digest(type_, name, n=8)}")
        r.out = out
        ins = dict(resolved)
        if defaults:
            ins["__defaults"] = list(defaults)
        entry = {"urn": r.urn, "custom": True, "id": r.id, "type": type_,
                 "inputs": ins, "outputs": out, "parent": self.component.urn,
                 "dependencies": sorted({u for us in deps_by_prop.values() for u in us}),
                 "provider": f"{prov.urn}::{prov.id}",
                 "propertyDependencies": {k: deps_by_prop.get(k, []) for k in sorted(resolved)},
                 "created": TIME, "modified": TIME}
        if not entry["dependencies"]:
            del entry["dependencies"]
        self.entries.append(entry)
        return r

    def export(self, outputs):
        stack_entry = {"urn": self.stack_urn, "custom": False, "type": "pulumi:pulumi:Stack",
                       "outputs": outputs, "created": TIME, "modified": TIME}
        component = {"urn": self.component.urn, "custom": False, "type": COMPONENT_TYPE,
                     "parent": self.stack_urn, "created": TIME, "modified": TIME}
        return {"version": 3, "deployment": {
            "manifest": {"time": TIME, "magic": digest("tap", "magic", n=64), "version": "v3.138.0"},
            "secrets_providers": {"type": "passphrase", "state": {
                "salt": "v1:Yq3pW8mZ1sE=:v1:Fj1aQ7X0d2l9Uo1c:Mk2q2o8p1l4kU0Zr3yVt9g=="}},
            "resources": [stack_entry, component] + self.entries}}


def arn(service, region, resource):
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{resource}"


# ------------------------------------------------------------------------- building blocks

def kms_key(s, name, provider):
    region = s.providers[provider].region
    policy = Json({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "ServicesUseTheKey", "Effect": "Allow",
         "Principal": {"Service": ["cloudfront.amazonaws.com", "delivery.logs.amazonaws.com",
                                   "cloudtrail.amazonaws.com", f"logs.{region}.amazonaws.com",
                                   "sns.amazonaws.com", "cloudwatch.amazonaws.com"]},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
         "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]})
    key_id = f"{digest(name, n=8)}-4b5a-4c7d-8e9f-{digest(name, 'key', n=12)}"
    return s.add("aws:kms/key:Key", name, {
        "description": f"{name} data at rest", "enableKeyRotation": True,
        "deletionWindowInDays": 30, "policy": policy,
        "bypassPolicyLockoutSafetyCheck": False, "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "keyUsage": "ENCRYPT_DECRYPT", "isEnabled": True, "multiRegion": False},
        lambda i, r: {"id": key_id, "keyId": key_id, "arn": arn("kms", r.region, f"key/{key_id}"),
                      "customKeyStoreId": "", "xksKeyId": ""},
        provider=provider, defaults=["bypassPolicyLockoutSafetyCheck", "customerMasterKeySpec",
                                     "keyUsage", "isEnabled", "multiRegion"])


def bucket(s, name, provider):
    region = s.providers[provider].region
    return s.add("aws:s3/bucketV2:BucketV2", name, {"bucket": name, "forceDestroy": False}, lambda i, r: {
        "id": name, "arn": f"arn:aws:s3:::{name}", "bucketDomainName": f"{name}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{name}.s3.{region}.amazonaws.com", "region": region,
        "hostedZoneId": "Z3AQBSTGFYJSTF" if region == "us-east-1" else "Z3BJ6K6RIION7M",
        "objectLockEnabled": False, "policy": "", "requestPayer": "BucketOwner",
        "serverSideEncryptionConfigurations": [{"rules": [{"applyServerSideEncryptionByDefaults": [
            {"kmsMasterKeyId": "", "sseAlgorithm": "AES256"}], "bucketKeyEnabled": False}]}],
        "versionings": [{"enabled": False, "mfaDelete": False}]},
        provider=provider, defaults=["forceDestroy"])


def bucket_basics(s, b, key, provider, log_target=None, lifecycle=True, name=None):
    """Encryption (KMS when `key`, else SSE-S3), versioning, public access block, server
    access logs to `log_target`, and a lifecycle rule."""
    name = name or b.name
    sse = {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": Ref(key, "arn")} if key else {"sseAlgorithm": "AES256"}
    s.add("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
          f"{name}-sse", {"bucket": Ref(b, "id"), "rules": [
              {"applyServerSideEncryptionByDefault": sse, "bucketKeyEnabled": bool(key)}]},
          provider=provider, tags=False)
    s.add("aws:s3/bucketVersioningV2:BucketVersioningV2", f"{name}-versioning",
          {"bucket": Ref(b, "id"), "versioningConfiguration": {"status": "Enabled", "mfaDelete": ""}},
          provider=provider, tags=False)
    s.add("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"{name}-public-access-block",
          {"bucket": Ref(b, "id"), "blockPublicAcls": True, "ignorePublicAcls": True,
           "blockPublicPolicy": True, "restrictPublicBuckets": True}, provider=provider, tags=False)
    if log_target:
        s.add("aws:s3/bucketLoggingV2:BucketLoggingV2", f"{name}-logging",
              {"bucket": Ref(b, "id"), "targetBucket": Ref(log_target, "id"), "targetPrefix": f"s3/{name}/"},
              provider=provider, tags=False)
    if lifecycle:
        s.add("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", f"{name}-lifecycle",
              {"bucket": Ref(b, "id"), "rules": [dict({
                  "id": "retention", "status": "Enabled", "filter": {},
                  "transitions": [{"days": 30, "storageClass": "STANDARD_IA"}],
                  "noncurrentVersionExpiration": {"noncurrentDays": 90},
                  "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7}},
                  **({"expiration": {"days": 365}} if key is None else {}))]},
              provider=provider, tags=False)


def deny_insecure(b):
    return {"Sid": "DenyInsecureConnections", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [Ref(b, "arn"), Fmt("{}/*", Ref(b, "arn"))],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def access_log_policy(s, b, provider):
    s.add("aws:s3/bucketPolicy:BucketPolicy", f"{b.name}-policy", {"bucket": Ref(b, "id"), "policy": Json({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": Fmt("{}/s3/*", Ref(b, "arn")),
             "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
            deny_insecure(b)]})}, provider=provider, tags=False)


# ------------------------------------------------------------------------- the stack

def build(after):
    s = Stack()
    s.provider("primary", "us-east-1")
    s.provider("secondary", "us-west-2")
    keys = {p: kms_key(s, f"tap-{p}-key-{SUFFIX}", p) for p in ("primary", "secondary")}

    # Regional access-log buckets (SSE-S3: S3 server access logging delivers to nothing else).
    logs = {}
    for p in ("primary", "secondary"):
        logs[p] = bucket(s, f"tap-{p}-logs-{SUFFIX}", p)
        # The review: the logging buckets have no retention.
        bucket_basics(s, logs[p], None, p, lifecycle=after)
        access_log_policy(s, logs[p], p)

    # Origins: primary (us-east-1) and secondary (us-west-2), both private, read by
    # CloudFront through OAC.
    origins = {}
    for p in ("primary", "secondary"):
        origins[p] = bucket(s, f"tap-{p}-site-{SUFFIX}", p)
        bucket_basics(s, origins[p], keys[p], p, log_target=logs[p])
        s.add("aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2", f"tap-{p}-site-{SUFFIX}-website",
              {"bucket": Ref(origins[p], "id"), "indexDocument": {"suffix": "index.html"},
               "errorDocument": {"key": "error.html"}}, provider=p, tags=False)

    cf_logs = None
    if after:
        # A bucket of the stack for the CloudFront standard logs (the review found them
        # going to a hard-coded bucket name that no stack owns).
        cf_logs = bucket(s, f"tap-cloudfront-logs-{SUFFIX}", "primary")
        bucket_basics(s, cf_logs, keys["primary"], "primary", log_target=logs["primary"])
        s.add("aws:s3/bucketOwnershipControls:BucketOwnershipControls", f"tap-cloudfront-logs-{SUFFIX}-ownership",
              {"bucket": Ref(cf_logs, "id"), "rule": {"objectOwnership": "BucketOwnerPreferred"}},
              provider="primary", tags=False)
        s.add("aws:s3/bucketPolicy:BucketPolicy", f"tap-cloudfront-logs-{SUFFIX}-policy", {
            "bucket": Ref(cf_logs, "id"),
            "policy": Json({"Version": "2012-10-17", "Statement": [deny_insecure(cf_logs)]})},
            provider="primary", tags=False)

    # ---------------------------------------------------------------- certificate, zone
    domain = "static.acme-media.net"
    zone = s.add("aws:route53/zone:Zone", f"tap-zone-{SUFFIX}", {
        "name": domain, "comment": f"tap-{SUFFIX}", "forceDestroy": False},
        lambda i, r: {"id": "Z08153532QFE7ZP1LT3TB", "zoneId": "Z08153532QFE7ZP1LT3TB",
                      "arn": "arn:aws:route53:::hostedzone/Z08153532QFE7ZP1LT3TB",
                      "nameServers": ["ns-1021.awsdns-63.net", "ns-1536.awsdns-00.co.uk",
                                      "ns-20.awsdns-02.com", "ns-694.awsdns-22.net"]},
        defaults=["forceDestroy"])
    cert_id = "8f3b2a1c-6d4e-4f5a-9b8c-7d6e5f4a3b2c"
    names = [domain, f"www.{domain}"]
    validation = [{"domainName": n, "resourceRecordName": f"_{digest(n, 'v', n=32)}.{n}.",
                   "resourceRecordType": "CNAME",
                   "resourceRecordValue": f"_{digest(n, 'w', n=32)}.mhbtsbpdnt.acm-validations.aws."}
                  for n in names]
    cert = s.add("aws:acm/certificate:Certificate", f"tap-cert-{SUFFIX}", {
        "domainName": domain, "subjectAlternativeNames": [f"www.{domain}"], "validationMethod": "DNS",
        "keyAlgorithm": "RSA_2048"},
        lambda i, r: {"id": arn("acm", "us-east-1", f"certificate/{cert_id}"),
                      "arn": arn("acm", "us-east-1", f"certificate/{cert_id}"),
                      "domainValidationOptions": validation, "status": "ISSUED" if after else "PENDING_VALIDATION",
                      "certificateAuthorityArn": "", "certificateBody": "", "privateKey": "",
                      "validationEmails": []},
        defaults=["keyAlgorithm"])
    cert_arn_ref = Ref(cert, "arn")
    if after:
        records = []
        for i, o in enumerate(validation):
            records.append(s.add("aws:route53/record:Record", f"tap-cert-validation-{i}-{SUFFIX}", {
                "zoneId": Ref(zone, "zoneId"), "name": o["resourceRecordName"], "type": "CNAME",
                "records": [o["resourceRecordValue"]], "ttl": 60, "allowOverwrite": True,
                "_cert": Ref(cert, "domainValidationOptions")},
                lambda i, r: {"fqdn": i["name"].rstrip(".")}, tags=False))
        for e in s.entries[-len(records):]:
            # The record's name and value come from the certificate's domainValidationOptions.
            for sect in ("inputs", "outputs"):
                del e[sect]["_cert"]
            deps = e["propertyDependencies"].pop("_cert")
            e["propertyDependencies"]["name"] = sorted(set(e["propertyDependencies"]["name"]) | set(deps))
            e["propertyDependencies"]["records"] = sorted(set(e["propertyDependencies"]["records"]) | set(deps))
        cv = s.add("aws:acm/certificateValidation:CertificateValidation", f"tap-cert-validation-{SUFFIX}", {
            "certificateArn": Ref(cert, "arn"),
            "validationRecordFqdns": [Ref(r, "fqdn") for r in records]},
            lambda i, r: {"id": "2026-11-20 10:14:02.118 +0000 UTC"}, tags=False)
        cert_arn_ref = Ref(cv, "certificateArn")

    # ---------------------------------------------------------------- WAF (CLOUDFRONT scope)
    waf_logs = s.add("aws:cloudwatch/logGroup:LogGroup", f"aws-waf-logs-tap-{SUFFIX}", {
        "name": f"aws-waf-logs-tap-{SUFFIX}", "retentionInDays": 90, "kmsKeyId": Ref(keys["primary"], "arn"),
        "skipDestroy": False, "logGroupClass": "STANDARD"},
        lambda i, r: {"arn": arn("logs", "us-east-1", f"log-group:aws-waf-logs-tap-{SUFFIX}")},
        defaults=["skipDestroy", "logGroupClass"])

    def managed(name, priority):
        return {"name": name, "priority": priority, "overrideAction": {"none": {}},
                "statement": {"managedRuleGroupStatement": {"vendorName": "AWS", "name": name}},
                "visibilityConfig": {"cloudwatchMetricsEnabled": True, "metricName": name,
                                     "sampledRequestsEnabled": True}}
    acl_id = "a1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    acl = s.add("aws:wafv2/webAcl:WebAcl", f"tap-waf-{SUFFIX}", {
        "name": f"tap-waf-{SUFFIX}", "scope": "CLOUDFRONT", "defaultAction": {"allow": {}},
        "rules": [managed("AWSManagedRulesCommonRuleSet", 1), managed("AWSManagedRulesKnownBadInputsRuleSet", 2),
                  {"name": "RateLimitRule", "priority": 3, "action": {"block": {}},
                   "statement": {"rateBasedStatement": {"limit": 2000, "aggregateKeyType": "IP"}},
                   "visibilityConfig": {"cloudwatchMetricsEnabled": True, "metricName": "RateLimitRule",
                                        "sampledRequestsEnabled": True}}],
        "visibilityConfig": {"cloudwatchMetricsEnabled": True, "metricName": f"tap-waf-{SUFFIX}",
                             "sampledRequestsEnabled": True}},
        lambda i, r: {"id": acl_id, "arn": arn("wafv2", "us-east-1", f"global/webacl/tap-waf-{SUFFIX}/{acl_id}"),
                      "capacity": 1025})
    s.add("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", f"tap-waf-logging-{SUFFIX}", {
        "resourceArn": Ref(acl, "arn"), "logDestinationConfigs": [Ref(waf_logs, "arn")]},
        lambda i, r: {"id": i["resourceArn"]}, tags=False)

    # ---------------------------------------------------------------- CloudFront
    oac = s.add("aws:cloudfront/originAccessControl:OriginAccessControl", f"tap-oac-{SUFFIX}", {
        "name": f"tap-oac-{SUFFIX}", "description": "CloudFront reads the site buckets with SigV4",
        "originAccessControlOriginType": "s3", "signingBehavior": "always", "signingProtocol": "sigv4"},
        lambda i, r: {"id": "E2QWRUHEXAMPL3", "etag": "ETVPDKIKX0DER"}, tags=False)
    headers = s.add("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", f"tap-security-headers-{SUFFIX}", {
        "name": f"tap-security-headers-{SUFFIX}", "securityHeadersConfig": {
            "strictTransportSecurity": {"accessControlMaxAgeSec": 31536000, "includeSubdomains": True,
                                        "preload": True, "override": True},
            "contentTypeOptions": {"override": True},
            "frameOptions": {"frameOption": "DENY", "override": True},
            "referrerPolicy": {"referrerPolicy": "strict-origin-when-cross-origin", "override": True}}},
        lambda i, r: {"id": "67f7725c-6f97-4210-82d7-5512b31e9d03", "etag": "E23ZP02F085DFQ"}, tags=False)
    logging_bucket = Ref(cf_logs, "bucketDomainName") if after else "project-stack-cloudfront-logs.s3.amazonaws.com"
    dist_id = "E1A2B3C4D5E6F7"
    dist = s.add("aws:cloudfront/distribution:Distribution", f"tap-cdn-{SUFFIX}", {
        "enabled": True, "isIpv6Enabled": True, "httpVersion": "http2and3", "priceClass": "PriceClass_100",
        "comment": f"tap-{SUFFIX} static site", "aliases": names, "defaultRootObject": "index.html",
        "webAclId": Ref(acl, "arn"),
        "origins": [{"originId": p, "domainName": Ref(origins[p], "bucketRegionalDomainName"),
                     "originAccessControlId": Ref(oac, "id")} for p in ("primary", "secondary")],
        "originGroups": [{"originId": "site-failover",
                          "failoverCriteria": {"statusCodes": [500, 502, 503, 504]},
                          "members": [{"originId": "primary"}, {"originId": "secondary"}]}],
        "defaultCacheBehavior": {
            "targetOriginId": "site-failover", "viewerProtocolPolicy": "redirect-to-https",
            "allowedMethods": ["GET", "HEAD", "OPTIONS"], "cachedMethods": ["GET", "HEAD"], "compress": True,
            "cachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            "responseHeadersPolicyId": Ref(headers, "id")},
        "customErrorResponses": [{"errorCode": 404, "responseCode": 404, "responsePagePath": "/error.html",
                                  "errorCachingMinTtl": 60},
                                 {"errorCode": 403, "responseCode": 404, "responsePagePath": "/error.html",
                                  "errorCachingMinTtl": 60}],
        "loggingConfig": {"bucket": logging_bucket, "prefix": "cloudfront/", "includeCookies": False},
        "restrictions": {"geoRestriction": {"restrictionType": "none", "locations": []}},
        "viewerCertificate": {"acmCertificateArn": cert_arn_ref, "sslSupportMethod": "sni-only",
                              "minimumProtocolVersion": "TLSv1.2_2021", "cloudfrontDefaultCertificate": False}},
        lambda i, r: {"id": dist_id, "arn": f"arn:aws:cloudfront::{ACCOUNT}:distribution/{dist_id}",
                      "domainName": "d1a2b3c4d5e6f7.cloudfront.net", "hostedZoneId": CLOUDFRONT_ZONE,
                      "status": "Deployed", "etag": "E3UN6WX5RRO2AG"})

    # Each origin bucket lets this distribution (and nothing else) read it, over TLS only.
    for p in ("primary", "secondary"):
        b = origins[p]
        s.add("aws:s3/bucketPolicy:BucketPolicy", f"tap-{p}-site-{SUFFIX}-policy", {"bucket": Ref(b, "id"), "policy": Json({
            "Version": "2012-10-17", "Statement": [
                {"Sid": "AllowCloudFrontServicePrincipal", "Effect": "Allow",
                 "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
                 "Resource": Fmt("{}/*", Ref(b, "arn")),
                 "Condition": {"StringEquals": {"AWS:SourceArn": Ref(dist, "arn")}}},
                deny_insecure(b)]})}, provider=p, tags=False)

    for rec, (n, t) in enumerate([(domain, "A"), (domain, "AAAA"), (f"www.{domain}", "A"), (f"www.{domain}", "AAAA")]):
        s.add("aws:route53/record:Record", f"tap-{'www' if n.startswith('www') else 'apex'}-{t.lower()}-{SUFFIX}", {
            "zoneId": Ref(zone, "zoneId"), "name": n, "type": t,
            "aliases": [{"name": Ref(dist, "domainName"), "zoneId": Ref(dist, "hostedZoneId"),
                         "evaluateTargetHealth": False}]},
            lambda i, r: {"fqdn": i["name"]}, tags=False)

    # The CloudFront role of tap_stack.py: reads the site objects.
    role = s.add("aws:iam/role:Role", f"tap-cloudfront-role-{SUFFIX}", {
        "name": f"tap-cloudfront-role-{SUFFIX}",
        "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "sts:AssumeRole"}]}, separators=(",", ":")),
        "forceDetachPolicies": False, "maxSessionDuration": 3600, "path": "/"},
        lambda i, r: {"arn": f"arn:aws:iam::{ACCOUNT}:role/{i['name']}", "id": i["name"],
                      "managedPolicyArns": [], "uniqueId": "AROA3XFRBF23EXAMPLE1",
                      "inlinePolicies": [{"name": f"tap-cloudfront-s3-{SUFFIX}", "policy": ""}]},
        defaults=["forceDetachPolicies", "maxSessionDuration", "path"])
    s.add("aws:iam/rolePolicy:RolePolicy", f"tap-cloudfront-s3-{SUFFIX}", {
        "name": f"tap-cloudfront-s3-{SUFFIX}", "role": Ref(role, "id"), "policy": Json({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "s3:GetObject",
                "Resource": [Fmt("{}/*", Ref(origins[p], "arn")) for p in ("primary", "secondary")]}]})},
        lambda i, r: {"id": f"{i['role']}:{i['name']}"}, tags=False)
    # The read-back inline policy of the role is the RolePolicy's document.
    role_entry = next(e for e in s.entries if e["urn"] == role.urn)
    role_entry["outputs"]["inlinePolicies"][0]["policy"] = s.entries[-1]["outputs"]["policy"]

    # ---------------------------------------------------------------- monitoring
    topic = None
    if after:
        topic = s.add("aws:sns/topic:Topic", f"tap-alerts-{SUFFIX}", {
            "name": f"tap-alerts-{SUFFIX}", "kmsMasterKeyId": Ref(keys["primary"], "arn")},
            lambda i, r: {"arn": arn("sns", "us-east-1", i["name"]), "id": arn("sns", "us-east-1", i["name"]),
                          "policy": ""})
        s.add("aws:sns/topicSubscription:TopicSubscription", f"tap-alerts-email-{SUFFIX}", {
            "topic": Ref(topic, "arn"), "protocol": "email", "endpoint": "web-oncall@acme-media.net"},
            lambda i, r: {"id": f"{i['topic']}:5f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"}, tags=False)
    actions = [Ref(topic, "arn")] if topic else []

    def alarm(name, namespace, metric, dims, threshold, op, stat="Average", period=300):
        s.add("aws:cloudwatch/metricAlarm:MetricAlarm", name, {
            "name": name, "namespace": namespace, "metricName": metric, "dimensions": dims,
            "statistic": stat, "period": period, "evaluationPeriods": 2, "threshold": threshold,
            "comparisonOperator": op, "treatMissingData": "notBreaching", "actionsEnabled": True,
            "alarmActions": actions},
            lambda i, r: {"arn": arn("cloudwatch", "us-east-1", f"alarm:{name}")})
    alarm(f"tap-cloudfront-5xx-{SUFFIX}", "AWS/CloudFront", "5xxErrorRate",
          {"DistributionId": Ref(dist, "id"), "Region": "Global"}, 5, "GreaterThanThreshold")
    alarm(f"tap-waf-blocked-{SUFFIX}", "AWS/WAFV2", "BlockedRequests",
          {"WebACL": f"tap-waf-{SUFFIX}", "Region": "Global", "Rule": "ALL"}, 500, "GreaterThanThreshold", "Sum")
    if after:
        # The review: no alarm on the site's object count.
        alarm(f"tap-primary-objects-{SUFFIX}", "AWS/S3", "NumberOfObjects",
              {"BucketName": Ref(origins["primary"], "id"), "StorageType": "AllStorageTypes"},
              1, "LessThanThreshold", period=86400)

    # ---------------------------------------------------------------- audit (beyond the seed)
    if after:
        trail_bucket = bucket(s, f"tap-audit-{SUFFIX}", "primary")
        bucket_basics(s, trail_bucket, keys["primary"], "primary", log_target=logs["primary"])
        trail_name = f"tap-trail-{SUFFIX}"
        trail_arn = arn("cloudtrail", "us-east-1", f"trail/{trail_name}")
        s.add("aws:s3/bucketPolicy:BucketPolicy", f"tap-audit-{SUFFIX}-policy", {"bucket": Ref(trail_bucket, "id"), "policy": Json({
            "Version": "2012-10-17", "Statement": [
                {"Sid": "CloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:GetBucketAcl", "Resource": Ref(trail_bucket, "arn"),
                 "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}},
                {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:PutObject", "Resource": Fmt("{}/AWSLogs/" + ACCOUNT + "/*", Ref(trail_bucket, "arn")),
                 "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}}},
                deny_insecure(trail_bucket)]})}, tags=False)
        trail_logs = s.add("aws:cloudwatch/logGroup:LogGroup", f"tap-trail-logs-{SUFFIX}", {
            "name": f"/tap-{SUFFIX}/cloudtrail", "retentionInDays": 365, "kmsKeyId": Ref(keys["primary"], "arn"),
            "skipDestroy": False, "logGroupClass": "STANDARD"},
            lambda i, r: {"arn": arn("logs", "us-east-1", f"log-group:/tap-{SUFFIX}/cloudtrail")},
            defaults=["skipDestroy", "logGroupClass"])
        trail_role = s.add("aws:iam/role:Role", f"tap-trail-role-{SUFFIX}", {
            "name": f"tap-trail-role-{SUFFIX}",
            "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}, separators=(",", ":")),
            "forceDetachPolicies": False, "maxSessionDuration": 3600, "path": "/"},
            lambda i, r: {"arn": f"arn:aws:iam::{ACCOUNT}:role/{i['name']}", "id": i["name"],
                          "managedPolicyArns": [], "uniqueId": "AROA3XFRBF23EXAMPLE2",
                          "inlinePolicies": [{"name": f"tap-trail-logs-{SUFFIX}", "policy": ""}]},
            defaults=["forceDetachPolicies", "maxSessionDuration", "path"])
        s.add("aws:iam/rolePolicy:RolePolicy", f"tap-trail-logs-{SUFFIX}", {
            "name": f"tap-trail-logs-{SUFFIX}", "role": Ref(trail_role, "id"), "policy": Json({
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": Fmt("{}:*", Ref(trail_logs, "arn"))}]})},
            lambda i, r: {"id": f"{i['role']}:{i['name']}"}, tags=False)
        role_entry = next(e for e in s.entries if e["urn"] == trail_role.urn)
        role_entry["outputs"]["inlinePolicies"][0]["policy"] = s.entries[-1]["outputs"]["policy"]
        s.add("aws:cloudtrail/trail:Trail", trail_name, {
            "name": trail_name, "s3BucketName": Ref(trail_bucket, "id"), "kmsKeyId": Ref(keys["primary"], "arn"),
            "isMultiRegionTrail": True, "includeGlobalServiceEvents": True, "enableLogFileValidation": True,
            "enableLogging": True, "cloudWatchLogsGroupArn": Fmt("{}:*", Ref(trail_logs, "arn")),
            "cloudWatchLogsRoleArn": Ref(trail_role, "arn")},
            lambda i, r: {"arn": trail_arn, "id": trail_arn, "homeRegion": "us-east-1"})
        s.add("aws:guardduty/detector:Detector", f"tap-guardduty-{SUFFIX}", {
            "enable": True, "findingPublishingFrequency": "FIFTEEN_MINUTES"},
            lambda i, r: {"id": "12abc34d567e8fa901bc2d34e56789f0",
                          "arn": arn("guardduty", "us-east-1", "detector/12abc34d567e8fa901bc2d34e56789f0")})

    outputs = {
        "websiteUrl": f"https://{domain}",
        "cloudfrontDistributionId": dist_id,
        "cloudfrontDomainName": "d1a2b3c4d5e6f7.cloudfront.net",
        "primaryBucketName": origins["primary"].name,
        "secondaryBucketName": origins["secondary"].name,
        "hostedZoneId": "Z08153532QFE7ZP1LT3TB",
    }
    if after:
        # The review: KMS keys, IAM role, certificate, web ACL and log groups were not exported.
        outputs.update({
            "primaryKmsKeyArn": keys["primary"].out["arn"], "secondaryKmsKeyArn": keys["secondary"].out["arn"],
            "cloudfrontRoleArn": role.out["arn"], "certificateArn": cert.out["arn"],
            "webAclArn": acl.out["arn"], "wafLogGroupName": waf_logs.out["name"],
            "alertsTopicArn": topic.out["arn"]})
    return s.export(outputs)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for form in ("before", "after"):
        os.makedirs(os.path.join(here, form), exist_ok=True)
        with open(os.path.join(here, form, "stack.json"), "w") as f:
            json.dump(build(form == "after"), f, indent=4)
            f.write("\n")


if __name__ == "__main__":
    main()
