from django.db import migrations

from huike.followups.domain.cadence import DEFAULT_RULES


def load(apps, schema_editor):
    Row = apps.get_model("followups", "CadenceRuleRow")
    for r in DEFAULT_RULES:
        Row.objects.get_or_create(
            dimension=r.dimension, value=r.value, defaults={"kind": r.kind, "n": r.n, "label": r.label}
        )


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
