"""Wagtail's database search backend, with title matches ranked first, results ranked in one pass, and Chinese
autocomplete.

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

Autocomplete (every admin search and chooser: Wagtail calls `.autocomplete()` there): the index's autocomplete
column holds each run of Chinese characters as its overlapping pairs of characters, closed by its last character
(县财政局 → 县财 财政 政局 局), other words as they are (migration home 0005 converted the entries written
before). Each fragment the user types between spaces is looked up as the phrase of its tokens, the last a prefix
unless it is a pair: a fragment finds every title that contains it, as `icontains` would, whatever a word segmenter
makes of its context (丽华 in 张丽华, 会一课 in 三会一课, 务活 across 服务活动), with no segmenter per keystroke.
Ranked by bm25() / ts_rank over that column, so of two titles with the fragment the shorter comes first (the
autocomplete column holds titles, and tags' names, only: there is no title to weigh against a body).
`.search()` of models other than pages (wagtailmedia's admin searches with it) matches this column too, besides
Wagtail's whole words: only pages index a segmented copy (home/search.py). Page searches, the public site search,
are unchanged; only their results are shared between requests, since the admin's must show a new draft or upload
at once.

Otherwise this is Wagtail's backend: WAGTAILSEARCH_BACKENDS names this module instead of
"wagtail.search.backends.database".
"""

import copy
import functools
import re
import unicodedata

from django.db.models import CharField, Count, F, Q, Value, Window
from django.db.models.functions import Cast
from django.db.models.lookups import Lookup
from wagtail.search.backends.database import SearchBackend as DatabaseSearchBackend

TITLE_WEIGHT = 10.0

# --- Autocomplete text ------------------------------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUN = re.compile(f"[{_HAN}]+|[^\\W_{_HAN}]+")
_IS_HAN = re.compile(f"[{_HAN}]")
AUTOCOMPLETE_QUERY_LENGTH = 100
AUTOCOMPLETE_QUERY_PIECES = 12


def _runs(text):
    """Runs of Chinese characters and other words, full-width folded and lower-cased (as home.search.normalize),
    punctuation dropped."""
    return _RUN.findall(unicodedata.normalize("NFKC", text or "").lower())


def _is_han(run):
    return bool(_IS_HAN.match(run))


def _pairs(run):
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _encoded(runs):
    for run in runs:
        if _is_han(run):
            yield from _pairs(run)
            yield run[-1]  # the closing character: a one-character query finds it at the end of a run too
        else:
            yield run


def autocomplete_text(text):
    """What the autocomplete column stores for `text`: 县财政局2026年 → "县财 财政 政局 局 2026 年"."""
    return " ".join(_encoded(_runs(text)))


def is_autocomplete_text(text):
    """Whether `text` is already autocomplete_text() of something (migration home 0005 converts only the rest)."""
    tokens, runs, i = (text or "").split(), [], 0
    while i < len(tokens):
        run = tokens[i]
        i += 1
        if _is_han(run) and len(run) == 2:
            while i < len(tokens) and len(tokens[i]) == 2 and _is_han(tokens[i]) and tokens[i][0] == run[-1]:
                run += tokens[i][1]
                i += 1
            if i == len(tokens) or tokens[i] != run[-1]:
                return False
            i += 1
        elif _is_han(run) and len(run) > 2:
            return False
        runs.append(run)
    return autocomplete_text(" ".join(runs)) == " ".join(tokens)


def _piece(runs):
    """(tokens, prefix) for consecutive runs: the autocomplete column must hold the tokens adjacent and in order, the
    last as a prefix if `prefix`. The fragment may start and end inside a longer word: its Chinese pairs are found
    wherever they are, so a last Chinese run of two characters or more ends on its last pair (no closing character),
    and a last single character, or other word, is a prefix."""
    tokens = list(_encoded(runs))
    if _is_han(runs[-1]) and len(runs[-1]) > 1:
        tokens.pop()
        return tokens, False
    return tokens, True


