"""Chinese search: one segmentation for the index and for the query, visibility from the sections, snippets.

Wagtail's database backends (SQLite FTS5, PostgreSQL) treat a run of Chinese characters as one token, so a page
is indexed with a segmented copy of its title and text (words joined by spaces, from rjieba), and the query is
segmented the same way before it goes to Wagtail's search API. Home never imports a section: each section tells
the search, through SEARCH_SECTIONS_HOOK, which page types are its own and which of them a visitor may see.
"""

import re
import unicodedata
from dataclasses import dataclass

import rjieba
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail import hooks
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index
from wagtail.search.query import And, Or, PlainText

from .cache import shared_value
from .sections import SEARCH_SECTIONS_HOOK

MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 12
SNIPPET_LENGTH = 120
# Words too common to be required in every result; dropped from a query unless nothing else is left.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "是",
        "在",
        "之",
        "或",
        "等",
        "对",
        "把",
        "被",
        "于",
        "为",
        "有",
        "也",
        "就",
        "都",
        "而",
        "及其",
        "以及",
        "关于",
    ]
)
_WORD = re.compile(r"\w+")


def normalize(text):
    """Full-width letters and digits to half-width (NFKC), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def words(text):
    """The words of `text` as the index and the query see them: rjieba's search cut, punctuation dropped."""
    result = []
    for token in rjieba.cut_for_search(normalize(text)):
        result.extend(_WORD.findall(token))
    return result


def segment(text):
    """`text` as space-separated words: what is stored in the search index."""
    return " ".join(words(text))


def query_words(query):
    """The distinct words of a visitor's query, in order, without stop words (unless only stop words remain)."""
    seen = []
    for word in words(query[:MAX_QUERY_LENGTH]):
        if word not in seen:
            seen.append(word)
    meaningful = [word for word in seen if word not in STOPWORDS]
    return (meaningful or seen)[:MAX_QUERY_WORDS]


class SegmentedSearchField(index.SearchField):
    """A SearchField whose value is indexed segmented. On "title" it fills the backends' title column."""

    def get_value(self, obj):
        value = super().get_value(obj)
        return segment(str(value)) if value else ""


# --- Visibility -------------------------------------------------------------------------------------------------


def section_registry(request):
    """Every section's SearchSection for this request, in order."""
    sections = (hook(request) for hook in hooks.get_hooks(SEARCH_SECTIONS_HOOK))
    return sorted((section for section in sections if section), key=lambda section: section.order)


def view_restrictions():
    """Every view restriction of the site, with its page: shared until one changes (they empty the cache)."""
    return shared_value(
        ("view-restrictions",), lambda: (list(PageViewRestriction.objects.select_related("page")), None)
    )


def visible_pages(request, sections):
    """Live pages this request may see: Wagtail's view restrictions, then each section's own rules."""
    pages = Page.objects.live()
    # Pages under a view restriction this request does not pass (login, groups, password) are left out.
    for restriction in view_restrictions():
        if not restriction.accept_request(request):
            pages = pages.exclude(path__startswith=restriction.page.path)
    for section in sections:
        for model, condition in section.visible.items():
            if condition is None or condition == Q():
                continue
            hidden = model.objects.exclude(condition).values("pk")
            pages = pages.exclude(pk__in=hidden)
    return pages


def section_content_types(section):
    return ContentType.objects.get_for_models(*section.models).values()


def searchable_pages(request, sections, section_key=""):
    """The pages this request may find: visible to it, of the chosen section if any."""
    pages = visible_pages(request, sections)
    chosen = next((section for section in sections if section.key == section_key), None)
    if chosen is not None:
        pages = pages.filter(content_type__in=[ct.pk for ct in section_content_types(chosen)])
    return pages


def ranked(pages, terms):
    """Wagtail SearchResults of `pages` for the query words, best first (relaxed_queries)."""
    for query in relaxed_queries(terms):
        results = pages.search(query)
        if results.count():
            break
    return results


@dataclass
class SiteSearch:
    """One search as the visitor asked it: the sections he may search, his query's words, and the pages he may
    find (None without words). `results()` ranks them; the view also keys its shared results on `pages`."""

    sections: list
    terms: list
    pages: object = None

    def results(self):
        """Wagtail SearchResults of Page, best first, or None without words."""
        return ranked(self.pages, self.terms) if self.pages is not None else None


def search_pages(request, query, section_key=""):
    """The site search for this request (the search view's only way in)."""
    sections = section_registry(request)
    terms = query_words(query)
    pages = searchable_pages(request, sections, section_key) if terms else None
    return SiteSearch(sections, terms, pages)


def relaxed_queries(terms):
    """Every word; then, if no page has them all, all words but one (a wrong year in a document number, a word
    the text cut differently); then any word. Each step is tried only if the one before found nothing: the
    last, matching most of the site for common words, is the costliest to rank."""
    yield And([PlainText(term) for term in terms])
    if len(terms) > 2:
        yield Or([And([PlainText(term) for term in terms if term != left_out]) for left_out in terms])
    if len(terms) > 1:
        yield Or([PlainText(term) for term in terms])


# --- Snippets ---------------------------------------------------------------------------------------------------


def highlight(text, terms):
    """`text` escaped, with every occurrence of the terms (case-insensitive) inside <mark>."""
    terms = sorted({term for term in terms if term}, key=len, reverse=True)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of the text is escaped above


def snippet(text, terms, length=SNIPPET_LENGTH):
    """A piece of `text` around the first match of the terms, highlighted; the start of the text if none."""
    text = " ".join((text or "").split())
    lowered = text.lower()
    positions = [lowered.find(term) for term in terms if term and lowered.find(term) >= 0]
    start = max(0, min(positions) - length // 4) if positions else 0
    piece = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return mark_safe(prefix + highlight(piece, terms) + suffix)  # noqa: S308 - highlight() escapes
