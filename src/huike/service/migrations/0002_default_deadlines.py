from django.db import migrations

from huike.service.domain.deadlines import DEFAULT_DEADLINES


def load(apps, schema_editor):
    Row = apps.get_model("service", "ComplaintDeadline")
    for urgency, (respond, resolve) in DEFAULT_DEADLINES.items():
        Row.objects.get_or_create(urgency=urgency, defaults={"response_hours": respond, "resolve_hours": resolve})


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
