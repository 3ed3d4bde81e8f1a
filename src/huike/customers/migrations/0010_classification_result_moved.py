"""The evidence and scores moved to classification.Result (copied by its migration 0003 first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0009_industry_stage_name_order'),
        ('classification', '0003_result'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='customer',
            name='classification',
        ),
        migrations.RemoveField(
            model_name='customer',
            name='classification_hash',
        ),
        migrations.RemoveField(
            model_name='customer',
            name='classified_on',
        ),
        migrations.RemoveField(
            model_name='customer',
            name='rfm_f',
        ),
        migrations.RemoveField(
            model_name='customer',
            name='rfm_m',
        ),
        migrations.RemoveField(
            model_name='customer',
            name='rfm_r',
        ),
        migrations.RemoveField(
            model_name='customer',
            name='segment',
        ),
    ]
