"""Run inside the benchmark's environment: pick the URLs, make a member's session, count each page's queries.

Prints one JSON object. Called by bench/run.py through `manage.py shell`.
"""

import json

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from disclosures.choices import Scope
from disclosures.models import DisclosureIndexPage, DisclosureNoticePage
from learning.models import CoursePage

member = get_user_model().objects.get(username="member")
session = SessionStore()
session[SESSION_KEY] = str(member.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = member.get_session_auth_hash()
session.set_expiry(24 * 3600)
session.save()
cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

notice = DisclosureNoticePage.objects.live().filter(scope=Scope.PUBLIC).order_by("-first_published_at").first()
course = CoursePage.objects.live().first()
pages = {
    "home": "/",
    "notice index": DisclosureIndexPage.objects.first().url,
    "a notice": notice.url,
    "a course": course.url if course else None,
    "/me/ (member)": "/me/",
    "static file": staticfiles_storage.url("css/site.css"),
}
queries = {}
with override_settings(PAGE_CACHE_ENABLED=False):
    for name, url in pages.items():
        if not url:
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        if name.startswith("/me/"):
            client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        client.get(url)  # warm: settings rows, renditions
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries[name] = {"status": response.status_code, "queries": len(captured)}
print("PROBE " + json.dumps({"pages": pages, "cookie": cookie, "queries": queries}, ensure_ascii=False))
