"""The 安全管理员 (security administrator) resets a user's authenticator and lifts login delays, in the admin's
账号安全 screen (members/two_factor_admin.py); superusers have every right anyway. The group may already exist
(the separation-of-duties migration creates it by name), hence get_or_create."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECURITY_ADMIN = "安全管理员"
PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("otp_totp", "totpdevice", "view_totpdevice"),
    ("otp_totp", "totpdevice", "delete_totpdevice"),
    ("axes", "accessattempt", "view_accessattempt"),
    ("axes", "accessattempt", "delete_accessattempt"),
]


def grant(apps, schema_editor):
    for label in ("otp_totp", "axes"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=SECURITY_ADMIN)
    for app_label, model, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, content_type__model=model, codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=SECURITY_ADMIN).first()
    if group:
        for app_label, model, codename in PERMISSIONS[1:]:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_member_accounts_permission"),
        ("otp_totp", "0003_add_timestamps"),
        ("axes", "0010_accessattemptexpiration"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
