"""Create the site's roles as groups, and give the admin roles access to the Wagtail admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["党员", "支部书记", "党务干部", "审核人", "审批人", "志愿服务管理员"]
ADMIN_ROLES = ["党务干部", "审核人", "审批人", "志愿服务管理员"]
EDITOR_MODEL_PERMISSIONS = {
    "members": ["organization", "member"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for name in ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        if name in ADMIN_ROLES:
            group.permissions.add(access_admin)
    editors = Group.objects.get(name="党务干部")
    for app_label, models in EDITOR_MODEL_PERMISSIONS.items():
        for model in models:
            editors.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in ("add", "change", "view")],
                )
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
