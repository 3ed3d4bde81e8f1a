"""PostgreSQL keeps 60% of each new page of the customer table free, not 50% (ADR 0024).

With half a page free, a run that gives every customer its codes still ran out of room on one page in twenty:
the new versions of a full page's rows are longer than the old ones (the codes go from '' to 'strategic'), and
the old versions are not pruned before the run commits. Those rows (50,569 of 1,000,000 in the benchmark's first
run) moved to another page with a new entry in each of the table's nineteen indexes; the update of the million
codes took 11.5 s. At fillfactor 40 every row was updated in place: 7.3 s. The heap grows from 406 to 488 MB
at 1M. Existing rows keep their packing until the table is rewritten (VACUUM FULL).
"""
from django.db import migrations

FILLFACTOR = 40


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE customers_customer SET (fillfactor = {FILLFACTOR})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE customers_customer SET (fillfactor = 50)")


class Migration(migrations.Migration):
    dependencies = [("customers", "0012_codes_unindexed")]

    operations = [migrations.RunPython(forwards, backwards)]
