from django.db import migrations, models
from django.db.models import F


def running_clocks_keep_running(apps, schema_editor):
    # A clock that was counting before the upgrade last accepted a beat when it last counted.
    apps.get_model("learning", "StudyClock").objects.update(accepted_at=F("last_beat_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0003_editor_page_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="studyclock",
            name="accepted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(running_clocks_keep_running, migrations.RunPython.noop),
    ]
