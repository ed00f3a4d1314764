"""Fixtures for the volunteer section: the index page, projects with slots, volunteers with profiles."""

import datetime

import pytest
from django.utils import timezone

from members import roles
from volunteers.models import ServiceSlot, VolunteerProfile, VolunteerProjectIndexPage, VolunteerProjectPage


def in_hours(hours):
    return timezone.now() + datetime.timedelta(hours=hours)


@pytest.fixture
def index_page(home_page):
    page = VolunteerProjectIndexPage(title="党员志愿服务", slug="volunteer-service", show_in_menus=True)
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def make_project(index_page):
    """make_project(title, slots=[(start, end, capacity), ...], **fields) -> (page, [slots])."""
    counter = {"n": 0}

    def make(title="文明交通劝导志愿服务", slots=None, coordinators=(), **fields):
        counter["n"] += 1
        fields.setdefault("place", "人民路与鼓山路交叉口")
        fields.setdefault("description", "<p>早晚高峰协助劝导文明过街。</p>")
        fields.setdefault("status", VolunteerProjectPage.Status.RECRUITING)
        page = VolunteerProjectPage(title=title, slug=f"project-{counter['n']}", **fields)
        for order, (start, end, capacity) in enumerate(
            slots if slots is not None else [(in_hours(48), in_hours(50), 3)]
        ):
            page.slots.add(ServiceSlot(sort_order=order, start=start, end=end, capacity=capacity))
        index_page.add_child(instance=page)
        if coordinators:
            page.coordinators.set(coordinators)
            page.save()
        page.save_revision().publish()
        page.refresh_from_db()
        return page, list(ServiceSlot.objects.filter(page=page).order_by("start"))

    return make


@pytest.fixture
def project(make_project):
    return make_project()


@pytest.fixture
def slot(project):
    return project[1][0]


@pytest.fixture
def make_volunteer(make_user):
    def make(username, name=None, phone="13605751234", *role_names):
        user = make_user(username, *role_names)
        VolunteerProfile.objects.create(user=user, name=name or username, phone=phone)
        return user

    return make


@pytest.fixture
def volunteer(make_volunteer):
    return make_volunteer("volunteer", "李晓雯", "13605751234")


@pytest.fixture
def manager(make_user):
    return make_user("manager", roles.VOLUNTEER_MANAGER)


# Bulk builders for the query-count tests: live pages without revisions, rows inserted in a second.


def add_projects(index, numbers, slots_each=2, **fields):
    """Recruiting projects, each with `slots_each` upcoming slots; the highest number published last."""
    from dangjian.bulk import add_children

    fields.setdefault("status", VolunteerProjectPage.Status.RECRUITING)
    published = timezone.now() - datetime.timedelta(days=30)
    projects = add_children(
        index,
        [
            VolunteerProjectPage(
                title=f"志愿服务项目第{number + 1}号",
                slug=f"qc-project-{number}",
                place="县城各社区",
                description="<p>服务群众。</p>",
                status_order=list(VolunteerProjectPage.Status.values).index(fields["status"]),
                first_published_at=published + datetime.timedelta(minutes=number),
                last_published_at=published + datetime.timedelta(minutes=number),
                live=True,
                **fields,
            )
            for number in numbers
        ],
        index=False,
    )
    for project in projects:
        add_slots(project, range(slots_each))
    return projects


def add_slots(project, numbers, start_in_hours=48, capacity=10):
    """Slots a day apart (no place of their own: the project's place applies)."""
    return ServiceSlot.objects.bulk_create(
        [
            ServiceSlot(
                page_id=project.pk,
                sort_order=number,
                start=in_hours(start_in_hours + 24 * number),
                end=in_hours(start_in_hours + 24 * number + 2),
                capacity=capacity,
            )
            for number in numbers
        ]
    )


def add_volunteers(numbers):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"qc-volunteer-{number}") for number in numbers])
    VolunteerProfile.objects.bulk_create(
        [
            VolunteerProfile(user=user, name=f"志愿者{number + 1:04d}", phone="13605751234")
            for number, user in zip(numbers, users, strict=True)
        ]
    )
    return users


def signup_for(slot, user, number, status=None):
    """A sign-up; `number` decides the status when none is given: mostly seated, some waitlisted or cancelled."""
    from volunteers.models import SignUp

    status = status or ["confirmed", "confirmed", "confirmed", "waitlisted", "cancelled"][number % 5]
    seated = status in ("confirmed", "attended", "absent")
    return SignUp(
        slot_id=slot.pk,
        user=user,
        status=status,
        seat=number + 1 if seated else None,
        hours=slot.length_hours if status == "attended" else None,
        cancelled_at=timezone.now() if status == "cancelled" else None,
    )
