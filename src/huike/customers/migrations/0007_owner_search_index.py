from django.conf import settings
from django.db import migrations, models


def refresh_sqlite_statistics(apps, schema_editor):
    """A database whose planner statistics were gathered gets them for the new index too (SQLite only)."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("ANALYZE customers_customer")


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0006_customer_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)),
                               fields=['owner', 'deleted_at', '-created_at', '-id', 'search_text'],
                               name='customer_live_owner_search'),
        ),
        migrations.RemoveIndex(
            model_name='customer',
            name='customer_live_owner',
        ),
        migrations.RunPython(refresh_sqlite_statistics, migrations.RunPython.noop),
    ]
