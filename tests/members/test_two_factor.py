"""Two-factor authentication (members.two_factor) for accounts that may enter the admin, and the security
administrator's 账号安全 screen (members.two_factor_admin). The requirement is off in the test settings: each test
here switches it on."""

import base64
import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from members import roles
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
TWO_FACTOR = "/accounts/two-factor/"


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def current_code(device):
    """The code an authenticator app shows now (for a device that already took this time step, the next one,
    which django-otp's tolerance of one step accepts)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t - totp.t() + 1)
    return f"{totp.token():06d}"


def wrong_code(device):
    return f"{(int(current_code(device)) + 1) % 1_000_000:06d}"


def enrol(client):
    page = client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user_id=client.session["_auth_user_id"])
    client.post(TWO_FACTOR, {"token": current_code(device)})
    return page, TOTPDevice.objects.get(pk=device.pk)


def test_the_admin_sends_an_account_without_second_factor_to_the_two_factor_step(client, editor_user):
    client.force_login(editor_user)
    for url in ("/admin/", "/admin/pages/", "/admin/account-security/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(TWO_FACTOR + "?next=")
    assert client.post("/admin/pages/1/delete/").status_code == 302
    assert client.get("/me/").status_code == 200  # his own site pages need no second factor


def test_a_member_without_admin_access_needs_no_second_factor(client, member_user):
    client.force_login(member_user)
    assert client.get("/me/").status_code == 200
    assert client.get(TWO_FACTOR)["Location"] == "/me/"
    assert not TOTPDevice.objects.exists()


def test_enrolment_shows_a_local_qr_code_and_the_key_and_confirms_with_a_code(client, editor_user):
    client.force_login(editor_user)
    page = client.get(TWO_FACTOR + "?next=/admin/pages/")
    html = page.content.decode()
    assert page.status_code == 200 and "绑定身份验证器" in html and "腾讯身份验证器" in html
    assert "<svg" in html and "http" not in re.search(r"<svg.*?</svg>", html, re.S).group(0).replace(
        "http://www.w3.org", ""
    )
    device = TOTPDevice.objects.get(user=editor_user, confirmed=False)
    secret = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", html).group(1).replace(" ", "")
    assert TOTPDevice.objects.get(pk=device.pk).bin_key == base64.b32decode(secret)
    again = client.get(TWO_FACTOR).content.decode()
    assert re.search(r"data-totp-secret>([A-Z2-7 ]+)<", again).group(1).replace(" ", "") == secret  # same key

    wrong = client.post(TWO_FACTOR, {"token": wrong_code(device), "next": "/admin/pages/"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert client.post(TWO_FACTOR, {"token": "abc"}).status_code in (400, 429)

    device.refresh_from_db()
    device.throttle_reset()  # the wrong code above made the next try wait a second
    done = client.post(TWO_FACTOR, {"token": current_code(device), "next": "/admin/pages/"})
    assert done.status_code == 302 and done["Location"] == "/admin/pages/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/admin/").status_code == 200


def test_a_later_login_asks_for_the_code_and_throttles_wrong_ones(editor_user):
    first = Client()
    first.force_login(editor_user)
    _, device = enrol(first)
    assert device.confirmed

    client = Client()
    assert client.post("/admin/login/", {"username": "editor", "password": PASSWORD})["Location"] == "/admin/"
    assert client.get("/admin/")["Location"].startswith(TWO_FACTOR)
    page = client.get(TWO_FACTOR).content.decode()
    assert "二次验证" in page and "data-totp-secret" not in page

    assert client.post(TWO_FACTOR, {"token": wrong_code(device)}).status_code == 400
    throttled = client.post(TWO_FACTOR, {"token": current_code(device)})
    assert throttled.status_code == 429 and "错误次数过多" in throttled.content.decode()
    assert client.get("/admin/").status_code == 302

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=5)
    )
    assert client.post(TWO_FACTOR, {"token": current_code(device)}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_code_from_another_accounts_device_is_refused(editor_user, make_user):
    other = make_user("approver", roles.APPROVER)
    other_client = Client()
    other_client.force_login(other)
    _, other_device = enrol(other_client)
    client = Client()
    client.force_login(editor_user)
    client.get(TWO_FACTOR)
    assert client.post(TWO_FACTOR, {"token": current_code(other_device)}).status_code == 400


def test_the_security_admin_resets_a_device_and_lifts_a_login_delay(editor_user, make_user, settings):
    settings.TWO_FACTOR_REQUIRED = False  # his own second factor is tested above; here his rights
    security = make_user("anquan", roles.SECURITY_ADMIN)
    assert Group.objects.filter(name=roles.SECURITY_ADMIN).exists()
    editor_client = Client()
    editor_client.force_login(editor_user)
    _, device = enrol(editor_client)
    attempt = AccessAttempt.objects.create(
        username="member2", ip_address="127.0.0.2", user_agent="x", failures_since_start=5, attempt_time=timezone.now()
    )

    # The editor has neither right: no screen, no action.
    assert editor_client.get("/admin/account-security/").status_code in (302, 403)
    assert editor_client.post("/admin/account-security/", {"reset_device": editor_user.pk}).status_code in (302, 403)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    client = Client()
    client.force_login(security)
    page = client.get("/admin/account-security/")
    html = page.content.decode()
    assert page.status_code == 200 and "账号安全" in html and "editor" in html and "127.0.0.2" in html
    assert client.post("/admin/account-security/", {"reset_device": "999999"}).status_code == 404
    assert client.post("/admin/account-security/", {"unlock": "not-a-number"}).status_code == 404

    response = client.post("/admin/account-security/", {"reset_device": editor_user.pk}, follow=True)
    assert "已重置“editor”的身份验证器" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor_user).exists()
    response = client.post("/admin/account-security/", {"unlock": attempt.pk}, follow=True)
    assert "已解除“member2”" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_without_the_requirement_the_admin_opens_after_the_password(client, editor_user, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client.force_login(editor_user)
    assert client.get("/admin/").status_code == 200
