"""Give the editors (党务干部) the committee's work on ballots, objections and results, and create the experts' group."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "党务干部"
EXPERTS = "评审专家"  # awards.roles.EXPERTS
EDITOR_PERMISSIONS = [
    ("ballot", "view_ballot"),
    ("ballot", "quarantine_ballot"),
    ("objection", "view_objection"),
    ("objection", "change_objection"),
    ("expertscore", "view_expertscore"),
    ("competitionpage", "finalize_competition"),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    for model, codename in EDITOR_PERMISSIONS:
        editors.permissions.add(
            Permission.objects.get(content_type__app_label="awards", content_type__model=model, codename=codename)
        )
    experts, _ = Group.objects.get_or_create(name=EXPERTS)
    experts.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name=EDITORS).first()
    if editors:
        editors.permissions.remove(*Permission.objects.filter(content_type__app_label="awards"))
    Group.objects.filter(name=EXPERTS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0001_initial"),
        ("members", "0002_roles"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
