"""The customer table drops the indexes no query uses (ADR 0021): every insert and every update of an indexed
column wrote each of them.

- code: unique through a named constraint instead of unique=True, which on PostgreSQL also built a second,
  pattern-matching (varchar_pattern_ops) index for `LIKE 'x%'`, a lookup nothing makes. The unique index
  itself stays (the import's duplicate check and the code sort use it); PostgreSQL's constraint is renamed,
  not rebuilt. SQLite keeps its table's own unique index as it is.
- name_key: its plain index stays (the duplicate scan looks repeated names up by it), now named in Meta.indexes
  instead of db_index=True, which on PostgreSQL also built a pattern-matching twin no query needs (the similar
  name check's OR with a `contains` arm can use no b-tree). PostgreSQL renames the index; SQLite, which cannot
  rename one, builds it anew under the new name.
- created_at, next_followup_at: the live customers' indexes leading with them (customer_live_list,
  reports_customer_book; reports_customer_due) answer every query, all of which are over live customers.
- owner: (owner, next_followup_at) and customer_live_owner_search lead with it.
- created_by: no query reads it; deleting a user (SET_NULL) scans the table once instead.

The state takes Django's operations; the database takes plain DROP INDEX statements, because on SQLite Django
would alter these fields by rebuilding the table, which drops the search and report triggers (as 0006 says).
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "customers_customer"
# The names Django gave these indexes (the same on both databases): (index, column); PostgreSQL's `_like`
# twin of a unique or indexed CharField as well.
DROPPED = [
    ("customers_customer_created_at_b0f7c38c", "created_at"),
    ("customers_customer_next_followup_at_b54e4462", "next_followup_at"),
    ("customers_customer_owner_id_fbb2798e", "owner_id"),
    ("customers_customer_created_by_id_e3e9e010", "created_by_id"),
]
CODE_LIKE = "customers_customer_code_f5e1b9fb_like"
CODE_UNIQUE = "customer_code_unique"
CODE_UNIQUE_BEFORE = "customers_customer_code_key"  # PostgreSQL's name for the column's UNIQUE
NAME_KEY_LIKE = "customers_customer_name_key_30a19185_like"
NAME_KEY_BEFORE = "customers_customer_name_key_30a19185"
NAME_KEY = "customer_name_key"


def _code_unique_name(cursor) -> str | None:
    """The name of PostgreSQL's unique constraint on (code) alone, whatever it was called."""
    cursor.execute(
        "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid "
        "AND a.attnum = c.conkey[1] WHERE c.conrelid = %s::regclass AND c.contype = 'u' "
        "AND array_length(c.conkey, 1) = 1 AND a.attname = 'code'", [TABLE])
    row = cursor.fetchone()
    return row[0] if row else None


def _rename_index(schema_editor, old: str, new: str, column: str) -> None:
    qn = schema_editor.quote_name
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX IF EXISTS {qn(old)} RENAME TO {qn(new)}")
    else:
        schema_editor.execute(f"DROP INDEX IF EXISTS {qn(old)}")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {qn(new)} ON {qn(TABLE)} ({qn(column)})")


def _refresh_sqlite_statistics(schema_editor, index: str) -> None:
    """A database whose planner statistics were gathered gets them for the rebuilt index too (as 0007)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute(f"ANALYZE {schema_editor.quote_name(index)}")


def forwards(apps, schema_editor):
    qn = schema_editor.quote_name
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"DROP INDEX IF EXISTS {qn(CODE_LIKE)}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {qn(NAME_KEY_LIKE)}")
        with schema_editor.connection.cursor() as cursor:
            name = _code_unique_name(cursor)
        if name and name != CODE_UNIQUE:
            schema_editor.execute(f"ALTER TABLE {qn(TABLE)} RENAME CONSTRAINT {qn(name)} TO {qn(CODE_UNIQUE)}")
    for index, _column in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {qn(index)}")
    _rename_index(schema_editor, NAME_KEY_BEFORE, NAME_KEY, "name_key")
    if not postgres:
        _refresh_sqlite_statistics(schema_editor, NAME_KEY)


def backwards(apps, schema_editor):
    qn = schema_editor.quote_name
    _rename_index(schema_editor, NAME_KEY, NAME_KEY_BEFORE, "name_key")
    for index, column in DROPPED:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {qn(index)} ON {qn(TABLE)} ({qn(column)})")
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            name = _code_unique_name(cursor)
        if name == CODE_UNIQUE:
            schema_editor.execute(
                f"ALTER TABLE {qn(TABLE)} RENAME CONSTRAINT {qn(CODE_UNIQUE)} TO {qn(CODE_UNIQUE_BEFORE)}")
        for index, column in ((CODE_LIKE, "code"), (NAME_KEY_LIKE, "name_key")):
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {qn(index)} ON {qn(TABLE)} ({qn(column)} varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0010_classification_result_moved"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="customer",
                    name="code",
                    field=models.CharField(editable=False, max_length=20, verbose_name="customer code"),
                ),
                migrations.AlterField(
                    model_name="customer",
                    name="created_at",
                    field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                ),
                migrations.AlterField(
                    model_name="customer",
                    name="created_by",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                            to=settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name="customer",
                    name="name_key",
                    field=models.CharField(default="", editable=False, max_length=200),
                ),
                migrations.AddIndex(
                    model_name="customer",
                    index=models.Index(fields=["name_key"], name=NAME_KEY),
                ),
                migrations.AlterField(
                    model_name="customer",
                    name="next_followup_at",
                    field=models.DateTimeField(blank=True, null=True, verbose_name="next follow-up time"),
                ),
                migrations.AlterField(
                    model_name="customer",
                    name="owner",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="customers", to=settings.AUTH_USER_MODEL,
                                            verbose_name="owner"),
                ),
                migrations.AddConstraint(
                    model_name="customer",
                    constraint=models.UniqueConstraint(fields=("code",), name=CODE_UNIQUE),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
