import datetime
from io import BytesIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from openpyxl import load_workbook
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from disclosures.choices import Scope, Validity
from disclosures.models import DisclosureIndexPage, DisclosureNoticePage, NoticeCategory, NoticeFeedback, NoticeRead
from home.models import HomePage
from members import roles
from members.models import Organization


class PageTreeTest(WagtailPageTestCase):
    def login(self):
        user = self.create_superuser("root", password="Root2026pw")  # django-axes: log in without Client.login
        self.client.force_login(user)
        return user

    def create_superuser(self, username, password):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.create_superuser(username, password=password)

    def test_parents_and_children(self):
        self.assertAllowedParentPageTypes(DisclosureIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(DisclosureNoticePage, {DisclosureIndexPage})
        self.assertAllowedSubpageTypes(DisclosureNoticePage, set())

    def test_the_admin_form_creates_a_column_and_a_notice(self):
        self.login()
        home = HomePage.objects.get()
        self.assertCanCreate(home, DisclosureIndexPage, nested_form_data({"title": "党务公开", "slug": "dwgk"}))
        index = DisclosureIndexPage.objects.get()
        committee = Organization.objects.create(name="县直机关工委", code="GW", kind="committee")
        data = nested_form_data(
            {
                "title": "关于召开党员大会的通知",
                "slug": "meeting",
                "issuing_organization": committee.pk,
                "category": NoticeCategory.objects.first().pk,
                "scope": "public",
                "scope_organizations": [],
                "timing": "immediate",
                "written_on": "2026-11-20",
                "validity": "valid",
                "body": streamfield([("paragraph", rich_text("<p>定于下周召开党员大会。</p>"))]),
                "attachments": inline_formset([]),
            }
        )
        self.assertCanCreate(index, DisclosureNoticePage, data)


@pytest.mark.django_db
def test_scope_organizations_are_required_for_a_chosen_organization_scope(
    client, editor_user, disclosure_index, category, org_tree
):
    from .test_workflow import create, notice_form

    client.force_login(editor_user)
    response = create(client, disclosure_index, notice_form(category, org_tree, scope="organizations"))
    assert response.status_code == 200
    assert "请选择可以查看本事项的党组织" in response.content.decode()


@pytest.mark.django_db
def test_a_valid_notice_cannot_name_a_replacement(make_notice):
    from django.core.exceptions import ValidationError

    newer = make_notice("新办法")
    older = make_notice("旧办法")
    older.replaced_by = newer
    with pytest.raises(ValidationError) as error:
        older.full_clean()
    assert "有效的文件不能设置替代文件" in str(error.value)


@pytest.mark.django_db
def test_the_header_table_and_repeal_banner(client, make_notice):
    newer = make_notice("县直机关党员在线学习学时管理办法", document_number="县机党〔2026〕15号")
    older = make_notice(
        "县直机关党员积分管理办法（试行）",
        validity=Validity.REPEALED,
        validity_changed_on=datetime.date(2026, 4, 22),
        replaced_by=newer,
    )
    html = client.get(older.url).content.decode()
    for text in (
        "索引号",
        older.index_number,
        "发布机构",
        "县直机关工委",
        "成文日期",
        "发布日期",
        "主题分类",
        "组织建设",
        "有效性",
    ):
        assert text in html
    assert "本文件已废止" in html and "2026年4月22日" in html
    assert f'现行文件：<a href="{newer.url}">县直机关党员在线学习学时管理办法</a>' in html
    assert "县机党〔2026〕15号" in client.get(newer.url).content.decode()


@pytest.mark.django_db
def test_a_replacement_outside_the_viewers_scope_is_not_named(client, make_notice):
    internal = make_notice("内部替代文件", scope=Scope.ALL_MEMBERS)
    older = make_notice(
        "公开的旧文件", validity=Validity.REVISED, validity_changed_on=datetime.date(2026, 5, 1), replaced_by=internal
    )
    html = client.get(older.url).content.decode()
    assert "本文件已修订" in html
    assert "内部替代文件" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "?year=abc",
        "?category=999999",
        "?organization=-1&validity=nonsense",
        "?year=99999999999999999999",
        "?category=" + "9" * 5000,
        "?page=abc",
        "?page=999",
        "?scope=<script>alert(1)</script>",
        "?year=1%27%20OR%201=1--",
    ],
)
def test_bad_filters_are_ignored_with_a_message_never_an_error(client, disclosure_index, make_notice, query):
    make_notice("关于召开县直机关党建工作会议的通知")
    response = client.get(disclosure_index.url + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "关于召开县直机关党建工作会议的通知" in html
    assert "<script>alert(1)</script>" not in html
    if "page=" not in query:
        assert "以下筛选条件无效，已忽略" in html


@pytest.mark.django_db
def test_filters_narrow_the_list(client, disclosure_index, make_notice, org_tree):
    party_dues = NoticeCategory.objects.get(name="党费收缴")
    make_notice("党费收缴情况公示", category=party_dues)
    make_notice("财政局支部的公示", issuing_organization=org_tree["finance_branch"])
    make_notice("已废止的旧办法", validity=Validity.REPEALED, validity_changed_on=datetime.date(2026, 1, 1))

    def titles(query):
        response = client.get(disclosure_index.url + query)
        return {notice.title for notice in response.context["notices"]}

    assert titles(f"?category={party_dues.pk}") == {"党费收缴情况公示"}
    # An organization includes what its branches issue.
    assert titles(f"?organization={org_tree['group_a'].pk}") == {"财政局支部的公示"}
    assert titles("?validity=repealed") == {"已废止的旧办法"}
    assert titles("?year=2001") == set()


def _make_many(make_notice, org_tree, count, offset=0):
    for number in range(count):
        make_notice(
            f"公开事项{offset + number}",
            scope=[Scope.PUBLIC, Scope.ALL_MEMBERS, Scope.ORGANIZATIONS][number % 3],
            organizations=[org_tree["finance"]] if number % 3 == 2 else [],
        )


@pytest.mark.django_db
def test_the_index_query_count_does_not_grow_with_the_list(
    client, member_user, disclosure_index, make_notice, org_tree
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member_user)
    _make_many(make_notice, org_tree, 4)
    client.get(disclosure_index.url)  # warm the per-site caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(disclosure_index.url).status_code == 200
    _make_many(make_notice, org_tree, 26, offset=4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(disclosure_index.url)
    assert len(response.context["notices"]) == 20
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


@pytest.mark.django_db
def test_the_home_block_query_count_does_not_grow(client, member_user, disclosure_index, make_notice, org_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member_user)
    _make_many(make_notice, org_tree, 2)
    client.get("/")  # warm the per-site caches
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    _make_many(make_notice, org_tree, 12, offset=2)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/").content.decode()
    assert html.count('class="item-list"') == 1
    assert len(many) == len(few)


@pytest.mark.django_db
def test_archive_counts_per_year_and_export_for_the_record(
    client, editor_user, member_user, disclosure_index, make_notice, org_tree
):
    public = make_notice("公开事项")
    make_notice("党内事项", scope=Scope.ORGANIZATIONS, organizations=[org_tree["health_branch"]])
    year = public.published_on.year
    client.force_login(member_user)
    archive = client.get(disclosure_index.url + "archive/")
    assert [(row["year"], row["count"]) for row in archive.context["years"]] == [(year, 1)]
    assert client.get(f"{disclosure_index.url}export/{year}/").status_code == 403

    client.force_login(editor_user)
    response = client.get(f"{disclosure_index.url}export/{year}/")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("索引号", "标题", "发文字号")
    assert {row[1] for row in rows[1:]} == {"公开事项", "党内事项"}
    assert "党内公开（县卫生健康局机关党支部）" in {row[5] for row in rows[1:]}


@pytest.mark.django_db
def test_feed_is_linked_from_the_page_head_and_is_valid_rss(client, disclosure_index, make_notice):
    notice = make_notice("关于开展主题党日活动的通知", summary="各支部开展主题党日活动")
    html = client.get(disclosure_index.url).content.decode()
    assert (
        f'<link rel="alternate" type="application/rss+xml" title="党务公开（向社会公开）" href="{disclosure_index.url}feed/">'
        in html
    )
    response = client.get(disclosure_index.url + "feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = response.content.decode()
    assert "<title>关于开展主题党日活动的通知</title>" in feed
    assert f'<guid isPermaLink="false">{notice.index_number}</guid>' in feed


@pytest.mark.django_db
def test_members_send_feedback_and_see_the_answer_on_me(client, member_user, editor_user, make_notice):
    notice = make_notice("党内事项", scope=Scope.ALL_MEMBERS)
    client.force_login(member_user)
    response = client.post(f"/notices/{notice.pk}/feedback/", {"text": "建议把学习时间安排在周五下午。"})
    assert response.status_code == 302
    feedback = NoticeFeedback.objects.get()
    assert feedback.user == member_user

    client.force_login(editor_user)
    response = client.post(
        f"/admin/snippets/disclosures/noticefeedback/edit/{feedback.pk}/", {"reply": "已采纳，下月起调整。"}
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.replied_by == editor_user
    assert feedback.replied_at is not None

    client.force_login(member_user)
    assert "已采纳，下月起调整。" in client.get("/me/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"), [("", "请填写意见内容"), ("好", "意见内容太短"), ("长" * 2001, "不能超过 2000 字")]
)
def test_bad_feedback_is_refused_and_nothing_stored(client, member_user, make_notice, text, message):
    notice = make_notice("公开事项")
    client.force_login(member_user)
    response = client.post(f"/notices/{notice.pk}/feedback/", {"text": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NoticeFeedback.objects.exists()


@pytest.mark.django_db
def test_feedback_outside_the_scope_or_anonymous_is_refused(client, outsider, make_notice, org_tree):
    notice = make_notice("财政局支部事项", scope=Scope.ORGANIZATIONS, organizations=[org_tree["finance_branch"]])
    assert client.post(f"/notices/{notice.pk}/feedback/", {"text": "匿名提交的意见内容"}).status_code == 302
    client.force_login(outsider)
    assert client.post(f"/notices/{notice.pk}/feedback/", {"text": "范围外提交的意见"}).status_code == 403
    assert client.post("/notices/999999/feedback/", {"text": "不存在的事项意见"}).status_code == 404
    assert client.get(f"/notices/{notice.pk}/feedback/").status_code == 405
    assert not NoticeFeedback.objects.exists()


@pytest.mark.django_db
def test_read_receipts_for_the_branch_secretary(client, make_member, member_user, make_notice, org_tree):
    secretary = make_member("secretary", org_tree["finance_branch"], name="林海涛", is_branch_secretary=True)
    make_member("colleague", org_tree["finance_branch"], name="赵卫东")
    make_member("other", org_tree["health_branch"], name="王建军")
    notice = make_notice("财政局支部事项", scope=Scope.ORGANIZATIONS, organizations=[org_tree["finance"]])

    client.force_login(member_user)
    client.get(notice.url)
    client.get(notice.url)  # a second reading changes nothing
    assert NoticeRead.objects.filter(notice=notice).count() == 1

    client.force_login(secretary)
    assert "本支部党员阅读情况" in client.get("/me/").content.decode()
    response = client.get(f"/notices/reads/{notice.pk}/")
    assert response.status_code == 200
    rows = {row.name: row.read_at is not None for row in response.context["rows"]}
    assert rows == {"张丽华": True, "林海涛": False, "赵卫东": False}  # his branch only
    assert "应阅 3 人，已阅 1 人，未阅 2 人" in response.content.decode()

    client.force_login(member_user)
    assert client.get(f"/notices/reads/{notice.pk}/").status_code == 403


@pytest.mark.django_db
def test_me_lists_internal_notices_with_unread_marks(client, member_user, make_notice, org_tree):
    read = make_notice("已读的党内事项", scope=Scope.ALL_MEMBERS)
    make_notice("未读的党内事项", scope=Scope.ORGANIZATIONS, organizations=[org_tree["finance_branch"]])
    make_notice("公开事项不在此列")
    NoticeRead.objects.create(notice=read, user=member_user)
    client.force_login(member_user)
    html = client.get("/me/").content.decode()
    assert "党内公开" in html
    assert '<span class="tag tag--unread">未读</span> 未读的党内事项' in html
    assert '<span class="tag tag--unread">未读</span> 已读的党内事项' not in html
    assert "公开事项不在此列" not in html


@pytest.mark.django_db
def test_home_block_shows_newest_visible_notices(client, make_notice):
    make_notice("关于召开县直机关党建工作会议的通知")
    html = client.get("/").content.decode()
    assert "关于召开县直机关党建工作会议的通知" in html


@pytest.mark.django_db
def test_home_block_absent_without_notices(client, disclosure_index):
    assert "home-section" not in client.get("/").content.decode()


def test_visible_notices_for_anonymous_is_one_query(db, django_assert_num_queries):
    from disclosures.visibility import visible_notices

    with django_assert_num_queries(1):
        list(visible_notices(AnonymousUser()))


@pytest.mark.django_db
def test_roles_that_see_every_scope(make_user):
    from disclosures.visibility import sees_everything

    assert sees_everything(make_user("r", roles.REVIEWER))
    assert sees_everything(make_user("a", roles.APPROVER))
    assert not sees_everything(make_user("s", roles.BRANCH_SECRETARY))
    assert not sees_everything(AnonymousUser())


def test_shared_index_count_follows_scope_and_publishing(client, make_notice, org_tree, member_user, settings):
    settings.SHARED_BLOCK_CACHE_ENABLED = True
    make_notice("关于召开机关党建工作推进会的通知")
    make_notice("财政局支部内部通知", scope=Scope.ORGANIZATIONS, organizations=[org_tree["finance_branch"]])
    index_url = DisclosureIndexPage.objects.first().url

    def count(client):
        return client.get(index_url).context["notices"].paginator.count

    member = Client()
    member.force_login(member_user)
    assert count(member) == 2  # the member fills the cache first
    assert count(client) == 1  # anonymous: never the member's count
    make_notice("关于全体党员缴纳党费的通知", scope=Scope.ALL_MEMBERS)
    assert count(member) == 3 and count(client) == 1
    make_notice("关于开展主题党日活动的通知")
    assert count(member) == 4 and count(client) == 2


@pytest.mark.django_db
def test_archive_export_stores_a_hostile_title_as_text(client, editor_user, make_notice, disclosure_index):
    from tests.xlsx import HOSTILE_NAME, cell_values, formula_cells

    notice = make_notice(HOSTILE_NAME)
    client.force_login(editor_user)
    content = client.get(f"{disclosure_index.url}export/{notice.published_on.year}/").content
    assert formula_cells(content) == []
    assert HOSTILE_NAME in cell_values(content)
