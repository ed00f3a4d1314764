"""党务干部 may upload and replace documents and images.

Migration 0002 granted the collection permissions on the project's own models (home.SiteDocument, home.SiteImage),
but Wagtail checks them on its base models (wagtaildocs.Document, wagtailimages.Image) whatever the custom model is:
editors could choose files and never upload one. Grant the ones Wagtail checks, on the root collection (and so on
every collection below it), and remove the ones nothing checks.
"""

from django.db import migrations

GRANTED = {"wagtaildocs": ["add_document", "change_document"], "wagtailimages": ["add_image", "change_image"]}
UNUSED = {"home": ["add_sitedocument", "change_sitedocument", "add_siteimage", "change_siteimage"]}


def _permissions(Permission, codenames_by_app):
    for app_label, codenames in codenames_by_app.items():
        yield from Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    editors = Group.objects.filter(name="党务干部").first()
    root_collection = Collection.objects.filter(depth=1).first()
    if editors is None or root_collection is None:
        return
    for permission in _permissions(Permission, GRANTED):
        GroupCollectionPermission.objects.get_or_create(
            group=editors, collection=root_collection, permission=permission
        )
    GroupCollectionPermission.objects.filter(
        group=editors, permission__in=list(_permissions(Permission, UNUSED))
    ).delete()


def backwards(apps, schema_editor):
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Permission = apps.get_model("auth", "Permission")
    GroupCollectionPermission.objects.filter(
        group__name="党务干部", permission__in=list(_permissions(Permission, GRANTED))
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0002_categories_workflow_permissions"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
