"""The roster import in the Wagtail admin: who may use it, upload → preview → confirm, refusals, export, history."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from members import roles
from members.models import Member, RosterChange, RosterImport
from members.roster import HEADERS

from .conftest import row_of

pytestmark = pytest.mark.django_db

INDEX = "/admin/roster/"


def upload(client, data, name="2026年11月党员名册.xlsx"):
    return client.post(INDEX, {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def superuser(make_user):
    return make_user("admin", is_superuser=True, is_staff=True)


@pytest.mark.parametrize(
    "role", [roles.MEMBER, roles.BRANCH_SECRETARY, roles.REVIEWER, roles.APPROVER, roles.VOLUNTEER_MANAGER]
)
def test_only_editors_and_administrators_import(client, make_user, register, make_roster, unchanged_rows, role):
    user = make_user("someone", role)
    client.force_login(user)
    record = RosterImport.objects.create(file_name="x.xlsx", sha256="0" * 64, content=b"x")
    for url in (INDEX, reverse("members_roster:export"), reverse("members_roster:detail", args=[record.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "13857512345" not in response.content.decode()
    response = upload(client, make_roster(unchanged_rows[:1]))
    assert response.status_code in (302, 403)
    response = client.post(reverse("members_roster:apply", args=[record.pk]), {"sha256": "0" * 64})
    assert response.status_code in (302, 403)
    assert RosterImport.objects.count() == 1
    assert Member.objects.active().count() == 4


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_editor_and_administrator_upload_preview_and_confirm(
    client, editor_user, superuser, register, org_tree, make_roster, who
):
    user = editor_user if who == "editor" else superuser
    client.force_login(user)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert "上传党员名册" in response.content.decode()

    wang = register["wang"]
    rows = [
        row_of(register["zhang"]),
        row_of(wang, 所在党组织="县财政局第二党支部"),
        row_of(register["li"], 手机号码="13600002222"),
        ["孙晓东", "男", "县卫生健康局机关党支部", "预备党员", "2026-01-10", "15800003333", ""],
    ]
    response = upload(client, make_roster(rows, title="党员名册"))
    assert response.status_code == 302
    record = RosterImport.objects.get()
    assert response["Location"] == reverse("members_roster:detail", args=[record.pk])
    assert record.uploaded_by == user and record.file_name == "2026年11月党员名册.xlsx"

    html = client.get(response["Location"]).content.decode()
    assert "预览：尚未写入任何数据" in html
    assert record.sha256 in html
    assert "县卫生健康局机关党支部 → 县财政局第二党支部" in html  # moved
    assert "赵芳" in html and "→ 转出" in html  # no longer present
    assert "手机号码：13600001111 → 13600002222" in html  # changed field, old → new
    assert "158****3333" in html and "15800003333" not in html  # new members' numbers masked in the list
    assert "确认导入" in html
    assert Member.objects.get(pk=wang.pk).organization == org_tree["health_branch"]

    response = client.post(reverse("members_roster:apply", args=[record.pk]), {"sha256": record.sha256})
    assert response.status_code == 302
    assert Member.objects.get(pk=wang.pk).organization == org_tree["finance_branch_2"]
    assert Member.objects.get(name="赵芳").status == Member.Status.TRANSFERRED_OUT
    record.refresh_from_db()
    assert (record.status, record.applied_by) == (RosterImport.Status.APPLIED, user)

    # The record of the import: who, when, the file, its checksum and the changes.
    html = client.get(response["Location"]).content.decode()
    assert "导入记录" in html and record.sha256 in html and "2026年11月党员名册.xlsx" in html
    assert "县内转接" in html and "王建军" in html and "136****1111 → 136****2222" in html
    listing = client.get(INDEX).content.decode()
    assert "已导入" in listing and "转出 1" in listing


def test_confirming_with_another_files_checksum_writes_nothing(
    client, editor_user, register, make_roster, unchanged_rows
):
    client.force_login(editor_user)
    upload(client, make_roster(unchanged_rows[:2]), "名册甲.xlsx")
    upload(client, make_roster(unchanged_rows[:3]), "名册乙.xlsx")
    first, second = RosterImport.objects.order_by("pk")
    response = client.post(reverse("members_roster:apply", args=[first.pk]), {"sha256": second.sha256})
    assert response.status_code == 409
    assert "文件校验值与预览时的文件不一致" in response.content.decode()
    assert Member.objects.active().count() == 4
    response = client.post(reverse("members_roster:apply", args=[first.pk]), {})
    assert response.status_code == 409
    assert RosterChange.objects.count() == 0


def test_a_preview_with_errors_offers_no_confirmation(client, editor_user, register, make_roster, unchanged_rows):
    client.force_login(editor_user)
    unchanged_rows[0][HEADERS.index("所在党组织")] = "县教育局机关党支部"
    unchanged_rows[2][HEADERS.index("入党日期")] = "2008-02-30"
    upload(client, make_roster(unchanged_rows, title="党员名册"))
    record = RosterImport.objects.get()
    html = client.get(reverse("members_roster:detail", args=[record.pk])).content.decode()
    assert "有问题的行（2）" in html
    assert "第 3 行" in html and "未找到党组织“县教育局机关党支部”" in html
    assert "第 5 行" in html and "入党日期“2008-02-30”无法识别" in html
    assert "确认导入" not in html
    response = client.post(reverse("members_roster:apply", args=[record.pk]), {"sha256": record.sha256})
    assert response.status_code == 409
    assert Member.objects.active().count() == 4


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "上传的文件是空的"),
        ("这不是表格".encode(), "文件不是 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "另存为 .xlsx"),
    ],
)
def test_files_that_are_not_rosters_get_a_message_not_an_error_page(client, editor_user, db, data, message):
    client.force_login(editor_user)
    response = upload(client, data, "名册.xls")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert RosterImport.objects.count() == 0


def test_an_oversized_upload_is_refused_before_it_is_read(client, editor_user, db):
    client.force_login(editor_user)
    response = client.post(
        INDEX, {"file": SimpleUploadedFile("大文件.xlsx", b"0")}, CONTENT_LENGTH=str(50 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert "文件太大" in response.content.decode()


def test_a_pending_import_can_be_discarded(client, editor_user, register, make_roster, unchanged_rows):
    client.force_login(editor_user)
    upload(client, make_roster(unchanged_rows[:2]))
    record = RosterImport.objects.get()
    response = client.post(reverse("members_roster:discard", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == RosterImport.Status.DISCARDED and record.content is None
    response = client.post(reverse("members_roster:apply", args=[record.pk]), {"sha256": record.sha256})
    assert response.status_code == 409
    assert Member.objects.active().count() == 4


def test_export_has_the_import_columns_and_active_members_only(client, editor_user, register):
    Member.objects.filter(pk=register["li"].pk).update(status=Member.Status.TRANSFERRED_OUT)
    client.force_login(editor_user)
    response = client.get(reverse("members_roster:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"张丽华", "王建军", "赵芳"}
    assert by_name["张丽华"] == (
        "张丽华",
        "女",
        "县财政局机关党支部",
        "正式党员",
        datetime.datetime(2008, 7, 1),
        "13857512345",
        "组织委员",
    )


def test_a_members_admin_page_shows_his_transfer_history(client, editor_user, register, make_roster, unchanged_rows):
    from members.roster import apply_import, stage_import

    wang = register["wang"]
    unchanged_rows[1][HEADERS.index("所在党组织")] = "县财政局第二党支部"
    record, _ = stage_import(make_roster(unchanged_rows), "11月名册.xlsx", editor_user)
    apply_import(record.pk, editor_user, record.sha256)
    client.force_login(editor_user)
    html = client.get(reverse("wagtailsnippets_members_member:edit", args=[wang.pk])).content.decode()
    assert "转接与变动记录" in html
    assert "由 县卫生健康局机关党支部 转入 县财政局第二党支部" in html
    assert "11月名册.xlsx" in html
    other = client.get(reverse("wagtailsnippets_members_member:edit", args=[register["zhang"].pk])).content.decode()
    assert "还没有此人的转接或变动记录" in other


def test_the_menu_shows_the_import_to_editors_only(rf, editor_user, make_user):
    from wagtail.admin.menu import admin_menu

    def membership_menu(user):
        request = rf.get("/admin/")
        request.user = user
        items = {item.name: item for item in admin_menu.menu_items_for_request(request)}
        if "membership" not in items:
            return []
        return [item.label for item in items["membership"].menu.menu_items_for_request(request)]

    assert membership_menu(editor_user) == ["党组织", "党员", "名册导入"]
    assert "名册导入" not in membership_menu(make_user("reviewer", roles.REVIEWER))


def test_the_record_page_lists_changes_in_a_fixed_number_of_queries(
    client, editor_user, org_tree, make_roster, django_assert_max_num_queries
):
    from members.roster import apply_import, stage_import

    client.force_login(editor_user)
    for count in (5, 50):
        rows = [
            [
                f"党员{n}",
                "",
                "县财政局机关党支部",
                "正式党员",
                datetime.date(2000, 1, 1) + datetime.timedelta(n),
                "",
                "",
            ]
            for n in range(count)
        ]
        record, _ = stage_import(make_roster(rows), f"{count}.xlsx", editor_user)
        apply_import(record.pk, editor_user, record.sha256)
        url = reverse("members_roster:detail", args=[record.pk])
        client.get(url)  # warm Wagtail's per-process caches
        with django_assert_max_num_queries(20):
            response = client.get(url)
        assert response.content.decode().count("<tr>") >= min(count, 45)


def test_the_dashboard_shows_a_pending_import_and_members_without_a_login(
    client, editor_user, make_user, register, make_roster, unchanged_rows
):
    client.force_login(editor_user)
    upload(client, make_roster(unchanged_rows[:2]))
    record = RosterImport.objects.get()
    html = client.get("/admin/").content.decode()
    assert "待确认的名册导入（1）" in html and reverse("members_roster:detail", args=[record.pk]) in html
    without_login = Member.objects.filter(user__isnull=True, status=Member.Status.ACTIVE).count()
    assert without_login and f"尚未开通登录账号的在册党员（{without_login}）" in html
    # Nothing of the kind for roles that neither import nor open accounts.
    client.force_login(make_user("reviewer", roles.REVIEWER))
    html = client.get("/admin/").content.decode()
    assert "待确认的名册导入" not in html and "尚未开通登录账号" not in html


def test_export_stores_a_hostile_name_as_text(client, editor_user, register):
    from tests.xlsx import HOSTILE_NAME, cell_values, formula_cells

    Member.objects.filter(pk=register["li"].pk).update(name=HOSTILE_NAME, party_post="@SUM(1+1)")
    client.force_login(editor_user)
    content = client.get(reverse("members_roster:export")).content
    assert formula_cells(content) == []
    assert {HOSTILE_NAME, "@SUM(1+1)"} <= cell_values(content)
