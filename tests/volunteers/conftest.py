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
