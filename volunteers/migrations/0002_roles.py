"""Give the roles their permissions on the volunteer section's models.

党务干部 (the 工委's editors) handle service requests and review project proposals. 志愿服务管理员 coordinate every
project: they also see the volunteer register (with contact details) and the audit trail of hours. Pages are
edited through page permissions on the volunteer index page (set by the demo content, or by an administrator).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "党务干部": {
        "servicerequest": ["view", "change"],
        "projectproposal": ["view", "change"],
    },
    "志愿服务管理员": {
        "servicerequest": ["view", "change", "delete"],
        "projectproposal": ["view", "change"],
        "volunteerprofile": ["view", "change"],
        "attendancechange": ["view"],
        "servicecertificate": ["view"],
    },
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("volunteers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, models in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, actions in models.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="volunteers", codename__in=[f"{action}_{model}" for action in actions]
                )
            )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="volunteers"))


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0001_initial"),
        ("members", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
