"""`record`: the one call every section makes to write the security audit log.

The request being served is kept for the calls that happen deep inside services and signals (a group added to a
user in the admin, a roster applied): `AuditRequestMiddleware` puts it in a context variable, so the record knows
who acted and from which address without every function passing the request along.
"""

import contextvars

from dangjian.http import client_address

from .models import SecurityEvent

Kind = SecurityEvent.Kind
_current_request = contextvars.ContextVar("security_audit_request", default=None)


def current_request():
    return _current_request.get()


class AuditRequestMiddleware:
    """Remembers the request for `record` (after AuthenticationMiddleware: the acting user is known)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def _acting_user(request):
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


def record(kind, *, request=None, user=None, username="", target=None, **detail):
    """Write one audit event and return it.

    `kind` is a `SecurityEvent.Kind`; `user` is who acted (by default the request's user), `username` the name as
    typed (a failed login) or else the user's; `target` what was acted on (a model instance or a short text, shown
    in the summary); `detail` any JSON-serializable facts. Without `request` the request being served is used, if
    any (a command or the demo seed has none: the event then names no address).
    """
    kind = Kind(kind)
    request = request if request is not None else current_request()
    user = user if user is not None else _acting_user(request)
    if not username and user is not None:
        username = user.get_username()
    target_text = str(target) if target is not None else ""
    summary = f"{kind.label}：{target_text}" if target_text else kind.label
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=username[:150],
        address=client_address(request)[:64] if request is not None else "",
        path=request.get_full_path()[:300] if request is not None else "",
        target=target_text[:300],
        summary=summary[:500],
        detail=detail,
    )
