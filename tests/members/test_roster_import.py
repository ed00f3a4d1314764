"""The roster import service: reading, matching, every kind of change and of bad row, applying all or nothing."""

import datetime

import pytest
from django.contrib.auth.models import Group

from members import roles
from members.models import Member, RosterChange, RosterImport
from members.roster import (
    HEADERS,
    RosterConflict,
    RosterFileError,
    apply_import,
    build_plan,
    export_response,
    read_roster,
    stage_import,
)
from members.scope import is_active_member

from .conftest import row_of

pytestmark = pytest.mark.django_db


def plan_for(data):
    return build_plan(read_roster(data))


def entries_by_kind(plan):
    result = {}
    for entry in plan.entries:
        result.setdefault(entry.kind, []).append(entry)
    return result


def test_importing_the_export_changes_nothing(register, make_user):
    make_user("editor", roles.PARTY_CADRE)
    data = export_response().content
    plan = plan_for(data)
    assert plan.errors == []
    assert plan.entries == []
    assert plan.unchanged == 4
    assert plan.row_count == 4


def test_every_kind_of_change_is_previewed_then_applied(register, org_tree, make_user, make_member):
    gone = make_member(
        "chenjing",
        org_tree["health_branch"],
        name="陈静",
        joined_on=datetime.date(2001, 7, 1),
        phone="13700002222",
        status=Member.Status.TRANSFERRED_OUT,
    )
    gone.groups.clear()
    editor = make_user("editor", roles.PARTY_CADRE)
    zhang, wang, li = register["zhang"], register["wang"], register["li"]
    rows = [
        row_of(zhang, 手机号码="13857599999", 党内职务="宣传委员"),  # changed fields
        row_of(wang, 所在党组织="县财政局第二党支部"),  # moved inside the county
        row_of(li, 人员类别="正式党员"),  # 预备 → 正式
        row_of(gone.member),  # back on the roster
        ["孙晓东", "男", "县卫生健康局机关党支部", "预备党员", datetime.date(2026, 1, 10), "15800003333", ""],  # new
        # 赵芳 is missing: transferred out.
    ]
    from .conftest import roster_bytes

    record, plan = stage_import(roster_bytes(rows, title="县直机关党员名册（2026年11月）"), "11月名册.xlsx", editor)
    assert plan.errors == []
    kinds = entries_by_kind(plan)
    assert {kind: len(items) for kind, items in kinds.items()} == {
        "updated": 2,
        "moved": 1,
        "returned": 1,
        "joined": 1,
        "left": 1,
    }
    assert record.summary == {
        "rows": 5,
        "unchanged": 0,
        "errors": 0,
        "joined": 1,
        "updated": 2,
        "moved": 1,
        "left": 1,
        "returned": 1,
    }
    zhang_entry = next(entry for entry in kinds["updated"] if entry.member_id == zhang.pk)
    assert plan.display_changes(zhang_entry) == [
        ["手机号码", "13857512345", "13857599999"],
        ["党内职务", "组织委员", "宣传委员"],
    ]
    moved = kinds["moved"][0]
    assert (
        plan.display("organization", moved.from_organization),
        plan.display("organization", moved.to_organization),
    ) == (
        "县卫生健康局机关党支部",
        "县财政局第二党支部",
    )
    assert kinds["left"][0].name == "赵芳"
    # Nothing is written by the preview.
    assert Member.objects.get(pk=wang.pk).organization == org_tree["health_branch"]
    assert not Member.objects.filter(name="孙晓东").exists()
    assert RosterChange.objects.count() == 0

    apply_import(record.pk, user=editor, expected_sha256=record.sha256)

    record.refresh_from_db()
    assert record.status == RosterImport.Status.APPLIED
    assert record.applied_by == editor and record.applied_at is not None
    assert record.content is None  # the file (with phone numbers) is not kept
    zhang.refresh_from_db()
    assert (zhang.phone, zhang.party_post) == ("13857599999", "宣传委员")
    assert Member.objects.get(pk=wang.pk).organization == org_tree["finance_branch_2"]
    assert Member.objects.get(pk=li.pk).category == Member.Category.FULL
    new = Member.objects.get(name="孙晓东")
    assert (new.organization, new.category, new.gender, new.user) == (
        org_tree["health_branch"],
        Member.Category.PROBATIONARY,
        Member.Gender.MALE,
        None,
    )

    # 转出: no longer a member, but the account and the record stay; the roles of membership go.
    zhao = Member.objects.get(pk=register["zhao"].pk)
    assert zhao.status == Member.Status.TRANSFERRED_OUT
    assert zhao.user.is_active
    assert not is_active_member(zhao.user)
    assert not zhao.user.groups.filter(name__in=[roles.MEMBER, roles.BRANCH_SECRETARY]).exists()
    # Back again: an active member with the 党员 role.
    gone.refresh_from_db()
    assert gone.member.status == Member.Status.ACTIVE
    assert gone.groups.filter(name=roles.MEMBER).exists()

    changes = {change.member_name: change for change in record.changes.all()}
    assert set(changes) == {"张丽华", "王建军", "李明", "陈静", "孙晓东", "赵芳"}
    assert changes["王建军"].kind == RosterChange.Kind.MOVED
    assert changes["王建军"].from_organization_name == "县卫生健康局机关党支部"
    assert changes["王建军"].to_organization_name == "县财政局第二党支部"
    assert changes["赵芳"].kind == RosterChange.Kind.LEFT
    assert changes["赵芳"].from_organization == org_tree["finance_branch_2"]
    assert changes["陈静"].kind == RosterChange.Kind.RETURNED
    # The kept record masks phone numbers.
    assert ["手机号码", "138****2345", "138****9999"] in changes["张丽华"].fields
    assert changes["孙晓东"].member == new
    assert changes["张丽华"].row_number == 3  # the title row, the header, then this

    # A second import of the same file changes nothing.
    _, again = stage_import(roster_bytes(rows, title="县直机关党员名册（2026年11月）"), "11月名册.xlsx", editor)
    assert again.entries == [] and again.unchanged == 5


