"""Accounts with an initial password (members.accounts) see nothing but the password change until they set their
own: every other page, the admin included, sends them there, and comes back to where they were going afterwards.
Logging in and out and the large-text switch stay reachable."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from .accounts import must_change_password
from .password_views import InitialPasswordChangeView

PASSWORD_CHANGE = "password_change"
ALLOWED_VIEWS = frozenset(
    {"login", "logout", "password_change_done", "toggle_large_text", "wagtailadmin_login", "wagtailadmin_logout"}
)


class ForcePasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.password_change_view = InitialPasswordChangeView.as_view()

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not must_change_password(user):
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if view_name == PASSWORD_CHANGE:
            return self.password_change_view(request)
        if view_name in ALLOWED_VIEWS:
            return None
        url = reverse(PASSWORD_CHANGE)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
