"""Give 党务干部 (and the volunteer managers) the read-only overview of hours across 片组 and units.

Certificates issued before 0003 were all asked for by the volunteer himself: record him as the one who asked.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import F

GROUPS = ["党务干部", "志愿服务管理员"]  # members.roles.PARTY_CADRE, VOLUNTEER_MANAGER
CODENAME = "view_hours_overview"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("volunteers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="volunteers", codename=CODENAME)
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)

    ServiceCertificate = apps.get_model("volunteers", "ServiceCertificate")
    ServiceCertificate.objects.filter(issued_by__isnull=True).update(issued_by=F("user"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(content_type__app_label="volunteers", codename=CODENAME).first()
    if permission is not None:
        for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0003_certificate_issuer_and_hours_overview"),
        ("members", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
