"""The site's URLs, and one more for bench/concurrency.py: the least a member's form POST costs on this stack."""

from django.http import HttpResponse, HttpResponseForbidden
from django.urls import include, path
from django.views.decorators.http import require_POST


@require_POST
def logged_in_post(request):
    """Every middleware, the CSRF check, the session and the user (with his member record), then nothing: no page,
    no write. Answers as a ballot does (302), so that the same wrk script counts it."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    return HttpResponse(status=302, headers={"Location": "/"})


urlpatterns = [path("bench/logged-in-post/", logged_in_post), path("", include("dangjian.urls"))]
