"""Dashboards and reports read the ledger, in a number of queries that does not grow with members or records."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from learning import reports
from learning.models import CreditRecord
from members.models import Member

pytestmark = pytest.mark.django_db


def add_records(member, count, year, points="1"):
    CreditRecord.objects.bulk_create(
        CreditRecord(member=member, year=year, points=Decimal(points), source="manual", reason=f"第{n}次集中学习")
        for n in range(count)
    )


def make_members(make_member, branch, count, start=0):
    users = [make_member(f"p{start + n:04d}", branch, name=f"党员{chr(0x4E00 + start + n)}") for n in range(count)]
    return list(Member.objects.filter(user__in=users))


def measured_get(client, url):
    """GET twice (the first fills the per-process caches: site, settings) and count the second's queries."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_pace_runs_from_january_to_december():
    assert reports.pace_fraction(2026, datetime.date(2026, 12, 31)) == 1
    assert reports.pace_fraction(2025, datetime.date(2026, 3, 1)) == 1
    assert reports.pace_fraction(2027, datetime.date(2026, 3, 1)) == 0
    assert abs(reports.pace_fraction(2026, datetime.date(2026, 7, 2)) - Decimal("0.5")) < Decimal("0.01")


def test_me_shows_this_years_credits_against_the_requirement(client, learning, member, member_user):
    year = learning["year"]
    add_records(member, 5, year, "2")
    CreditRecord.objects.create(member=member, year=year, points=Decimal("-1"), source="manual", reason="更正")
    CreditRecord.objects.create(
        member=member,
        year=year,
        points=Decimal("1"),
        source="lesson",
        page=learning["lesson"],
        course=learning["course"],
        reason="完成",
    )
    CreditRecord.objects.create(member=member, year=year - 1, points=Decimal("30"), source="manual", reason="去年")
    client.force_login(member_user)
    html = client.get("/me/").content.decode()
    assert f"{year} 年学习学时" in html
    assert "已完成 <strong>10</strong> / 32 学时" in html
    assert "其中必修课程</dt><dd>1 学时" in html
    assert f"{year - 1} 年 30 学时" in html
    assert "党章党规党纪" in html and "1/2 节" in html


def test_secretaries_and_committee_members_owe_56(client, learning, secretary_user):
    client.force_login(secretary_user)
    assert "/ 56 学时" in client.get("/me/").content.decode()


@pytest.mark.parametrize("url", ["/me/", "/learning/my/"])
def test_dashboard_queries_do_not_grow_with_records(client, learning, member, member_user, url):
    client.force_login(member_user)
    counts = []
    for size in (5, 50):
        add_records(member, size, learning["year"])
        counts.append(measured_get(client, url)[1])
    assert counts[0] == counts[1], counts


