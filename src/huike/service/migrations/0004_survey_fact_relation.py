import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A relation without a column: surveys join the customer's facts row on the customer id (no schema change)."""

    dependencies = [
        ('reports', '0007_owner_due_counts'),
        ('service', '0003_satisfaction_survey'),
    ]

    # state only: the relation has no column, and SQLite would otherwise rebuild the table (and trip the
    # triggers that read it)
    operations = [migrations.SeparateDatabaseAndState(state_operations=[
        migrations.AddField(
            model_name='satisfactionsurvey',
            name='fact',
            field=models.ForeignObject(from_fields=['customer'], to_fields=['customer_id'],
                                       on_delete=django.db.models.deletion.DO_NOTHING, related_name='+',
                                       to='reports.customerfact'),
        ),
    ])]
