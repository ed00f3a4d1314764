"""Study time is counted by the server's clock between accepted heartbeats."""

import random
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction

from learning.models import CreditRecord, StudyProgress
from learning.services import Beat, record_heartbeat

pytestmark = pytest.mark.django_db

TAB = "tab-aaaaaaaa"
OTHER_TAB = "tab-bbbbbbbb"


def beat(member, page, seconds_after_start, event="beat", tab=TAB, start=None, **kwargs):
    return record_heartbeat(
        member, page, tab=tab, event=event, now=start + timedelta(seconds=seconds_after_start), **kwargs
    )


@pytest.fixture
def t0():
    return timezone.now() - timedelta(hours=3)


def test_time_between_accepted_beats_counts(learning, member, study_settings, t0):
    lesson = learning["lesson2"]
    assert beat(member, lesson, 0, "start", start=t0).status == Beat.STARTED
    result = beat(member, lesson, 30, start=t0)
    assert (result.status, result.counted) == (Beat.COUNTED, 30)
    result = beat(member, lesson, 61, start=t0)
    assert (result.status, result.counted, result.progress.seconds) == (Beat.COUNTED, 31, 61)
    assert "计入 31 秒" in result.progress.last_note


def test_faster_than_real_pings_add_nothing(learning, member, study_settings, t0):
    lesson = learning["lesson2"]
    beat(member, lesson, 0, "start", start=t0)
    for second in range(1, 15):  # a script pinging every second
        result = beat(member, lesson, second, start=t0)
        assert (result.status, result.counted) == (Beat.TOO_FAST, 0)
    # The next accepted beat counts only the real time since the last accepted one.
    result = beat(member, lesson, 30, start=t0)
    assert result.progress.seconds == 30
    assert "心跳早于规定间隔" not in result.message


def test_start_and_pause_half_a_second_apart_add_nothing(learning, member, study_settings, t0):
    # The old exploit: alternating start and pause about half a second apart credited 34 s in 20 s.
    lesson = learning["lesson2"]
    for step in range(40):
        result = beat(member, lesson, step * 0.5, "pause" if step % 2 else "start", start=t0)
        assert result.status in (Beat.STARTED, Beat.PAUSED) and result.counted == 0
    assert StudyProgress.objects.get(member=member, page=lesson).seconds == 0


def test_fractions_carry_between_beats_and_never_round_up(learning, member, study_settings, t0):
    lesson = learning["lesson2"]
    beat(member, lesson, 0, "start", start=t0)
    counted = [beat(member, lesson, 15.6 * n, start=t0).counted for n in range(1, 11)]
    assert counted == [15, 16, 15, 16, 16, 15, 16, 15, 16, 16]  # 156 seconds in all: none lost, none added
    assert beat(member, lesson, 156.9, "pause", start=t0).counted == 0  # the last 0.9 s are dropped


@pytest.mark.parametrize("seed", range(5))
def test_no_sequence_of_events_credits_more_than_real_time(learning, member, study_settings, t0, seed):
    rng = random.Random(seed)
    lessons, tabs = [learning["lesson2"], learning["lesson"]], [TAB, OTHER_TAB]
    now = 0.0
    for _ in range(400):
        now += rng.choice([0.1, 0.4, 0.6, 0.99, 1.01, 7.5, 14.9, 15.1, 29.9, 44.9, 46])
        beat(
            member,
            rng.choice(lessons),
            now,
            rng.choice(["start", "beat", "beat", "pause"]),
            tab=rng.choice(tabs),
            start=t0,
        )
    credited = sum(StudyProgress.objects.filter(member=member).values_list("seconds", flat=True))
    assert 0 < credited <= now


def test_a_gap_longer_than_the_interval_adds_nothing(learning, member, study_settings, t0):
    lesson = learning["lesson2"]
    beat(member, lesson, 0, "start", start=t0)
    beat(member, lesson, 30, start=t0)
    result = beat(member, lesson, 30 + 600, start=t0)  # ten minutes away (hidden tab, sleep, script)
    assert (result.status, result.counted, result.progress.seconds) == (Beat.GAP, 0, 30)
    assert "不计入" in result.message
    # The clock restarted: the following beat counts again.
    assert beat(member, lesson, 660, start=t0).progress.seconds == 60


