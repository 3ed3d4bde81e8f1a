"""The classification history keeps one row per customer and run, each dimension's before and after in it,
instead of one row per dimension (ADR 0027).

The rows one run (or one reclassification) wrote for a customer share its customer, as-of date, run and
creation time: they become the first of them (its id kept, so the automation's cursor over the ids still
holds). A dimension the run did not move keeps empty before and after values; the row's status and decision
are its value class change's, or "applied" where the value class did not move.
"""
from django.db import migrations, models

DIMENSIONS = ("value_tier", "value_class", "relationship_type")
T = "classification_change"


def merge_rows(apps, schema_editor):
    picks = ", ".join(f"MAX(CASE WHEN dimension = '{d}' THEN {side}_value END) AS {d}_{side}"
                      for d in DIMENSIONS for side in ("from", "to"))
    klass = ", ".join(f"MAX(CASE WHEN dimension = 'value_class' THEN {c} END) AS class_{c}"
                      for c in ("status", "decided_by_id", "decided_at"))
    sets = ", ".join([*(f"{d}_{side} = COALESCE(g.{d}_{side}, '')" for d in DIMENSIONS for side in ("from", "to")),
                      "status = COALESCE(g.class_status, 'applied')", "decided_by_id = g.class_decided_by_id",
                      "decided_at = g.class_decided_at"])
    with schema_editor.connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE classification_change_merge AS "
                    f"SELECT MIN(id) AS keep, {picks}, {klass} FROM {T} "
                    "GROUP BY customer_id, as_of, run_id, created_at")
        cur.execute(f"UPDATE {T} AS c SET {sets} FROM classification_change_merge AS g WHERE c.id = g.keep")
        cur.execute(f"DELETE FROM {T} WHERE id NOT IN (SELECT keep FROM classification_change_merge)")
        cur.execute("DROP TABLE classification_change_merge")


class Migration(migrations.Migration):

    dependencies = [
        ('classification', '0008_history_decider_unconstrained'),
    ]

    operations = [
        *(migrations.AddField(model_name='change', name=f'{d}_{side}',
                              field=models.CharField(blank=True, max_length=15 if d == 'relationship_type' else 10,
                                                     default=''), preserve_default=False)
          for d in DIMENSIONS for side in ('from', 'to')),
        migrations.RunPython(merge_rows, migrations.RunPython.noop, elidable=False),
        migrations.RemoveIndex(model_name='change', name='classificat_dimensi_aff16a_idx'),
        migrations.RemoveField(model_name='change', name='dimension'),
        migrations.RemoveField(model_name='change', name='from_value'),
        migrations.RemoveField(model_name='change', name='to_value'),
        migrations.AddIndex(model_name='change', index=models.Index(fields=['as_of'], name='classification_change_as_of')),
    ]
