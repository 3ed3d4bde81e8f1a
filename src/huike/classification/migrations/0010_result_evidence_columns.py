"""A classification result's evidence becomes typed columns instead of a JSON document (ADR 0028).

Each stored document is read into the new columns (a key it lacks gives the column's default), then the
document's column is dropped. The columns are added by one statement per table (PostgreSQL) or by
`ALTER TABLE … ADD COLUMN` (SQLite) rather than Django's AddField, which on SQLite rebuilds the table once
per field with a default: twenty rebuilds of a million-row table. The reverse writes the documents back.
"""
import django.db.models.deletion
from django.db import migrations, models

T = "classification_result"
FEATURES = (("amt_annual", "bigint"), ("cnt_annual", "integer"), ("amt_class", "bigint"), ("amt_tier", "bigint"),
            ("amt_recent", "bigint"), ("amt_before_recent", "bigint"), ("cnt_growth", "integer"),
            ("cnt_growth_prev", "integer"), ("orders_ever", "integer"), ("last_order", "integer"),
            ("first_coop", "integer"), ("complaints_annual", "integer"), ("nonrenewed_streak", "integer"),
            ("core_business", "boolean"), ("proactive", "boolean"), ("new_demand", "boolean"))
# (column, PostgreSQL type, SQLite type, default as SQL, the document's key)
OTHERS = (("run_id", "bigint", "bigint", None, "run"), ("threshold_set", "integer", "integer", "0", "thresholds"),
          ("stage_since", "date", "date", None, "stage_since"),
          ("value_tier", "varchar(10)", "varchar(10)", "''", "value_tier"),
          ("value_class", "varchar(10)", "varchar(10)", "''", "value_class"),
          ("value_class_pending", "boolean", "bool", "false", "value_class_pending"),
          ("relationship_type", "varchar(15)", "varchar(15)", "''", "relationship_type"))
FIELDS = {
    **{name: models.BigIntegerField(default=0) if kind == "bigint" else
       models.BooleanField(default=False) if kind == "boolean" else models.IntegerField(default=0)
       for name, kind in FEATURES},
    "threshold_set": models.IntegerField(default=0),
    "stage_since": models.DateField(null=True),
    "value_tier": models.CharField(blank=True, max_length=10),
    "value_class": models.CharField(blank=True, max_length=10),
    "value_class_pending": models.BooleanField(default=False),
    "relationship_type": models.CharField(blank=True, max_length=15),
}


def _columns(postgres: bool) -> list[str]:
    out = []
    for name, pg, lite, default, _key in OTHERS:
        out.append(f"{name} {pg if postgres else lite}" + (f" NOT NULL DEFAULT {default}" if default else " NULL"))
    for name, kind in FEATURES:
        sqlite_kind = "bool" if kind == "boolean" else kind
        default = ("false" if postgres else "0") if kind == "boolean" else "0"
        out.append(f"{name} {kind if postgres else sqlite_kind} NOT NULL DEFAULT {default}")
    return out


