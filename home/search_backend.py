"""Wagtail's database search backend, with title matches ranked first and results ranked in one pass.

Title weight: Wagtail's SQLite FTS5 backend ranks with a plain bm25(), which weighs every column alike, and its
PostgreSQL backend adds the title's rank (scaled by a title-length norm) to the body's with equal weight; on either,
a page whose body repeats a word often outranks a page titled with it. This backend weighs the title TITLE_WEIGHT
times the body on both (on SQLite through bm25()'s column weights: the FTS5 table's columns are autocomplete,
body, title).

One pass: Wagtail ranks by joining every page of the caller's queryset to the index, and on SQLite by a
correlated subquery that runs the FTS5 MATCH again for every matching page (0.7 s for a two-word query over
2,000 notices). Here a results page is one query over the index entries alone, matched, filtered by the caller's
queryset (its visibility rules) as a subquery, scored and cut to the page; the pages are then fetched by id.
On PostgreSQL the match and the rank read a stored title || body column with a GIN index (migration home 0004).
Match-all, negated and unranked searches take Wagtail's own path.

Otherwise this is Wagtail's backend: WAGTAILSEARCH_BACKENDS names this module instead of
"wagtail.search.backends.database".
"""

from django.db.models import CharField, Count, F, Window
from django.db.models.functions import Cast
from wagtail.search.backends.database import SearchBackend as DatabaseSearchBackend

TITLE_WEIGHT = 10.0


def _shared(queryset, kind, build):
    """build()'s result, shared by every search that runs the very same SQL (the same words and the same visibility
    conditions) until the next publish: the common words of a Party site match most of its pages, and ranking
    thousands of them is the costliest part of a search. Two visitors share a result only if their queries are
    identical (home.cache.shared_query_result)."""
    from .cache import shared_query_result

    return shared_query_result(queryset, f"search-{kind}", build)


# The count and the first TOP ranked ids come from one query (COUNT(*) OVER ()): ranking must read every match
# anyway, and the pager's count used to read them all a second time. Pages beyond TOP are queried on their own.
TOP = 100


def _one_pass_results(base):
    """`base` (a backend's results class), reading ranked ids from the compiler's `ranked_entries()`."""

    class OnePassResults(base):
        def _ranked(self):
            return self.query_compiler.ranked_entries(self.query_compiler.get_config(self.backend))

        def _top(self, ranked):
            """(number of matches, [(id, score)] of the first TOP), kept on the compiler, which this search's
            slices share, and shared by identical searches."""
            compiler = self.query_compiler
            if getattr(compiler, "_top", None) is None:
                if compiler.count_in_ranking:
                    top = ranked.annotate(total=Window(Count("*"))).values_list("hit_id", "score", "total")[:TOP]

                    def build():
                        rows = list(top)
                        return (rows[0][2] if rows else 0), [(hit_id, score) for hit_id, score, _ in rows]

                    compiler._top = _shared(top, "top", build)
                else:  # SQLite allows bm25() only in the plain full-text query: count apart (FTS5 counts fast)
                    top, matches = ranked.values_list("hit_id", "score")[:TOP], ranked.order_by()
                    compiler._top = (_shared(matches, "count", matches.count), _shared(top, "top", lambda: list(top)))
            return compiler._top

        def _do_search(self):
            ranked = self._ranked()
            if ranked is None:
                return super()._do_search()
            if self.stop is not None and self.stop <= TOP:
                rows = self._top(ranked)[1][self.start : self.stop]
            else:
                page = ranked.values_list("hit_id", "score")[self.start : self.stop]
                rows = _shared(page, "page", lambda: list(page))
            to_pk = self.model._meta.pk.to_python
            objects = self.query_compiler.queryset.in_bulk([to_pk(hit_id) for hit_id, _ in rows])
            results = []
            for hit_id, score in rows:
                obj = objects.get(to_pk(hit_id))
                if obj is not None:
                    if self._score_field:
                        setattr(obj, self._score_field, score)
                    results.append(obj)
            return results

        def _do_count(self):
            ranked = self._ranked()
            if ranked is None:
                return super()._do_count()
            count = self._top(ranked)[0]
            return max(0, min(count, self.stop if self.stop is not None else count) - self.start)

    return OnePassResults


