"""Login protection (members.login_protection): a stranger's wrong passwords hold back his own address only.

Two "addresses" without any proxy: the whole 127.0.0.0/8 is loopback, so a client socket bound to 127.0.0.2
reaches the live server on 127.0.0.1, which sees it as 127.0.0.2.
"""

import datetime
import re

import pytest
import requests
from axes.models import AccessAttempt
from django.test import Client
from requests.adapters import HTTPAdapter

from members import roles
from members.login_protection import account_delay
from tests.conftest import PASSWORD

STRANGER = "127.0.0.2"
OWNER = "127.0.0.1"


class SourceAddressAdapter(HTTPAdapter):
    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Browser:
    """A visitor from one loopback address, with his own cookies, posting the site's real login form."""

    def __init__(self, live_server, address):
        self.url = live_server.url
        self.session = requests.Session()
        self.session.mount("http://", SourceAddressAdapter(address))

    def log_in(self, username, password, path="/accounts/login/"):
        form = self.session.get(self.url + path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        return self.session.post(
            self.url + path,
            data={"csrfmiddlewaretoken": token, "username": username, "password": password},
            headers={"Referer": self.url + path},
            allow_redirects=False,
        )


def pass_time(minutes):
    """As if the recorded failures were made `minutes` earlier."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= datetime.timedelta(minutes=minutes, seconds=1)
        attempt.save(update_fields=["attempt_time"])


def test_the_delay_grows_from_one_minute_and_is_capped(settings):
    settings.LOGIN_LOCKOUT_MINUTES = 30
    delays = [account_delay(failures, 5) for failures in range(4, 12)]
    minutes = [delay and delay.total_seconds() / 60 for delay in delays]
    assert minutes == [None, 1, 2, 4, 8, 16, 30, 30]


@pytest.mark.django_db(transaction=True)
def test_a_stranger_cannot_lock_a_member_out_of_his_own_device(live_server, make_user):
    make_user("member2", roles.MEMBER)
    stranger, owner = Browser(live_server, STRANGER), Browser(live_server, OWNER)

    answers = [stranger.log_in("member2", f"guess-{n}").status_code for n in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER}

    # Even the right password is refused from the stranger's address, in Chinese, saying when to try again.
    refused = stranger.log_in("member2", PASSWORD)
    assert refused.status_code == 429
    assert "登录已暂停" in refused.text and "1 分钟后" in refused.text and "常用的手机或电脑" in refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= 61
    assert AccessAttempt.objects.get().failures_since_start == 5  # refused tries are not recorded

    # The owner, from his own address, gets in at once; no 30-minute wall.
    assert owner.log_in("member2", PASSWORD).status_code == 302
    assert owner.session.get(live_server.url + "/me/", allow_redirects=False).status_code == 200
    assert stranger.log_in("member2", PASSWORD).status_code == 429  # his success lifts nobody else's delay

    # After the minute, the stranger may try again; another wrong password doubles his wait.
    pass_time(1)
    again = stranger.log_in("member2", "guess-6")
    assert again.status_code == 429 and "2 分钟后" in again.text
    pass_time(2)
    assert stranger.log_in("member2", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(ip_address=STRANGER).exists()


@pytest.mark.django_db(transaction=True)
def test_one_address_spraying_many_accounts_slows_only_itself(live_server, make_user, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    settings.LOGIN_ADDRESS_WINDOW_MINUTES = 15
    for number in range(1, 9):
        make_user(f"m{number:04d}", roles.MEMBER)
    stranger, owner = Browser(live_server, STRANGER), Browser(live_server, OWNER)

    answers = [stranger.log_in(f"m{number:04d}", "dangjian2026").status_code for number in range(1, 7)]
    assert answers == [200, 200, 200, 200, 200, 429]
    refused = stranger.log_in("m0007", PASSWORD)
    assert refused.status_code == 429 and "当前网络地址" in refused.text and "15 分钟后" in refused.text

    # Every account still opens from another address, the sprayed ones included.
    assert owner.log_in("m0007", PASSWORD).status_code == 302
    assert Browser(live_server, OWNER).log_in("m0001", PASSWORD).status_code == 302

    pass_time(15)
    assert stranger.log_in("m0008", PASSWORD).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_admin_login_is_protected_the_same_way(live_server, make_user):
    make_user("editor", roles.PARTY_CADRE, is_staff=True)
    stranger, owner = Browser(live_server, STRANGER), Browser(live_server, OWNER)
    answers = [stranger.log_in("editor", "wrong", path="/admin/login/").status_code for _ in range(5)]
    assert answers[-1] == 429 and "登录已暂停" in stranger.log_in("editor", PASSWORD, path="/admin/login/").text
    assert owner.log_in("editor", PASSWORD, path="/admin/login/").status_code == 302


def test_the_address_comes_from_the_trusted_proxys_last_hop(db, make_user):
    make_user("member2", roles.MEMBER)
    Client().post(
        "/accounts/login/",
        {"username": "member2", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.7",
        REMOTE_ADDR="127.0.0.1",
    )
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
