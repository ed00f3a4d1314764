"""Study time over HTTP against a running server on PostgreSQL: honest and dishonest clients side by side for
30 seconds, each credited no more than the time that really passed."""

import threading
import time

import pytest
import requests
from django.db import connection

from learning.models import StudyProgress
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers need PostgreSQL's row locks"),
]

RUN_SECONDS = 30
INTERVAL = 3  # seconds between honest beats; a beat sooner than 1.5 s after the last accepted event is refused


class StudyClient:
    """One browser session of one member, speaking to the heartbeat endpoint as study.js does (or as a script
    that wants its 学时 without the study would)."""

    def __init__(self, base_url, username, tab):
        self.base_url, self.tab = base_url, tab
        self.session = requests.Session()
        self.session.get(f"{base_url}/accounts/login/", timeout=10)
        response = self.session.post(
            f"{base_url}/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]},
            headers={"Referer": f"{base_url}/accounts/login/"},
            timeout=10,
        )
        assert response.url.rstrip("/").endswith("/me"), response.url
        self.token = self.session.cookies["csrftoken"]
        self.statuses, self.completed_after = [], None

    def send(self, page, event):
        response = self.session.post(
            f"{self.base_url}/learning/heartbeat/",
            {"page": page.pk, "tab": self.tab, "event": event},
            headers={"X-CSRFToken": self.token, "Referer": self.base_url + "/"},
            timeout=10,
        )
        assert response.status_code in (200, 429), response.text
        data = response.json()
        self.statuses.append(data["status"])
        if response.status_code == 429:
            assert int(response.headers["Retry-After"]) >= 1
        return data

    def run(self, page, pattern):
        """Send `pattern` (a list of (event, pause before the next)) round and round for RUN_SECONDS."""
        self.started = time.monotonic()
        step = 0
        while time.monotonic() - self.started < RUN_SECONDS:
            event, wait = pattern[step % len(pattern)]
            data = self.send(page, event)
            if data["completed"] and self.completed_after is None:
                self.completed_after = time.monotonic() - self.started
            step += 1
            time.sleep(wait)
        self.send(page, "pause")
        self.elapsed = time.monotonic() - self.started


@pytest.fixture
def http_study(learning, micro_lesson, live_server, settings, member_user, other_member_user, make_member, org_tree):
    settings.LEARNING_HEARTBEAT_SECONDS = INTERVAL
    settings.LEARNING_SECONDS_PER_MINUTE = 2  # lesson2's 12 "minutes" need 20 s, the micro lesson's 10 need 16 s
    settings.LEARNING_COMPLETION_RATIO = "0.8"
    make_member("member3", org_tree["finance_branch"], name="赵立新")
    return live_server.url


def seconds_of(username):
    return sum(StudyProgress.objects.filter(member__user__username=username).values_list("seconds", flat=True))


def test_no_client_is_credited_more_than_real_time(http_study, learning, micro_lesson):
    lesson = learning["lesson2"]
    assert lesson.required_seconds == 20 and micro_lesson.required_seconds == 16
    honest = StudyClient(http_study, "member", "tab-honest01")
    # The old exploit (start and pause half a second apart), and a script beating three times a second.
    flipper = StudyClient(http_study, "member2", "tab-flipper1")
    # One member on two devices at once, each on its own lesson, beating a little faster than allowed.
    device_one = StudyClient(http_study, "member3", "tab-device01")
    device_two = StudyClient(http_study, "member3", "tab-device02")
    runs = [
        (honest, lesson, [("start", INTERVAL)] + [("beat", INTERVAL)] * 100),
        (flipper, lesson, [("start", 0.5), ("pause", 0.5), ("start", 0.3), ("beat", 0.3), ("beat", 0.3)]),
        (device_one, lesson, [("start", 1.2)] + [("beat", 1.2)] * 100),
        (device_two, micro_lesson, [("start", 1.2)] + [("beat", 1.2)] * 100),
    ]
    errors = []

    def run(client, page, pattern):
        try:
            client.run(page, pattern)
        except Exception as error:  # noqa: BLE001 - reported below, from the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=run_args) for run_args in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors

    # Nobody gains time: each member's credit is at most the time his clients ran.
    assert seconds_of("member") <= honest.elapsed
    assert seconds_of("member2") <= flipper.elapsed
    both_devices = max(device_one.started + device_one.elapsed, device_two.started + device_two.elapsed) - min(
        device_one.started, device_two.started
    )
    assert seconds_of("member3") <= both_devices
    # The honest client loses at most the first and last interval, and finishes no sooner than required.
    assert seconds_of("member") >= honest.elapsed - 2 * INTERVAL
    assert honest.completed_after is not None and honest.completed_after >= lesson.required_seconds
    # Nothing completes before its requirement could have been met in real time.
    for client, page in ((flipper, lesson), (device_one, lesson), (device_two, micro_lesson)):
        assert client.completed_after is None or client.completed_after >= page.required_seconds
    # The fast clients were told so.
    assert "too_fast" in flipper.statuses and "too_fast" in device_one.statuses + device_two.statuses
    assert "other_session" in device_one.statuses + device_two.statuses
