"""Customer columns copied into the facts (owner, stage, intent, dates, tier, churn reason), kept by a trigger
on customers, so the funnel, follow-up and health reports read the narrow facts alone (issue 6 speed)."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def triggers_and_rows(apps, schema_editor):
    from huike.reports import facts

    facts.drop_triggers(schema_editor.connection)
    facts.create_triggers(schema_editor.connection)
    facts.rebuild_rows(schema_editor.connection)  # the rollup of 0006 does not exist yet


def old_triggers(apps, schema_editor):
    from huike.reports import facts

    facts.drop_triggers(schema_editor.connection)


BOOK = ("owner_id, stage, intent, reached, first_contact_at, first_followup_at, potential_days, potential_stays, "
        "intent_days, intent_stays, closed_days, closed_stays, lost_days, lost_stays")
HEALTH = "created_at, stage, stage_changed_at, value_tier, lost_reason"


def indexes(apps, schema_editor):
    """The facts of a period's new customers, and of an owner's book, each read from its index alone."""
    if schema_editor.connection.vendor == "postgresql":
        statements = [f"CREATE INDEX IF NOT EXISTS reports_fact_book ON reports_customerfact (created_at) "
                      f"INCLUDE ({BOOK}) WHERE deleted_at IS NULL",
                      f"CREATE INDEX IF NOT EXISTS reports_fact_health ON reports_customerfact (owner_id) "
                      f"INCLUDE ({HEALTH}) WHERE deleted_at IS NULL"]
    else:
        statements = ["CREATE INDEX IF NOT EXISTS reports_fact_book ON reports_customerfact (created_at, owner_id) "
                      "WHERE deleted_at IS NULL"]
    for sql in statements:
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    for name in ("reports_fact_book", "reports_fact_health"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_dashboard_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # A database made before this release has the facts triggers of 0002; SQLite rebuilds a table to add
        # columns and refuses while triggers name it, so they go first (and come back, new, at the end).
        migrations.RunPython(old_triggers, migrations.RunPython.noop),
        migrations.AddField(
            model_name='customerfact',
            name='created_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='customerfact',
            name='deleted_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='customerfact',
            name='first_contact_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='customerfact',
            name='intent',
            field=models.CharField(blank=True, max_length=10),
        ),
        migrations.AddField(
            model_name='customerfact',
            name='lost_reason',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name='customerfact',
            name='owner',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='customerfact',
            name='stage',
            field=models.CharField(blank=True, max_length=10),
        ),
        migrations.AddField(
            model_name='customerfact',
            name='stage_changed_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='customerfact',
            name='value_tier',
            field=models.CharField(blank=True, max_length=10),
        ),
        migrations.RunPython(triggers_and_rows, old_triggers),
        migrations.RunPython(indexes, drop_indexes),
    ]
