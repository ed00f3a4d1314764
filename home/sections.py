"""How sections contribute to the home page and to /me/ without home importing them.

A section registers, in its wagtail_hooks.py:

    @hooks.register(HOME_SECTIONS_HOOK)
    def notices_on_home(request, home_page):
        return HomeSection(order=10, title="党务公开", template="disclosures/home_section.html", context={...})

and returns None while it has nothing to show, so that the home page never lists fake items. A block that is the
same for every viewer with equal key parts wraps its body in `cached_home_section`.
"""

import datetime
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

HOME_SECTIONS_HOOK = "home_page_sections"
ME_PANELS_HOOK = "me_page_panels"
DEMO_CONTENT_HOOK = "demo_content"
# fn(pages) -> {page id: [PageBadge, ...]}: marks a section puts on another section's pages (e.g. 十佳微型党课).
PAGE_BADGES_HOOK = "page_badges"
# fn(request) -> SearchSection | None: a section's page types in site search, and which of them `request` may see.
SEARCH_SECTIONS_HOOK = "search_sections"


@dataclass
class HomeSection:
    order: int
    title: str
    template: str
    context: dict = field(default_factory=dict)
    more_url: str = ""
    # Set by cached_home_section: the block as rendered HTML (the template is not used again).
    html: str = ""
    # A cached block is rebuilt at this time at the latest (a voting window opens, a slot starts).
    valid_until: datetime.datetime | None = None


def cached_home_section(request, key, build):
    """`build()` (a HomeSection or None), rendered once and shared by every viewer with the same `key` until the
    next publish or change that empties the page cache (home.cache's generation), PAGE_CACHE_SECONDS, or the
    block's own `valid_until`, whichever comes first. `key` must hold everything the block depends on (e.g. the
    viewer's visibility): members' home pages are never cached whole, but their blocks can be."""
    from .cache import shared_value

    built = []

    def render():
        section = build()
        built.append(section)
        if section is None:
            return None, None
        section.html = render_to_string(section.template, {"section": section}, request=request)
        seconds = None
        if section.valid_until is not None:
            seconds = max(1, int((section.valid_until - timezone.now()).total_seconds()))
        return (section.order, section.title, section.more_url, section.html), seconds

    cached = shared_value(("home-section", request.get_host(), *key), render)
    if built:  # built by this request (a miss, or the cache is off): the section itself, context and all
        return built[0]
    if cached is None:
        return None
    order, title, more_url, html = cached
    return HomeSection(order=order, title=title, template="", more_url=more_url, html=html)


@dataclass
class MePanel:
    order: int
    title: str
    template: str
    context: dict = field(default_factory=dict)


@dataclass
class PageBadge:
    label: str
    url: str = ""


@dataclass
class SearchSection:
    """A section as site search sees it.

    `models`: the section's page types (the 按栏目 filter). `visible`: {page model: Q} keeping the pages of that
    model the request's user may see; pages of the model outside the Q never appear in results, not even by title.
    """

    key: str
    label: str
    order: int
    models: tuple = ()
    visible: dict = field(default_factory=dict)
