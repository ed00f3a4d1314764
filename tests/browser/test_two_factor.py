"""The second factor in the browser, at 375 px and 1280 px: an editor enrols from the page's key (as he would type it
into 腾讯身份验证器), a wrong code is refused in Chinese, and his next login asks for the code. Screenshots in
/tmp/h2-shots/."""

from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from members import roles

from .actions import ADMIN, PHONE, admin_log_in, authenticator_code, fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/h2-shots")


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [PHONE, ADMIN], ids=["375", "1280"])
def test_an_editor_enrols_an_authenticator_and_is_asked_for_the_code_next_time(
    open_page, live_server, make_user, viewport
):
    make_user("editor", roles.PARTY_CADRE)
    width = viewport["width"]
    page = open_page(viewport)
    external = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url))

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "secret2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/two-factor/?next=%2Fadmin%2F")
    expect(page.get_by_role("heading", name="绑定身份验证器")).to_be_visible()
    qr = page.locator(".two-factor__qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 150 and fits(page, width)
    secret = page.locator("[data-totp-secret]").inner_text()
    shot(page, f"enrol-{width}")

    # Until the code is confirmed the admin stays closed.
    page.goto(live_server.url + "/admin/account/")
    assert "/accounts/two-factor/" in page.url
    page.get_by_label("6 位验证码").fill("000000" if authenticator_code(secret=secret) != "000000" else "111111")
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_role("alert")).to_contain_text("验证码不正确")
    assert fits(page, width)
    shot(page, f"enrol-wrong-code-{width}")

    page.wait_for_timeout(1100)  # django-otp lets the next try in after a second
    page.get_by_label("6 位验证码").fill(authenticator_code(secret=secret))
    page.get_by_role("button", name="完成绑定").click()
    page.wait_for_url(live_server.url + "/admin/account/")
    expect(page.locator("#header-title")).to_contain_text("帐号")
    assert TOTPDevice.objects.get(user__username="editor").confirmed

    # A new session: the password, then the code only (no key shown again).
    later = open_page(viewport)
    later.goto(live_server.url + "/admin/login/")
    later.fill("#id_username", "editor")
    later.fill("#id_password", "secret2026")
    later.get_by_role("button", name="登录").click()
    later.wait_for_url("**/accounts/two-factor/**")
    expect(later.get_by_role("heading", name="二次验证")).to_be_visible()
    assert later.locator("[data-totp-secret]").count() == 0 and fits(later, width)
    shot(later, f"verify-{width}")
    later.get_by_label("6 位验证码").fill(authenticator_code("editor"))
    later.get_by_role("button", name="验证").click()
    later.wait_for_url(live_server.url + "/admin/")
    assert external == []


def test_admin_log_in_enrols_then_verifies(open_page, live_server, make_user):
    make_user("editor", roles.PARTY_CADRE)
    admin_log_in(open_page(), live_server, "editor")  # enrols
    admin_log_in(open_page(), live_server, "editor")  # the code of a device already used in this time step
