import pytest
from django.db import IntegrityError, transaction

from tests.volunteers.conftest import in_hours
from volunteers import services
from volunteers.models import ServiceSlot, SignUp, VolunteerProjectPage

pytestmark = pytest.mark.django_db


def statuses(slot):
    return list(SignUp.objects.filter(slot=slot).order_by("id").values_list("user__username", "status", "seat"))


def test_sign_up_takes_a_seat_until_the_slot_is_full_then_the_waitlist(slot, make_volunteer):
    people = [make_volunteer(f"v{n}") for n in range(5)]
    results = [services.sign_up(person, slot.pk) for person in people]
    assert [signup.status for signup in results] == ["confirmed"] * 3 + ["waitlisted"] * 2
    assert sorted(signup.seat for signup in results[:3]) == [1, 2, 3]
    assert SignUp.waitlist_positions(results) == {results[3].pk: 1, results[4].pk: 2}


def test_nobody_signs_up_twice_for_one_slot(slot, volunteer):
    services.sign_up(volunteer, slot.pk)
    with pytest.raises(services.Refused, match="已报名该时段"):
        services.sign_up(volunteer, slot.pk)
    assert SignUp.objects.filter(slot=slot, user=volunteer).count() == 1


def test_overlapping_slots_are_refused_even_across_projects(make_project, volunteer):
    _, [first] = make_project("敬老院助老服务", slots=[(in_hours(48), in_hours(51), 5)])
    _, [overlapping, later] = make_project(
        "文明交通劝导", slots=[(in_hours(50), in_hours(52), 5), (in_hours(51), in_hours(53), 5)]
    )
    services.sign_up(volunteer, first.pk)
    with pytest.raises(services.Refused, match="时间重叠") as error:
        services.sign_up(volunteer, overlapping.pk)
    assert "敬老院助老服务" in error.value.message
    # A slot that starts when the other ends does not overlap.
    assert services.sign_up(volunteer, later.pk).status == "confirmed"


def test_a_waitlist_place_counts_for_the_overlap_rule(make_project, make_volunteer):
    _, [full] = make_project("为民服务日", slots=[(in_hours(48), in_hours(50), 1)])
    _, [same_time] = make_project("文明交通劝导", slots=[(in_hours(49), in_hours(51), 5)])
    services.sign_up(make_volunteer("first"), full.pk)
    waiting = make_volunteer("waiting")
    assert services.sign_up(waiting, full.pk).status == "waitlisted"
    with pytest.raises(services.Refused, match="时间重叠"):
        services.sign_up(waiting, same_time.pk)


def test_a_cancelled_sign_up_frees_the_person_for_another_overlapping_slot(make_project, volunteer):
    _, [first] = make_project("甲", slots=[(in_hours(48), in_hours(50), 5)])
    _, [second] = make_project("乙", slots=[(in_hours(49), in_hours(51), 5)])
    signup = services.sign_up(volunteer, first.pk)
    services.cancel(volunteer, signup.pk)
    assert services.sign_up(volunteer, second.pk).status == "confirmed"
    # And he may sign up again for the first later, as a new sign-up (once the overlap is gone).
    services.cancel(volunteer, SignUp.objects.get(slot=second, status="confirmed").pk)
    assert services.sign_up(volunteer, first.pk).status == "confirmed"
    assert SignUp.objects.filter(slot=first, user=volunteer).count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"is_cancelled": True}, "已取消"),
        ({"start": in_hours(-1), "end": in_hours(1)}, "已经开始"),
        ({"start": in_hours(-5), "end": in_hours(-3)}, "已经开始或已结束"),
    ],
)
def test_cancelled_started_and_past_slots_refuse_sign_ups(slot, volunteer, change, message):
    ServiceSlot.objects.filter(pk=slot.pk).update(**change)
    with pytest.raises(services.Refused, match=message):
        services.sign_up(volunteer, slot.pk)
    assert not SignUp.objects.exists()


