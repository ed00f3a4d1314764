"""Admin searches and choosers with Chinese fragments (issue 15, point 2), and the backend's autocomplete.

Wagtail's admin searches call the backend's autocomplete (`.autocomplete()`), wagtailmedia's call `.search()`; both
used to fail with a server error. Every screen is used as a 党务干部 (permissions from the migrations), through the
real admin URLs, with fragments of titles that a word segmenter does not give as words (会一课, 丽华, 务活).
"""

import json
import types
from importlib import import_module

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.query import And, Not, Phrase, PlainText
from wagtailmedia.models import get_media_model

from disclosures.models import DisclosureNoticePage, NoticeFeedback
from home import search_backend
from members import roles

from ..disclosures.fixtures import make_document

FINANCE = "县财政局机关党支部2026年第二季度“三会一课”安排"
VOLUNTEER = "关于开展党员志愿服务活动的通知"


def shown(response):
    """The HTML a screen shows (a chooser answers JSON with its HTML inside)."""
    assert response.status_code == 200
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


@pytest.fixture
def editor(client, make_user):
    client.force_login(make_user("cadre", roles.PARTY_CADRE))
    return client


@pytest.fixture
def notices(make_notice):
    return make_notice(FINANCE), make_notice(VOLUNTEER)


def assert_finds(client, url, query, expected, unrelated, **params):
    html = shown(client.get(url, {"q": query, **params}))
    assert expected in html, f"{url}?q={query}: {expected} not found"
    assert unrelated not in html, f"{url}?q={query}: {unrelated} found"


# --- The admin screens ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/pages/search/", "/admin/pages/search/results/", "/admin/choose-page/search/"])
@pytest.mark.parametrize(
    ("query", "expected", "unrelated"),
    [
        ("财政", FINANCE, VOLUNTEER),
        ("三会一课", FINANCE, VOLUNTEER),
        ("会一课", FINANCE, VOLUNTEER),  # inside a word
        ("党支部", FINANCE, VOLUNTEER),
        ("课", FINANCE, VOLUNTEER),  # one character, at the end of a run
        ("财政局 2026", FINANCE, VOLUNTEER),  # two fragments
        ("志愿服务", VOLUNTEER, FINANCE),
        ("务活", VOLUNTEER, FINANCE),  # across two words
    ],
)
def test_page_search_and_page_chooser_find_a_fragment_of_a_title(editor, notices, url, query, expected, unrelated):
    assert_finds(editor, url, query, expected, unrelated)


@pytest.mark.django_db
def test_page_search_ordered_by_title_still_finds_fragments(editor, notices):
    # An explicit ordering takes Wagtail's own (unranked) path through the backend.
    assert_finds(editor, "/admin/pages/search/", "会一课", FINANCE, VOLUNTEER, ordering="title")
    assert_finds(editor, "/admin/pages/search/", "务活", VOLUNTEER, FINANCE, ordering="-latest_revision_created_at")


@pytest.mark.django_db
def test_page_search_sees_a_new_draft_at_once(editor, notices, make_notice, shared_cache_on):
    # Shared results last until the next publish: the admin's must not be shared at all.
    assert_finds(editor, "/admin/pages/search/", "三会一课", FINANCE, VOLUNTEER)
    make_notice("县卫生健康局机关党支部“三会一课”记录", publish=False)
    html = shown(editor.get("/admin/pages/search/", {"q": "三会一课"}))
    assert FINANCE in html and "县卫生健康局机关党支部“三会一课”记录" in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/documents/", "/admin/documents/chooser/results/"])
def test_document_listing_and_chooser_find_a_fragment(editor, url):
    make_document("县财政局机关党支部党费使用情况报告")
    make_document("关于开展主题党日活动的通知（附件）")
    assert_finds(editor, url, "党费使用", "县财政局机关党支部党费使用情况报告", "关于开展主题党日活动的通知（附件）")
    assert_finds(editor, url, "题党日", "关于开展主题党日活动的通知（附件）", "县财政局机关党支部党费使用情况报告")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/images/", "/admin/images/chooser/results/"])