def _ranks_in_one_pass(compiler, normalized_query):
    from modelsearch.query import Fuzzy, MatchAll, Not

    return (
        compiler.order_by_relevance
        and compiler.fields is None
        and not isinstance(normalized_query, (MatchAll, Not, Fuzzy))
    )


def _title_first_sqlite_backend():
    # Imported here: the SQLite backend's modules need its FTS model, which exists only on SQLite.
    from modelsearch.backends.database.sqlite.query import BM25, MatchExpression, SQLiteFTSIndexEntry, normalize
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
        SQLiteSearchResults,
    )
    from modelsearch.utils import get_descendants_content_types_pks

    class WeightedBM25(BM25):
        def as_sql(self, compiler, connection, function=None, template=None):
            return f"bm25({SQLiteFTSIndexEntry._meta.db_table}, 1.0, 1.0, {TITLE_WEIGHT})", []

    class TitleFirstQueryCompiler(SQLiteSearchQueryCompiler):
        count_in_ranking = False

        def build_tsrank(self, vector, query, config=None, boost=1.0):
            # bm25() scores the whole MATCH expression, And and Or included: Wagtail's products of (1 + bm25) per
            # word would flip the order for an even number of words, since bm25() is negative.
            return WeightedBM25() * boost if boost != 1.0 else WeightedBM25()

        def ranked_entries(self, config):
            query = normalize(self.query)
            if not _ranks_in_one_pass(self, query):
                return None
            match = MatchExpression(self.FTS_TABLE_FIELDS, self.build_search_query(query, config))
            # object_id is a text column: SQLite compares it with the subquery's page ids by its text affinity.
            # bm25() is lower for better matches.
            return (
                SQLiteFTSIndexEntry.objects.filter(match)
                .filter(
                    index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model),
                    index_entry__object_id__in=self.queryset.values("pk"),
                )
                .annotate(
                    hit_id=F("index_entry__object_id"),
                    score=self._build_rank_expression(self.get_search_vectors(), config),
                )
                .order_by("score", "-index_entry_id")
            )

    class TitleFirstSQLiteBackend(SQLiteSearchBackend):
        query_compiler_class = TitleFirstQueryCompiler
        results_class = _one_pass_results(SQLiteSearchResults)

    return SQLiteSearchBackend, TitleFirstSQLiteBackend


def _title_first_postgres_backend():
    from django.contrib.postgres.search import SearchRank, SearchVectorField
    from django.db.models import Expression
    from modelsearch.backends.database.postgres.postgres import (
        IndexEntry,
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
        PostgresSearchResults,
    )
    from modelsearch.utils import get_descendants_content_types_pks

    # ts_rank's weights by lexeme class {D, C, B, A}: the index stores unboosted fields (the text) as D and boosted
    # ones (the title) as A-C, so the title counts TITLE_WEIGHT times the text.
    title_first_weights = [1 / TITLE_WEIGHT, 1.0, 1.0, 1.0]

    class TitleBody(Expression):
        """The stored title || body column of migration home 0004 (not a field of Wagtail's model)."""

        output_field = SearchVectorField()

        def as_sql(self, compiler, connection):
            return f'"{IndexEntry._meta.db_table}"."title_body"', []

    class TitleFirstQueryCompiler(PostgresSearchQueryCompiler):
        count_in_ranking = True

        def get_index_vectors(self, search_query):
            # Wagtail's own path (match-all and negated searches): the title's rank weighed like ours.
            return [
                (F("index_entries__title"), F("index_entries__title_norm") * TITLE_WEIGHT),
                (F("index_entries__body"), 1.0),
            ]

        def ranked_entries(self, config):
            if not _ranks_in_one_pass(self, self.query):
                return None
            search_query = self.build_tsquery(self.query, config=config)
            return (
                IndexEntry.objects.annotate(_vector_=TitleBody())
                .filter(
                    _vector_=search_query,
                    content_type__in=get_descendants_content_types_pks(self.queryset.model),
                    object_id__in=self.queryset.values(pk_text=Cast("pk", CharField())),
                )
                .annotate(
                    hit_id=F("object_id"),
                    score=SearchRank(TitleBody(), search_query, weights=title_first_weights),
                )
                .order_by(F("score").desc(), "-id")
            )

    class TitleFirstPostgresBackend(PostgresSearchBackend):
        query_compiler_class = TitleFirstQueryCompiler
        results_class = _one_pass_results(PostgresSearchResults)

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
