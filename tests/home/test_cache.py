"""The anonymous page cache (home/cache.py): cached for anonymous visitors only, emptied on publishing, and never
one visitor's page served to another."""

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from wagtail.models import Site

from disclosures.choices import Scope
from home.cache import AnonymousPageCacheMiddleware
from home.models import SiteSettings
from home.views import LARGE_TEXT_COOKIE

HIT = "X-Page-Cache"


pytestmark = pytest.mark.usefixtures("page_cache_on")


@pytest.fixture
def notices(make_notice, org_tree):
    return {
        "public": make_notice("关于召开机关党建工作推进会的通知"),
        "internal": make_notice(
            "关于县财政局机关党支部组织生活会的通知",
            scope=Scope.ORGANIZATIONS,
            organizations=[org_tree["finance_branch"]],
        ),
        "all_members": make_notice("关于全体党员缴纳党费的通知", scope=Scope.ALL_MEMBERS),
    }


def test_anonymous_page_is_cached_and_a_hit_runs_no_query(client, notices, django_assert_num_queries):
    url = notices["public"].url
    first = client.get(url)
    assert first.status_code == 200 and first[HIT] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second[HIT] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "关于召开机关党建工作推进会的通知" in second.content.decode()


def test_each_url_and_host_has_its_own_entry(client, notices, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    index_url = notices["public"].get_parent().url
    client.get(index_url)
    assert client.get(index_url + "?page=2")[HIT] == "miss"
    assert client.get(index_url, HTTP_HOST="other.example")[HIT] == "miss"
    assert client.get(index_url)[HIT] == "hit"


def test_publishing_a_change_empties_the_cache(client, notices):
    notice = notices["public"]
    index_url = notice.get_parent().url
    assert "关于召开机关党建工作推进会的通知" in client.get(index_url).content.decode()
    assert client.get(index_url)[HIT] == "hit"

    notice.title = "关于召开机关党建工作推进会（延期）的通知"
    notice.save_revision().publish()

    response = client.get(index_url)
    assert response[HIT] == "miss"
    assert "关于召开机关党建工作推进会（延期）的通知" in response.content.decode()
    assert "延期" in client.get(notice.url).content.decode()


def test_unpublishing_empties_the_cache(client, notices):
    notice = notices["public"]
    url = notice.url
    assert client.get(url).status_code == 200
    assert client.get(url)[HIT] == "hit"
    notice.unpublish()
    assert client.get(url).status_code == 404


def test_moving_and_deleting_a_page_empty_the_cache(client, notices, home_page):
    notice = notices["public"]
    index_url = notice.get_parent().url
    client.get(index_url)
    assert client.get(index_url)[HIT] == "hit"
    notice.delete()
    response = client.get(index_url)
    assert response[HIT] == "miss"
    assert "关于召开机关党建工作推进会的通知" not in response.content.decode()


def test_saving_site_settings_empties_the_cache(client, home_page):
    client.get("/")
    assert client.get("/")[HIT] == "hit"
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.service_hotline = "0575-88886666"
    site_settings.save()
    response = client.get("/")
    assert response[HIT] == "miss"
    assert "0575-88886666" in response.content.decode()


def test_a_logged_in_user_never_gets_the_cached_page(client, member_user, notices):
    url = notices["public"].url
    client.get(url)
    assert client.get(url)[HIT] == "hit"
    client.force_login(member_user)
    response = client.get(url)
    assert HIT not in response  # not even looked up
    html = response.content.decode()
    assert "退出" in html and 'href="/accounts/login/' not in html


def test_a_members_pages_never_reach_anonymous_visitors_or_other_members(
    client, member_user, outsider, notices, django_assert_max_num_queries
):
    internal = notices["internal"]
    member = Client()
    member.force_login(member_user)
    # The member reads his branch's notice and the home page first, so that a leak would be in the cache.
    member_notice = member.get(internal.url)
    assert member_notice.status_code == 200 and HIT not in member_notice
    assert "no-store" in member_notice["Cache-Control"]
    assert HIT not in member.get("/")
    assert member.get(notices["all_members"].url).status_code == 200

    anonymous = client.get(internal.url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client.get(notices["all_members"].url).status_code == 302
    home = client.get("/").content.decode()
    assert "退出" not in home and "张丽华" not in home
    index = client.get(internal.get_parent().url).content.decode()
    assert "组织生活会" not in index and "缴纳党费" not in index

    other = Client()
    other.force_login(outsider)
    denied = other.get(internal.url)
    assert denied.status_code == 403
    assert "组织生活会" not in denied.content.decode()
    # Nothing the member saw was stored: every cached entry is an anonymous page without the internal titles.
    assert client.get(internal.get_parent().url)[HIT] == "hit"
    assert "组织生活会" not in client.get(internal.get_parent().url).content.decode()


def test_the_large_text_variant_is_never_served_to_a_normal_visitor(home_page):
    large = Client()
    large.cookies[LARGE_TEXT_COOKIE] = "1"
    assert 'class="large-text"' in large.get("/").content.decode()
    assert large.get("/")[HIT] == "hit"

    normal = Client()
    first = normal.get("/")
    assert first[HIT] == "miss"
    assert 'class="large-text"' not in first.content.decode()
    assert 'class="large-text"' not in normal.get("/").content.decode()
    assert 'class="large-text"' in large.get("/").content.decode()


def test_other_cookies_and_methods_bypass_the_cache(client, home_page):
    client.get("/")
    assert client.get("/")[HIT] == "hit"
    with_messages = Client()
    with_messages.cookies["messages"] = "anything"
    assert HIT not in with_messages.get("/")
    with_session = Client()
    with_session.cookies["sessionid"] = "not-a-session"
    assert HIT not in with_session.get("/")
    assert "X-Page-Cache" not in client.post("/")  # a POST neither reads nor fills the cache


def test_login_page_and_forms_are_never_cached(client, home_page):
    response = client.get("/accounts/login/")
    assert response.status_code == 200 and HIT not in response
    assert client.get("/accounts/login/").get(HIT) is None


# The rules for storing, on the middleware itself with views that do what real views do.


def _middleware(view):
    return AnonymousPageCacheMiddleware(view)


def _anonymous_get(path="/some-page/"):
    request = RequestFactory().get(path)
    return request


@pytest.mark.django_db
def test_a_page_with_a_csrf_token_is_never_stored():
    calls = []

    def form_view(request):
        calls.append(1)
        token = get_token(request)
        return HttpResponse(f'<form><input type="hidden" name="csrfmiddlewaretoken" value="{token}"></form>')

    middleware = _middleware(form_view)
    assert middleware(_anonymous_get())[HIT] == "bypass"
    response = middleware(_anonymous_get())
    assert response[HIT] == "bypass" and len(calls) == 2
    # Even a token written without get_token (a copied template) keeps the page out.
    sneaky = _middleware(lambda request: HttpResponse('<input name="csrfmiddlewaretoken" value="x">'))
    assert sneaky(_anonymous_get("/other/"))[HIT] == "bypass"
    assert sneaky(_anonymous_get("/other/"))[HIT] == "bypass"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_response",
    [
        lambda: _with_cookie(HttpResponse("page")),
        lambda: _with_header(HttpResponse("page"), "Cache-Control", "private, no-store"),
        lambda: _with_header(HttpResponse("page"), "Cache-Control", "no-cache"),
        lambda: HttpResponse("not found", status=404),
        lambda: HttpResponse(status=302),
    ],
    ids=["set-cookie", "private", "no-cache", "404", "redirect"],
)
def test_responses_that_belong_to_one_visitor_or_are_not_pages_are_never_stored(make_response):
    calls = []

    def view(request):
        calls.append(1)
        return make_response()

    middleware = _middleware(view)
    middleware(_anonymous_get())
    assert middleware(_anonymous_get())[HIT] == "bypass"
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_plain_public_page_is_stored_without_its_cookies(settings):
    def view(request):
        return HttpResponse("公开页面", content_type="text/html; charset=utf-8")

    middleware = _middleware(view)
    assert middleware(_anonymous_get())[HIT] == "miss"
    hit = middleware(_anonymous_get())
    assert hit[HIT] == "hit" and hit.content.decode() == "公开页面"
    assert not hit.cookies
    settings.PAGE_CACHE_EXCLUDED_PATHS = ["/some-page/"]
    assert HIT not in middleware(_anonymous_get())


def _with_cookie(response):
    response.set_cookie("tracker", "1")
    return response


def _with_header(response, name, value):
    response[name] = value
    return response


def test_a_hit_costs_one_cache_round_trip(client, notices, monkeypatch):
    from django.core.cache import caches

    url = notices["public"].url
    client.get(url)
    cache = caches["default"]
    calls, inside = [], []
    original_get_many = cache.get_many

    def get_many(keys, *args, **kwargs):
        calls.append("get_many")
        inside.append(True)
        try:
            return original_get_many(keys, *args, **kwargs)  # one MGET on Redis; a loop of get() in local memory
        finally:
            inside.pop()

    for name in ("get", "set", "add", "incr"):
        original = getattr(cache, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            if not inside:
                calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(cache, name, counted)
    monkeypatch.setattr(cache, "get_many", get_many)
    assert client.get(url)[HIT] == "hit"
    assert calls == ["get_many"]