def to_columns(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cur:
        if postgres:
            cur.execute(f"ALTER TABLE {T} " + ", ".join(f"ADD COLUMN {c}" for c in _columns(True)))
            features = ", ".join(f"{n} {'text' if k == 'boolean' else k}" for n, k in FEATURES)
            sets = ", ".join([
                "run_id = d.run", "threshold_set = COALESCE(d.thresholds, 0)",
                "classified_on = COALESCE(r.classified_on, d.as_of::date)", "stage_since = d.stage_since::date",
                *(f"{c} = COALESCE(d.{c}, '')" for c in ("value_tier", "value_class", "relationship_type")),
                "value_class_pending = COALESCE(d.value_class_pending, false)",
                *(f"{n} = COALESCE(f.{n} IN ('1', 'true'), false)" if k == "boolean" else f"{n} = COALESCE(f.{n}, 0)"
                  for n, k in FEATURES)])
            # each document parsed once (json_to_record), not once per key
            cur.execute(
                f"UPDATE {T} AS r SET {sets} FROM {T} AS s "
                "CROSS JOIN LATERAL json_to_record(s.evidence) AS d(run bigint, thresholds integer, as_of text, "
                "stage_since text, value_tier text, value_class text, value_class_pending boolean, "
                "relationship_type text, features json) "
                f"LEFT JOIN LATERAL json_to_record(d.features) AS f({features}) ON true "
                "WHERE r.customer_id = s.customer_id")
            cur.execute(f"ALTER TABLE {T} " + ", ".join(
                [*(f"ALTER COLUMN {c[0]} DROP DEFAULT" for c in OTHERS if c[3]),
                 *(f"ALTER COLUMN {n} DROP DEFAULT" for n, _k in FEATURES), "DROP COLUMN evidence"]))
            return
        for column in _columns(False):
            cur.execute(f"ALTER TABLE {T} ADD COLUMN {column}")

        def key(path):
            return f"json_extract(evidence, '$.{path}')"
        sets = ", ".join([
            f"run_id = {key('run')}", f"threshold_set = COALESCE({key('thresholds')}, 0)",
            f"classified_on = COALESCE(classified_on, {key('as_of')})", f"stage_since = {key('stage_since')}",
            *(f"{c} = COALESCE({key(c)}, '')" for c in ("value_tier", "value_class", "relationship_type")),
            f"value_class_pending = COALESCE({key('value_class_pending')}, 0)",
            *(f"{n} = CASE WHEN {key('features.' + n)} THEN 1 ELSE 0 END" if k == "boolean" else
              f"{n} = COALESCE({key('features.' + n)}, 0)" for n, k in FEATURES)])
        cur.execute(f"UPDATE {T} SET {sets}")
        cur.execute(f"ALTER TABLE {T} DROP COLUMN evidence")


def to_document(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    obj = "json_build_object" if postgres else "json_object"

    def flag(n):
        return f"CASE WHEN {n} THEN 1 ELSE 0 END"
    features = ", ".join(f"'{n}', {flag(n) if k == 'boolean' else n}" for n, k in FEATURES)
    pending = "value_class_pending" if postgres else "json(CASE WHEN value_class_pending THEN 'true' ELSE 'false' END)"
    rfm = (f"CASE WHEN rfm_r IS NULL THEN NULL ELSE {'json_build_array' if postgres else 'json_array'}"
           "(rfm_r, rfm_f, rfm_m) END")
    document = (f"{obj}('run', run_id, 'thresholds', threshold_set, 'as_of', classified_on, "
                f"'stage_since', stage_since, 'features', {obj}({features}), 'value_tier', NULLIF(value_tier, ''), "
                f"'value_class', value_class, 'value_class_pending', {pending}, "
                f"'relationship_type', relationship_type, 'rfm', {rfm}, 'segment', segment)")
    dropped = [c[0] for c in OTHERS] + [n for n, _k in FEATURES]
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"ALTER TABLE {T} ADD COLUMN evidence {'json' if postgres else 'text'} NOT NULL DEFAULT '{{}}'")
        cur.execute(f"UPDATE {T} SET evidence = {document}")
        if postgres:
            cur.execute(f"ALTER TABLE {T} ALTER COLUMN evidence DROP DEFAULT, "
                        + ", ".join(f"DROP COLUMN {c}" for c in dropped))
        else:
            for c in dropped:
                cur.execute(f"ALTER TABLE {T} DROP COLUMN {c}")


class Migration(migrations.Migration):

    dependencies = [
        ('classification', '0009_history_row_per_run'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(to_columns, to_document)],
            state_operations=[
                migrations.RemoveField(model_name='result', name='evidence'),
                migrations.AddField(model_name='result', name='run', field=models.ForeignKey(
                    db_constraint=False, db_index=False, null=True,
                    on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='classification.run')),
                *(migrations.AddField(model_name='result', name=name, field=field) for name, field in FIELDS.items()),
            ],
        ),
    ]
