"""The home page's shared blocks (home.sections.cached_home_section): rendered once for every viewer with the same
key, for members too, never one scope's notices shown to another, rebuilt on publishing and at a phase change."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import Site

from disclosures.choices import Scope
from home import cache as home_cache
from home.sections import HomeSection, cached_home_section

INTERNAL = "关于县财政局机关党支部组织生活会的通知"
ALL_MEMBERS = "关于全体党员缴纳党费的通知"
PUBLIC = "关于召开机关党建工作推进会的通知"


pytestmark = pytest.mark.usefixtures("shared_cache_on")


@pytest.fixture
def notices(make_notice, org_tree):
    make_notice(PUBLIC)
    make_notice(INTERNAL, scope=Scope.ORGANIZATIONS, organizations=[org_tree["finance_branch"]])
    make_notice(ALL_MEMBERS, scope=Scope.ALL_MEMBERS)


def home_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_each_scope_gets_its_own_notices_block_whoever_came_first(notices, member_user, outsider, editor_user):
    # The member of the finance branch fills the cache first; nobody outside his scope may get his block.
    assert INTERNAL in home_for(member_user) and ALL_MEMBERS in home_for(member_user)
    outsiders = home_for(outsider)
    assert INTERNAL not in outsiders and ALL_MEMBERS in outsiders
    anonymous = home_for()
    assert INTERNAL not in anonymous and ALL_MEMBERS not in anonymous and PUBLIC in anonymous
    assert INTERNAL in home_for(editor_user)
    # And the other way round: warm for anonymous visitors, then a member.
    assert INTERNAL in home_for(member_user)


def test_a_warm_block_saves_its_queries(notices, member_user, django_assert_max_num_queries):
    home_for(member_user)
    client = Client()
    client.force_login(member_user)
    client.get("/")
    with django_assert_max_num_queries(14):
        assert INTERNAL in client.get("/").content.decode()


def test_publishing_shows_a_new_notice_at_once(notices, make_notice, member_user):
    assert "关于开展主题党日活动的通知" not in home_for(member_user)
    make_notice("关于开展主题党日活动的通知")
    assert "关于开展主题党日活动的通知" in home_for(member_user)
    assert "关于开展主题党日活动的通知" in home_for()


def test_a_block_is_kept_no_longer_than_its_valid_until(rf, monkeypatch):
    stored = {}
    monkeypatch.setattr(home_cache.caches["default"], "set", lambda key, value, timeout: stored.update(t=timeout))
    request = rf.get("/")
    soon = timezone.now() + datetime.timedelta(seconds=90)

    def build():
        return HomeSection(order=1, title="评选活动", template="home/_block_test.html", valid_until=soon)

    monkeypatch.setattr("home.sections.render_to_string", lambda *args, **kwargs: "<p>块</p>")
    section = cached_home_section(request, ("test",), build)
    assert section.html == "<p>块</p>" and section.title == "评选活动"
    assert 80 <= stored["t"] <= 90


def test_the_site_and_the_menu_are_looked_up_once_per_publish(home_page, make_notice, django_assert_max_num_queries):
    client = Client()
    client.get("/")
    with django_assert_max_num_queries(10) as captured:
        assert client.get("/").status_code == 200
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert 'FROM "wagtailcore_site"' not in sql
    assert '"wagtailcore_page"."show_in_menus")' not in sql  # the menu's filter
    # A new menu entry appears as soon as it is published.
    from home.models import StandardPage

    page = StandardPage(title="联系我们", slug="lianxi", show_in_menus=True, live=False)
    home_page.add_child(instance=page)
    page.save_revision().publish()
    assert "联系我们" in client.get("/").content.decode()


def test_a_changed_site_is_seen_at_once(home_page, settings):
    settings.ALLOWED_HOSTS = ["testserver", "dangjian.example"]
    site = Site.objects.get(is_default_site=True)
    assert Client().get("/").status_code == 200
    site.site_name = "县直机关党建网"
    site.hostname = "dangjian.example"
    site.save()
    response = Client().get("/", HTTP_HOST="dangjian.example")
    assert response.status_code == 200
    assert response.wsgi_request._wagtail_site.hostname == "dangjian.example"


def test_an_unknown_host_is_refused_and_leaves_nothing_in_the_cache(home_page, settings):
    from django.core.cache import caches

    settings.PAGE_CACHE_ENABLED = True
    caches["default"].clear()
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert len(caches["default"]._cache) == 0  # no page, no site, not even a generation


def test_the_home_page_is_routed_from_the_shared_site_and_a_published_change_shows_at_once(home_page):
    client = Client()
    client.get("/")
    home = home_page.specific
    home.introduction = "以制度化、规范化、信息化推进机关党建。"
    home.save_revision().publish()
    assert "以制度化、规范化、信息化推进机关党建。" in client.get("/").content.decode()