def test_columns_in_any_order_extra_columns_and_other_header_spellings(register, make_roster):
    zhang = register["zhang"]
    headers = ["序号", "入党时间", "党员姓名", "联系电话", "民族", "所在党支部"]
    rows = [[1, "2008年7月1日", "张 丽华", 13857512345, "汉族", "县财政局机关党支部"]]
    plan = plan_for(make_roster(rows, headers=headers))
    assert plan.errors == []
    # Only the columns present are compared: 张丽华 is unchanged; the others, absent, leave.
    assert plan.unchanged == 1
    assert {entry.kind for entry in plan.entries} == {"left"}
    assert zhang.pk not in {entry.member_id for entry in plan.entries}


@pytest.mark.parametrize(
    "cell",
    ["2008-07-01", "2008/7/1", "2008.07.01", "2008年7月1日", "20080701", 20080701, 39630, "2008-07-01 00:00:00"],
)
def test_dates_written_in_the_usual_ways_are_read(register, make_roster, unchanged_rows, cell):
    unchanged_rows[0][HEADERS.index("入党日期")] = cell
    plan = plan_for(make_roster(unchanged_rows))
    assert plan.errors == []
    assert plan.entries == []


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("所在党组织", "县教育局机关党支部", "未找到党组织“县教育局机关党支部”"),
        ("所在党组织", "", "所在党组织为空"),
        ("入党日期", "2008-13-45", "入党日期“2008-13-45”无法识别"),
        ("入党日期", "去年", "入党日期“去年”无法识别"),
        ("入党日期", "2099-07-01", "晚于今天"),
        ("入党日期", "1900-01-01", "早于建党日期"),
        ("入党日期", None, "入党日期为空"),
        ("姓名", "  ", "姓名为空"),
        ("人员类别", "积极分子", "人员类别“积极分子”，应为“正式党员”或“预备党员”"),
        ("人员类别", "", "人员类别为空"),
        ("手机号码", "1385751234", "手机号码“1385751234”格式不正确"),
        ("手机号码", "0575-86012345", "格式不正确"),
        ("性别", "未知", "性别“未知”无法识别"),
    ],
)
def test_each_bad_cell_is_an_error_with_its_excel_row(register, make_roster, unchanged_rows, header, value, message):
    unchanged_rows[1][HEADERS.index(header)] = value
    plan = plan_for(make_roster(unchanged_rows, title="党员名册"))
    assert len(plan.errors) == 1
    assert plan.errors[0].row == 4  # title, header, first row, then this one
    assert message in plan.errors[0].message


@pytest.mark.parametrize(
    ("header", "value"), [("手机号码", "12345"), ("入党日期", "2010-06-31"), ("所在党组织", "县外单位党支部")]
)
def test_a_bad_row_of_a_member_on_record_is_not_read_as_a_departure(
    register, make_roster, unchanged_rows, header, value
):
    unchanged_rows[1][HEADERS.index(header)] = value
    plan = plan_for(make_roster(unchanged_rows))
    assert len(plan.errors) == 1
    assert [entry for entry in plan.entries if entry.kind == "left"] == []


def test_duplicate_rows_are_errors(register, make_roster, unchanged_rows):
    duplicate = list(unchanged_rows[0])
    rows = [*unchanged_rows, duplicate]
    plan = plan_for(make_roster(rows))
    assert [(error.row, error.message) for error in plan.errors] == [
        (6, "与第 2 行重复（姓名、入党日期相同，手机号码未能区分是两个人）。")
    ]


