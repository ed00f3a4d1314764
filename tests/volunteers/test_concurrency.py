"""Capacity and duplicates under simultaneous sign-ups: real threads, real PostgreSQL row locks."""

import threading

import pytest
from django.db import connection

from tests.volunteers.conftest import in_hours
from volunteers import services
from volunteers.models import SignUp

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"),
]


def run_together(calls):
    """Run each call in its own thread, all released at once; each thread closes its connection."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def worker(call):
        try:
            barrier.wait()
            results.append(call())
        except services.Refused as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def test_twenty_simultaneous_sign_ups_never_overfill_a_slot_of_five(make_project, make_volunteer):
    _, [slot] = make_project(slots=[(in_hours(48), in_hours(50), 5)])
    people = [make_volunteer(f"v{n:02d}") for n in range(20)]
    results, errors = run_together([lambda person=person: services.sign_up(person, slot.pk) for person in people])
    assert errors == []
    assert len(results) == 20
    seated = SignUp.objects.filter(slot=slot, status="confirmed")
    assert seated.count() == 5
    assert sorted(seated.values_list("seat", flat=True)) == [1, 2, 3, 4, 5]
    assert SignUp.objects.filter(slot=slot, status="waitlisted").count() == 15
    # Waitlist places are 1..15, each once.
    positions = SignUp.waitlist_positions(SignUp.objects.filter(slot=slot, status="waitlisted"))
    assert sorted(positions.values()) == list(range(1, 16))


def test_one_person_clicking_ten_times_at_once_is_signed_up_once(slot, volunteer):
    results, errors = run_together([lambda: services.sign_up(volunteer, slot.pk)] * 10)
    assert len(results) == 1
    assert len(errors) == 9
    assert all("已报名该时段" in error.message for error in errors)
    assert SignUp.objects.filter(slot=slot, user=volunteer).count() == 1


def test_simultaneous_sign_ups_for_two_overlapping_slots_keep_one(make_project, volunteer):
    _, [first] = make_project("甲", slots=[(in_hours(48), in_hours(50), 5)])
    _, [second] = make_project("乙", slots=[(in_hours(49), in_hours(51), 5)])
    calls = [lambda: services.sign_up(volunteer, first.pk), lambda: services.sign_up(volunteer, second.pk)] * 4
    results, errors = run_together(calls)
    assert len(results) == 1
    assert len(errors) == 7
    assert SignUp.objects.filter(user=volunteer).count() == 1


def test_cancellations_racing_sign_ups_keep_the_count_and_the_queue(make_project, make_volunteer):
    _, [slot] = make_project(slots=[(in_hours(48), in_hours(50), 3)])
    seated = [make_volunteer(f"s{n}") for n in range(3)]
    signups = [services.sign_up(person, slot.pk) for person in seated]
    waiting = [make_volunteer(f"w{n}") for n in range(3)]
    for person in waiting:
        services.sign_up(person, slot.pk)
    newcomers = [make_volunteer(f"n{n}") for n in range(6)]
    calls = [
        lambda person=person, signup=signup: services.cancel(person, signup.pk)
        for person, signup in zip(seated, signups, strict=True)
    ]
    calls += [lambda person=person: services.sign_up(person, slot.pk) for person in newcomers]
    results, errors = run_together(calls)
    assert errors == []
    confirmed = SignUp.objects.filter(slot=slot, status="confirmed")
    # The three freed seats went to the three who were waiting before anyone new arrived.
    assert sorted(confirmed.values_list("user__username", flat=True)) == ["w0", "w1", "w2"]
    assert sorted(confirmed.values_list("seat", flat=True)) == [1, 2, 3]
    assert SignUp.objects.filter(slot=slot, status="waitlisted").count() == 6
