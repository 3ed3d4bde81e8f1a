"""Fewer indexes on the classification history: a first run writes three rows per customer (see models.Change)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('classification', '0003_result'),
        ('customers', '0010_classification_result_moved'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='change',
            name='classificat_status_f1089e_idx',
        ),
        migrations.AlterField(
            model_name='change',
            name='customer',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='classification_changes', to='customers.customer'),
        ),
        migrations.AlterField(
            model_name='change',
            name='decided_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='change',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['created_at', 'id'], name='classification_pending'),
        ),
        migrations.AddIndex(
            model_name='change',
            index=models.Index(condition=models.Q(('decided_by__isnull', False)), fields=['decided_by'], name='classification_decided_by'),
        ),
    ]