@pytest.mark.parametrize("status", ["ongoing", "finished"])
def test_projects_no_longer_recruiting_refuse_sign_ups(project, volunteer, status):
    page, [slot] = project
    VolunteerProjectPage.objects.filter(pk=page.pk).update(status=status)
    with pytest.raises(services.Refused, match="停止报名"):
        services.sign_up(volunteer, slot.pk)


def test_unpublished_projects_and_unknown_slots_are_not_found(project, volunteer):
    page, [slot] = project
    page.unpublish()
    with pytest.raises(services.Refused) as error:
        services.sign_up(volunteer, slot.pk)
    assert error.value.status == 404
    with pytest.raises(services.Refused) as error:
        services.sign_up(volunteer, 999999)
    assert error.value.status == 404


def test_sign_up_needs_a_volunteer_profile(slot, make_user):
    with pytest.raises(services.Refused, match="志愿者信息"):
        services.sign_up(make_user("nobody"), slot.pk)


def test_cancelling_a_seat_promotes_the_first_on_the_waitlist(slot, make_volunteer):
    a, b, c, d, e = (make_volunteer(name) for name in "abcde")
    signups = {person.username: services.sign_up(person, slot.pk) for person in (a, b, c, d, e)}
    promoted = services.cancel(b, signups["b"].pk)
    assert [signup.user.username for signup in promoted] == ["d"]
    assert statuses(slot) == [
        ("a", "confirmed", 1),
        ("b", "cancelled", None),
        ("c", "confirmed", 3),
        ("d", "confirmed", 2),
        ("e", "waitlisted", None),
    ]
    assert SignUp.objects.get(pk=signups["d"].pk).promoted_at is not None
    assert SignUp.waitlist_positions([SignUp.objects.get(pk=signups["e"].pk)]) == {signups["e"].pk: 1}


def test_cancelling_a_waitlist_place_promotes_nobody(slot, make_volunteer):
    people = [make_volunteer(f"v{n}") for n in range(5)]
    signups = [services.sign_up(person, slot.pk) for person in people]
    assert services.cancel(people[3], signups[3].pk) == []
    assert SignUp.objects.get(pk=signups[4].pk).status == "waitlisted"


def test_cancelling_is_refused_after_the_start_and_for_other_peoples_sign_ups(slot, volunteer, make_volunteer):
    signup = services.sign_up(volunteer, slot.pk)
    with pytest.raises(services.Refused) as error:
        services.cancel(make_volunteer("other"), signup.pk)
    assert error.value.status == 404
    ServiceSlot.objects.filter(pk=slot.pk).update(start=in_hours(-1), end=in_hours(1))
    with pytest.raises(services.Refused, match="已经开始"):
        services.cancel(volunteer, signup.pk)
    assert SignUp.objects.get(pk=signup.pk).status == "confirmed"


def test_cancelling_twice_is_refused(slot, volunteer):
    signup = services.sign_up(volunteer, slot.pk)
    services.cancel(volunteer, signup.pk)
    with pytest.raises(services.Refused, match="已取消"):
        services.cancel(volunteer, signup.pk)


def test_raising_the_capacity_and_publishing_promotes_the_waitlist(project, make_volunteer):
    page, [slot] = project
    people = [make_volunteer(f"v{n}") for n in range(5)]
    for person in people:
        services.sign_up(person, slot.pk)
    page = VolunteerProjectPage.objects.get(pk=page.pk)
    slots = list(page.slots.all())
    slots[0].capacity = 4
    page.slots = slots
    revision = page.save_revision()
    revision.publish()
    assert ServiceSlot.objects.get(pk=slot.pk).capacity == 4
    assert list(SignUp.objects.filter(slot=slot, status="confirmed").values_list("user__username", flat=True)) == [
        "v0",
        "v1",
        "v2",
        "v3",
    ]


