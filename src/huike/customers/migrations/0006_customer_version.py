"""Customer.version (R-12.4).

On SQLite, Django adds a NOT NULL column by rebuilding the table, which would drop the search and report
triggers created by earlier migrations; a plain ALTER TABLE ADD COLUMN keeps them (SQLite allows it with a
constant default). Other databases take the ordinary AddField.
"""
from django.db import migrations, models

FIELD = models.PositiveIntegerField(default=1, editable=False)


def _field():
    field = FIELD.clone()
    field.set_attributes_from_name("version")
    return field


def add_column(apps, schema_editor):
    model = apps.get_model("customers", "Customer")
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            'ALTER TABLE "customers_customer" ADD COLUMN "version" integer unsigned NOT NULL DEFAULT 1 '
            'CHECK ("version" >= 0)'
        )
    else:
        schema_editor.add_field(model, _field())


def drop_column(apps, schema_editor):
    schema_editor.remove_field(apps.get_model("customers", "Customer"), _field())


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0005_industry_stage_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddField(model_name="customer", name="version", field=FIELD)],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
    ]