def test_two_people_with_the_same_name_and_date_are_told_apart_by_phone(register, make_roster, unchanged_rows):
    zhang = register["zhang"]
    namesake = row_of(zhang, 所在党组织="县卫生健康局机关党支部", 手机号码="13500007777")
    plan = plan_for(make_roster([*unchanged_rows, namesake]))
    assert plan.errors == []
    (joined,) = plan.entries
    assert (joined.kind, joined.row, joined.name) == ("joined", 6, "张丽华")


def test_an_ambiguous_match_is_an_error_not_a_guess(register, org_tree, make_roster, unchanged_rows):
    zhang = register["zhang"]
    Member.objects.create(
        name="张丽华",
        organization=org_tree["health_branch"],
        joined_on=zhang.joined_on,
        phone="13500007777",
    )
    # Neither number on record: which of the two is this?
    unchanged_rows[0][HEADERS.index("手机号码")] = "18800001234"
    plan = plan_for(make_roster(unchanged_rows))
    assert len(plan.errors) == 1
    assert plan.errors[0].row == 2
    assert "库中有 2 名党员与此行姓名、入党日期相同" in plan.errors[0].message
    assert [entry for entry in plan.entries if entry.kind == "left"] == []
    # With a number on record, the row is that person, and the other one is no longer present.
    unchanged_rows[0][HEADERS.index("手机号码")] = "13857512345"
    plan = plan_for(make_roster(unchanged_rows))
    assert plan.errors == []
    (left,) = plan.entries
    assert left.kind == "left" and left.member_id != zhang.pk


def test_a_corrected_date_or_a_new_name_is_found_by_the_phone_number(register, make_roster, unchanged_rows):
    unchanged_rows[0][HEADERS.index("入党日期")] = datetime.date(2008, 7, 11)
    unchanged_rows[1][HEADERS.index("姓名")] = "王建筠"
    plan = plan_for(make_roster(unchanged_rows))
    assert plan.errors == []
    assert [(entry.kind, entry.member_id) for entry in plan.entries] == [
        ("updated", register["zhang"].pk),
        ("updated", register["wang"].pk),
    ]
    assert plan.display_changes(plan.entries[1]) == [["姓名", "王建军", "王建筠"]]


def test_a_partial_roster_warns_before_transferring_most_members_out(org_tree, make_roster):
    for number in range(10):
        Member.objects.create(
            name=f"党员{number}",
            organization=org_tree["finance_branch"],
            joined_on=datetime.date(2000, 1, number + 1),
        )
    rows = [["党员0", "", "县财政局机关党支部", "正式党员", datetime.date(2000, 1, 1), "", ""]]
    plan = plan_for(make_roster(rows))
    assert len([entry for entry in plan.entries if entry.kind == "left"]) == 9
    assert "本次将有 9 名党员转出" in plan.warnings[0]


# --- Files refused as a whole --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "上传的文件是空的"),
        ("姓名,所在党组织\n张丽华,县财政局机关党支部\n".encode(), "文件不是 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "旧版 Excel（.xls）"),
        (b"PK\x03\x04broken", "文件不是 Excel 工作簿"),
    ],
)
def test_files_that_are_not_rosters_are_refused(db, data, message):
    with pytest.raises(RosterFileError) as error:
        read_roster(data)
    assert message in str(error.value)


def test_a_zip_that_is_not_a_workbook_is_refused(db):
    import zipfile
    from io import BytesIO

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是表格")
    with pytest.raises(RosterFileError) as error:
        read_roster(buffer.getvalue())
    assert "不是有效的 Excel 工作簿" in str(error.value)


def test_a_sheet_without_header_or_without_rows_is_refused(db, make_roster):
    with pytest.raises(RosterFileError) as error:
        read_roster(make_roster([["张丽华", "县财政局"]], headers=["名字", "单位"]))
    assert "未找到表头" in str(error.value)
    with pytest.raises(RosterFileError) as error:
        read_roster(make_roster([]))
    assert "只有表头，没有党员数据" in str(error.value)
    with pytest.raises(RosterFileError) as error:
        read_roster(make_roster([["张丽华", "县财政局机关党支部"]], headers=["姓名", "所在党组织"]))
    assert "缺少“入党日期”列" in str(error.value)
    with pytest.raises(RosterFileError) as error:
        read_roster(make_roster([], headers=["姓名", "所在党组织", "入党日期", "姓名"]))
    assert "“姓名”列出现了不止一次" in str(error.value)


