"""Give the editors (党务干部) the right to import the member roster. Superusers have every right anyway."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("members")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="members", codename="import_roster")
    editors, _ = Group.objects.get_or_create(name="党务干部")
    editors.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="members", codename="import_roster").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_roster_imports"),
        ("members", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
