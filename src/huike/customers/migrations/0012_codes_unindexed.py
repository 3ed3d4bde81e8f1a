"""The three classification codes (value tier, value class, relationship type) leave every customer index, and
PostgreSQL keeps half of each new page of the customer table free (ADR 0024).

A classification run writes the codes of many customers at once: every customer in a first run or after a
threshold change, a tenth to a quarter of them in a monthly run. While an index held a code, each such update
wrote a new entry in every one of the table's indexes (about twenty): 91 s of a first run at 1,000,000
customers on PostgreSQL. With no index on them and room on the page, PostgreSQL updates the row in place
(a heap-only tuple: no index entry written): 5 s for the same million rows.

- The (code, -created_at) indexes go: the list filters by a code through its other indexes (the default
  order's covering index, or the scope's), reading the rows.
- reports_customer_book keeps the columns the book reports group by, less the codes: the distribution by a
  code reads the rows of the period's customers.
- fillfactor 50 on PostgreSQL: inserts leave half of a page free, so an update that rewrites every row still
  finds room on the same page. Existing rows keep their packing until the table is rewritten (VACUUM FULL).

SQLite updates only the indexes that hold a changed column; it drops the same indexes.
"""
from django.db import migrations

BOOK_BEFORE = ("id, owner_id, stage, intent, source, industry, province, value_tier, value_class, "
               "relationship_type, first_contact_at, stage_changed_at, lost_reason")
BOOK = "id, owner_id, stage, intent, source, industry, province, first_contact_at, stage_changed_at, lost_reason"
FILLFACTOR = 50


def _book_index(schema_editor, columns: str) -> None:
    schema_editor.execute("DROP INDEX IF EXISTS reports_customer_book")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX reports_customer_book ON customers_customer (created_at) "
                              f"INCLUDE ({columns}) WHERE deleted_at IS NULL")
    else:
        schema_editor.execute(f"CREATE INDEX reports_customer_book ON customers_customer (created_at, {columns}) "
                              "WHERE deleted_at IS NULL")


def forwards(apps, schema_editor):
    _book_index(schema_editor, BOOK)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE customers_customer SET (fillfactor = {FILLFACTOR})")


def backwards(apps, schema_editor):
    _book_index(schema_editor, BOOK_BEFORE)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE customers_customer RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0011_index_diet"),
        ("reports", "0009_pausable_insert_triggers"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="customer", name="customers_c_value_t_2c2b5f_idx"),
        migrations.RemoveIndex(model_name="customer", name="customers_c_value_c_e64a39_idx"),
        migrations.RemoveIndex(model_name="customer", name="customers_c_relatio_fc8f5e_idx"),
        migrations.RunPython(forwards, backwards),
    ]