def test_image_listing_and_chooser_find_a_fragment(editor, url, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    get_image_model().objects.create(title="主题党日活动合影", file=get_test_image_file("a.png"))
    get_image_model().objects.create(title="县财政局党支部三会一课现场", file=get_test_image_file("b.png"))
    assert_finds(editor, url, "党日活动", "主题党日活动合影", "县财政局党支部三会一课现场")
    assert_finds(editor, url, "会一课", "县财政局党支部三会一课现场", "主题党日活动合影")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/media/", "/admin/media/chooser/"])
def test_media_listing_and_chooser_find_a_fragment(editor, url, settings, tmp_path):
    # wagtailmedia searches with .search(), not .autocomplete(): the backend matches fragments there too.
    settings.MEDIA_ROOT = tmp_path
    for title in ("微型党课：一张财政报表里的民生温度", "第二讲：“三会一课”与主题党日"):
        media = get_media_model()(title=title, type="audio", duration=3)
        media.file.save("a.wav", ContentFile(b"RIFF" + bytes(range(100))), save=False)
        media.save()
    assert_finds(editor, url, "财政报表", "一张财政报表里的民生温度", "与主题党日")
    assert_finds(editor, url, "会一课", "与主题党日", "一张财政报表里的民生温度")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/admin/snippets/members/organization/", "/admin/snippets/choose/members/organization/results/"]
)
def test_organization_listing_and_chooser_find_a_fragment(editor, org_tree, url):
    assert_finds(editor, url, "卫生健康", "县卫生健康局机关党支部", "县财政局机关党支部")
    assert_finds(editor, url, "政局第二", "县财政局第二党支部", "县卫生健康局机关党支部")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/snippets/members/member/", "/admin/snippets/choose/members/member/results/"])
def test_member_listing_and_chooser_find_a_fragment(editor, member_user, outsider, url):
    assert_finds(editor, url, "丽华", "张丽华", "王建军")
    assert_finds(editor, url, "建军", "王建军", "张丽华")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/snippets/disclosures/noticecategory/",
        "/admin/snippets/choose/disclosures/noticecategory/results/",
        "/admin/snippets/choose/disclosures/noticefeedback/results/",
    ],
)
def test_notice_category_and_feedback_screens_answer_a_search(editor, notices, member_user, url):
    NoticeFeedback.objects.create(notice=notices[0], user=member_user, text="三会一课的安排能否提前公布？")
    shown(editor.get(url, {"q": "三会一课"}))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/admin/snippets/disclosures/noticecategory/", "/admin/snippets/choose/disclosures/noticecategory/results/"]
)
def test_notice_category_listing_and_chooser_find_a_fragment(editor, url):
    assert_finds(editor, url, "党费", "党费收缴", "组织建设")


@pytest.mark.django_db
def test_feedback_listing_finds_a_fragment_of_the_text_or_the_notice(editor, notices, member_user):
    NoticeFeedback.objects.create(notice=notices[0], user=member_user, text="安排能否提前公布？")
    NoticeFeedback.objects.create(notice=notices[1], user=member_user, text="志愿服务的报名方式？")
    url = "/admin/snippets/disclosures/noticefeedback/"
    assert_finds(editor, url, "提前公布", FINANCE, VOLUNTEER)
    assert_finds(editor, url, "会一课", FINANCE, VOLUNTEER)  # the notice's title


@pytest.mark.django_db
def test_page_search_finds_a_notice_by_its_index_number_or_document_number(editor, notices):
    finance, volunteer = notices
    for query in (finance.index_number, finance.index_number.rsplit("-", 2)[-2] + "-" + finance.index_number[-4:]):
        html = shown(editor.get("/admin/pages/search/", {"q": query}))
        assert FINANCE in html and VOLUNTEER not in html, query


