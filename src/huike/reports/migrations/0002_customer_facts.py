"""Per-customer funnel and follow-up facts kept by triggers, and a covering index for the book reports."""
from django.db import migrations, models


def forwards(apps, schema_editor):
    """Nothing here any more: the triggers and rows come from facts.py, whose current shape needs the columns
    of 0004, so 0004 creates them (a database that ran this step before gets them replaced by 0004)."""


def backwards(apps, schema_editor):
    from huike.reports import facts

    facts.drop_triggers(schema_editor.connection)


BOOK_COLUMNS = ("id, owner_id, stage, intent, source, industry, province, value_tier, value_class, "
                "relationship_type, first_contact_at, stage_changed_at, lost_reason")


def book_index(apps, schema_editor):
    """Customers by creation time with the columns the book reports group by: an index-only scan."""
    if schema_editor.connection.vendor == "postgresql":
        sql = (f"CREATE INDEX IF NOT EXISTS reports_customer_book ON customers_customer (created_at) "
               f"INCLUDE ({BOOK_COLUMNS}) WHERE deleted_at IS NULL")
    else:
        sql = (f"CREATE INDEX IF NOT EXISTS reports_customer_book ON customers_customer (created_at, {BOOK_COLUMNS}) "
               "WHERE deleted_at IS NULL")
    schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_sales_summary"),
        ("followups", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerFact",
            fields=[
                ("customer_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("reached", models.SmallIntegerField(default=0)),
                ("potential_days", models.FloatField(null=True)),
                ("potential_stays", models.IntegerField(default=0)),
                ("intent_days", models.FloatField(null=True)),
                ("intent_stays", models.IntegerField(default=0)),
                ("closed_days", models.FloatField(null=True)),
                ("closed_stays", models.IntegerField(default=0)),
                ("lost_days", models.FloatField(null=True)),
                ("lost_stays", models.IntegerField(default=0)),
                ("first_followup_at", models.DateTimeField(null=True)),
            ],
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(book_index, migrations.RunPython.noop),
    ]
