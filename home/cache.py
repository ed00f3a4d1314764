"""A shared cache of whole pages for anonymous visitors, which never serves one visitor's page to another.

`AnonymousPageCacheMiddleware` sits before the session middleware, so a hit is answered without touching the
session or the database. Only a plain anonymous GET is a candidate; only a 200 that neither sets a cookie, nor
carries a CSRF token, nor is marked private or no-store, is stored. Entries are keyed by host, full path and the
large-text mode (适老化), and carry the site-wide generation they were stored under, which every publish, unpublish,
move or delete bumps (`invalidate_pages`): one counter instead of a list of URLs, so no page that lists another is
left stale. A hit costs one cache round trip (the generation and the entry are read together).
"""

import hashlib
import logging

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost, EmptyResultSet
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import cc_delim_re, get_max_age
from django.utils.functional import cached_property
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .context_processors import LARGE_TEXT_COOKIE

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
HEADER = "X-Page-Cache"
# Cookies that do not change a page: the CSRF cookie (a page that uses it is never stored) and the large-text
# mode (part of the key). Any other cookie (session, messages, anything unknown) bypasses the cache.
_HARMLESS_COOKIES = {LARGE_TEXT_COOKIE}
_UNCACHEABLE_DIRECTIVES = {"private", "no-store", "no-cache"}
# Responses that are kept with the page; every other header (Set-Cookie above all) is dropped.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Vary", "Link")


def _settings():
    return {
        "enabled": getattr(settings, "PAGE_CACHE_ENABLED", True),
        "alias": getattr(settings, "PAGE_CACHE_ALIAS", "default"),
        "seconds": getattr(settings, "PAGE_CACHE_SECONDS", 300),
        "excluded": tuple(getattr(settings, "PAGE_CACHE_EXCLUDED_PATHS", ())),
    }


def _cache():
    return caches[_settings()["alias"]]


def current_generation(cache=None):
    cache = cache or _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY) or 1
    return generation


def invalidate_pages(**kwargs):
    """Forget every cached page (a signal receiver; also callable directly)."""
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: nothing was cached under one
        cache.add(GENERATION_KEY, 2, timeout=None)


def read_current(cache, key):
    """(the current generation, the entry stored under `key` if it was stored under that generation, else None),
    in one round trip: every entry is a tuple that starts with its generation."""
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY) or current_generation(cache)
    entry = found.get(key)
    return generation, (entry[1:] if entry is not None and entry[0] == generation else None)


def sharing_enabled():
    return getattr(settings, "SHARED_BLOCK_CACHE_ENABLED", True)


def shared_value(key_parts, build):
    """A value shared by every request with the same key parts until the generation changes: `build()` returns
    (value, seconds or None for PAGE_CACHE_SECONDS). Built without the cache if the cache server is down."""
    if not sharing_enabled():
        return build()[0]
    cache = _cache()
    key = "shared:" + hashlib.sha256(repr(key_parts).encode()).hexdigest()
    try:
        generation, entry = read_current(cache, key)
    except Exception:
        logger.exception("页面缓存不可用")
        return build()[0]
    if entry is not None:
        return entry[0]
    value, seconds = build()
    seconds = min(seconds or _settings()["seconds"], _settings()["seconds"])
    try:
        cache.set(key, (generation, value), seconds)
    except Exception:
        logger.exception("页面缓存写入失败")
    return value


def shared_html(request, key_parts, template_name, context):
    """`template_name` rendered with `context` (a dict, or a function that returns one, called only to render),
    shared like shared_value by every request for the same host with the same key parts, which must determine the
    context completely (a listing's key, its page, a member's unread marks)."""

    def render():
        values = context() if callable(context) else context
        return render_to_string(template_name, values, request=request), None

    return shared_value(("html", request.get_host(), template_name, *key_parts), render)


