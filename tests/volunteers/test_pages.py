import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from home.models import HomePage
from tests.volunteers.conftest import in_hours
from volunteers import services
from volunteers.models import (
    ServiceRequestPage,
    ServiceSlot,
    SignUp,
    VolunteerProfile,
    VolunteerProjectIndexPage,
    VolunteerProjectPage,
)


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


class PageTreeRulesTest(WagtailPageTestCase):
    def setUp(self):
        self.client.force_login(get_user_model().objects.create_superuser("root", password="Root2026pw"))
        self.home = HomePage.objects.get()

    def test_page_types_sit_where_they_belong(self):
        self.assertAllowedParentPageTypes(VolunteerProjectIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(VolunteerProjectIndexPage, {VolunteerProjectPage, ServiceRequestPage})
        self.assertAllowedParentPageTypes(VolunteerProjectPage, {VolunteerProjectIndexPage})
        self.assertAllowedSubpageTypes(VolunteerProjectPage, {})
        self.assertAllowedParentPageTypes(ServiceRequestPage, {VolunteerProjectIndexPage})

    def test_editor_creates_a_project_with_slots_through_the_admin_form(self):
        index_page = VolunteerProjectIndexPage(title="党员志愿服务", slug="volunteer-service")
        self.home.add_child(instance=index_page)
        self.assertFalse(VolunteerProjectIndexPage.can_create_at(self.home))  # max_count 1
        start = timezone.now() + datetime.timedelta(days=3)
        self.assertCanCreate(
            index_page,
            VolunteerProjectPage,
            nested_form_data(
                {
                    "title": "敬老院助老服务",
                    "slug": "elderly-care",
                    "category": "elderly",
                    "place": "县社会福利中心",
                    "status": "recruiting",
                    "description": rich_text("<p>陪老人聊天、读报。</p>"),
                    "slots": inline_formset(
                        [
                            {
                                "start": local(start),
                                "end": local(start + datetime.timedelta(hours=2)),
                                "capacity": 10,
                                "place": "",
                                "note": "",
                            }
                        ]
                    ),
                }
            ),
        )
        project = VolunteerProjectPage.objects.get(slug="elderly-care")
        self.assertEqual([slot.capacity for slot in project.slots.all()], [10])

    def test_a_slot_must_end_after_it_starts(self):
        index_page = VolunteerProjectIndexPage(title="党员志愿服务", slug="volunteer-service")
        self.home.add_child(instance=index_page)
        start = timezone.now() + datetime.timedelta(days=3)
        data = nested_form_data(
            {
                "title": "倒着走的时段",
                "slug": "backwards",
                "category": "service",
                "place": "社区",
                "status": "recruiting",
                "description": rich_text("<p>x</p>"),
                "slots": inline_formset(
                    [{"start": local(start), "end": local(start - datetime.timedelta(hours=1)), "capacity": 5}]
                ),
            }
        )
        response = self.client.post(f"/admin/pages/add/volunteers/volunteerprojectpage/{index_page.pk}/", data)
        self.assertContains(response, "结束时间必须晚于开始时间", status_code=response.status_code)
        self.assertFalse(VolunteerProjectPage.objects.exists())


def edit_data(page, slot, **slot_changes):
    item = {
        "id": slot.pk,
        "start": local(slot.start),
        "end": local(slot.end),
        "capacity": slot.capacity,
        "place": "",
        "note": "",
        **slot_changes,
    }
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "category": page.category,
            "place": page.place,
            "status": page.status,
            "description": rich_text(page.description),
            "slots": inline_formset([item], initial=1),
            "action-publish": "publish",
        }
    )


@pytest.mark.django_db
def test_editors_cannot_delete_a_slot_people_signed_up_for(client, project, volunteer, make_user):
    page, [slot] = project
    services.sign_up(volunteer, slot.pk)
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    response = client.post(f"/admin/pages/{page.pk}/edit/", edit_data(page, slot, DELETE="1"))
    assert "不能删除" in response.content.decode()
    assert ServiceSlot.objects.filter(pk=slot.pk).exists()
    response = client.post(f"/admin/pages/{page.pk}/edit/", edit_data(page, slot, capacity=0))
    assert ServiceSlot.objects.get(pk=slot.pk).capacity == 3


@pytest.mark.django_db
def test_editors_cannot_shrink_a_slot_below_its_roster_but_may_raise_it(client, project, make_volunteer, make_user):
    page, [slot] = project
    for n in range(4):
        services.sign_up(make_volunteer(f"v{n}"), slot.pk)
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    response = client.post(f"/admin/pages/{page.pk}/edit/", edit_data(page, slot, capacity=2))
    assert "名额不能少于已报名人数" in response.content.decode()
    assert ServiceSlot.objects.get(pk=slot.pk).capacity == 3
    response = client.post(f"/admin/pages/{page.pk}/edit/", edit_data(page, slot, capacity=4))
    assert response.status_code == 302
    # Publishing the larger slot moved the first on the waitlist up.
    assert SignUp.objects.filter(slot=slot, status="confirmed").count() == 4


