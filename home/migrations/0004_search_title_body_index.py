"""A GIN index on title || body of Wagtail's search index entries, on PostgreSQL only.

home.search_backend matches a query against title || body (a word of a query may be in the title and another in
the text); without this index PostgreSQL reads every index entry for every search.
"""

from django.db import migrations

INDEX = "home_search_title_body_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry USING gin ((title || body))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_sitedocument_siteimage_siterendition"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
