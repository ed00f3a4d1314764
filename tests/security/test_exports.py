"""Every spreadsheet the site hands out, the roster import and a ballot quarantine are audit events."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardIndexPage, CompetitionPage, EntryPage
from awards.services import cast_ballot, quarantine_ballot
from members import roles
from members.models import Member
from members.roster import HEADERS, apply_import, stage_import
from security.models import SecurityEvent
from volunteers.models import ServiceSlot, VolunteerProjectIndexPage, VolunteerProjectPage

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind
DAY = datetime.timedelta(days=1)


@pytest.fixture
def competition(home_page, org_tree):
    index = AwardIndexPage(title="评选活动", slug="pingxuan")
    home_page.add_child(instance=index)
    now = timezone.now()
    competition = CompetitionPage(
        title="2026年度“十佳微型党课”评选",
        kind=CompetitionPage.Kind.MICRO_LESSON,
        choices_per_ballot=1,
        winner_count=1,
        nomination_start=now - 20 * DAY,
        nomination_end=now - 15 * DAY,
        voting_start=now - 10 * DAY,
        voting_end=now + 5 * DAY,
        publicity_start=now + 7 * DAY,
        publicity_end=now + 12 * DAY,
    )
    index.add_child(instance=competition)
    entry = EntryPage(title="一张党费收据背后的故事", nominating_organization=org_tree["finance_branch"], live=True)
    competition.add_child(instance=entry)
    return competition, entry


@pytest.fixture
def project(home_page):
    index = VolunteerProjectIndexPage(title="党员志愿服务", slug="volunteer-service")
    home_page.add_child(instance=index)
    page = VolunteerProjectPage(
        title="文明交通劝导志愿服务", slug="jiaotong", place="人民路口", description="<p>劝导</p>"
    )
    now = timezone.now()
    page.slots.add(
        ServiceSlot(sort_order=0, start=now - 3 * DAY, end=now - 3 * DAY + 2 * datetime.timedelta(hours=1), capacity=5)
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page, ServiceSlot.objects.get(page=page)


def _exports(disclosure_index, competition, project, org_tree):
    year = timezone.localdate().year
    page, slot = project
    return [
        (roles.PARTY_CADRE, f"{disclosure_index.url}export/{year}/", f"{disclosure_index.title}{year}年归档"),
        (
            roles.PARTY_CADRE,
            f"/admin/awards/competitions/{competition[0].pk}/export/",
            f"{competition[0].title}-评选结果",
        ),
        (roles.PARTY_CADRE, "/learning/report/all/export/", f"{year}年机关党员学习学时汇总"),
        (
            roles.PARTY_CADRE,
            f"/learning/report/{org_tree['finance_branch'].pk}/export/",
            f"县财政局机关党支部{year}年党员学习学时台账",
        ),
        (roles.PARTY_CADRE, reverse("members_roster:export"), "党员名册"),
        (roles.VOLUNTEER_MANAGER, f"/volunteers/manage/slots/{slot.pk}/roster.xlsx", "文明交通劝导志愿服务-"),
        (roles.VOLUNTEER_MANAGER, f"/volunteers/manage/projects/{page.pk}/hours.xlsx", "文明交通劝导志愿服务-服务时长"),
        (roles.VOLUNTEER_MANAGER, f"/volunteers/manage/hours.xlsx?year={year}", f"{year}年志愿服务时长"),
        (
            roles.VOLUNTEER_MANAGER,
            f"/volunteers/hours/hours.xlsx?year={year}&by=project",
            f"{year}年志愿服务时长-按项目",
        ),
        (
            roles.VOLUNTEER_MANAGER,
            f"/volunteers/hours/hours.xlsx?year={year}&by=unit",
            f"{year}年志愿服务时长-按片组和单位",
        ),
    ]


def test_every_excel_export_is_recorded_with_who_and_where(
    client, make_user, disclosure_index, competition, project, org_tree
):
    people = {
        role: make_user(f"staff{number}", role)
        for number, role in enumerate([roles.PARTY_CADRE, roles.VOLUNTEER_MANAGER])
    }
    exports = _exports(disclosure_index, competition, project, org_tree)
    for role, url, target in exports:
        client.force_login(people[role])
        response = client.get(url, REMOTE_ADDR="10.8.2.9")
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), url
        event = SecurityEvent.objects.filter(kind=Kind.EXPORT).order_by("-pk").first()
        assert event is not None and event.target.startswith(target), (url, event and event.target)
        assert (event.user, event.address, event.path) == (people[role], "10.8.2.9", url)
    assert SecurityEvent.objects.filter(kind=Kind.EXPORT).count() == len(exports)


def test_a_refused_export_is_not_an_export(client, member_user, disclosure_index):
    client.force_login(member_user)
    assert client.get(f"{disclosure_index.url}export/{timezone.localdate().year}/").status_code == 403
    assert not SecurityEvent.objects.filter(kind=Kind.EXPORT).exists()


def _roster(rows):
    from io import BytesIO

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ROWS = [["周志明", "男", "县财政局机关党支部", "正式党员", datetime.date(2001, 7, 1), "13857500001", ""]]


def test_a_roster_import_confirmed_in_the_admin_is_recorded(client, editor_user, org_tree):
    record, _ = stage_import(_roster(ROWS), "11月名册.xlsx", user=editor_user)
    assert not SecurityEvent.objects.filter(kind=Kind.ROSTER_IMPORT).exists()  # a preview is not an import
    client.force_login(editor_user)
    response = client.post(
        reverse("members_roster:apply", args=[record.pk]), {"sha256": record.sha256}, REMOTE_ADDR="10.8.3.1"
    )
    assert response.status_code == 302
    [event] = SecurityEvent.objects.filter(kind=Kind.ROSTER_IMPORT)
    assert (event.user, event.address, event.target) == (editor_user, "10.8.3.1", "11月名册.xlsx")
    assert event.detail["sha256"] == record.sha256 and event.detail["summary"]["joined"] == 1
    assert Member.objects.filter(name="周志明").exists()


def test_a_roster_import_by_command_is_recorded(editor_user, org_tree):
    record, _ = stage_import(_roster(ROWS), "名册.xlsx", user=editor_user)
    apply_import(record.pk, user=editor_user, expected_sha256=record.sha256)
    [event] = SecurityEvent.objects.filter(kind=Kind.ROSTER_IMPORT)
    assert (event.user, event.address) == (editor_user, "")


def test_a_ballot_quarantine_is_recorded(competition, member_user, editor_user):
    ballot = cast_ballot(competition[0], member_user, [competition[1].pk], "10.0.0.8")
    quarantine_ballot(ballot, editor_user, "同一地址两分钟内投出 12 张选票")
    [event] = SecurityEvent.objects.filter(kind=Kind.BALLOT_QUARANTINE)
    assert event.user == editor_user and event.detail == {
        "code": ballot.code,
        "reason": "同一地址两分钟内投出 12 张选票",
    }
    assert event.summary == f"选票隔离：选票 {ballot.code}"