# Listings -------------------------------------------------------------------------------------------------------


def add_projects(make_project, count):
    for n in range(count):
        make_project(
            f"项目{n:02d}", slots=[(in_hours(24 + n), in_hours(26 + n), 5), (in_hours(100 + n), in_hours(102 + n), 5)]
        )


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_index_page_queries_do_not_grow_with_the_list(
    client, index_page, make_project, count, django_assert_max_num_queries
):
    add_projects(make_project, count)
    client.get(index_page.url)  # warm the site and settings caches
    with django_assert_max_num_queries(12):
        response = client.get(index_page.url)
    assert response.status_code == 200
    assert len(response.context["projects"]) == min(count, 10)


@pytest.mark.django_db
def test_home_section_queries_do_not_grow_with_the_list(client, index_page, make_project):
    # Compared with itself at two sizes: the home page's total also holds the other sections' blocks.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_projects(make_project, 5)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    add_projects(make_project, 45)
    client.get("/")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    assert len(many) == len(few)
    assert len(next(s for s in response.context["sections"] if s.title.startswith("志愿服务")).context["projects"]) == 5


@pytest.mark.django_db
def test_index_filters_by_category_and_status_and_ignores_nonsense(client, index_page, make_project):
    make_project("敬老院助老服务", category="elderly")
    make_project("城东江清洁行动", category="environment", status="finished")
    html = client.get(index_page.url, {"category": "elderly"}).content.decode()
    assert "敬老院助老服务" in html and "城东江清洁行动" not in html
    html = client.get(index_page.url, {"status": "finished"}).content.decode()
    assert "敬老院助老服务" not in html and "城东江清洁行动" in html
    response = client.get(index_page.url, {"category": "<script>", "status": "x", "page": "abc"})
    assert response.status_code == 200
    assert "敬老院助老服务" in response.content.decode()


@pytest.mark.django_db
def test_home_shows_recruiting_projects_with_a_slot_ahead_only(client, index_page, make_project):
    assert not [s for s in client.get("/").context["sections"] if s.title.startswith("志愿服务")]
    make_project("已结束的项目", status="finished")
    make_project("只有过去时段的项目", slots=[(in_hours(-5), in_hours(-3), 5)])
    assert not [s for s in client.get("/").context["sections"] if s.title.startswith("志愿服务")]
    make_project("敬老院助老服务")
    html = client.get("/").content.decode()
    assert "志愿服务 · 正在招募" in html
    assert "敬老院助老服务" in html
    assert "已结束的项目" not in html and "只有过去时段的项目" not in html


@pytest.mark.django_db
def test_public_pages_never_show_contact_details(client, project, volunteer, index_page):
    page, [slot] = project
    services.sign_up(volunteer, slot.pk)
    for url in ("/", index_page.url, page.url):
        html = client.get(url).content.decode()
        assert "13605751234" not in html and "136****1234" not in html
        assert "李晓雯" not in html
    # Another logged-in volunteer sees counts, not names.
    other = get_user_model().objects.create_user("other", password="x")
    VolunteerProfile.objects.create(user=other, name="王五", phone="13900000000")
    client.force_login(other)
    html = client.get(page.url).content.decode()
    assert "李晓雯" not in html and "13605751234" not in html
    assert "已报名 1 / 3 人" in html
    assert "名册与出勤" not in html


@pytest.mark.django_db
def test_coordinators_see_the_roster_link(client, project, manager):
    page, [slot] = project
    client.force_login(manager)
    assert f"/volunteers/manage/slots/{slot.pk}/" in client.get(page.url).content.decode()


@pytest.mark.django_db
def test_the_admin_volunteer_register_masks_phones_and_is_for_managers(client, volunteer, manager, editor_user):
    client.force_login(manager)
    html = client.get("/admin/snippets/volunteers/volunteerprofile/").content.decode()
    assert "李晓雯" in html and "136****1234" in html and "13605751234" not in html
    client.force_login(editor_user)
    assert client.get("/admin/snippets/volunteers/volunteerprofile/").status_code in (302, 403)


@pytest.mark.django_db
def test_unpublished_projects_are_not_listed(client, index_page, make_project):
    page, _ = make_project("草稿项目")
    page.unpublish()
    assert "草稿项目" not in client.get(index_page.url).content.decode()
    assert Page.objects.get(pk=page.pk).live is False