def test_a_second_simultaneous_session_adds_nothing(learning, member, study_settings, t0):
    lesson, other_lesson = learning["lesson2"], learning["lesson"]
    beat(member, lesson, 0, "start", start=t0)
    # Another tab (or device) on the same lesson, and on another lesson: neither counts while the first runs.
    assert beat(member, lesson, 10, "start", tab=OTHER_TAB, start=t0).status == Beat.OTHER_SESSION
    for second in (40, 70):
        result = beat(member, other_lesson, second, tab=OTHER_TAB, start=t0)
        assert (result.status, result.counted) == (Beat.OTHER_SESSION, 0)
        assert "另一个窗口或设备" in result.message
        beat(member, lesson, second - 10, start=t0)
    assert StudyProgress.objects.get(member=member, page=other_lesson).seconds == 0
    assert StudyProgress.objects.get(member=member, page=lesson).seconds == 60
    # Once the first tab pauses, the second takes over at once (a member switching lessons), but its first beat
    # comes no sooner than half an interval after the last accepted event: tab ids are the browser's to choose,
    # so the too-fast check is the member's, not the tab's.
    beat(member, lesson, 80, "pause", start=t0)
    assert beat(member, other_lesson, 81, "start", tab=OTHER_TAB, start=t0).status == Beat.STARTED
    result = beat(member, other_lesson, 82, tab=OTHER_TAB, start=t0)
    assert (result.status, result.retry_after) == (Beat.TOO_FAST, 14)
    assert beat(member, other_lesson, 111, tab=OTHER_TAB, start=t0).counted == 30


def test_pause_counts_the_last_stretch_and_stops_the_clock(learning, member, study_settings, t0):
    lesson = learning["lesson2"]
    beat(member, lesson, 0, "start", start=t0)
    result = beat(member, lesson, 20, "pause", start=t0, position=95.5)
    assert (result.status, result.counted) == (Beat.PAUSED, 20)
    # Time while paused does not count: the next beat after resuming starts a new stretch.
    assert beat(member, lesson, 500, "start", start=t0).status == Beat.STARTED
    progress = StudyProgress.objects.get(member=member, page=lesson)
    assert (progress.seconds, progress.position) == (20, 95.5)


def test_progress_resumes_and_completes_at_eighty_percent_with_a_credit(learning, member, study_settings, t0):
    lesson = learning["lesson2"]  # 12 minutes: 576 seconds of study complete it, worth 0.25 学时
    beat(member, lesson, 0, "start", start=t0)
    elapsed = 0
    while elapsed < 540:
        elapsed += 30
        result = beat(member, lesson, elapsed, start=t0)
    assert not result.progress.completed_at
    # A pause five seconds after a beat counts those five seconds and stops the clock.
    result = beat(member, lesson, elapsed + 5, "pause", start=t0)
    assert (result.status, result.counted, result.progress.seconds) == (Beat.PAUSED, 5, 545)
    # Next day: resumes from where it stopped.
    later = t0 + timedelta(days=1)
    beat(member, lesson, 0, "start", start=later)
    result = beat(member, lesson, 30, start=later)
    assert result.progress.seconds == 575 and not result.progress.completed_at
    result = beat(member, lesson, 60, start=later)
    assert result.completed_now and result.progress.completed_at
    record = CreditRecord.objects.get(member=member)
    assert (record.source, record.points, record.page_id) == ("lesson", lesson.credit, lesson.pk)
    assert record.course_id == learning["course"].pk
    # Studying on adds nothing to the ledger.
    beat(member, lesson, 90, start=later)
    assert CreditRecord.objects.filter(member=member).count() == 1


def test_a_lesson_with_a_test_completes_only_after_a_pass(learning, member, study_settings, t0):
    lesson = learning["lesson"]
    study_settings.LEARNING_SECONDS_PER_MINUTE = 1  # 30 "minutes" of 1 second: 24 seconds complete it
    beat(member, lesson, 0, "start", start=t0)
    result = beat(member, lesson, 30, start=t0)
    assert result.progress.seconds >= lesson.required_seconds
    assert not result.progress.completed_at
    assert not CreditRecord.objects.exists()


