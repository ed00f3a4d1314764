"""Response headers every page needs: who may keep a copy (Cache-Control), which browser features the site uses
(Permissions-Policy), and the Content-Security-Policy, stricter on the site than in Wagtail's admin."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.utils.cache import patch_cache_control
from django.utils.functional import empty

# Features the site never uses, refused to it and to anything it embeds. Only names Chromium knows: an unknown one
# is logged in the browser's console on every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def depends_on_visitor(request, response):
    """Whether the response was made for the one who asked: his session was read (Django's SessionMiddleware then
    sends `Vary: Cookie`) and holds something (a login, a message), he is logged in, or messages were shown to him.
    An anonymous visitor's page reads the empty session too (the header's 登录 link), and stays cacheable."""
    # request.user is lazy (AuthenticationMiddleware): only if it was looked at can the response depend on it.
    user = getattr(getattr(request, "user", None), "_wrapped", getattr(request, "user", None))
    if user is not None and user is not empty and getattr(user, "is_authenticated", False):
        return True
    session = getattr(request, "session", None)
    if session is not None and session.accessed and not session.is_empty():
        return True
    messages = getattr(request, "_messages", None)
    return bool(messages is not None and getattr(messages, "used", False))


class SecurityHeadersMiddleware:
    """`Cache-Control: private, no-store` on every response made for one visitor (his pages, his documents); the
    Permissions-Policy on every response. Listed before SessionMiddleware, so that it sees the session as that left
    it, and before the page cache, so that cached pages get the headers too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if depends_on_visitor(request, response):
            patch_cache_control(response, private=True, no_store=True)  # drops a "public" directive
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware: CONTENT_SECURITY_POLICY (strict: no inline script or style) everywhere, except under
    CONTENT_SECURITY_POLICY_ADMIN["URL_PREFIXES"] (Wagtail's admin and its page previews), which get that looser
    policy instead. Wagtail's admin runs inline scripts and styles of its own that we cannot move; it still gets
    object-src, base-uri, frame-ancestors and form-action."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        admin = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None)
        if admin and not report_only and parts.config is None and request.path_info.startswith(admin["URL_PREFIXES"]):
            return PolicyParts(admin["DIRECTIVES"], parts.update, parts.replace, parts.nonce)
        return parts
