"""The facts mirror and its day rollup can be paused by a bulk writer in its own transaction, which then
syncs the facts in three set-based statements (facts.mirror_paused): the triggers gain the condition."""
from django.db import migrations


def triggers(apps, schema_editor):
    from huike.reports import facts, rollup

    facts.drop_triggers(schema_editor.connection)
    facts.create_triggers(schema_editor.connection)
    rollup.create_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0008_fact_binned_index"),
    ]

    operations = [
        migrations.RunPython(triggers, migrations.RunPython.noop),
    ]
