"""Shared routing (home/routing.py): the page a path leads to is looked up once per publish, while every decision
about the visitor (view restrictions, a notice's scope) is still made on each request."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from disclosures.choices import Scope
from home.models import SiteSettings

pytestmark = pytest.mark.usefixtures("shared_cache_on")


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def tables_read(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, " ".join(query["sql"] for query in queries.captured_queries)


def test_a_page_is_routed_from_the_shared_cache_once_warm(make_notice):
    notice = make_notice("关于召开机关党建工作推进会的通知")
    client = client_for()
    assert client.get(notice.url).status_code == 200
    response, sql = tables_read(client, notice.url)
    assert response.status_code == 200
    assert "关于召开机关党建工作推进会的通知" in response.content.decode()
    # Neither the tree walk, the view restrictions, the category, the organization nor the attachments.
    for table in ("wagtailcore_page", "wagtailcore_pageviewrestriction", "noticecategory", "noticeattachment"):
        assert table not in sql


def test_unpublishing_makes_the_page_disappear_at_once(make_notice):
    notice = make_notice("关于召开机关党建工作推进会的通知")
    client = client_for()
    assert client.get(notice.url).status_code == 200
    notice.unpublish()
    assert client.get(notice.url).status_code == 404


def test_a_new_slug_moves_the_page_at_once(make_notice):
    notice = make_notice("关于召开机关党建工作推进会的通知")
    old_url = notice.url
    client = client_for()
    assert client.get(old_url).status_code == 200
    notice.slug = "tuijinhui"
    notice.save_revision().publish()
    assert client.get(old_url).status_code == 404
    assert client.get("/dwgk/tuijinhui/").status_code == 200


def test_a_new_view_restriction_applies_at_once(make_notice, disclosure_index, settings):
    settings.PAGE_CACHE_ENABLED = True  # the whole-page cache must let go of the page too
    notice = make_notice("关于召开机关党建工作推进会的通知")
    client = client_for()
    assert client.get(notice.url).status_code == 200
    assert client.get(notice.url)["X-Page-Cache"] == "hit"
    PageViewRestriction.objects.create(page=disclosure_index, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(notice.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "关于召开机关党建工作推进会的通知" not in response.content.decode()


def test_a_notices_scope_is_checked_for_each_visitor(make_notice, org_tree, member_user, outsider):
    notice = make_notice(
        "关于县财政局机关党支部组织生活会的通知", scope=Scope.ORGANIZATIONS, organizations=[org_tree["finance_branch"]]
    )
    # The member in scope routes the page first; the route is shared, the answer is not.
    assert client_for(member_user).get(notice.url).status_code == 200
    refused = client_for(outsider).get(notice.url)
    assert refused.status_code == 403
    assert "组织生活会" not in refused.content.decode()
    anonymous = client_for().get(notice.url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_a_routable_pages_own_paths_still_resolve(make_notice, disclosure_index):
    make_notice("关于召开机关党建工作推进会的通知")
    client = client_for()
    for _ in range(2):  # cold, then from the shared route
        assert client.get(disclosure_index.url).status_code == 200
        assert client.get(disclosure_index.url + "archive/").status_code == 200
        assert client.get(disclosure_index.url + "feed/").status_code == 200
        assert client.get(disclosure_index.url + "no-such-notice/").status_code == 404


def test_site_settings_are_shared_and_follow_a_change(home_page):
    client = client_for()
    assert "机关党建网" in client.get("/").content.decode()
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.site_name = "县直机关党建网"
    site_settings.save()
    assert "县直机关党建网" in client.get("/").content.decode()


def test_the_home_page_carries_its_view_restrictions_too(home_page):
    client = client_for()
    assert client.get("/").status_code == 200
    response, sql = tables_read(client, "/")
    assert response.status_code == 200
    assert "wagtailcore_pageviewrestriction" not in sql and "wagtailcore_page" not in sql
