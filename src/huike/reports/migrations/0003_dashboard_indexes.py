"""Indexes for the dashboard and the follow-up report at a million customers (additive only).

- customers by stage: an index-only count per stage (the dashboard's pie);
- due follow-ups: overdue counts per owner without reading the wide customer rows;
- late registrations: the dashboard's newest-first list of a rare flag, without scanning every customer.
"""
from django.db import migrations

DUE_COLUMNS = "owner_id, stage, next_followup_reason"


def create(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    due = (f"(next_followup_at) INCLUDE ({DUE_COLUMNS})" if postgres else f"(next_followup_at, {DUE_COLUMNS})")
    for sql in (
        "CREATE INDEX IF NOT EXISTS reports_customer_stage ON customers_customer (stage) WHERE deleted_at IS NULL",
        f"CREATE INDEX IF NOT EXISTS reports_customer_due ON customers_customer {due} WHERE deleted_at IS NULL",
        "CREATE INDEX IF NOT EXISTS reports_customer_late ON customers_customer (created_at) "
        "WHERE registered_late AND deleted_at IS NULL",
    ):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for name in ("reports_customer_stage", "reports_customer_due", "reports_customer_late"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_customer_facts")]
    operations = [migrations.RunPython(create, drop)]
