"""Facts summed per owner and creation day, kept by triggers on the facts (rollup.py); the churned customers' index."""
from django.db import migrations, models


def forwards(apps, schema_editor):
    from huike.reports import rollup

    rollup.create_triggers(schema_editor.connection)
    rollup.rebuild(schema_editor.connection)


def backwards(apps, schema_editor):
    from huike.reports import rollup

    rollup.drop_triggers(schema_editor.connection)


def lost_index(apps, schema_editor):
    """The lost customers by the time they were lost: the health report's churn, read from the index alone."""
    if schema_editor.connection.vendor == "postgresql":
        sql = ("CREATE INDEX IF NOT EXISTS reports_fact_lost ON reports_customerfact (stage_changed_at) "
               "INCLUDE (owner_id, created_at, value_tier, lost_reason) WHERE stage = 'lost' AND deleted_at IS NULL")
    else:
        sql = ("CREATE INDEX IF NOT EXISTS reports_fact_lost ON reports_customerfact (stage_changed_at, owner_id) "
               "WHERE stage = 'lost' AND deleted_at IS NULL")
    schema_editor.execute(sql)


def drop_lost_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS reports_fact_lost")


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0005_owner_stage_counts'),
    ]

    operations = [
        migrations.CreateModel(
            name='OwnerDayFacts',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_id', models.BigIntegerField()),
                ('day', models.DateField()),
                ('customers', models.IntegerField(default=0)),
                ('reached_1', models.IntegerField(default=0)),
                ('reached_2', models.IntegerField(default=0)),
                ('lost_now', models.IntegerField(default=0)),
                ('responded', models.IntegerField(default=0)),
                ('response_hours', models.FloatField(default=0)),
                ('high_intent', models.IntegerField(default=0)),
                ('high_intent_closed', models.IntegerField(default=0)),
                ('high_value', models.IntegerField(default=0)),
                ('potential_days', models.FloatField(default=0)),
                ('potential_stays', models.IntegerField(default=0)),
                ('intent_days', models.FloatField(default=0)),
                ('intent_stays', models.IntegerField(default=0)),
                ('closed_days', models.FloatField(default=0)),
                ('closed_stays', models.IntegerField(default=0)),
                ('lost_days', models.FloatField(default=0)),
                ('lost_stays', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['day', 'owner_id'], name='reports_fact_day_idx')],
                'constraints': [models.UniqueConstraint(fields=('owner_id', 'day'), name='reports_owner_fact_day_unique')],
            },
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(lost_index, drop_lost_index),
    ]
