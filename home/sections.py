"""How sections contribute to the home page and to /me/ without home importing them.

A section registers, in its wagtail_hooks.py:

    @hooks.register(HOME_SECTIONS_HOOK)
    def notices_on_home(request, home_page):
        return HomeSection(order=10, title="党务公开", template="disclosures/home_section.html", context={...})

and returns None while it has nothing to show, so that the home page never lists fake items.
"""

from dataclasses import dataclass, field

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