def autocomplete_pieces(query_string, phrase=False):
    """[(tokens, prefix)] for a query, each of which must match: each fragment between spaces is looked up as one
    piece (as `icontains` would: 财政局2026 finds 县财政局2026年…, not 2026年县财政局), a phrase as a single one."""
    query_string = query_string[:AUTOCOMPLETE_QUERY_LENGTH]
    chunks = [query_string] if phrase else dict.fromkeys(query_string.split())
    pieces = [_piece(runs) for runs in map(_runs, chunks) if runs]
    return pieces[:AUTOCOMPLETE_QUERY_PIECES]


def _leaf_pieces(query):
    from modelsearch.query import Phrase

    return autocomplete_pieces(query.query_string, phrase=isinstance(query, Phrase))


def _leaf_operator(query):
    return "or" if getattr(query, "operator", "and").lower() == "or" else "and"


def _without_empty(query):
    """`query` without the plain-text and phrase parts that hold no word (punctuation only); None if nothing is
    left. Such a part would match nothing on its own, and FTS5 rejects an empty phrase."""
    from modelsearch.query import And, Boost, Not, Or, Phrase, PlainText

    if isinstance(query, (PlainText, Phrase)):
        return query if _leaf_pieces(query) else None
    if isinstance(query, (And, Or)):
        kept = [part for part in map(_without_empty, query.subqueries) if part is not None]
        return type(query)(kept) if kept else None
    if isinstance(query, Not):
        kept = _without_empty(query.subquery)
        return Not(kept) if kept is not None else None
    if isinstance(query, Boost):
        kept = _without_empty(query.subquery)
        return Boost(kept, query.boost) if kept is not None else None
    return query


def _fts5_leaf(query):
    joiner = " OR " if _leaf_operator(query) == "or" else " AND "
    return joiner.join(f'"{" ".join(tokens)}"' + ("*" if prefix else "") for tokens, prefix in _leaf_pieces(query))


def _tsquery_leaf(query):
    def piece(tokens, prefix):
        quoted = [f"'{token}'" for token in tokens]  # tokens are letters and digits only: nothing to escape
        if prefix:
            quoted[-1] += ":*"
        return "(" + " <-> ".join(quoted) + ")"

    joiner = " | " if _leaf_operator(query) == "or" else " & "
    return joiner.join(piece(tokens, prefix) for tokens, prefix in _leaf_pieces(query))


def _fragment_tree(query):
    """`query` without its wordless parts, if it is made of plain text and phrases under And and Or only (what a
    search of fragments understands); else None."""
    from modelsearch.query import And, Or, Phrase, PlainText

    def understood(part):
        if isinstance(part, (PlainText, Phrase)):
            return True
        return isinstance(part, (And, Or)) and all(map(understood, part.subqueries))

    query = _without_empty(query)
    return query if query is not None and understood(query) else None


def _fts5_fragments(tree):
    """An FTS5 expression over the autocomplete column for a _fragment_tree()."""
    from modelsearch.query import And, Or

    if isinstance(tree, (And, Or)):
        joiner = " AND " if isinstance(tree, And) else " OR "
        return "(" + joiner.join(map(_fts5_fragments, tree.subqueries)) + ")"
    return f"({_fts5_leaf(tree)})"


