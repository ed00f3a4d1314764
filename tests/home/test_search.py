"""Site search: Chinese segmentation, ranking, visibility, index updates, bad queries, recall over the demo."""

import html
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from wagtail.models import Page, PageViewRestriction

from disclosures.choices import Scope
from home import search as site_search
from home.models import StandardPage
from members import roles

from .search_queries import DEMO_QUERIES

TITLE = "关于开展党员志愿服务活动的通知"


def titles(client, query, **params):
    """The result titles as the page shows them (read from the HTML: a shared result list renders no context)."""
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    found = re.findall(r'class="search-result__title" href="[^"]*">(.*?)</a>', response.content.decode())
    return [html.unescape(re.sub(r"<[^>]+>", "", title)) for title in found]


# --- Segmentation -----------------------------------------------------------------------------------------------


def test_segment_splits_chinese_into_words_and_drops_punctuation():
    words = site_search.segment(TITLE).split()
    assert {"党员", "志愿", "服务", "通知"} <= set(words)
    assert site_search.segment("新机党〔2026〕12号") == "新机 党 2026 12 号"


def test_segment_normalizes_full_width_and_case():
    assert site_search.segment("ＡＢＣ２０２６") == site_search.segment("abc2026")


def test_query_words_drop_stop_words_and_duplicates():
    assert site_search.query_words("党员的党员") == ["党员"]
    assert site_search.query_words("的") == ["的"]
    assert site_search.query_words("！！%%") == []


def test_highlight_escapes_the_text():
    html = site_search.highlight("<script>党员</script>", ["党员"])
    assert html == "&lt;script&gt;<mark>党员</mark>&lt;/script&gt;"


# --- Finding, ranking, snippets --------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["志愿服务", "党员", "通知", TITLE, "新机党〔2026〕12号", "12号", "2026", "DNA"])
def test_words_of_title_body_and_document_number_find_the_page(client, make_notice, query):
    make_notice(TITLE, document_number="新机党〔2026〕12号", body="<p>组织开展DNA检测知识宣讲。</p>")
    make_notice("县直机关纪律教育学习月活动安排")
    assert titles(client, query) == [TITLE]


def test_title_match_ranks_above_body_matches(client, make_notice):
    make_notice("关于年度工作的通报", body="<p>" + "廉政教育要常抓不懈，廉政教育贯穿全年。" * 5 + "</p>")
    make_notice("廉政教育月活动安排", body="<p>各支部按计划组织。</p>")
    assert titles(client, "廉政教育") == ["廉政教育月活动安排", "关于年度工作的通报"]


def test_title_match_ranks_above_body_matches_for_two_words(client, make_notice):
    # bm25() is negative: Wagtail's product of (1 + bm25) per word would rank these the other way round.
    make_notice("关于年度工作的通报", body="<p>" + "廉政纪律要常抓不懈，廉政纪律贯穿全年。" * 5 + "</p>")
    make_notice("廉政纪律教育安排", body="<p>各支部按计划组织。</p>")
    make_notice("学习安排", body="<p>学习。</p>")
    assert titles(client, "廉政 纪律") == ["廉政纪律教育安排", "关于年度工作的通报"]


def test_a_wrong_year_in_a_document_number_still_finds_the_document_first(client, make_notice):
    make_notice("关于党费收缴的通知", document_number="新机党〔2025〕37号")
    make_notice("关于换届选举的通知", document_number="县机党〔2026〕12号")
    make_notice("关于主题党日的通知", document_number="县机党〔2026〕8号")
    # No page has every word; every word but one (the year) finds exactly the document meant, not every page
    # with 党, 2026 or 号 in it.
    assert titles(client, "新机党〔2026〕37号") == ["关于党费收缴的通知"]


def test_any_word_is_the_last_resort_only(client, make_notice):
    make_notice("关于党费收缴的通知")
    make_notice("廉政教育月活动安排")
    # Two words no page has together: the pages with either word, best first.
    assert set(titles(client, "党费 廉政")) == {"关于党费收缴的通知", "廉政教育月活动安排"}
    # Three words, two of them on one page: only that page, not every page with one of the words.
    assert titles(client, "党费 收缴 廉政") == ["关于党费收缴的通知"]


def test_snippet_shows_the_text_around_the_match_highlighted(client, make_notice):
    make_notice("关于年度工作的通报", body="<p>" + "前言。" * 60 + "深入开展廉政教育，<b>警钟长鸣</b>。</p>")
    response = client.get("/search/", {"q": "廉政教育"})
    snippet = response.context["results"][0]["snippet"]
    assert "<mark>廉政</mark><mark>教育</mark>" in snippet
    assert snippet.startswith("…")
    assert "<b>" not in snippet


def test_section_filter_and_pagination(client, make_notice):
    for number in range(12):
        make_notice(f"第{number + 1}期学习简报", body="<p>学习简报。</p>")
    first = client.get("/search/", {"q": "学习简报"})
    assert first.context["page_obj"].paginator.count == 12
    assert len(first.context["results"]) == 10
    second = client.get("/search/", {"q": "学习简报", "page": 2, "section": "disclosures"})
    assert len(second.context["results"]) == 2
    assert titles(client, "学习简报", section="volunteers") == []
    assert "没有找到" in client.get("/search/", {"q": "学习简报", "section": "awards"}).content.decode()


# --- Visibility -------------------------------------------------------------------------------------------------


