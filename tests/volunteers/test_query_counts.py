"""Issue 8: every volunteer page renders in a number of queries that does not grow with its list (10 vs 1,000)."""

import pytest

from tests.query_counts import compare
from volunteers.models import AttendanceChange, SignUp, VolunteerProfile, VolunteerProjectPage

from .conftest import add_projects, add_slots, add_volunteers, signup_for

pytestmark = pytest.mark.django_db

FEW, MANY = 10, 1000


def log_in(client, viewer, users):
    if viewer != "anonymous":
        client.force_login(users[viewer])


@pytest.fixture
def users(volunteer, manager):
    return {"volunteer": volunteer, "manager": manager}


@pytest.mark.parametrize("viewer", ["anonymous", "volunteer"])
def test_project_index(client, index_page, users, viewer):
    log_in(client, viewer, users)
    add_projects(index_page, range(FEW))
    before, after = compare(client, index_page.url, lambda: add_projects(index_page, range(FEW, MANY)))
    assert "志愿服务项目第10号" in before
    assert "志愿服务项目第1000号" in after
    assert after.count('class="card vol-project"') == 10
    assert after.count("余 10 个名额") == 10


@pytest.mark.parametrize("viewer", ["anonymous", "volunteer", "manager"])
def test_project_page_with_many_slots_and_sign_ups(client, index_page, users, volunteer, viewer):
    log_in(client, viewer, users)
    [project] = add_projects(index_page, [0], slots_each=0)

    def slots(numbers):
        added = add_slots(project, numbers)
        # The volunteer holds a seat on every other slot, and waits on every fourth one.
        SignUp.objects.bulk_create(
            [
                signup_for(slot, volunteer, number, "confirmed" if number % 4 else "waitlisted")
                for number, slot in zip(numbers, added, strict=True)
                if number % 2 == 0
            ]
        )

    slots(range(FEW))
    before, after = compare(client, project.url, lambda: slots(range(FEW, MANY)))
    assert before.count('class="vol-slot"') == FEW
    assert after.count('class="vol-slot"') == MANY
    assert after.count("县城各社区") >= MANY
    if viewer == "volunteer":
        assert after.count("取消报名") == MANY // 2
        assert after.count("您在候补名单第 1 位") == MANY // 4
    if viewer == "manager":
        assert after.count("名册与出勤") == MANY


@pytest.fixture
def busy_slot(index_page):
    """A project with one slot that started an hour ago."""
    [project] = add_projects(index_page, [0], slots_each=0)
    [slot] = add_slots(project, [0], start_in_hours=-1, capacity=MANY)
    return project, slot


def sign_up(slot, numbers, recorded_by=None):
    """Sign-ups by new volunteers; every seventh seated one attended (with its recording in the audit trail)."""
    users = add_volunteers(numbers)
    signups = SignUp.objects.bulk_create(
        [
            signup_for(slot, user, number, "attended" if number % 7 == 0 else None)
            for number, user in zip(numbers, users, strict=True)
        ]
    )
    AttendanceChange.objects.bulk_create(
        [
            AttendanceChange(signup=signup, changed_by=recorded_by, old_status="confirmed", new_status="attended")
            for signup in signups
            if signup.status == "attended"
        ]
    )


@pytest.fixture
def coordinator(make_user, busy_slot):
    user = make_user("coordinator")
    coordinate(busy_slot[0], user)
    return user


def coordinate(project, user):
    VolunteerProjectPage.coordinators.through.objects.create(volunteerprojectpage_id=project.pk, user_id=user.pk)


def test_roster_of_a_slot(client, busy_slot, coordinator):
    client.force_login(coordinator)
    _, slot = busy_slot
    sign_up(slot, range(FEW), coordinator)
    before, after = compare(client, f"/volunteers/manage/slots/{slot.pk}/", lambda: sign_up(slot, range(FEW, MANY)))
    assert "志愿者0010" in before
    assert "志愿者1000" in after  # waitlisted
    assert after.count('value="attended"') == len([n for n in range(MANY) if n % 5 < 3 or n % 7 == 0])
    cancelled = len([n for n in range(MANY) if n % 5 == 4 and n % 7])
    assert f"已取消报名（{cancelled}）" in after


@pytest.mark.parametrize("growing", ["sign-ups", "projects"])
def test_coordinator_manage_page(client, index_page, busy_slot, coordinator, growing):
    client.force_login(coordinator)
    _, slot = busy_slot
    if growing == "sign-ups":
        sign_up(slot, range(FEW))
        before, after = compare(client, "/volunteers/manage/", lambda: sign_up(slot, range(FEW, MANY)))
        assert f"报名 6 / {MANY}" in before
        assert f"报名 {len([n for n in range(MANY) if n % 5 < 3 or n % 7 == 0])} / {MANY}" in after
    else:

        def projects(numbers):
            for project in add_projects(index_page, numbers):
                coordinate(project, coordinator)

        projects(range(1, FEW))
        before, after = compare(client, "/volunteers/manage/", lambda: projects(range(FEW, MANY)))
        assert before.count('<section class="card">') == FEW
        assert after.count('<section class="card">') == MANY
        assert after.count("名册与出勤") == 2 * (MANY - 1) + 1


def test_volunteer_profile_page(client, index_page, volunteer):
    client.force_login(volunteer)
    [project] = add_projects(index_page, [0], slots_each=0)

    def signups(numbers):
        slots = add_slots(project, numbers)
        SignUp.objects.bulk_create([signup_for(slot, volunteer, 0, "confirmed") for slot in slots])

    signups(range(FEW))
    before, after = compare(client, "/volunteers/profile/", lambda: signups(range(FEW, MANY)))
    assert VolunteerProfile.objects.get(user=volunteer).name in after
    assert SignUp.objects.filter(user=volunteer).count() == MANY
