import io

import pytest
from django.core.management import call_command

from volunteers.models import (
    AttendanceChange,
    ProjectProposal,
    ServiceRequest,
    ServiceSlot,
    SignUp,
    VolunteerProfile,
    VolunteerProjectIndexPage,
    VolunteerProjectPage,
)
from volunteers.services import hours_by_year


def counts():
    return tuple(
        model.objects.count()
        for model in (
            VolunteerProjectPage,
            ServiceSlot,
            SignUp,
            AttendanceChange,
            VolunteerProfile,
            ServiceRequest,
            ProjectProposal,
        )
    )


@pytest.mark.django_db
def test_demo_content_is_complete_and_a_second_run_adds_nothing():
    call_command("seed_demo", "--skip-index", stdout=io.StringIO())
    first = counts()
    call_command("seed_demo", "--skip-index", stdout=io.StringIO())
    assert counts() == first

    index_page = VolunteerProjectIndexPage.objects.get()
    assert index_page.show_in_menus and index_page.live
    projects = VolunteerProjectPage.objects.live()
    assert projects.count() == 6
    assert len(set(projects.values_list("category", flat=True))) >= 5
    assert {"recruiting", "ongoing", "finished"} <= set(projects.values_list("status", flat=True))

    # One slot is full with a waitlist.
    full = [
        slot for slot in ServiceSlot.objects.with_counts() if slot.held_count == slot.capacity and slot.waitlist_count
    ]
    assert len(full) == 1
    # Past and future slots.
    from django.utils import timezone

    assert ServiceSlot.objects.filter(start__lt=timezone.now()).exists()
    assert ServiceSlot.objects.filter(start__gt=timezone.now()).exists()

    from django.contrib.auth import get_user_model

    User = get_user_model()
    for username in ("volunteer", "member", "member2"):
        user = User.objects.get(username=username)
        assert SignUp.objects.filter(user=user).exclude(status="cancelled").exists(), username
        assert hours_by_year(user)[1] > 0, username
    assert SignUp.objects.get(user__username="member2", slot=full[0]).status == "waitlisted"
    assert AttendanceChange.objects.filter(reason__gt="").exists()  # a correction with its reason
    assert ServiceRequest.objects.count() >= 3
    assert ProjectProposal.objects.filter(status="submitted").exists()


@pytest.mark.django_db
def test_demo_pages_render(client):
    call_command("seed_demo", "--skip-index", stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    index_page = VolunteerProjectIndexPage.objects.get()
    assert client.get("/").status_code == 200
    assert "志愿服务 · 正在招募" in client.get("/").content.decode()
    for page in [index_page, *VolunteerProjectPage.objects.live()]:
        assert client.get(page.url).status_code == 200, page.url
    client.force_login(get_user_model().objects.get(username="member2"))
    html = client.get("/me/").content.decode()
    assert "候补第 1 位" in html
    client.force_login(get_user_model().objects.get(username="secretary"))
    assert client.get("/volunteers/manage/").status_code == 200