def test_the_database_refuses_a_second_active_sign_up_and_a_shared_seat(slot, volunteer, make_volunteer):
    SignUp.objects.create(slot=slot, user=volunteer, status="confirmed", seat=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignUp.objects.create(slot=slot, user=volunteer, status="waitlisted")
    with pytest.raises(IntegrityError), transaction.atomic():
        SignUp.objects.create(slot=slot, user=make_volunteer("other"), status="confirmed", seat=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignUp.objects.create(slot=slot, user=make_volunteer("third"), status="confirmed", seat=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignUp.objects.create(slot=slot, user=make_volunteer("fourth"), status="waitlisted", hours=2)
    # A cancelled sign-up does not count: the same person may sign up again.
    SignUp.objects.filter(user=volunteer).update(status="cancelled", seat=None)
    SignUp.objects.create(slot=slot, user=volunteer, status="confirmed", seat=1)


# Views ----------------------------------------------------------------------------------------------------------


def test_sign_up_from_the_project_page(client, project, volunteer):
    page, [slot] = project
    client.force_login(volunteer)
    html = client.get(page.url).content.decode()
    assert f'action="/volunteers/slots/{slot.pk}/signup/"' in html
    response = client.post(f"/volunteers/slots/{slot.pk}/signup/")
    assert response.status_code == 302
    assert response["Location"] == f"{page.url}#slot-{slot.pk}"
    html = client.get(page.url).content.decode()
    assert "报名成功" in html
    assert "您已报名" in html
    assert "已报名 1 / 3 人" in html


def test_a_full_slot_puts_the_next_person_on_the_waitlist_with_his_place(client, project, make_volunteer):
    page, [slot] = project
    for n in range(3):
        services.sign_up(make_volunteer(f"v{n}"), slot.pk)
    late = make_volunteer("late")
    client.force_login(late)
    assert "报名候补" in client.get(page.url).content.decode()
    response = client.post(f"/volunteers/slots/{slot.pk}/signup/", follow=True)
    html = response.content.decode()
    assert "候补名单，排第 1 位" in html
    assert "您在候补名单第 1 位" in html


def test_refusals_answer_with_a_status_and_a_chinese_message(client, project, volunteer):
    page, [slot] = project
    client.force_login(volunteer)
    client.post(f"/volunteers/slots/{slot.pk}/signup/")
    response = client.post(f"/volunteers/slots/{slot.pk}/signup/")
    assert response.status_code == 409
    assert "无需重复报名" in response.content.decode()
    assert client.post("/volunteers/slots/987654/signup/").status_code == 404
    assert client.get(f"/volunteers/slots/{slot.pk}/signup/").status_code == 405
    assert client.post("/volunteers/signups/987654/cancel/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, slot):
    response = client.post(f"/volunteers/slots/{slot.pk}/signup/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not SignUp.objects.exists()


def test_a_user_without_profile_is_asked_for_one_first(client, project, make_user):
    page, [slot] = project
    client.force_login(make_user("newcomer"))
    response = client.post(f"/volunteers/slots/{slot.pk}/signup/")
    assert response.status_code == 302
    assert response["Location"].startswith("/volunteers/profile/?next=")
    assert not SignUp.objects.exists()


def test_cancel_from_me_promotes_and_the_promoted_volunteer_is_told_on_me(client, slot, make_volunteer):
    first = make_volunteer("first")
    seated = [services.sign_up(first, slot.pk)] + [services.sign_up(make_volunteer(f"v{n}"), slot.pk) for n in (1, 2)]
    waiting_user = make_volunteer("waiting")
    services.sign_up(waiting_user, slot.pk)
    client.force_login(waiting_user)
    assert "候补第 1 位" in client.get("/me/").content.decode()

    client.force_login(first)
    response = client.post(f"/volunteers/signups/{seated[0].pk}/cancel/")
    assert response.status_code == 302
    client.force_login(waiting_user)
    html = client.get("/me/").content.decode()
    assert "您已从候补转为正式报名" in html
    assert "候补第" not in html