@pytest.fixture
def internal_notice(make_notice, org_tree):
    return make_notice(
        "财政局支部内部整改清单",
        scope=Scope.ORGANIZATIONS,
        organizations=[org_tree["finance_branch"]],
        body="<p>内部整改事项。</p>",
    )


def test_anonymous_never_sees_an_internal_notice_not_even_its_title(client, internal_notice, make_notice):
    make_notice("整改工作公开通报")
    response = client.get("/search/", {"q": "整改"})
    assert [item["page"].title for item in response.context["results"]] == ["整改工作公开通报"]
    assert "财政局支部内部整改清单" not in response.content.decode()


def test_shared_results_never_cross_scopes_and_follow_publishing(
    internal_notice, make_notice, member_user, outsider, editor_user, settings, django_assert_max_num_queries
):
    settings.SHARED_BLOCK_CACHE_ENABLED = True
    make_notice("整改工作公开通报")
    clients = {}
    for name, user in {"member": member_user, "outsider": outsider, "editor": editor_user, "anonymous": None}.items():
        clients[name] = Client()
        if user is not None:
            clients[name].force_login(user)
    # The member in scope ranks first and fills the cache; whoever comes next gets only what he may see.
    expected_member = {"财政局支部内部整改清单", "整改工作公开通报"}
    assert set(titles(clients["member"], "整改")) == expected_member
    assert titles(clients["outsider"], "整改") == ["整改工作公开通报"]
    assert titles(clients["anonymous"], "整改") == ["整改工作公开通报"]
    assert set(titles(clients["editor"], "整改")) == expected_member
    assert set(titles(clients["member"], "整改")) == expected_member
    # A repeated search reads its results from the cache: no full-text query runs, no page is fetched.
    with django_assert_max_num_queries(20) as captured:
        assert titles(clients["anonymous"], "整改") == ["整改工作公开通报"]
    assert not any("indexentry" in query["sql"] for query in captured.captured_queries)
    assert not any("wagtailcore_page" in query["sql"] for query in captured.captured_queries)
    # The same words typed differently are answered with the visitor's own words.
    assert "与“整改！”相关" in clients["anonymous"].get("/search/", {"q": "整改！"}).content.decode()
    make_notice("整改落实情况的通报")
    assert "整改落实情况的通报" in titles(clients["anonymous"], "整改")


def test_member_in_scope_sees_it_and_member_outside_does_not(client, internal_notice, member_user, outsider):
    client.force_login(member_user)
    assert titles(client, "整改清单") == ["财政局支部内部整改清单"]
    client.force_login(outsider)
    assert titles(client, "整改清单") == []


def test_editor_sees_every_notice(client, internal_notice, make_user):
    client.force_login(make_user("cadre", roles.PARTY_CADRE))
    assert titles(client, "整改清单") == ["财政局支部内部整改清单"]


def test_page_with_a_login_restriction_is_hidden_from_anonymous(client, home_page, member_user):
    page = home_page.add_child(instance=StandardPage(title="支部内部联络方式", body="<p>联络人名单。</p>"))
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert titles(client, "联络方式") == []
    client.force_login(member_user)
    assert titles(client, "联络方式") == ["支部内部联络方式"]


# --- Index updates ----------------------------------------------------------------------------------------------


def test_index_follows_publish_change_and_unpublish(client, make_notice):
    notice = make_notice("关于开展读书分享会的通知", publish=False)
    assert titles(client, "读书分享") == []
    notice.get_latest_revision().publish()
    assert titles(client, "读书分享") == ["关于开展读书分享会的通知"]

    notice.refresh_from_db()
    notice.title = "关于开展红色经典诵读活动的通知"
    notice.save_revision().publish()
    assert titles(client, "红色经典") == ["关于开展红色经典诵读活动的通知"]
    assert titles(client, "读书分享") == []

    notice.refresh_from_db()
    notice.unpublish()
    assert titles(client, "红色经典") == []


# --- Bad queries ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "！！！",
        "%",
        "%%_",
        '"',
        "'",
        "*",
        "NOT",
        "AND OR NEAR",
        "' OR 1=1; DROP TABLE wagtailcore_page; --",
        "a\x00b",
    ],
)
def test_odd_queries_get_a_friendly_page(client, make_notice, query):
    make_notice("关于开展读书分享会的通知")
    response = client.get("/search/", {"q": query, "page": "abc", "section": "<nosuch>"})
    assert response.status_code == 200
    assert "全站搜索" in response.content.decode()


def test_overlong_query_is_refused_with_a_message(client, db):
    response = client.get("/search/", {"q": "党" * 500})
    assert response.status_code == 400
    assert "搜索词太长" in response.content.decode()


def test_header_links_the_search_form_on_every_page(client, home_page):
    assert 'action="/search/"' in client.get("/").content.decode()


# --- Recall over the demo content -------------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_demo_queries_find_their_page_in_the_top_three(demo):
    from django.contrib.auth import get_user_model

    request = RequestFactory().get("/search/")
    request.user = get_user_model().objects.get(username="editor")
    request.session = {}
    misses = []
    for query, expected in DEMO_QUERIES:
        results = site_search.search_pages(request, query).results()
        found = [page.title for page in results[:3]]
        if expected not in found:
            misses.append((query, expected, found))
    assert len(DEMO_QUERIES) >= 50
    assert misses == []


def test_demo_lessons_expose_title_and_summary_only(demo):
    from learning.models import LessonPage

    for lesson in LessonPage.objects.live():
        assert lesson.search_text() == lesson.summary
        body_words = site_search.query_words(lesson.body[:40])
        assert body_words
    assert Page.objects.live().count() > 50
