"""`manage.py import_roster FILE`: the same preview and the same all-or-nothing apply as the admin."""

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from members.models import Member, RosterChange, RosterImport
from members.roster import HEADERS, RosterConflict, apply_import, stage_import

from .conftest import roster_bytes, row_of


@pytest.fixture
def roster_path(tmp_path, register, unchanged_rows):
    unchanged_rows[1][HEADERS.index("所在党组织")] = "县财政局第二党支部"
    path = tmp_path / "11月名册.xlsx"
    path.write_bytes(roster_bytes(unchanged_rows[:3], title="党员名册"))
    return path


def run(*args):
    out = StringIO()
    call_command("import_roster", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_without_apply_and_without_a_terminal_only_previews(roster_path, register):
    output = run(str(roster_path))
    assert "县内转接（1）" in output
    assert "王建军　县卫生健康局机关党支部 → 县财政局第二党支部" in output
    assert "转出（1）" in output and "赵芳" in output
    assert "仅预览，未写入" in output
    assert Member.objects.get(pk=register["zhao"].pk).status == Member.Status.ACTIVE
    assert not RosterImport.objects.filter(status=RosterImport.Status.APPLIED).exists()


@pytest.mark.django_db
def test_apply_writes_and_records_the_import(roster_path, register, editor_user):
    output = run(str(roster_path), "--apply", "--user", "editor")
    assert "读取名册 [" in output and "写入名册 [" in output  # progress
    assert "已导入" in output
    record = RosterImport.objects.get(status=RosterImport.Status.APPLIED)
    assert (record.source, record.applied_by, record.file_name) == ("command", editor_user, "11月名册.xlsx")
    assert Member.objects.get(pk=register["zhao"].pk).status == Member.Status.TRANSFERRED_OUT
    assert RosterChange.objects.count() == 2
    # Again: nothing to do.
    assert "没有需要写入的变动" in run(str(roster_path), "--apply")


@pytest.mark.django_db
def test_the_prompt_decides(roster_path, register, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert "已取消" in run(str(roster_path))
    assert Member.objects.get(pk=register["zhao"].pk).status == Member.Status.ACTIVE
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert "已导入" in run(str(roster_path))
    assert Member.objects.get(pk=register["zhao"].pk).status == Member.Status.TRANSFERRED_OUT


@pytest.mark.django_db
def test_a_checksum_other_than_the_files_is_refused(roster_path, register):
    with pytest.raises(CommandError) as error:
        run(str(roster_path), "--apply", "--sha256", "0" * 64)
    assert "SHA-256" in str(error.value)
    assert Member.objects.active().count() == 4


@pytest.mark.django_db
def test_errors_and_bad_files_stop_the_command(tmp_path, register, unchanged_rows):
    unchanged_rows[0][HEADERS.index("人员类别")] = "发展对象"
    path = tmp_path / "名册.xlsx"
    path.write_bytes(roster_bytes(unchanged_rows))
    with pytest.raises(CommandError) as error:
        run(str(path), "--apply")
    assert "1 处错误" in str(error.value)
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError) as error:
        run(str(path), "--apply")
    assert "文件不是 Excel 工作簿" in str(error.value)
    with pytest.raises(CommandError):
        run(str(tmp_path / "missing.xlsx"))
    assert Member.objects.active().count() == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_editors_confirming_at_once_apply_the_roster_once(register, unchanged_rows):
    rows = [row_of(register["zhang"], 手机号码="13857599999"), *unchanged_rows[1:3]]
    record, _ = stage_import(roster_bytes(rows), "名册.xlsx")
    other, _ = stage_import(roster_bytes(rows), "名册（副本）.xlsx")
    barrier = threading.Barrier(4)
    outcomes = []

    def confirm(pk, sha256):
        try:
            barrier.wait()
            apply_import(pk, expected_sha256=sha256)
            outcomes.append("applied")
        except RosterConflict as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=confirm, args=(pk, sha256))
        for pk, sha256 in [(record.pk, record.sha256)] * 2 + [(other.pk, other.sha256)] * 2
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The same changes, previewed twice and confirmed four times, are written once.
    assert outcomes.count("applied") == 1, outcomes
    assert RosterChange.objects.filter(kind="updated").count() == 1
    assert RosterChange.objects.filter(kind="left").count() == 1
    assert Member.objects.get(pk=register["zhang"].pk).phone == "13857599999"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_imports_adding_the_same_new_member_at_once_add_him_once(register, unchanged_rows):
    rows = [*unchanged_rows, ["孙晓东", "男", "县卫生健康局机关党支部", "预备党员", "2026-01-10", "15800003333", ""]]
    records = [stage_import(roster_bytes(rows), f"名册{n}.xlsx")[0] for n in range(3)]
    barrier = threading.Barrier(len(records))
    outcomes = []

    def confirm(record):
        try:
            barrier.wait()
            apply_import(record.pk, expected_sha256=record.sha256)
            outcomes.append("applied")
        except RosterConflict as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(record,)) for record in records]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("applied") == 1, outcomes
    assert all("请重新预览" in outcome for outcome in outcomes if outcome != "applied")
    assert Member.objects.filter(name="孙晓东").count() == 1
