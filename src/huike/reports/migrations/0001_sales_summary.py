"""The sales summary table, its triggers, and indexes the reports read through (additive only)."""
from django.db import migrations, models


def forwards(apps, schema_editor):
    from huike.reports import summary

    summary.create_triggers(schema_editor.connection)
    summary.rebuild(schema_editor.connection)


def backwards(apps, schema_editor):
    from huike.reports import summary

    summary.drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("customers", "0001_initial"),
        ("transactions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OwnerDaySales",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("owner_id", models.BigIntegerField()),
                ("day", models.DateField()),
                ("amount", models.DecimalField(decimal_places=2, default=0, max_digits=18)),
                ("orders", models.IntegerField(default=0)),
            ],
            options={
                "indexes": [models.Index(fields=["day", "owner_id"], name="reports_day_owner_idx")],
                "constraints": [models.UniqueConstraint(fields=("owner_id", "day"), name="reports_owner_day_unique")],
            },
        ),
        migrations.RunPython(forwards, backwards),
        # Funnel moves by stage and time (closed customers per period), and the funnel's per-customer probes.
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_stagechange_to_at ON customers_stagechange (to_stage, at)",
            "DROP INDEX IF EXISTS reports_stagechange_to_at"),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_stagechange_cust_to ON customers_stagechange (customer_id, to_stage)",
            "DROP INDEX IF EXISTS reports_stagechange_cust_to"),
        # Live customers' owners without touching the wide customer rows (joins from moves, orders, tickets).
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_customer_live_owner ON customers_customer (id, owner_id) "
            "WHERE deleted_at IS NULL",
            "DROP INDEX IF EXISTS reports_customer_live_owner"),
    ]