PEAK_MEMORY_SCRIPT = """
import resource, sys
import django
django.setup()
from members.roster import RosterFileError, read_roster
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    read_roster(data)
except RosterFileError as error:
    print(error)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def test_a_sheet_of_fifty_thousand_rows_is_refused_without_reading_it_into_memory(db, tmp_path):
    import os
    import subprocess
    import sys

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员名册")
    sheet.append(HEADERS)
    for number in range(50_000):
        sheet.append([f"党员{number}", "男", "县财政局机关党支部", "正式党员", "2000-01-01", "", ""])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)

    # A fresh process, so that its peak memory is this read's alone.
    result = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dangjian.settings.test"},
    )
    message, growth_kib = result.stdout.strip().splitlines()
    assert "超过 20,000 行数据" in message
    # Streaming (openpyxl read_only) stops at the limit; loading the whole sheet would take hundreds of MB.
    assert int(growth_kib) < 60 * 1024, growth_kib


# --- Applying: bound to the previewed file, all or nothing --------------------------------------------------------


def test_a_failure_midway_leaves_the_register_as_it_was(register, make_roster, unchanged_rows, monkeypatch):
    unchanged_rows[0][HEADERS.index("手机号码")] = "13857599999"
    unchanged_rows.append(["孙晓东", "男", "县卫生健康局机关党支部", "预备党员", "2026-01-10", "", ""])
    record, _ = stage_import(make_roster(unchanged_rows[1:]), "名册.xlsx")
    before = list(Member.objects.order_by("pk").values())

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    # The members are already written when the change records fail.
    monkeypatch.setattr(RosterChange.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        apply_import(record.pk, expected_sha256=record.sha256)

    assert list(Member.objects.order_by("pk").values()) == before
    assert RosterImport.objects.get(pk=record.pk).status == RosterImport.Status.PENDING
    assert Group.objects.get(name=roles.MEMBER).user_set.filter(username="member").exists()


def test_only_the_previewed_file_is_applied(register, make_roster, unchanged_rows):
    record, _ = stage_import(make_roster(unchanged_rows[:3]), "名册.xlsx")
    other, _ = stage_import(make_roster(unchanged_rows[:2]), "另一份.xlsx")
    with pytest.raises(RosterConflict) as error:
        apply_import(record.pk, expected_sha256=other.sha256)
    assert "文件校验值与预览时的文件不一致" in str(error.value)
    assert Member.objects.active().count() == 4

    # The stored file itself is checked too.
    RosterImport.objects.filter(pk=record.pk).update(content=make_roster(unchanged_rows[:1]))
    with pytest.raises(RosterConflict):
        apply_import(record.pk, expected_sha256=record.sha256)
    assert Member.objects.active().count() == 4


def test_a_register_changed_since_the_preview_must_be_previewed_again(register, make_roster, unchanged_rows):
    record, _ = stage_import(make_roster(unchanged_rows[:3]), "名册.xlsx")
    Member.objects.filter(pk=register["zhang"].pk).update(party_post="宣传委员")
    with pytest.raises(RosterConflict) as error:
        apply_import(record.pk, expected_sha256=record.sha256)
    assert "请重新预览" in str(error.value)
    assert Member.objects.get(pk=register["zhao"].pk).status == Member.Status.ACTIVE


def test_an_import_is_applied_once(register, make_roster, unchanged_rows):
    record, _ = stage_import(make_roster(unchanged_rows[:3]), "名册.xlsx")
    apply_import(record.pk, expected_sha256=record.sha256)
    with pytest.raises(RosterConflict) as error:
        apply_import(record.pk, expected_sha256=record.sha256)
    assert "已导入" in str(error.value)
    assert RosterChange.objects.count() == 1


def test_a_file_with_errors_cannot_be_applied(register, make_roster, unchanged_rows):
    unchanged_rows[0][HEADERS.index("所在党组织")] = "县教育局机关党支部"
    record, plan = stage_import(make_roster(unchanged_rows), "名册.xlsx")
    assert plan.errors
    with pytest.raises(RosterConflict) as error:
        apply_import(record.pk, expected_sha256=record.sha256)
    assert "1 处错误" in str(error.value)


def test_the_preview_queries_do_not_grow_with_the_file(org_tree, make_roster, django_assert_max_num_queries):
    def rows(count):
        return [
            [
                f"党员{n}",
                "男",
                "县财政局机关党支部",
                "正式党员",
                datetime.date(2000, 1, 1) + datetime.timedelta(n),
                "",
                "",
            ]
            for n in range(count)
        ]

    for count, new in ((5, 5), (50, 45)):
        data = make_roster(rows(count))
        with django_assert_max_num_queries(6):
            record, plan = stage_import(data, "名册.xlsx")
        assert plan.count("joined") == new
        with django_assert_max_num_queries(14):
            apply_import(record.pk, expected_sha256=record.sha256)
    assert Member.objects.count() == 50  # the second file includes the first five again
