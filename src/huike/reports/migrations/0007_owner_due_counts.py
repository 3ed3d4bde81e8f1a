"""Customers due for a follow-up per owner and day, kept by triggers on customers (due.py)."""
from django.db import migrations, models


def forwards(apps, schema_editor):
    from huike.reports import due

    due.create_triggers(schema_editor.connection)
    due.rebuild(schema_editor.connection)


def backwards(apps, schema_editor):
    from huike.reports import due

    due.drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0006_owner_day_facts'),
    ]

    operations = [
        migrations.CreateModel(
            name='OwnerDueCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_id', models.BigIntegerField()),
                ('day', models.DateField()),
                ('customers', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['day', 'owner_id'], name='reports_due_day_idx')],
                'constraints': [models.UniqueConstraint(fields=('owner_id', 'day'), name='reports_owner_due_unique')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
