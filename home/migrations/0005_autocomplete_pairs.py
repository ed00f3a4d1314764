"""Rewrite the search index's autocomplete column in the form home.search_backend writes it.

Wagtail's admin searches and choosers read this column. It held each title as it was, which the database backends
cut only at spaces: 县财政局机关党支部 was one word, found by its beginning only. home.search_backend now stores each
run of Chinese characters as its pairs of characters (autocomplete_text). Entries written before are converted here
from what the column holds (SQLite keeps the text; PostgreSQL its words, in order), without reading the indexed
objects: no model code runs in a migration. Entries already in the new form are left as they are.
"""

from django.db import migrations

from home.search_backend import autocomplete_text, is_autocomplete_text

TABLE = "wagtailsearch_indexentry"
BATCH = 500


def _convert(rows):
    """[(new text, id)] for the (id, text) rows whose text is not in the new form yet."""
    return [(autocomplete_text(text), pk) for pk, text in rows if text and not is_autocomplete_text(text)]


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        read = f"SELECT id, autocomplete FROM {TABLE} WHERE id > %s ORDER BY id LIMIT {BATCH}"  # noqa: S608
        write = f"UPDATE {TABLE} SET autocomplete = %s WHERE id = %s"  # noqa: S608 - the FTS5 trigger follows
    elif connection.vendor == "postgresql":
        # The words of the stored vector in their order (the 'simple' configuration keeps them as written).
        read = (
            f"SELECT id, (SELECT string_agg(word.lexeme, ' ' ORDER BY place) FROM unnest({TABLE}.autocomplete) "  # noqa: S608
            f"AS word, unnest(word.positions) AS place) FROM {TABLE} WHERE id > %s ORDER BY id LIMIT {BATCH}"
        )
        write = f"UPDATE {TABLE} SET autocomplete = to_tsvector('simple', %s) WHERE id = %s"  # noqa: S608
    else:
        return
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(read, [last])
            rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            converted = _convert(rows)
            if converted:
                cursor.executemany(write, converted)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0004_search_title_body_index"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    # Backwards: the old form is Wagtail's, which `manage.py update_index` rebuilds with Wagtail's backend.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
