"""Smoke test of the production set-up: `settings.production` on a real PostgreSQL and Redis, served by gunicorn
with gunicorn.conf.py, behind what nginx would send (X-Forwarded-Proto: https).

It runs in the PostgreSQL pass of `make test` (DATABASE_URL is a PostgreSQL URL there); on SQLite it is skipped. It
builds its own database next to the test database and drops it afterwards, and runs its own redis-server on a spare
port (tests/site/conftest.py), which it stops to prove that the site keeps serving without Redis.
"""

import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import dj_database_url
import pytest

from .conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
HOST = "djw.example.gov.cn"

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://")),
    reason="the production smoke test needs PostgreSQL (make test runs it in its PostgreSQL pass)",
)


@pytest.fixture(scope="module")
def production(tmp_path_factory, redis_server):
    import psycopg

    config = dj_database_url.parse(DATABASE_URL)
    name = f"{config['NAME']}_smoke_{secrets.token_hex(3)}"
    admin = dict(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"])
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    static_root = tmp_path_factory.mktemp("static")
    port = free_port()
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        # A worktree's copy of the project first (as its tests import it), else the installed one.
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        "DJANGO_SETTINGS_MODULE": "dangjian.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": DATABASE_URL.split("?")[0].rsplit("/", 1)[0] + f"/{name}",
        "REDIS_URL": redis_server.url,
        "CACHE_KEY_PREFIX": f"smoke-{secrets.token_hex(4)}",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
    }

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    server = None
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - open while the server runs, closed below
    try:
        manage("migrate", "--noinput")
        manage("collectstatic", "--noinput")
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base, timeout=1)
            except urllib.error.HTTPError:
                break  # it answers (a redirect to HTTPS, or 400 for the host)
            except OSError:
                time.sleep(0.2)
        yield {"base": base, "manage": manage, "static_root": static_root, "redis": redis_server}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        log.seek(0)
        print(log.read())
        log.close()
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(base, path, https=True, cookie=None):
    headers = {"Host": HOST}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(base + path, headers=headers)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def log_in(base, username, password):
    """Log in through the login form as a browser would; the session cookie ("sessionid=…")."""
    status, headers, html = fetch(base, "/accounts/login/")
    assert status == 200, html
    csrf_cookie = next(part.split(";")[0] for part in headers.get_all("Set-Cookie") if part.startswith("csrftoken="))
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(
        base + "/accounts/login/",
        data=body.encode(),
        headers={
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "Cookie": csrf_cookie,
            "Referer": f"https://{HOST}/accounts/login/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        urllib.request.build_opener(_NoRedirect).open(request, timeout=30)
        raise AssertionError("the login did not redirect")
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.read().decode("utf-8", "replace")
        return next(
            part.split(";")[0] for part in answer.headers.get_all("Set-Cookie") if part.startswith("sessionid=")
        )


def test_check_deploy_passes_on_postgresql_and_redis(production):
    output = production["manage"]("check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in output


def test_pages_are_served_and_cached_in_redis(production):
    base = production["base"]
    status, headers, _ = fetch(base, "/", https=False)
    assert status == 301 and headers["Location"].startswith(f"https://{HOST}/")

    status, headers, html = fetch(base, "/")
    assert status == 200, html
    assert "机关党建网" in html
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert headers["X-Page-Cache"] == "miss"
    # The very first page creates the site settings' row, which empties the cache once; from then on every answer
    # comes from Redis, through either worker: the cache is shared.
    fetch(base, "/")
    # The next answers comes from Redis, possibly through the other worker: the cache is shared.
    assert [fetch(base, "/")[1]["X-Page-Cache"] for _ in range(4)] == ["hit"] * 4

    # The stylesheet has a hashed name and is served compressed by whitenoise, cached for a year.
    stylesheet = next(part.split('"')[0] for part in html.split('href="/static/')[1:] if ".css" in part.split('"')[0])
    assert "site." in stylesheet and stylesheet.count(".") >= 2
    status, headers, _ = fetch(base, "/static/" + stylesheet)
    assert status == 200 and "max-age=315360000" in headers["Cache-Control"]


def test_forms_and_members_pages_are_not_cached(production):
    base = production["base"]
    status, headers, html = fetch(base, "/accounts/login/")
    assert status == 200 and "csrfmiddlewaretoken" in html
    assert "X-Page-Cache" not in headers
    assert "csrftoken" in headers.get("Set-Cookie", "")
    status, headers, _ = fetch(base, "/me/")
    assert status == 302 and "/accounts/login/" in headers["Location"]


def test_a_member_logs_in_and_his_session_holds_across_workers(production):
    # Sessions are cached_db in production: read from Redis, written through to PostgreSQL.
    production["manage"](
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth import get_user_model;"
        "get_user_model().objects.create_user('smoke', password='Smoke-2026-login')",
    )
    session_cookie = log_in(production["base"], "smoke", "Smoke-2026-login")
    base = production["base"]
    # Several requests, so both workers read the session.
    for _ in range(4):
        status, headers, html = fetch(base, "/me/", cookie=session_cookie)
        assert status == 200 and "退出" in html
        assert "X-Page-Cache" not in headers or headers["X-Page-Cache"] != "hit"
    stored = production["manage"](
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.sessions.models import Session; print(Session.objects.count())",
    )
    assert stored.strip() == "1"  # written through to the database too


SCHEDULE_A_NOTICE = """
import datetime
from django.utils import timezone
from wagtail.models import Site
from disclosures.models import DisclosureIndexPage, DisclosureNoticePage, NoticeCategory
from members.models import Organization
home = Site.objects.get(is_default_site=True).root_page
index = DisclosureIndexPage(title="党务公开", slug="dwgk")
home.add_child(instance=index)
index.save_revision().publish()
committee = Organization.objects.create(name="县直机关工委", code="SMOKE", kind="committee")
due = timezone.now() - datetime.timedelta(seconds=1)
notice = DisclosureNoticePage(
    title="第四季度党费收缴情况公示", slug="dues-q4", category=NoticeCategory.objects.first(),
    issuing_organization=committee, timing="regular", go_live_at=due, live=False,
)
index.add_child(instance=notice)
notice.save_revision(approved_go_live_at=due)
"""


def test_scheduled_notices_go_live_by_the_timers_command(production):
    production["manage"]("shell", "--no-imports", "-c", SCHEDULE_A_NOTICE)
    status, _, _ = fetch(production["base"], "/dwgk/dues-q4/")
    assert status == 404
    # What the systemd timer in docs/deploy.md runs every minute.
    production["manage"]("publish_scheduled")
    status, _, html = fetch(production["base"], "/dwgk/dues-q4/")
    assert status == 200 and "第四季度党费收缴情况公示" in html and "SMOKE-" in html


ENSURE_DISCLOSURE_INDEX = """
from wagtail.models import Site
from disclosures.models import DisclosureIndexPage
if not DisclosureIndexPage.objects.filter(slug="dwgk").exists():
    home = Site.objects.get(is_default_site=True).root_page
    index = DisclosureIndexPage(title="党务公开", slug="dwgk")
    home.add_child(instance=index)
    index.save_revision().publish()
from django.contrib.auth import get_user_model
get_user_model().objects.create_user("outage", password="Outage-2026-login")
"""


def test_the_site_keeps_serving_while_redis_is_down_and_after_it_is_back(production):
    production["manage"]("shell", "--no-imports", "-c", ENSURE_DISCLOSURE_INDEX)
    base, redis_server = production["base"], production["redis"]
    assert fetch(base, "/")[0] == 200
    redis_server.stop()
    try:
        # Every worker, anonymous and logged in: pages are built uncached, sessions come from PostgreSQL.
        for _ in range(2):
            for path in ("/", "/dwgk/", "/search/?q=%E5%85%9A%E8%B4%B9", "/volunteers/register/", "/accounts/login/"):
                status, headers, html = fetch(base, path)
                assert status == 200, (path, html[-2000:])
                assert headers.get("X-Page-Cache") != "hit"
        started = time.monotonic()
        session_cookie = log_in(base, "outage", "Outage-2026-login")
        for _ in range(4):
            status, _, html = fetch(base, "/me/", cookie=session_cookie)
            assert status == 200 and "退出" in html
        assert time.monotonic() - started < 10  # no request waits for Redis's timeouts
    finally:
        redis_server.start()
    time.sleep(6)  # the workers' retry delay (dangjian.cache.DEFAULT_RETRY_AFTER)
    # The session opened during the outage holds with Redis back, on every worker; pages are cached again.
    for _ in range(4):
        status, _, html = fetch(base, "/me/", cookie=session_cookie)
        assert status == 200 and "退出" in html
    fetch(base, "/")
    assert "hit" in [fetch(base, "/")[1].get("X-Page-Cache") for _ in range(4)]