def query_key(queryset):
    """What identifies the rows `queryset` selects: its database, SQL and parameters (the same filters and
    visibility conditions give the same key); None if it can match nothing."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    return (queryset.db, sql, tuple(str(param) for param in params))


def shared_query_result(queryset, kind, build):
    """build() (which runs `queryset`), shared by every request that runs the very same SQL (the same filters and
    visibility conditions, as parameters) until the next publish."""
    key = query_key(queryset)
    if key is None:  # nothing can match: Django answers without a query, so does build()
        return build()
    return shared_value((kind, *key), lambda: (build(), None))


class SharedPaginator(Paginator):
    """A Paginator whose count and pages are shared by identical listings until the next publish: sorting and
    counting thousands of notices cost more than rendering the twenty on a page. `key` names the listing and must
    determine `object_list` completely (the column, the viewer's visibility, the filters). What differs from viewer
    to viewer beyond the query (whether this member has read each notice) is added to the page's rows by the caller."""

    def __init__(self, object_list, per_page, key, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._key = key

    @cached_property
    def count(self):
        return shared_value(("count", *self._key), lambda: (self.object_list.count(), None))

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = shared_value((f"page:{bottom}:{top}", *self._key), lambda: (list(self.object_list[bottom:top]), None))
        return self._get_page(rows, number, self)


class SharedSiteMiddleware:
    """Wagtail looks up the request's Site (and its root page) with a query on every request; the answer changes
    only when a site or its root page changes, both of which bump the generation. Shared like the home blocks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            host, port = request.get_host(), request.get_port()
        except DisallowedHost:  # not one of ALLOWED_HOSTS: no cache entry for it; Django answers 400 further in
            return self.get_response(request)
        # Wagtail's own cache attribute on the request: Site.find_for_request reads it first.
        request._wagtail_site = shared_value(("site", host, port), lambda: (_site_for(request), None))
        return self.get_response(request)


def _site_for(request):
    site = Site._find_for_request(request)
    if site is not None:
        # Routing starts from root_page.specific: kept specific, that is one query less on every page; and
        # preloaded like every routed page (home.routing), which saves the home page its view-restriction query.
        site.root_page = site.root_page.specific
        if sharing_enabled() and hasattr(site.root_page, "preload_for_sharing"):  # else it would be lost work
            site.root_page.preload_for_sharing()
    return site


def _cookie_names(request):
    return set(request.COOKIES) - {settings.CSRF_COOKIE_NAME}


def is_candidate(request):
    """Whether this request may be answered from, and its response stored in, the shared cache."""
    config = _settings()
    if not config["enabled"] or request.method != "GET":
        return False
    if request.path.startswith(config["excluded"]):
        return False
    # Anyone logged in has a session cookie; a visitor with messages waiting, or any cookie we do not know,
    # might see something of his own: bypass.
    if _cookie_names(request) - _HARMLESS_COOKIES:
        return False
    # Authorization headers (HTTP auth, tokens) identify a user too.
    return "HTTP_AUTHORIZATION" not in request.META


def cache_key(request):
    variant = "large" if request.COOKIES.get(LARGE_TEXT_COOKIE) == "1" else "normal"
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"pagecache:{variant}:{digest}"


def is_storable(request, response):
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    # The page holds a CSRF token (a form): the token belongs to this visitor.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or getattr(request, "csrf_cookie_set", False):
        return False
    directives = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
        if part.strip()
    }
    if directives & _UNCACHEABLE_DIRECTIVES:
        return False
    if get_max_age(response) == 0:
        return False
    # The session was filled while answering (a login, a message): the page was made for someone.
    session = getattr(request, "session", None)
    if session is not None and not session.is_empty():
        return False
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return False
    # Belt and braces: a form's token in the body means a form was rendered for this visitor.
    return b'name="csrfmiddlewaretoken"' not in response.content


class AnonymousPageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache; see the module's docstring for the rules."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_candidate(request):
            return self.get_response(request)
        cache = _cache()
        try:
            key = cache_key(request)
        except DisallowedHost:  # not one of ALLOWED_HOSTS: Django answers 400 further in
            return self.get_response(request)
        try:
            # One round trip to Redis: the entry carries the generation it was stored under, and is only good
            # while that is still the current one.
            generation, entry = read_current(cache, key)
        except Exception:  # the cache server is down: serve the page uncached
            logger.exception("页面缓存不可用")
            return self.get_response(request)
        if entry is not None:
            status, headers, content = entry
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if is_storable(request, response):
            headers = [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)]
            # A page that says it is fresh for less (live vote counts) is kept no longer than it says.
            max_age = get_max_age(response)
            seconds = _settings()["seconds"] if max_age is None else min(max_age, _settings()["seconds"])
            try:
                entry = (generation, response.status_code, headers, response.content)
                cache.set(key, entry, seconds)
            except Exception:
                logger.exception("页面缓存写入失败")
            response[HEADER] = "miss"
        else:
            response[HEADER] = "bypass"
        return response


def invalidate_now_and_after_commit(**kwargs):
    """Forget every cached page now, and once more when the transaction commits: a page rendered from the old rows
    between the two is dropped too (a signal receiver; also callable directly)."""
    invalidate_pages()
    transaction.on_commit(invalidate_pages)


def _invalidate_on_page_delete(sender, instance, **kwargs):
    if isinstance(instance, Page):
        invalidate_now_and_after_commit()


def connect_signals():
    """Bump the generation when pages are published, unpublished, moved or deleted, and when a model that
    public pages show (site settings, images, sign-up counts…, `PAGE_CACHE_INVALIDATING_MODELS`) changes."""
    uid = "home.cache"
    page_published.connect(invalidate_now_and_after_commit, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(invalidate_now_and_after_commit, dispatch_uid=f"{uid}.unpublished")
    post_page_move.connect(invalidate_now_and_after_commit, dispatch_uid=f"{uid}.moved")
    post_delete.connect(_invalidate_on_page_delete, dispatch_uid=f"{uid}.deleted")
    for label in getattr(settings, "PAGE_CACHE_INVALIDATING_MODELS", ()):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # a section that is not installed
        post_save.connect(invalidate_now_and_after_commit, sender=model, dispatch_uid=f"{uid}.save.{label}")
        post_delete.connect(invalidate_now_and_after_commit, sender=model, dispatch_uid=f"{uid}.delete.{label}")
