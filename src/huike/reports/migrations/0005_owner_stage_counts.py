"""Live customers per owner and stage for the dashboard, kept by triggers on customers (stages.py)."""
from django.db import migrations, models


def forwards(apps, schema_editor):
    from huike.reports import stages

    stages.create_triggers(schema_editor.connection)
    stages.rebuild(schema_editor.connection)


def backwards(apps, schema_editor):
    from huike.reports import stages

    stages.drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_facts_mirror_customer'),
    ]

    operations = [
        migrations.CreateModel(
            name='OwnerStageCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_id', models.BigIntegerField()),
                ('stage', models.CharField(max_length=10)),
                ('customers', models.IntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('owner_id', 'stage'), name='reports_owner_stage_unique')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
