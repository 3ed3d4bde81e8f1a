import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A relation without a column: stage moves join the customer's facts row on the customer id."""

    dependencies = [
        ('customers', '0007_owner_search_index'),
        ('reports', '0007_owner_due_counts'),
    ]

    # state only: the relation has no column, and SQLite would otherwise rebuild the table (and trip the
    # triggers that read it)
    operations = [migrations.SeparateDatabaseAndState(state_operations=[
        migrations.AddField(
            model_name='stagechange',
            name='fact',
            field=models.ForeignObject(from_fields=['customer'], to_fields=['customer_id'],
                                       on_delete=django.db.models.deletion.DO_NOTHING, related_name='+',
                                       to='reports.customerfact'),
        ),
    ])]