def test_branch_report_shows_who_is_behind(client, learning, org_tree, member, secretary_user, make_member):
    year = learning["year"]
    diligent = make_members(make_member, org_tree["finance_branch"], 1)[0]
    add_records(diligent, 17, year, "2")  # 34 of 32
    add_records(member, 3, year, "2")
    client.force_login(secretary_user)
    response = client.get("/learning/report/", follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "县财政局机关党支部" in html
    entries = {row.member.name: row for row in response.context["rows"]}
    assert entries[diligent.name].complete and entries[diligent.name].behind_by == 0
    assert entries["张丽华"].total == 6 and entries["张丽华"].percent == 18
    assert [course.title for course in entries["张丽华"].missing_required] == ["党章党规党纪"]
    assert entries["林海涛"].requirement == 56
    if reports.pace_fraction(year) * 32 > 6:
        assert entries["张丽华"].behind_by > 0 and "张丽华（差" in html


def test_branch_report_queries_do_not_grow_with_members(client, learning, org_tree, secretary_user, make_member):
    client.force_login(secretary_user)
    url = f"/learning/report/{org_tree['finance_branch'].pk}/"
    counts = []
    for start, size in ((0, 5), (5, 45)):
        for member in make_members(make_member, org_tree["finance_branch"], size, start):
            add_records(member, 3, learning["year"])
        response, count = measured_get(client, url)
        assert len(response.context["rows"]) == start + size + 1  # with the secretary
        counts.append(count)
    assert counts[0] == counts[1], counts


def test_overview_queries_do_not_grow_with_members(client, learning, org_tree, editor_user, make_member):
    client.force_login(editor_user)
    counts = []
    for start, size, branch in ((0, 5, "finance_branch"), (5, 45, "health_branch")):
        for member in make_members(make_member, org_tree[branch], size, start):
            add_records(member, 3, learning["year"])
        counts.append(measured_get(client, "/learning/report/all/")[1])
    assert counts[0] == counts[1], counts


def test_excel_totals_equal_the_ledger(client, learning, org_tree, member, secretary_user, editor_user, make_member):
    year = learning["year"]
    others = make_members(make_member, org_tree["finance_branch"], 3) + make_members(
        make_member, org_tree["health_branch"], 2, 10
    )
    for number, person in enumerate([member, *others]):
        add_records(person, number + 1, year, "1.5")
    CreditRecord.objects.create(member=member, year=year, points=Decimal("-0.5"), source="manual", reason="更正")
    add_records(member, 4, year - 1)  # another year: not in this year's report

    client.force_login(secretary_user)
    response = client.get(f"/learning/report/{org_tree['finance_branch'].pk}/export/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    total_column = header.index("合计（学时）")
    totals = {row[1]: Decimal(str(row[total_column])) for row in sheet.iter_rows(min_row=2, values_only=True)}
    branch_members = Member.objects.filter(organization=org_tree["finance_branch"])
    assert totals == {
        person.name: sum(
            CreditRecord.objects.filter(member=person, year=year).values_list("points", flat=True), Decimal(0)
        )
        for person in branch_members
    }
    assert totals["张丽华"] == Decimal("1")

    client.force_login(editor_user)
    sheet = load_workbook(BytesIO(client.get("/learning/report/all/export/").content)).active
    last = [cell.value for cell in sheet[sheet.max_row]]
    ledger_total = sum(CreditRecord.objects.filter(year=year).values_list("points", flat=True), Decimal(0))
    assert last[0] == "合计" and Decimal(str(last[5])) == ledger_total


def test_reports_are_for_secretaries_of_that_branch_and_the_committee(
    client, learning, org_tree, member_user, secretary_user, editor_user
):
    health = f"/learning/report/{org_tree['health_branch'].pk}/"
    client.force_login(member_user)
    assert client.get("/learning/report/").status_code == 403
    assert client.get(f"/learning/report/{org_tree['finance_branch'].pk}/").status_code == 403
    client.force_login(secretary_user)
    assert client.get(health).status_code == 403
    assert client.get(health + "export/").status_code == 403
    assert client.get("/learning/report/all/").status_code == 403
    client.force_login(editor_user)
    assert client.get(health).status_code == 200
    assert client.get("/learning/report/").url == "/learning/report/all/"
    assert client.get("/learning/report/all/?year=abc").status_code == 404


def test_overview_rolls_up_groups_and_units_with_a_chart(client, learning, org_tree, member, editor_user):
    add_records(member, 8, learning["year"], "2")
    client.force_login(editor_user)
    response = client.get("/learning/report/all/")
    html = response.content.decode()
    assert "<svg" in html and "第一片组" in html and "县财政局" in html
    groups = {group.organization.name: group for group in response.context["groups"]}
    assert groups["第一片组"].total == 16 and groups["第一片组"].members == 1


def test_no_public_ranking_anywhere(client, learning, member, home_page):
    add_records(member, 8, learning["year"], "2")
    for url in ("/", "/learning/", "/learning/dangzhang/"):
        html = client.get(url).content.decode()
        assert "张丽华" not in html and "排名" not in html and "打卡" not in html


def test_ledger_exports_store_a_hostile_name_as_text(client, learning, org_tree, member, secretary_user, editor_user):
    from tests.xlsx import HOSTILE_NAME, cell_values, formula_cells

    add_records(member, 1, learning["year"])
    Member.objects.filter(pk=member.pk).update(name=HOSTILE_NAME)
    client.force_login(secretary_user)
    branch_export = client.get(f"/learning/report/{org_tree['finance_branch'].pk}/export/").content
    client.force_login(editor_user)
    county_export = client.get("/learning/report/all/export/").content
    assert formula_cells(branch_export) == [] and formula_cells(county_export) == []
    assert HOSTILE_NAME in cell_values(branch_export)