def _as_autocomplete_text(value):
    """An AutocompleteField's value (text, a list of tags' names…) as autocomplete_text()."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        value = " ".join(str(item) for item in value)
    return autocomplete_text(str(value))


def _autocompleted(field):
    """A copy of the AutocompleteField `field` (its own class: Wagtail's indexers test isinstance), whose value is
    indexed as autocomplete_text()."""
    converted = copy.copy(field)
    converted.get_value = lambda obj: _as_autocomplete_text(field.get_value(obj))
    return converted


_FIELDS_FOR_INDEXING = {}


def _fields_for_indexing(model):
    """`model`'s search fields with every AutocompleteField (related ones too) indexed as autocomplete_text()."""
    from modelsearch.index import AutocompleteField, RelatedFields

    def convert(fields):
        converted = []
        for field in fields:
            if isinstance(field, AutocompleteField):
                field = _autocompleted(field)
            elif isinstance(field, RelatedFields):
                field = RelatedFields(field.field_name, convert(field.fields))
            converted.append(field)
        return converted

    if model not in _FIELDS_FOR_INDEXING:
        _FIELDS_FOR_INDEXING[model] = convert(model.get_search_fields())
    return _FIELDS_FOR_INDEXING[model]


def _indexing_autocomplete(index_class):
    """`index_class` (a backend's index), writing autocomplete_text() into the autocomplete column."""

    class AutocompleteIndex(index_class):
        def add_items(self, model, objs):
            # Wagtail's indexer reads each object's get_search_fields(): a shallow copy of each object answers with
            # the converted fields, so the indexer itself (title, body, the SQL it writes) stays Wagtail's.
            clones = []
            for obj in objs:
                clone = copy.copy(obj)
                clone.get_search_fields = functools.partial(_fields_for_indexing, type(obj))
                clones.append(clone)
            return super().add_items(model, clones)

    return AutocompleteIndex


# --- One pass ---------------------------------------------------------------------------------------------------


def _shared(compiler, queryset, kind, build):
    """build()'s result, shared by every search that runs the very same SQL (the same words and the same visibility
    conditions) until the next publish: the common words of a Party site match most of its pages, and ranking
    thousands of them is the costliest part of a search. Two visitors share a result only if their queries are
    identical (home.cache.shared_query_result). Only page searches (the public search) share: the admin's must show
    a new draft or upload at once, and nothing but a publish empties the shared results."""
    if not compiler.shares_results:
        return build()
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

                    compiler._top = _shared(compiler, top, "top", build)
                else:  # SQLite allows bm25() only in the plain full-text query: count apart (FTS5 counts fast)
                    top, matches = ranked.values_list("hit_id", "score")[:TOP], ranked.order_by()
                    compiler._top = (
                        _shared(compiler, matches, "count", matches.count),
                        _shared(compiler, top, "top", lambda: list(top)),
                    )
            return compiler._top

        def _do_search(self):
            ranked = self._ranked()
            if ranked is None:
                return super()._do_search()
            if self.stop is not None and self.stop <= TOP:
                rows = self._top(ranked)[1][self.start : self.stop]
            else:
                page = ranked.values_list("hit_id", "score")[self.start : self.stop]
                rows = _shared(self.query_compiler, page, "page", lambda: list(page))
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


def _is_page_search(compiler):
    from wagtail.models import Page

    return issubclass(compiler.queryset.model, Page)


class _AutocompleteQueryMixin:
    """For both backends' autocomplete compilers: parts without a word dropped; a query left with none matches
    nothing (rather than, as in FTS5, raising on an empty phrase)."""

    shares_results = False

    def __init__(self, *args, **kwargs):
        from modelsearch.query import MatchAll, Not

        super().__init__(*args, **kwargs)
        query = _without_empty(self.query)
        self.query = Not(MatchAll()) if query is None else query


def _title_first_sqlite_backend():
    # Imported here: the SQLite backend's modules need its FTS model, which exists only on SQLite.
    from modelsearch.backends.database.sqlite.query import (
        BM25,
        MatchExpression,
        SearchQueryExpression,
        SQLiteFTSIndexEntry,
        normalize,
    )
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteAutocompleteQueryCompiler,
        SQLiteIndex,
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
        SQLiteSearchResults,
    )
    from modelsearch.query import Phrase, PlainText
    from modelsearch.utils import get_descendants_content_types_pks

    fts_table = SQLiteFTSIndexEntry._meta.db_table

    class WeightedBM25(BM25):
        def as_sql(self, compiler, connection, function=None, template=None):
            return f"bm25({fts_table}, 1.0, 1.0, {TITLE_WEIGHT})", []

    class AnyMatch(Lookup):
        """`table MATCH '{title body} : (…) OR {autocomplete} : (…)'`: FTS5 narrows nested column filters to their
        intersection, so the columns of each part are given at the top."""

        lookup_name = "any_match"
        filterable = True

        def __init__(self, parts):
            self.parts = parts  # [(columns, an expression that compiles to FTS5 query text)]
            super().__init__(None, None)

        def as_sql(self, compiler, connection):
            texts = []
            for columns, query in self.parts:
                sql, params = compiler.compile(query)
                texts.append(f"{{{' '.join(columns)}}} : ({sql % tuple(params)})")
            return f"{fts_table} MATCH %s", [" OR ".join(texts)]

    class OnePassCompiler:
        count_in_ranking = False

        def build_tsrank(self, vector, query, config=None, boost=1.0):
            # bm25() scores the whole MATCH expression, And and Or included: Wagtail's products of (1 + bm25) per
            # word would flip the order for an even number of words, since bm25() is negative.
            return WeightedBM25() * boost if boost != 1.0 else WeightedBM25()

        def match(self, query, config):
            return MatchExpression(self.FTS_TABLE_FIELDS, self.build_search_query(query, config))

        def ranked_entries(self, config):
            query = normalize(self.query)
            if not _ranks_in_one_pass(self, query):
                return None
            # object_id is a text column: SQLite compares it with the subquery's page ids by its text affinity.
            # bm25() is lower for better matches.
            return (
                SQLiteFTSIndexEntry.objects.filter(self.match(query, config))
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

    class TitleFirstQueryCompiler(OnePassCompiler, SQLiteSearchQueryCompiler):
        @property
        def shares_results(self):
            return _is_page_search(self)

        def build_search_query_content(self, query, config=None):
            # Wagtail quotes each word for FTS5 without escaping a double quote in it: "财政\"" is a syntax error
            # (a 500 in wagtailmedia's search box). The site search sends words only and is not affected.
            if isinstance(query, (PlainText, Phrase)) and '"' in query.query_string:
                text = query.query_string.replace('"', " ")
                if not text.split():
                    return SearchQueryExpression(Value('""'))  # an empty phrase: FTS5 matches nothing
                query = PlainText(text, operator=query.operator) if isinstance(query, PlainText) else Phrase(text)
            return super().build_search_query_content(query, config)

        def match(self, query, config):
            tree = None if _is_page_search(self) else _fragment_tree(query)
            if tree is None:
                return super().match(query, config)
            # Wagtail's whole words in the title and text, or the fragments in the autocomplete column.
            words = self.build_search_query(query, config)
            return AnyMatch([(self.FTS_TABLE_FIELDS, words), (["autocomplete"], Value(_fts5_fragments(tree)))])

    class ChineseAutocompleteQueryCompiler(_AutocompleteQueryMixin, OnePassCompiler, SQLiteAutocompleteQueryCompiler):
        def build_search_query_content(self, query, config=None):
            if isinstance(query, (PlainText, Phrase)):
                return SearchQueryExpression(Value(_fts5_leaf(query)))
            return super().build_search_query_content(query, config)

    class TitleFirstSQLiteBackend(SQLiteSearchBackend):
        query_compiler_class = TitleFirstQueryCompiler
        autocomplete_query_compiler_class = ChineseAutocompleteQueryCompiler
        index_class = _indexing_autocomplete(SQLiteIndex)
        results_class = _one_pass_results(SQLiteSearchResults)

    return SQLiteSearchBackend, TitleFirstSQLiteBackend


def _title_first_postgres_backend():
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
    from django.db.models import Expression
    from modelsearch.backends.database.postgres.postgres import (
        IndexEntry,
        PostgresAutocompleteQueryCompiler,
        PostgresIndex,
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
        PostgresSearchResults,
    )
    from modelsearch.query import Phrase, PlainText
    from modelsearch.utils import get_descendants_content_types_pks

    # ts_rank's weights by lexeme class {D, C, B, A}: the index stores unboosted fields (the text) as D and boosted
    # ones (the title) as A-C, so the title counts TITLE_WEIGHT times the text.
    title_first_weights = [1 / TITLE_WEIGHT, 1.0, 1.0, 1.0]

    class TitleBody(Expression):
        """The stored title || body column of migration home 0004 (not a field of Wagtail's model)."""

        output_field = SearchVectorField()

        def as_sql(self, compiler, connection):
            return f'"{IndexEntry._meta.db_table}"."title_body"', []

    def autocomplete_tsquery(query, config, invert=False):
        raw = _tsquery_leaf(query)
        return SearchQuery(f"!({raw})" if invert else raw, search_type="raw", config=config)

    def fragments_tsquery(tree):
        """A tsquery over the autocomplete column for a _fragment_tree()."""
        from modelsearch.query import And, Or

        if not isinstance(tree, (And, Or)):
            return autocomplete_tsquery(tree, "simple")
        parts = [fragments_tsquery(part) for part in tree.subqueries]
        combined = parts[0]
        for part in parts[1:]:
            combined = (combined & part) if isinstance(tree, And) else (combined | part)
        return combined

    class OnePassCompiler:
        count_in_ranking = True

        def match_and_rank(self, config):
            """(a Q over the index entries, annotated with `_vector_`, and the score)."""
            search_query = self.build_tsquery(self.query, config=config)
            # Normalization 1 divides by the log of the entry's length: of two titles with the fragment, the
            # shorter (closer) first, as bm25() does on SQLite.
            return Q(_vector_=search_query), SearchRank(self.entry_vector(), search_query, normalization=1)

        def entry_vector(self):
            return F("autocomplete")

        def ranked_entries(self, config):
            if not _ranks_in_one_pass(self, self.query):
                return None
            match, score = self.match_and_rank(config)
            return (
                IndexEntry.objects.annotate(_vector_=self.entry_vector())
                .filter(
                    match,
                    content_type__in=get_descendants_content_types_pks(self.queryset.model),
                    object_id__in=self.queryset.values(pk_text=Cast("pk", CharField())),
                )
                .annotate(hit_id=F("object_id"), score=score)
                .order_by(F("score").desc(), "-id")
            )

    class TitleFirstQueryCompiler(OnePassCompiler, PostgresSearchQueryCompiler):
        def get_index_vectors(self, search_query):
            # Wagtail's own path (match-all and negated searches): the title's rank weighed like ours.
            return [
                (F("index_entries__title"), F("index_entries__title_norm") * TITLE_WEIGHT),
                (F("index_entries__body"), 1.0),
            ]

        @property
        def shares_results(self):
            return _is_page_search(self)

        def entry_vector(self):
            return TitleBody()

        def match_and_rank(self, config):
            search_query = self.build_tsquery(self.query, config=config)
            match = Q(_vector_=search_query)
            score = SearchRank(TitleBody(), search_query, weights=title_first_weights)
            tree = None if _is_page_search(self) else _fragment_tree(self.query)
            if tree is not None:
                # Wagtail's whole words in the title and text, or the fragments in the autocomplete column.
                fragments = fragments_tsquery(tree)
                match |= Q(autocomplete=fragments)
                score = score + SearchRank(F("autocomplete"), fragments)
            return match, score

    class ChineseAutocompleteQueryCompiler(_AutocompleteQueryMixin, OnePassCompiler, PostgresAutocompleteQueryCompiler):
        def build_tsquery_content(self, query, config=None, invert=False):
            if isinstance(query, (PlainText, Phrase)):
                return autocomplete_tsquery(query, config, invert)
            return super().build_tsquery_content(query, config=config, invert=invert)

    class TitleFirstPostgresBackend(PostgresSearchBackend):
        query_compiler_class = TitleFirstQueryCompiler
        autocomplete_query_compiler_class = ChineseAutocompleteQueryCompiler
        index_class = _indexing_autocomplete(PostgresIndex)
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
