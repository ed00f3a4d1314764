"""A small fixed-window rate limit on the cache, for the public forms (服务需求, registration)."""

from django.core.cache import cache

from dangjian.http import client_address

SITE_WIDE = "*"


def _count(key, window):
    # add() only sets a missing key: the window starts with the first request.
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1


def allow(request, scope, per_address, site_wide, window=3600):
    """True while this address (and the whole site) stays within its number of attempts per window.

    The site-wide cap bounds what a sender who changes addresses (or forges the header without a proxy) can do.
    """
    address_count = _count(f"ratelimit:{scope}:{client_address(request)}", window)
    total_count = _count(f"ratelimit:{scope}:{SITE_WIDE}", window)
    return address_count <= per_address and total_count <= site_wide
