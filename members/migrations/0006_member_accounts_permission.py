"""Give the editors (党务干部) the right to open members' login accounts and reset their passwords. Superusers have
every right anyway; no other role gets it (an account's password is a key to everything its owner may see)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("members")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="members", codename="manage_member_accounts")
    editors, _ = Group.objects.get_or_create(name="党务干部")
    editors.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="members", codename="manage_member_accounts").delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0005_member_accounts")]

    operations = [migrations.RunPython(grant, revoke)]
