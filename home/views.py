from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET
from wagtail import hooks

from members.models import Member

from .sections import ME_PANELS_HOOK

LARGE_TEXT_COOKIE = "large_text"


@login_required
def me(request):
    member = Member.objects.select_related("organization").filter(user=request.user).first()
    panels = (hook(request) for hook in hooks.get_hooks(ME_PANELS_HOOK))
    return render(
        request,
        "home/me.html",
        {
            "member": member,
            "panels": sorted((panel for panel in panels if panel), key=lambda panel: panel.order),
        },
    )


@require_GET
def toggle_large_text(request):
    """Switch the large-text, high-contrast mode (适老化) on or off; remembered in a cookie for a year.

    A GET, because it changes only how this visitor's own pages look.
    """
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.COOKIES.get(LARGE_TEXT_COOKIE) == "1":
        response.delete_cookie(LARGE_TEXT_COOKIE)
    else:
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    return response
