"""A small fixed-window rate limit on the cache, for the public forms (服务需求, registration).

Only accepted submissions count: a visitor who mistypes his phone number five times has sent nothing, and is not
refused for it. The check reads the counters and the count comes after the submission is stored, so two visitors
submitting at the same instant may pass one over the limit: a limit against floods, not an exact quota.
"""

from dataclasses import dataclass

from django.core.cache import cache

from dangjian.http import client_address

SITE_WIDE = "*"


@dataclass(frozen=True)
class RateLimit:
    scope: str
    per_address: int  # a whole office behind one NAT address shares it: generous
    site_wide: int  # bounds a sender who changes addresses
    per_contact: int = 0  # per address and contact (a phone number): one person's repeats; 0 for none
    window: int = 3600

    def _keys(self, request, contact):
        address = client_address(request)
        keys = {
            f"ratelimit:{self.scope}:{address}": self.per_address,
            f"ratelimit:{self.scope}:{SITE_WIDE}": self.site_wide,
        }
        if self.per_contact and contact:
            keys[f"ratelimit:{self.scope}:{address}:{contact}"] = self.per_contact
        return keys

    def exceeded(self, request, contact=""):
        """Whether one more accepted submission would pass a limit."""
        keys = self._keys(request, contact)
        counts = cache.get_many(keys)
        return any(counts.get(key, 0) >= limit for key, limit in keys.items())

    def count(self, request, contact=""):
        """Counts an accepted submission."""
        for key in self._keys(request, contact):
            # add() only sets a missing key: the window starts with the first submission.
            if not cache.add(key, 1, timeout=self.window):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add() and incr()
                    cache.set(key, 1, timeout=self.window)


SERVICE_REQUESTS = RateLimit("service-request", per_address=30, site_wide=200, per_contact=3)
REGISTRATIONS = RateLimit("register", per_address=20, site_wide=300)
