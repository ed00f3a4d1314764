"""Issue 15, point 11: the coordinators' and the 工委's daily jobs, done as the roles (group permissions from the
migrations), through the real views."""

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook

from members import roles
from members.models import Member
from tests.volunteers.conftest import in_hours
from volunteers import services
from volunteers.models import (
    AttendanceChange,
    ProjectProposal,
    ServiceCertificate,
    ServiceRequest,
    ServiceSlot,
    SignUp,
    VolunteerProfile,
)

pytestmark = pytest.mark.django_db


def move(slot, start_in_hours, end_in_hours):
    """Time passes: the slot now runs from/to these offsets (the sign-up service refuses slots already begun)."""
    ServiceSlot.objects.filter(pk=slot.pk).update(start=in_hours(start_in_hours), end=in_hours(end_in_hours))
    slot.refresh_from_db()
    return slot


@pytest.fixture
def people(make_volunteer):
    return [make_volunteer(name, name, f"1380000000{n}") for n, name in enumerate(["赵敏", "钱程", "孙立"])]


@pytest.fixture
def running(project, people):
    """A 3-hour slot that began an hour ago and ends in two, with three volunteers on it."""
    page, [slot] = project
    signups = [services.sign_up(person, slot.pk) for person in people]
    move(slot, -1, 2)
    return slot, signups


@pytest.fixture
def ended(project, people):
    """The same, over an hour ago."""
    page, [slot] = project
    signups = [services.sign_up(person, slot.pk) for person in people]
    move(slot, -4, -1)
    return slot, signups


def roster_url(slot):
    return f"/volunteers/manage/slots/{slot.pk}/"


def radio_checked(html, signup, value):
    pattern = rf'<input type="radio" name="attendance_{signup.pk}" value="{value}"( checked)?>'
    match = re.search(pattern, html)
    assert match, f"no {value} radio for sign-up {signup.pk}"
    return bool(match[1])


def hours_value(html, signup):
    match = re.search(rf'name="hours_{signup.pk}" value="([^"]*)"', html)
    assert match
    return match[1]


# 2. Hours only after the slot has ended ---------------------------------------------------------------------


def test_the_service_refuses_hours_before_the_slot_has_ended(running, manager):
    slot, signups = running
    with pytest.raises(services.Refused, match="服务时段尚未结束") as error:
        services.record_attendance(manager, slot.pk, [services.AttendanceEntry(signups[0].pk, "attended", "1")])
    assert error.value.status == 400
    # One bad entry writes nothing, the absence beside it included.
    with pytest.raises(services.Refused):
        services.record_attendance(
            manager,
            slot.pk,
            [
                services.AttendanceEntry(signups[1].pk, "absent"),
                services.AttendanceEntry(signups[0].pk, "attended"),
            ],
        )
    assert not AttendanceChange.objects.exists()
    assert set(SignUp.objects.values_list("status", flat=True)) == {"confirmed"}
    # A no-show may be marked once the service has begun.
    services.record_attendance(manager, slot.pk, [services.AttendanceEntry(signups[1].pk, "absent")])
    assert SignUp.objects.get(pk=signups[1].pk).status == "absent"