ODD_QUERIES = ['"', '财政"', '"三会一课', "！！", "a'b", "x\\y", "AND", "OR NOT", "*", "(", "党 OR", "live:yes"]
SEARCH_URLS = [
    "/admin/pages/search/",
    "/admin/choose-page/search/",
    "/admin/documents/",
    "/admin/documents/chooser/results/",
    "/admin/images/",
    "/admin/images/chooser/results/",
    "/admin/media/",
    "/admin/media/chooser/",
    "/admin/snippets/members/organization/",
    "/admin/snippets/choose/members/organization/results/",
    "/admin/snippets/members/member/",
    "/admin/snippets/choose/members/member/results/",
]


@pytest.mark.django_db
def test_odd_queries_never_fail(editor, notices, member_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_document("县财政局机关党支部党费使用情况报告")
    media = get_media_model()(title="微型党课：一张财政报表里的民生温度", type="audio", duration=3)
    media.file.save("a.wav", ContentFile(b"RIFF" + bytes(range(100))), save=False)
    media.save()
    for url in SEARCH_URLS:
        for query in ODD_QUERIES:
            assert editor.get(url, {"q": query}).status_code == 200, (url, query)
    for query in ("！！", "*", "("):  # no word: nothing found (not everything)
        assert FINANCE not in shown(editor.get("/admin/pages/search/", {"q": query}))
    assert FINANCE in shown(editor.get("/admin/pages/search/", {"q": '"三会一课'}))


# --- The backend ------------------------------------------------------------------------------------------------


@pytest.fixture
def backend():
    return get_search_backend()


def titles(results):
    return sorted(result.title for result in results)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("财政", [FINANCE]),
        ("县财政局", [FINANCE]),
        ("政局机关", [FINANCE]),
        ("2026年第二", [FINANCE]),  # digits and characters in one fragment: adjacent, in order
        ("第二2026", []),
        ("“三会一课”", [FINANCE]),  # punctuation is dropped
        ("党", [FINANCE, VOLUNTEER]),
        ("党员", [VOLUNTEER]),
        ("党支部 志愿", []),  # every fragment must be found
        ("的通知", [VOLUNTEER]),
        ("！！", []),
    ],
)
def test_autocomplete_matches_fragments_of_titles(backend, notices, query, found):
    results = backend.autocomplete(query, DisclosureNoticePage)
    assert titles(results) == sorted(found)
    assert results.count() == len(found)


@pytest.mark.django_db
def test_autocomplete_operators_phrases_negation_and_unranked_paths(backend, notices):
    pages = DisclosureNoticePage.objects.all()
    assert titles(backend.autocomplete("财政 志愿服务", pages, operator="or")) == sorted([FINANCE, VOLUNTEER])
    assert titles(backend.autocomplete(Phrase("党支部2026"), pages)) == [FINANCE]
    assert titles(backend.autocomplete(Phrase("2026党支部"), pages)) == []
    assert titles(backend.autocomplete(Not(PlainText("财政")), pages)) == [VOLUNTEER]
    assert titles(backend.autocomplete(And([PlainText("党"), Not(PlainText("会一课"))]), pages)) == [VOLUNTEER]
    unranked = backend.autocomplete("务活", pages.order_by("title"), order_by_relevance=False)
    assert titles(unranked) == [VOLUNTEER] and unranked.count() == 1
    # The caller's queryset still decides what may be found.
    assert titles(backend.autocomplete("党", pages.filter(title__startswith="关于"))) == [VOLUNTEER]


@pytest.mark.django_db
def test_autocomplete_ranks_the_closer_title_first(backend, make_notice):
    # The short title is older: ties go to the newer entry, so only the ranking puts it first.
    make_notice("“三会一课”制度")
    make_notice("关于县直机关各党支部开展“三会一课”情况的通报及下一阶段工作安排意见")
    assert [page.title for page in backend.autocomplete("三会一课", Page)] == [
        "“三会一课”制度",
        "关于县直机关各党支部开展“三会一课”情况的通报及下一阶段工作安排意见",
    ]


@pytest.mark.django_db
def test_autocomplete_follows_edits_and_deletion(backend, notices):
    finance, _ = notices
    finance.title = "县财政局机关党支部主题党日安排"
    finance.save_revision().publish()
    assert titles(backend.autocomplete("会一课", Page)) == []
    assert titles(backend.autocomplete("主题党日", Page)) == ["县财政局机关党支部主题党日安排"]
    finance.delete()
    assert titles(backend.autocomplete("主题党日", Page)) == []


