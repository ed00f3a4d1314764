"""Idle sessions end after SESSION_IDLE_MINUTES; an active session is renewed at most once a minute.

Django's SESSION_SAVE_EVERY_REQUEST renews the expiry by writing the session row on every request a member
makes: a database write and commit per page view, the costliest part of a member's page on SQLite. Renewing
when the last renewal is a minute old keeps the idle limit (a session lives 29 to 30 idle minutes) at one write
a minute per active member.
"""

import time

from django.conf import settings

RENEWED_AT = "_renewed_at"


class IdleSessionRenewalMiddleware:
    """After SessionMiddleware: marks a loaded, non-empty session modified when its renewal is due."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only sessions the request has loaded (never a query for an anonymous visitor) and that hold something.
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(time.time())
        if now - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_SECONDS:
            session[RENEWED_AT] = now
        return response
