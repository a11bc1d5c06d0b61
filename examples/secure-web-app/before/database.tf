resource "aws_db_subnet_group" "main" {
  name       = "secure-app-db"
  subnet_ids = aws_subnet.database[*].id
}

data "aws_secretsmanager_random_password" "rds" {
  password_length     = 32
  exclude_punctuation = true
}

# The master password is stored in Secrets Manager, but nothing rotates it.
resource "aws_secretsmanager_secret" "rds_password" {
  name                    = "secure-app/rds-master-password"
  description             = "Master password of main-database"
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
  identifier                      = "main-database"
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
  deletion_protection             = true
  skip_final_snapshot             = false
  final_snapshot_identifier       = "main-database-final"
  copy_tags_to_snapshot           = true
  auto_minor_version_upgrade      = true
  enabled_cloudwatch_logs_exports = ["postgresql"]
  performance_insights_enabled    = true
  performance_insights_kms_key_id = aws_kms_key.master.arn
  lifecycle {
    ignore_changes = [password]
  }
}