# ---------------------------------------------------------------------------------------------- the endpoint


@pytest.fixture
def csrf_client(member_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_user)
    response = client.get("/learning/dangzhang/sanhui/")
    token = response.cookies["csrftoken"].value
    return client, token


def post(client, token, **data):
    return client.post("/learning/heartbeat/", data, HTTP_X_CSRFTOKEN=token)


def test_heartbeat_endpoint_counts_and_explains(learning, csrf_client):
    client, token = csrf_client
    response = post(client, token, page=learning["lesson2"].pk, tab=TAB, event="start", position="0")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "started" and data["counted"] == 0
    assert data["required"] == learning["lesson2"].required_seconds
    assert "开始计时" in data["message"]
    response = post(client, token, page=learning["lesson2"].pk, tab=TAB, event="beat")
    assert response.json()["status"] == "too_fast"


def test_heartbeat_needs_the_csrf_token(learning, csrf_client):
    client, _ = csrf_client
    response = client.post("/learning/heartbeat/", {"page": learning["lesson2"].pk, "tab": TAB, "event": "start"})
    assert response.status_code == 403
    assert not StudyProgress.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"tab": TAB, "event": "start"},
        {"page": "abc", "tab": TAB, "event": "start"},
        {"page": "{page}", "event": "start"},
        {"page": "{page}", "tab": "short", "event": "start"},
        {"page": "{page}", "tab": "a" * 41, "event": "start"},
        {"page": "{page}", "tab": "<script>alert(1)</script>", "event": "start"},
        {"page": "{page}", "tab": TAB, "event": "finish"},
        {"page": "{page}", "tab": TAB, "event": "beat", "position": "nan"},
        {"page": "{page}", "tab": TAB, "event": "beat", "position": "-5"},
        {"page": "{page}", "tab": TAB, "event": "beat", "position": "1e12"},
        {"page": "{page}", "tab": TAB, "event": "beat", "position": "abc"},
    ],
)
def test_malformed_heartbeats_get_a_400(learning, csrf_client, data):
    client, token = csrf_client
    data = {key: value.format(page=learning["lesson2"].pk) for key, value in data.items()}
    response = post(client, token, **data)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not StudyProgress.objects.exists()


def test_huge_heartbeat_payload_gets_a_413(learning, csrf_client):
    client, token = csrf_client
    response = post(client, token, page=learning["lesson2"].pk, tab=TAB, event="start", junk="x" * 100_000)
    assert response.status_code == 413
    assert post(client, token, page=learning["lesson2"].pk, tab="a" * 5000, event="start").status_code == 413
    assert not StudyProgress.objects.exists()


def test_heartbeat_for_a_page_that_is_not_a_lesson_is_404(learning, csrf_client):
    client, token = csrf_client
    for page in (learning["course"], learning["index"]):
        assert post(client, token, page=page.pk, tab=TAB, event="start").status_code == 404
    assert post(client, token, page=999999, tab=TAB, event="start").status_code == 404


def test_heartbeat_for_a_lesson_not_live_or_not_his_is_404(learning, csrf_client, org_tree):
    client, token = csrf_client
    draft = learning["lesson2"]
    draft.unpublish()
    assert post(client, token, page=draft.pk, tab=TAB, event="start").status_code == 404
    # A lesson restricted to a group he is not in is someone else's lesson.
    restricted = learning["lesson"]
    restriction = PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="县委办公室党支部"))
    response = post(client, token, page=restricted.pk, tab=TAB, event="start")
    assert response.status_code == 404 and response.json()["error"]
    assert not StudyProgress.objects.exists()


def test_heartbeat_is_for_members_only(learning, client, make_user):
    data = {"page": learning["lesson2"].pk, "tab": TAB, "event": "start"}
    assert client.post("/learning/heartbeat/", data).status_code == 403
    client.force_login(make_user("volunteer"))
    response = client.post("/learning/heartbeat/", data)
    assert response.status_code == 403
    assert "党员" in response.json()["error"]
    assert client.get("/learning/heartbeat/").status_code == 405
