"""Run inside the benchmark's environment: pick the URLs, make the sessions, count each page's queries.

Logged-in pages: /me/ as the demo member, the branch credit report as the demo branch secretary (`secretary`,
whom learning.access.secretary_branch recognizes by his member record or the 支部书记 group).

Prints one JSON object. Called by bench/run.py through `manage.py shell`.
"""

import json
from importlib import import_module
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from disclosures.choices import Scope
from disclosures.models import DisclosureIndexPage, DisclosureNoticePage
from learning import access
from learning.models import CoursePage

# A word in most notices (see SENTENCES in bench/generate.py): the search that finds the most.
SEARCH_WORD = "党员"


def session_for(username):
    """A logged-in session, as the login view would store it; returns the session key."""
    user = get_user_model().objects.get(username=username)
    session = import_module(settings.SESSION_ENGINE).SessionStore()  # the server's own (Redis, then the database)
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(24 * 3600)
    session.save()
    return user, session.session_key


_, member_session = session_for("member")
secretary, secretary_session = session_for("secretary")
branch = access.secretary_branch(secretary)

notice = DisclosureNoticePage.objects.live().filter(scope=Scope.PUBLIC).order_by("-first_published_at").first()
course = CoursePage.objects.live().first()
pages = {
    "home": "/",
    "notice index": DisclosureIndexPage.objects.first().url,
    "a notice": notice.url,
    "a course": course.url if course else None,
    "/me/ (member)": "/me/",
    f"search ({SEARCH_WORD})": f"/search/?q={quote(SEARCH_WORD)}",
    "branch report (secretary)": reverse("learning:branch_report", args=[branch.pk]) if branch else None,
    "static file": staticfiles_storage.url("css/site.css"),
}
sessions = {"/me/ (member)": member_session, "branch report (secretary)": secretary_session}
queries = {}
with override_settings(PAGE_CACHE_ENABLED=False):
    for name, url in pages.items():
        if not url:
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        if name in sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[name]
        client.get(url)  # warm: settings rows, renditions
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries[name] = {"status": response.status_code, "queries": len(captured)}
cookies = {name: f"{settings.SESSION_COOKIE_NAME}={key}" for name, key in sessions.items()}
branch_members = branch.members.filter(status="active").count() if branch else 0
print(
    "PROBE "
    + json.dumps(
        {"pages": pages, "cookies": cookies, "queries": queries, "branch_members": branch_members}, ensure_ascii=False
    )
)
