"""A history row keeps the evidence of its change (R-5.6): the rules' inputs and the threshold set of its run,
as typed columns (ADR 0028), instead of a JSON document that only named the run (the run is `run_id`).

The rows already written keep no inputs: their threshold set is NULL ("recorded before the history kept its
evidence"). The columns are added by plain `ALTER TABLE … ADD COLUMN`, as in 0010 (Django's AddField
rebuilds a SQLite table once per field with a default). The reverse writes `{"run": …}` documents back.
"""
from django.db import migrations, models

T = "classification_change"
FEATURES = (("amt_annual", "bigint"), ("cnt_annual", "integer"), ("amt_class", "bigint"), ("amt_tier", "bigint"),
            ("amt_recent", "bigint"), ("amt_before_recent", "bigint"), ("cnt_growth", "integer"),
            ("cnt_growth_prev", "integer"), ("orders_ever", "integer"), ("last_order", "integer"),
            ("first_coop", "integer"), ("complaints_annual", "integer"), ("nonrenewed_streak", "integer"),
            ("core_business", "boolean"), ("proactive", "boolean"), ("new_demand", "boolean"))


def _columns(postgres: bool) -> list[str]:
    out = ["threshold_set integer NULL", "stage_since date NULL"]
    for name, kind in FEATURES:
        if kind == "boolean":
            out.append(f"{name} {'boolean' if postgres else 'bool'} NOT NULL DEFAULT {'false' if postgres else '0'}")
        else:
            out.append(f"{name} {kind} NOT NULL DEFAULT 0")
    return out


def add_columns(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cur:
        if postgres:
            cur.execute(f"ALTER TABLE {T} " + ", ".join(f"ADD COLUMN {c}" for c in _columns(True)))
            cur.execute(f"ALTER TABLE {T} " + ", ".join([*(f"ALTER COLUMN {n} DROP DEFAULT" for n, _k in FEATURES),
                                                        "DROP COLUMN evidence"]))
            return
        for column in _columns(False):
            cur.execute(f"ALTER TABLE {T} ADD COLUMN {column}")
        cur.execute(f"ALTER TABLE {T} DROP COLUMN evidence")


def drop_columns(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    dropped = ["threshold_set", "stage_since", *(n for n, _k in FEATURES)]
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"ALTER TABLE {T} ADD COLUMN evidence {'jsonb' if postgres else 'text'} NOT NULL DEFAULT '{{}}'")
        cur.execute(f"UPDATE {T} SET evidence = {'json_build_object' if postgres else 'json_object'}('run', run_id)")
        if postgres:
            cur.execute(f"ALTER TABLE {T} ALTER COLUMN evidence DROP DEFAULT, "
                        + ", ".join(f"DROP COLUMN {c}" for c in dropped))
        else:
            for c in dropped:
                cur.execute(f"ALTER TABLE {T} DROP COLUMN {c}")


def _field(kind: str):
    if kind == "bigint":
        return models.BigIntegerField(default=0)
    return models.BooleanField(default=False) if kind == "boolean" else models.IntegerField(default=0)


class Migration(migrations.Migration):

    dependencies = [
        ('classification', '0010_result_evidence_columns'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
            state_operations=[
                migrations.RemoveField(model_name='change', name='evidence'),
                migrations.AddField(model_name='change', name='threshold_set', field=models.IntegerField(null=True)),
                migrations.AddField(model_name='change', name='stage_since', field=models.DateField(null=True)),
                *(migrations.AddField(model_name='change', name=name, field=_field(kind)) for name, kind in FEATURES),
            ],
        ),
    ]
