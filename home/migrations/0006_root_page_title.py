"""The tree's root page from Wagtail's migration is titled "Root": every page chooser's breadcrumb showed it in
English. It is never served (the site's root is the home page below it)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="Root").update(title="站点根目录", draft_title="站点根目录")


def backwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="站点根目录").update(title="Root", draft_title="Root")


class Migration(migrations.Migration):
    dependencies = [("home", "0005_autocomplete_pairs"), ("wagtailcore", "0048_add_default_workflows")]

    operations = [migrations.RunPython(forwards, backwards)]