@pytest.mark.django_db
def test_search_of_documents_finds_fragments_and_whole_words(backend):
    make_document("县财政局机关党支部党费使用情况报告")
    make_document("Annual report 2026")
    Document = get_document_model()
    assert titles(backend.search("党费使用", Document)) == ["县财政局机关党支部党费使用情况报告"]
    assert titles(Document.objects.search("report")) == ["Annual report 2026"]
    assert titles(Document.objects.search("repo")) == ["Annual report 2026"]  # prefix, as in the admin
    assert titles(Document.objects.search("！！")) == []


@pytest.mark.django_db
def test_page_search_is_still_words_only(backend, notices):
    # The public search segments its queries (home.search) and must rank exactly as before: no fragments there.
    assert titles(backend.search("会一课", Page)) == []
    assert titles(backend.search(And([PlainText("三会")]), Page)) == [FINANCE]


@pytest.mark.django_db
def test_index_stores_pairs_of_characters(notices):
    entry = notices[0].index_entries.get()
    if connection.vendor == "sqlite":
        # The title, then the notice's 索引号 (an autocomplete field of its own).
        assert entry.autocomplete.startswith(search_backend.autocomplete_text(FINANCE))
        assert search_backend.autocomplete_text(notices[0].index_number) in entry.autocomplete
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tsvector_to_array(autocomplete) FROM wagtailsearch_indexentry WHERE id = %s", [entry.pk]
            )
            stored = set(cursor.fetchone()[0])
        # The title's pairs and the notice's 索引号 (an autocomplete field of its own), nothing else.
        expected = (
            f"{search_backend.autocomplete_text(FINANCE)} {search_backend.autocomplete_text(notices[0].index_number)}"
        )
        assert stored == set(expected.split())


def test_autocomplete_text_and_pieces():
    assert search_backend.autocomplete_text("县财政局（2026）12号") == "县财 财政 政局 局 2026 12 号"
    assert search_backend.autocomplete_text("ＤＮＡ检测") == "dna 检测 测"
    assert search_backend.autocomplete_pieces("会一课") == [(["会一", "一课"], False)]
    assert search_backend.autocomplete_pieces("T-GW-2026") == [(["t", "gw", "2026"], True)]
    assert search_backend.autocomplete_pieces("党 党") == [(["党"], True)]
    assert search_backend.autocomplete_pieces("“”") == []
    for text in ("首页", "县财政局机关党支部", "党 建", "aa bb", "县财政局（2026）12号"):
        assert search_backend.is_autocomplete_text(search_backend.autocomplete_text(text))
    for text in ("首页", "县财政局机关党支部", "党建 工作", "Annual Report", "第一片组（综合党群）"):
        assert not search_backend.is_autocomplete_text(text)


@pytest.mark.django_db
def test_migration_converts_entries_written_before(backend, notices):
    """Entries of Wagtail's form (the title as it is) become pairs; converted ones are left alone."""
    migration = import_module("home.migrations.0005_autocomplete_pairs")
    with connection.cursor() as cursor:
        for notice in notices:
            if connection.vendor == "sqlite":
                notice.index_entries.update(autocomplete=notice.title)
            else:
                cursor.execute(
                    "UPDATE wagtailsearch_indexentry SET autocomplete = to_tsvector('simple', %s) WHERE id = %s",
                    [notice.title, notice.index_entries.get().pk],
                )
    assert titles(backend.autocomplete("会一课", DisclosureNoticePage)) == []
    for _ in range(2):
        migration.forwards(None, types.SimpleNamespace(connection=connection))
        assert titles(backend.autocomplete("会一课", DisclosureNoticePage)) == [FINANCE]
        assert titles(backend.autocomplete("务活", DisclosureNoticePage)) == [VOLUNTEER]
        assert titles(backend.autocomplete("课", DisclosureNoticePage)) == [FINANCE]
