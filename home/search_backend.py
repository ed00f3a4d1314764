"""Wagtail's database search backend, with title matches ranked above body matches on SQLite too.

Wagtail's SQLite FTS5 backend ranks with a plain bm25(), which weighs every column alike, and its PostgreSQL
backend adds the title's rank (scaled by a title-length norm) to the body's with equal weight; on either, a page
whose body repeats a word often outranks a page titled with it. This backend weighs the title TITLE_WEIGHT times the
body on both (on SQLite through bm25()'s column weights: the FTS5 table's columns are autocomplete, body, title)
and otherwise is Wagtail's own: WAGTAILSEARCH_BACKENDS names this module instead of
"wagtail.search.backends.database".
"""

from wagtail.search.backends.database import SearchBackend as DatabaseSearchBackend

TITLE_WEIGHT = 10.0


def _title_first_sqlite_backend():
    # Imported here: the SQLite backend's modules need its FTS model, which exists only on SQLite.
    from modelsearch.backends.database.sqlite.query import BM25, SQLiteFTSIndexEntry
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend, SQLiteSearchQueryCompiler
    from modelsearch.query import Not, Phrase, PlainText

    class WeightedBM25(BM25):
        def as_sql(self, compiler, connection, function=None, template=None):
            return f"bm25({SQLiteFTSIndexEntry._meta.db_table}, 1.0, 1.0, {TITLE_WEIGHT})", []

    class TitleFirstQueryCompiler(SQLiteSearchQueryCompiler):
        def build_tsrank(self, vector, query, config=None, boost=1.0):
            if isinstance(query, (Phrase, PlainText, Not)):
                return WeightedBM25() * boost if boost != 1.0 else WeightedBM25()
            return super().build_tsrank(vector, query, config=config, boost=boost)

    class TitleFirstSQLiteBackend(SQLiteSearchBackend):
        query_compiler_class = TitleFirstQueryCompiler

    return SQLiteSearchBackend, TitleFirstSQLiteBackend


def _title_first_postgres_backend():
    from django.db.models import F
    from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend, PostgresSearchQueryCompiler

    class TitleFirstQueryCompiler(PostgresSearchQueryCompiler):
        def get_index_vectors(self, search_query):
            return [
                (F("index_entries__title"), F("index_entries__title_norm") * TITLE_WEIGHT),
                (F("index_entries__body"), 1.0),
            ]

    class TitleFirstPostgresBackend(PostgresSearchBackend):
        query_compiler_class = TitleFirstQueryCompiler

    return PostgresSearchBackend, TitleFirstPostgresBackend


def SearchBackend(params):  # noqa: N802 - Wagtail looks the backend up by this name
    backend = DatabaseSearchBackend(params)
    name = type(backend).__name__
    if name == "SQLiteSearchBackend":
        plain, title_first = _title_first_sqlite_backend()
    elif name == "PostgresSearchBackend":
        plain, title_first = _title_first_postgres_backend()
    else:
        return backend
    return title_first(params) if type(backend) is plain else backend
