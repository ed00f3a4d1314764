"""dangjian.headers: Cache-Control private for what is made for one visitor, Permissions-Policy everywhere, and the
Content-Security-Policy (strict on the site, looser in Wagtail's admin)."""

import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from disclosures.choices import Scope

ROOT = Path(__file__).resolve().parents[2]
STRICT = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
}


def directives(response):
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_private(response):
    assert {"private", "no-store"} <= cache_control(response), response.get("Cache-Control")
    assert "public" not in cache_control(response)


def assert_not_private(response):
    assert not {"private", "no-store"} & cache_control(response), response.get("Cache-Control")


def assert_common_headers(response):
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def document(title, content):
    return get_document_model().objects.create(title=title, file=ContentFile(content, name=f"{title}.txt"))


@pytest.fixture
def notices(make_notice, org_tree):
    internal_file = document("支部名单", b"zhibu mingdan")
    public_file = document("公开附件", b"gongkai")
    return {
        "public": make_notice("关于召开机关党建工作推进会的通知", attachments=[public_file]),
        "internal": make_notice(
            "关于县财政局机关党支部组织生活会的通知",
            scope=Scope.ORGANIZATIONS,
            organizations=[org_tree["finance_branch"]],
            attachments=[internal_file],
        ),
        "internal_file": internal_file,
        "public_file": public_file,
    }


@pytest.mark.django_db
def test_anonymous_public_pages_stay_cacheable_and_carry_the_strict_policy(client, notices):
    for url in ("/", notices["public"].get_parent().url, notices["public"].url, "/search/?q=党建"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_private(response)
        assert directives(response) == STRICT, url
        assert_common_headers(response)
    response = client.get(notices["public_file"].url)
    assert response.status_code == 200
    assert_not_private(response)


@pytest.mark.django_db
def test_every_page_a_member_sees_is_private(client, member_user, notices):
    client.force_login(member_user)
    urls = [
        "/",
        "/me/",
        "/messages/",
        "/search/?q=党支部",
        notices["public"].get_parent().url,
        notices["public"].url,
        notices["internal"].url,
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_private(response)
        assert directives(response) == STRICT, url
        assert_common_headers(response)
    assert "关于县财政局机关党支部组织生活会的通知" in client.get(notices["public"].get_parent().url).content.decode()


@pytest.mark.django_db
def test_internal_document_downloads_are_private(client, member_user, notices):
    client.force_login(member_user)
    response = client.get(notices["internal_file"].url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"zhibu mingdan"
    assert_private(response)
    assert_common_headers(response)


@pytest.mark.django_db
def test_a_visitor_with_something_in_his_session_gets_a_private_page(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    assert_not_private(response)
    session = client.session
    session["next"] = "/me/"
    session.save()
    response = client.get("/")
    assert_private(response)


@pytest.mark.django_db
def test_login_404_and_error_pages_carry_the_headers(client, home_page):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert directives(response) == STRICT
    assert_common_headers(response)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert directives(response) == STRICT
    assert_common_headers(response)


@pytest.mark.django_db
def test_wagtail_admin_gets_its_own_looser_policy(client, editor_user):
    client.force_login(editor_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response)
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert {"object-src 'none'", "base-uri 'self'", "frame-ancestors 'self'", "form-action 'self'"} <= policy
    assert_private(response)
    assert_common_headers(response)


@pytest.mark.django_db
def test_the_page_cache_still_caches_public_pages_with_their_headers(client, page_cache_on, notices):
    url = notices["public"].url
    assert client.get(url)["X-Page-Cache"] == "miss"
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert_not_private(hit)
    assert directives(hit) == STRICT
    assert_common_headers(hit)


# What the strict policy refuses, found in the site's templates (Wagtail admin templates may keep theirs).
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def site_templates():
    for path in sorted(ROOT.glob("*/templates/**/*.html")) + sorted((ROOT / "templates").glob("**/*.html")):
        if "/admin/" not in str(path.relative_to(ROOT)) and ".venv" not in path.parts:
            yield path


def test_no_template_of_the_site_has_inline_script_or_style():
    found = [
        f"{path.relative_to(ROOT)}: {kind}"
        for path in site_templates()
        for kind, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert list(site_templates())
    assert found == []
