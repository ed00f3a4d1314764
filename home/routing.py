"""Wagtail's routing, shared: which live page a path leads to is looked up once per publish, not on every request.

Wagtail walks the tree from the site's root page on every request, two queries per level of the path (the child by
its slug, then its specific row), and one more for the view restrictions of the page and its ancestors. The page it
finds, with what serving it reads from other tables (`BasePage.preload_for_sharing`), is kept in the shared cache
under the page cache's generation, which every publish, unpublish, move, delete and change of a view restriction
bumps (home.cache). Each request still routes on from the page found (a routable page's own sub-paths) and makes
every decision about its visitor itself (view restrictions, a notice's scope): only the lookups are shared.
"""

from django.utils.translation import get_language

from .cache import shared_value


def shared_route(root, request, path_components, route):
    """What `route(request, path_components)` (Wagtail's routing from `root`) returns, with the page looked up once
    for every request of the same path. A path that leads nowhere raises Http404 and is not kept."""
    components = tuple(path_components)

    def find():
        page = route(request, list(components)).page
        page.preload_for_sharing()
        # Each level of the tree below the root takes one component of the path; the rest is the page's own.
        return (page, page.depth - root.depth), None

    if not components:  # the root page itself, which SharedSiteMiddleware already shares
        return route(request, [])
    page, consumed = shared_value(("route", root.pk, get_language(), components), find)
    if page.pk == root.pk:  # a sub-path of the root page's own
        return route(request, list(components))
    return page.route(request, list(components[consumed:]))
