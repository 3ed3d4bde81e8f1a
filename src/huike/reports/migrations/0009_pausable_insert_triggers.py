"""The insert triggers of the kept tables (and SQLite's search index) can be paused for one transaction
while a batch of new customers is inserted and then caught up set-based (reports/paused.py)."""
from django.db import migrations


def forwards(apps, schema_editor):
    from huike.reports import due, facts, paused, rollup, stages

    connection = schema_editor.connection
    paused.ensure_pause_table(connection)
    for module in (facts, stages, due, rollup):
        module.drop_triggers(connection)
        module.create_triggers(connection)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(paused.FTS_TRIGGER_DROP)
            cur.execute(paused.fts_trigger())


def backwards(apps, schema_editor):
    from huike.reports import paused

    connection = schema_editor.connection
    if connection.vendor == "sqlite":  # the search-index trigger as 0004 made it; the pause table stays
        with connection.cursor() as cur:
            cur.execute(paused.FTS_TRIGGER_DROP)
            cur.execute(paused.fts_trigger(when=False))


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0008_fact_binned_index'),
        ('customers', '0009_industry_stage_name_order'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
