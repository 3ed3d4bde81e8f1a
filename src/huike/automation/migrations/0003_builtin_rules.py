"""R-7.2: the built-in rules and the R-3.3 keyword suggestions, on by default (editable afterwards)."""
from django.db import migrations


def forwards(apps, schema_editor):
    from huike.automation.builtins import install_builtins
    from huike.automation.suggestions import DEFAULT_RULES

    install_builtins(apps.get_model("automation", "Rule"))
    SuggestionRule = apps.get_model("automation", "SuggestionRule")
    if not SuggestionRule.objects.exists():
        SuggestionRule.objects.bulk_create([SuggestionRule(keyword=k, field=f, value=v) for k, f, v in DEFAULT_RULES])


class Migration(migrations.Migration):
    dependencies = [("automation", "0002_rules_events_suggestions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
