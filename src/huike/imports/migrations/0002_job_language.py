from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="importjob", name="language", field=models.CharField(default="zh-hans", max_length=10),
        ),
    ]
