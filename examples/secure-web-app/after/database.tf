resource "aws_db_subnet_group" "main" {
  name       = "${local.name}-db"
  subnet_ids = aws_subnet.database[*].id
}

# The master password: generated once, kept in Secrets Manager under the stack's key,
# rotated every 30 days by the rotation function below.
data "aws_secretsmanager_random_password" "rds" {
  password_length     = 32
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "rds_password" {
  name                    = "${local.name}/rds-master-password"
  description             = "Master password of ${local.name}-db"
  kms_key_id              = aws_kms_key.master.arn
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "rds_password" {
  secret_id = aws_secretsmanager_secret.rds_password.id
  secret_string = jsonencode({
    engine   = "postgres"
    username = "app_admin"
    password = data.aws_secretsmanager_random_password.rds.random_password
    dbname   = "app"
    port     = 5432
  })
  lifecycle {
    ignore_changes = [secret_string]
  }
}

resource "aws_db_instance" "main" {
  identifier                      = "${local.name}-db"
  engine                          = "postgres"
  engine_version                  = "16.4"
  instance_class                  = "db.t3.medium"
  allocated_storage               = 50
  max_allocated_storage           = 200
  db_name                         = "app"
  username                        = "app_admin"
  password                        = data.aws_secretsmanager_random_password.rds.random_password
  db_subnet_group_name            = aws_db_subnet_group.main.name
  vpc_security_group_ids          = [aws_security_group.db.id]
  publicly_accessible             = false
  multi_az                        = true
  storage_encrypted               = true
  kms_key_id                      = aws_kms_key.master.arn
  backup_retention_period         = 14
  deletion_protection             = var.enable_deletion_protection
  skip_final_snapshot             = false
  final_snapshot_identifier       = "${local.name}-db-final"
  copy_tags_to_snapshot           = true
  auto_minor_version_upgrade      = true
  enabled_cloudwatch_logs_exports = ["postgresql"]
  performance_insights_enabled    = true
  performance_insights_kms_key_id = aws_kms_key.master.arn
  lifecycle {
    ignore_changes = [password]
  }
}

# ---------------------------------------------------------------- rotation
# The single-user PostgreSQL rotation function of the Secrets Manager rotation templates,
# packaged by the deploy pipeline into rotation/postgres-single-user.zip.

resource "aws_iam_role" "rotation" {
  name = "${local.name}-rotation"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "rotation" {
  name = "${local.name}-rotation"
  role = aws_iam_role.rotation.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"]
        Resource = aws_secretsmanager_secret.rds_password.arn
      },
      {
        Effect   = "Allow"
        Action   = "secretsmanager:GetRandomPassword"
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.master.arn
      },
      {
        Effect   = "Allow"
        Action   = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"]
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.rotation.arn}:*"
      },
      {
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      }
    ]
  })
}

resource "aws_cloudwatch_log_group" "rotation" {
  name              = "/aws/lambda/${local.name}-rotate-rds-password"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.master.arn
}

resource "aws_lambda_function" "rotate_rds_password" {
  function_name = "${local.name}-rotate-rds-password"
  role          = aws_iam_role.rotation.arn
  handler       = "lambda_function.lambda_handler"
  runtime       = "python3.12"
  timeout       = 30
  filename      = "${path.module}/rotation/postgres-single-user.zip"
  kms_key_arn   = aws_kms_key.master.arn
  environment {
    variables = {
      SECRETS_MANAGER_ENDPOINT = "https://secretsmanager.${var.aws_region}.amazonaws.com"
    }
  }
  vpc_config {
    subnet_ids         = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.rotation.id]
  }
  tracing_config {
    mode = "Active"
  }
  depends_on = [aws_cloudwatch_log_group.rotation]
}

resource "aws_lambda_permission" "secretsmanager" {
  statement_id   = "AllowSecretsManager"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.rotate_rds_password.function_name
  principal      = "secretsmanager.amazonaws.com"
  source_arn     = aws_secretsmanager_secret.rds_password.arn
  source_account = data.aws_caller_identity.current.account_id
}

resource "aws_secretsmanager_secret_rotation" "rds_password" {
  secret_id           = aws_secretsmanager_secret.rds_password.id
  rotation_lambda_arn = aws_lambda_function.rotate_rds_password.arn
  rotation_rules {
    automatically_after_days = 30
  }
  depends_on = [aws_lambda_permission.secretsmanager]
}