def test_the_roster_form_refuses_hours_before_the_end_keeping_what_was_typed(client, running, manager):
    slot, signups = running
    client.force_login(manager)
    page = client.get(roster_url(slot)).content.decode()
    assert "结束后才能登记出勤者的服务时长" in page
    response = client.post(
        roster_url(slot),
        {
            f"attendance_{signups[0].pk}": "attended",
            f"hours_{signups[0].pk}": "2.5",
            f"attendance_{signups[1].pk}": "absent",
            "reason": "现场登记",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "服务时段尚未结束" in html and "结束后才能登记出勤和服务时长" in html
    assert radio_checked(html, signups[0], "attended") and not radio_checked(html, signups[0], "absent")
    assert radio_checked(html, signups[1], "absent")
    assert hours_value(html, signups[0]) == "2.5"
    assert 'value="现场登记"' in html
    assert not AttendanceChange.objects.exists()
    assert set(SignUp.objects.values_list("status", flat=True)) == {"confirmed"}

    # Once it has ended, the same post is saved.
    move(slot, -4, -1)
    response = client.post(
        roster_url(slot),
        {f"attendance_{signups[0].pk}": "attended", f"hours_{signups[0].pk}": "2.5"},
        follow=True,
    )
    assert "已保存 1 条出勤和时长记录" in response.content.decode()
    assert SignUp.objects.get(pk=signups[0].pk).hours == Decimal("2.5")


def test_the_form_itself_refuses_hours_before_the_end(running):
    from volunteers.forms import AttendanceForm

    slot, signups = running
    form = AttendanceForm(slot, signups, {f"attendance_{signups[0].pk}": "attended"})
    assert not form.is_valid()
    assert any("服务时段尚未结束" in error for error in form.non_field_errors())
    form = AttendanceForm(slot, signups, {f"attendance_{signups[0].pk}": "absent"})
    assert form.is_valid() and [entry.status for entry in form.entries] == ["absent"]


def test_absences_can_be_marked_during_the_service(client, running, manager):
    slot, signups = running
    client.force_login(manager)
    response = client.post(roster_url(slot), {f"attendance_{signups[2].pk}": "absent"})
    assert response.status_code == 302
    assert SignUp.objects.get(pk=signups[2].pk).status == "absent"


def test_nothing_can_be_recorded_before_the_start(client, project, people, manager):
    page, [slot] = project
    signup = services.sign_up(people[0], slot.pk)
    client.force_login(manager)
    response = client.post(roster_url(slot), {f"attendance_{signup.pk}": "absent"})
    assert response.status_code == 400
    assert "服务开始后才能登记出勤和时长" in response.content.decode()
    assert SignUp.objects.get(pk=signup.pk).status == "confirmed"


# 3. A refused correction keeps what was typed ---------------------------------------------------------------


def test_a_correction_without_reason_is_refused_and_keeps_every_value(client, ended, manager):
    slot, signups = ended
    services.record_attendance(
        manager,
        slot.pk,
        [services.AttendanceEntry(signups[0].pk, "attended"), services.AttendanceEntry(signups[1].pk, "attended")],
    )
    client.force_login(manager)
    response = client.post(
        roster_url(slot),
        {
            f"attendance_{signups[0].pk}": "attended",
            f"hours_{signups[0].pk}": "2",  # a correction: 3.0 → 2
            f"attendance_{signups[1].pk}": "absent",  # a correction: attended → absent
            f"hours_{signups[1].pk}": "3.0",
            f"attendance_{signups[2].pk}": "attended",  # a first recording
            f"hours_{signups[2].pk}": "1.5",
            "reason": "  ",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "更正已登记的出勤或时长时，请填写更正说明" in html and "赵敏、钱程" in html
    assert hours_value(html, signups[0]) == "2"
    assert radio_checked(html, signups[1], "absent") and not radio_checked(html, signups[1], "attended")
    assert radio_checked(html, signups[2], "attended") and hours_value(html, signups[2]) == "1.5"
    # Nothing half-saved: the first recording beside the refused corrections waits too.
    assert [(s.status, s.hours) for s in SignUp.objects.order_by("pk")] == [
        ("attended", Decimal("3.0")),
        ("attended", Decimal("3.0")),
        ("confirmed", None),
    ]
    assert AttendanceChange.objects.count() == 2

    # With the reason, all of it is saved.
    response = client.post(
        roster_url(slot),
        {
            f"attendance_{signups[0].pk}": "attended",
            f"hours_{signups[0].pk}": "2",
            f"attendance_{signups[1].pk}": "absent",
            f"attendance_{signups[2].pk}": "attended",
            f"hours_{signups[2].pk}": "1.5",
            "reason": "按签到表更正",
        },
    )
    assert response.status_code == 302
    assert [(s.status, s.hours) for s in SignUp.objects.order_by("pk")] == [
        ("attended", Decimal("2.0")),
        ("absent", None),
        ("attended", Decimal("1.5")),
    ]
    assert AttendanceChange.objects.filter(reason="按签到表更正").count() == 3


@pytest.mark.parametrize(
    ("hours", "message"),
    [("9", "不能超过该时段的计划时长"), ("abc", "请填写数字"), ("0", "必须大于 0"), ("1.25", "一位小数")],
)
def test_bad_hours_are_refused_on_the_row_keeping_the_reason(client, ended, manager, hours, message):
    slot, signups = ended
    client.force_login(manager)
    response = client.post(
        roster_url(slot),
        {
            f"attendance_{signups[0].pk}": "attended",
            f"hours_{signups[0].pk}": hours,
            f"attendance_{signups[1].pk}": "absent",
            "reason": "补登",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "赵敏的服务时长" in html
    assert hours_value(html, signups[0]) == hours and 'value="补登"' in html
    assert radio_checked(html, signups[1], "absent")
    assert 'class="vol-roster__error"' in html
    assert not AttendanceChange.objects.exists()


def test_a_reason_with_markup_is_refused(client, ended, manager):
    slot, signups = ended
    client.force_login(manager)
    response = client.post(
        roster_url(slot), {f"attendance_{signups[0].pk}": "absent", "reason": "<script>alert(1)</script>"}
    )
    assert response.status_code == 400
    assert "请勿输入网页代码" in response.content.decode()
    assert not AttendanceChange.objects.exists()


# 1. The coordinator issues the certificate ------------------------------------------------------------------


@pytest.fixture
def recorded(ended, manager):
    slot, signups = ended
    services.record_attendance(
        manager,
        slot.pk,
        [services.AttendanceEntry(signups[0].pk, "attended"), services.AttendanceEntry(signups[1].pk, "absent")],
    )
    return slot, signups


def test_a_volunteer_manager_issues_and_prints_a_volunteers_certificate(client, recorded, manager):
    slot, signups = recorded
    client.force_login(manager)
    detail = f"/volunteers/manage/signups/{signups[0].pk}/"
    html = client.get(detail).content.decode()
    assert "出具证明" in html and "3.0 小时" in html
    response = client.post(f"{detail}certificate/", {"year": ""})
    certificate = ServiceCertificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/volunteers/certificates/{certificate.number}/?next={detail}"
    assert (certificate.user, certificate.issued_by, certificate.hours) == (signups[0].user, manager, Decimal("3.0"))
    assert certificate.number == f"ZYFW{timezone.localdate().year}{certificate.pk:06d}"
    page = client.get(response["Location"]).content.decode()
    for text in ("志愿服务证明", "赵敏", certificate.number, "3.0", "中共县直属机关工作委员会", "打印证明"):
        assert text in page
    assert f'href="{detail}"' in page  # back to the volunteer, not to the coordinator's own /me/
    # Issued again without a change: the same number, listed on the volunteer's page.
    client.post(f"{detail}certificate/", {"year": ""})
    assert ServiceCertificate.objects.count() == 1
    assert certificate.number in client.get(detail).content.decode()
    # The same numbered certificate as the volunteer's own: he sees it, and asking himself reuses it.
    client.force_login(signups[0].user)
    assert client.get(f"/volunteers/certificates/{certificate.number}/").status_code == 200
    client.post("/volunteers/certificates/", {"year": ""})
    assert ServiceCertificate.objects.count() == 1


def test_a_named_coordinator_certifies_volunteers_of_his_own_projects_only(
    client, recorded, make_project, make_user, people
):
    slot, signups = recorded
    named = make_user("named")
    slot.page.coordinators.add(named)
    slot.page.save()
    other_coordinator = make_user("other")
    other_page, [other_slot] = make_project(title="敬老院助老服务", coordinators=[other_coordinator])
    services.sign_up(people[2], other_slot.pk)

    client.force_login(named)
    response = client.post(f"/volunteers/manage/signups/{signups[0].pk}/certificate/", {"year": ""})
    assert response.status_code == 302
    certificate = ServiceCertificate.objects.get()
    assert certificate.issued_by == named
    assert client.get(f"/volunteers/certificates/{certificate.number}/").status_code == 200
    # A sign-up of somebody else's project: not his to certify.
    stranger = SignUp.objects.get(slot=other_slot)
    assert client.post(f"/volunteers/manage/signups/{stranger.pk}/certificate/", {"year": ""}).status_code == 403
    # The other project's coordinator cannot read a certificate of a volunteer who is not on his rosters.
    client.force_login(other_coordinator)
    assert client.get(f"/volunteers/certificates/{certificate.number}/").status_code == 404
    assert ServiceCertificate.objects.count() == 1


@pytest.mark.parametrize("role", [None, roles.PARTY_CADRE, roles.MEMBER])
def test_others_cannot_issue_certificates(client, recorded, make_user, role):
    slot, signups = recorded
    user = make_user("someone", *([role] if role else []))
    client.force_login(user)
    response = client.post(f"/volunteers/manage/signups/{signups[0].pk}/certificate/", {"year": ""})
    assert response.status_code == 403
    assert not ServiceCertificate.objects.exists()
    client.logout()
    response = client.post(f"/volunteers/manage/signups/{signups[0].pk}/certificate/", {"year": ""})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_certificate_refusals_come_back_on_the_volunteer_page(client, recorded, manager):
    slot, signups = recorded
    client.force_login(manager)
    absent = f"/volunteers/manage/signups/{signups[1].pk}/"
    assert "暂不能出具证明" in client.get(absent).content.decode()
    response = client.post(f"{absent}certificate/", {"year": ""})
    assert response.status_code == 400
    assert "还没有经过确认的服务时长" in response.content.decode()
    response = client.post(f"/volunteers/manage/signups/{signups[0].pk}/certificate/", {"year": "20x6"})
    assert response.status_code == 400 and "年度格式不正确" in response.content.decode()
    next_year = timezone.localdate().year + 1
    response = client.post(f"/volunteers/manage/signups/{signups[0].pk}/certificate/", {"year": str(next_year)})
    assert response.status_code == 400
    assert not ServiceCertificate.objects.exists()
    assert client.get(f"/volunteers/manage/signups/{signups[0].pk}/certificate/").status_code == 405


# The coordinator's list of slots shows what waits to be recorded --------------------------------------------


def test_the_manage_page_shows_slots_waiting_for_attendance(client, ended, manager):
    slot, signups = ended
    client.force_login(manager)
    assert "待登记 3 人" in client.get("/volunteers/manage/").content.decode()
    services.record_attendance(manager, slot.pk, [services.AttendanceEntry(signups[0].pk, "attended")])
    assert "待登记 2 人" in client.get("/volunteers/manage/").content.decode()


# 4. The 工委's overview across 片组 ---------------------------------------------------------------------------


@pytest.fixture
def across_groups(make_project, make_member, make_volunteer, org_tree, manager):
    """Hours of members in two 片组 (two branches of one unit in the first) and of a non-member in one year, plus
    hours of the year before, which that year's overview leaves out. Last year's June: always over, never split."""
    finance_a = make_member("fa", org_tree["finance_branch"], name="财政甲")
    finance_b = make_member("fb", org_tree["finance_branch_2"], name="财政乙")
    health = make_member("hc", org_tree["health_branch"], name="卫健丙")
    citizen = make_volunteer("citizen", "群众丁")
    for user in (finance_a, finance_b, health):
        VolunteerProfile.objects.create(user=user, name=Member.objects.get(user=user).name, phone="13900000000")
    traffic, [traffic_slot] = make_project(title="文明交通劝导", organizing_unit=org_tree["finance"])
    care, [care_slot, care_before] = make_project(
        title="关爱留守儿童",
        organizing_unit=org_tree["health"],
        slots=[(in_hours(60), in_hours(62), 5), (in_hours(72), in_hours(74), 5)],
    )
    for user in (finance_a, finance_b, citizen):
        services.sign_up(user, traffic_slot.pk)
    for user in (finance_a, health):
        services.sign_up(user, care_slot.pk)
    services.sign_up(health, care_before.pk)
    year = timezone.localdate().year - 1
    start = timezone.make_aware(datetime.datetime(year, 6, 1, 9))
    end = start + datetime.timedelta(hours=2)
    ServiceSlot.objects.filter(pk__in=[traffic_slot.pk, care_slot.pk]).update(start=start, end=end)
    ServiceSlot.objects.filter(pk=care_before.pk).update(
        start=start.replace(year=year - 1), end=end.replace(year=year - 1)
    )
    entries = {slot.pk: [] for slot in (traffic_slot, care_slot, care_before)}
    for signup in SignUp.objects.select_related("user").order_by("pk"):
        hours = {"citizen": "1.5", "fb": "1"}.get(signup.user.username)
        entries[signup.slot_id].append(services.AttendanceEntry(signup.pk, "attended", hours))
    services.record_attendance(manager, traffic_slot.pk, entries[traffic_slot.pk])
    services.record_attendance(manager, care_slot.pk, entries[care_slot.pk][:1])  # 财政甲; 卫健丙 not recorded yet
    services.record_attendance(manager, care_before.pk, entries[care_before.pk])
    return {"year": year, "start": start, "end": end, "traffic": traffic, "care": care}


def test_party_cadres_have_the_overview_permission_from_the_migration(editor_user, manager, member_user):
    assert Group.objects.get(name=roles.PARTY_CADRE).permissions.filter(codename="view_hours_overview").exists()
    assert editor_user.has_perm("volunteers.view_hours_overview")
    assert manager.has_perm("volunteers.view_hours_overview")
    assert not member_user.has_perm("volunteers.view_hours_overview")


def test_the_overview_sums_hours_per_group_unit_and_project(client, across_groups, editor_user):
    client.force_login(editor_user)
    response = client.get("/volunteers/hours/", {"year": across_groups["year"]})
    assert response.status_code == 200
    overview = response.context["overview"]
    units = {(row.label, row.is_subtotal): row.totals for row in overview.units}
    first, finance = units[("第一片组", True)], units[("县财政局", False)]
    # 财政甲 2 + 2, 财政乙 1: two people, three services.
    assert (first.volunteers, first.services, first.hours) == (2, 3, Decimal("5.0"))
    assert (finance.volunteers, finance.services, finance.hours) == (2, 3, Decimal("5.0"))
    second = units[("第二片组", True)]
    assert (second.volunteers, second.services, second.hours) == (0, 0, Decimal("0"))  # 卫健丙 not recorded
    citizens = units[("非党员志愿者（群众）", True)]
    assert (citizens.volunteers, citizens.services, citizens.hours) == (1, 1, Decimal("1.5"))
    assert (overview.total.volunteers, overview.total.services, overview.total.hours) == (3, 4, Decimal("6.5"))
    projects = {row.project.title: row for row in overview.projects}
    traffic, care = projects["文明交通劝导"], projects["关爱留守儿童"]
    assert (traffic.totals.volunteers, traffic.totals.hours, traffic.pending, traffic.group.name) == (
        3,
        Decimal("4.5"),
        0,
        "第一片组",
    )
    assert (care.totals.services, care.totals.hours, care.pending, care.slots) == (1, Decimal("2.0"), 1, 1)
    html = response.content.decode()
    assert "待登记 1 人" in html and "6.5 小时" in html
    # Last year's service is in last year's overview only.
    last = client.get("/volunteers/hours/", {"year": across_groups["year"] - 1}).context["overview"]
    assert (last.total.services, last.total.hours) == (1, Decimal("2.0"))
    assert [row.label for row in last.units if row.totals.services and not row.is_subtotal] == ["县卫生健康局"]


def test_the_overview_exports_both_tables_to_excel(client, across_groups, editor_user):
    client.force_login(editor_user)
    year = across_groups["year"]

    def rows(by):
        response = client.get("/volunteers/hours/hours.xlsx", {"year": year, "by": by})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        return [list(row) for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)]

    units = rows("unit")
    assert units[0] == ["片组", "单位", "志愿者（人）", "服务人次", "服务时长（小时）"]
    assert ["第一片组", "（片组合计）", 2, 3, 5] in units and ["第一片组", "县财政局", 2, 3, 5] in units
    assert ["非党员志愿者（群众）", None, 1, 1, 1.5] in units
    assert units[-1] == ["合计", None, 3, 4, 6.5]
    projects = rows("project")
    assert projects[0][:3] == ["项目", "组织单位", "所属片组"]
    assert ["文明交通劝导", "县财政局", "第一片组", 1, 3, 3, 4.5, 0] in projects
    assert projects[-1] == ["合计", None, None, 2, 3, 4, 6.5, 1]
    assert not any("1390000" in str(cell) for row in units + projects for cell in row)  # no contact details


def test_the_overview_is_read_only_and_for_the_roles_that_have_it(
    client, across_groups, editor_user, manager, member_user, make_user, make_project
):
    named = make_user("named")
    across_groups["traffic"].coordinators.add(named)
    across_groups["traffic"].save()
    for user, status in ((editor_user, 200), (manager, 200), (member_user, 403), (named, 403)):
        client.force_login(user)
        assert client.get("/volunteers/hours/").status_code == status, user
        assert client.get("/volunteers/hours/hours.xlsx", {"by": "unit"}).status_code == status
    client.force_login(editor_user)
    assert client.post("/volunteers/hours/", {"year": "2026"}).status_code == 405
    client.logout()
    assert client.get("/volunteers/hours/").status_code == 302


@pytest.mark.parametrize("year", ["abc", "20266", "1800", "<b>"])
def test_a_bad_year_is_refused_and_kept_in_the_form(client, editor_user, year):
    client.force_login(editor_user)
    response = client.get("/volunteers/hours/", {"year": year})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写正确的年度" in html
    assert f'value="{year}"'.replace("<", "&lt;").replace(">", "&gt;") in html
    response = client.get("/volunteers/hours/hours.xlsx", {"year": year})
    assert response.status_code == 400
    assert client.get("/volunteers/hours/hours.xlsx", {"by": "everything"}).status_code == 400


def test_the_overview_costs_the_same_queries_whatever_the_records(
    client, across_groups, editor_user, make_project, make_member, org_tree, manager
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(editor_user)
    url = f"/volunteers/hours/?year={across_groups['year']}"
    client.get(url)  # warm the per-process caches (content types, site)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    # Many more people, branches' units and projects.
    for number in range(12):
        page, [slot] = make_project(title=f"项目{number}", organizing_unit=org_tree["health"])
        user = make_member(f"extra{number}", org_tree["health_branch" if number % 2 else "finance_branch_2"])
        VolunteerProfile.objects.create(user=user, name=f"党员{number}", phone="13900000000")
        signup = services.sign_up(user, slot.pk)
        ServiceSlot.objects.filter(pk=slot.pk).update(start=across_groups["start"], end=across_groups["end"])
        services.record_attendance(manager, slot.pk, [services.AttendanceEntry(signup.pk, "attended")])
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert len(response.context["overview"].projects) == 14
    assert len(after.captured_queries) == len(before.captured_queries)


# 7. Dashboard panels --------------------------------------------------------------------------------------------


def add_requests(count, status=ServiceRequest.Status.NEW, start=0):
    ServiceRequest.objects.bulk_create(
        [
            ServiceRequest(
                title=f"服务需求{number}",
                description="独居老人家中需要帮忙。",
                place=f"城关街道{number}号",
                wanted_time="周末",
                contact_name="王大妈",
                contact_phone="13800001111",
                status=status,
            )
            for number in range(start, start + count)
        ]
    )


def add_proposals(user, count, status=ProjectProposal.Status.SUBMITTED, start=0):
    ProjectProposal.objects.bulk_create(
        [
            ProjectProposal(
                proposer=user,
                title=f"项目建议{number}",
                category="service",
                description="建议开展便民服务。",
                place="社区",
                status=status,
            )
            for number in range(start, start + count)
        ]
    )


def dashboard(client):
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_lists_waiting_requests_and_proposals_to_those_who_handle_them(
    client, editor_user, manager, member_user, make_user
):
    add_requests(2)
    add_requests(3, status=ServiceRequest.Status.DONE, start=10)
    add_proposals(member_user, 1)
    add_proposals(member_user, 2, status=ProjectProposal.Status.DECLINED, start=10)
    for user in (editor_user, manager):
        client.force_login(user)
        html = dashboard(client)
        assert "待处理的服务需求（2）" in html and "服务需求0" in html and "服务需求1" in html
        assert "服务需求10" not in html  # handled
        assert "13800001111" not in html  # no contact on the dashboard
        assert "待审核的志愿服务项目建议（1）" in html and "项目建议0" in html and "项目建议10" not in html
        request_ = ServiceRequest.objects.get(title="服务需求0")
        assert f"/admin/snippets/volunteers/servicerequest/edit/{request_.pk}/" in html
        proposal = ProjectProposal.objects.get(title="项目建议0")
        assert f"/admin/volunteers/proposals/{proposal.pk}/review/" in html
    # A reviewer works in the admin but handles neither: no panel.
    client.force_login(make_user("reviewer", roles.REVIEWER))
    html = dashboard(client)
    assert "待处理的服务需求" not in html and "待审核的志愿服务项目建议" not in html


def test_the_dashboard_shows_nothing_when_nothing_waits(client, editor_user):
    add_requests(1, status=ServiceRequest.Status.ACCEPTED)
    client.force_login(editor_user)
    html = dashboard(client)
    assert "dashboard-volunteer-service-requests" not in html and "dashboard-volunteer-proposals" not in html


def test_the_dashboard_panels_show_the_first_few_and_link_to_all(client, editor_user, member_user):
    add_requests(8)
    client.force_login(editor_user)
    html = dashboard(client)
    assert "待处理的服务需求（8）" in html and "查看全部 8 项" in html
    assert "/admin/snippets/volunteers/servicerequest/?status=new" in html
    assert html.count("/admin/snippets/volunteers/servicerequest/edit/") == 5
    # The link lists exactly the waiting ones.
    listing = client.get("/admin/snippets/volunteers/servicerequest/?status=new").content.decode()
    assert "服务需求7" in listing


def test_the_dashboard_panels_cost_the_same_queries_for_few_or_many(client, editor_user, member_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_requests(1)
    add_proposals(member_user, 1)
    client.force_login(editor_user)
    dashboard(client)
    with CaptureQueriesContext(connection) as few:
        dashboard(client)
    add_requests(40, start=100)
    add_proposals(member_user, 40, start=100)
    with CaptureQueriesContext(connection) as many:
        html = dashboard(client)
    assert "待处理的服务需求（41）" in html and "待审核的志愿服务项目建议（41）" in html
    assert len(many.captured_queries) == len(few.captured_queries)
