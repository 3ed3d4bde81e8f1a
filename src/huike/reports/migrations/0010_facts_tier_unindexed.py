"""The facts table's copy of the value tier leaves its indexes, and PostgreSQL keeps half of each new page of it
free (ADR 0024): a classification run that moves a million tiers then rewrites each facts row on its own
page (a heap-only tuple: no index entry written). The facts UPDATE of a first run at 1,000,000 customers
took 20-22 s, writing an entry in each of the table's indexes per row.

- reports_fact_health (owner, INCLUDE created_at, stage, stage_changed_at, value_tier, lost_reason) goes:
  since the day rollup (0006) no query reads it. The health report at 1M customers took the same time
  without it, for the admin (223-240 ms) and for a rep (97-116 ms).
- reports_fact_lost keeps the lost customers' owner, creation time and reason, less the tier; the count of
  high-value losses reads the rows (same timings as above).
SQLite never had the first, and its lost index holds no tier.
"""
from django.db import migrations

LOST = ("CREATE INDEX IF NOT EXISTS reports_fact_lost ON reports_customerfact (stage_changed_at) INCLUDE ({}) "
        "WHERE stage = 'lost' AND deleted_at IS NULL")
HEALTH = ("CREATE INDEX IF NOT EXISTS reports_fact_health ON reports_customerfact (owner_id) "
          "INCLUDE (created_at, stage, stage_changed_at, value_tier, lost_reason) WHERE deleted_at IS NULL")
FILLFACTOR = 50


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in ("DROP INDEX IF EXISTS reports_fact_health", "DROP INDEX IF EXISTS reports_fact_lost",
                LOST.format("owner_id, created_at, lost_reason"),
                f"ALTER TABLE reports_customerfact SET (fillfactor = {FILLFACTOR})"):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in ("DROP INDEX IF EXISTS reports_fact_lost", LOST.format("owner_id, created_at, value_tier, lost_reason"),
                HEALTH, "ALTER TABLE reports_customerfact RESET (fillfactor)"):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0009_pausable_insert_triggers"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
