"""Give the 党务干部 (editors) what the learning section needs: video and audio in the media library, and a
read-only view of the credit ledger. Page permissions on the course tree are granted where the pages are."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "党务干部"
MEDIA_ACTIONS = ["add_media", "change_media"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(Permission.objects.get(content_type__app_label="learning", codename="view_creditrecord"))
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    for permission in Permission.objects.filter(content_type__app_label="wagtailmedia", codename__in=MEDIA_ACTIONS):
        GroupCollectionPermission.objects.get_or_create(group=editors, collection=root, permission=permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is None:
        return
    editors.permissions.remove(*Permission.objects.filter(content_type__app_label="learning"))
    GroupCollectionPermission.objects.filter(
        group=editors, permission__content_type__app_label="wagtailmedia", permission__codename__in=MEDIA_ACTIONS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0001_initial"),
        ("members", "0002_roles"),
        ("wagtailmedia", "0005_alter_media_options"),
        ("wagtailcore", "0026_group_collection_permission"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
