"""Classification evidence and RFM scores in a narrow table of their own (a run rewrites them monthly)."""

import django.db.models.deletion
from django.db import migrations, models


def copy_results(apps, schema_editor):
    """The evidence and scores of classified customers move from their rows into the narrow table."""
    schema_editor.execute(
        "INSERT INTO classification_result (customer_id, evidence, rfm_r, rfm_f, rfm_m, segment, classified_on, hash) "
        "SELECT id, classification, rfm_r, rfm_f, rfm_m, segment, classified_on, classification_hash "
        "FROM customers_customer WHERE classification_hash <> 0")


class Migration(migrations.Migration):

    dependencies = [
        ('classification', '0002_default_strategies'),
        ('customers', '0009_industry_stage_name_order'),
    ]

    operations = [
        migrations.CreateModel(
            name='Result',
            fields=[
                ('customer', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='classification_result', serialize=False, to='customers.customer')),
                ('evidence', models.JSONField(default=dict)),
                ('rfm_r', models.PositiveSmallIntegerField(null=True)),
                ('rfm_f', models.PositiveSmallIntegerField(null=True)),
                ('rfm_m', models.PositiveSmallIntegerField(null=True)),
                ('segment', models.PositiveSmallIntegerField(null=True)),
                ('classified_on', models.DateField(null=True)),
                ('hash', models.BigIntegerField(default=0)),
            ],
            options={
                'db_table': 'classification_result',
            },
        ),
        migrations.RunPython(copy_results, migrations.RunPython.noop),
    ]
