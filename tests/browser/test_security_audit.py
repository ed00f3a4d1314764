"""Browser: the 审计管理员 logs into the admin, opens the 安全审计日志 and filters it, on a desktop and a phone."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from members import roles
from security.models import SecurityEvent

from .actions import ADMIN, PHONE, admin_log_in, site_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/h3-shots")


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [ADMIN, PHONE], ids=["1280", "375"])
def test_the_auditor_finds_a_failed_login_in_the_log(live_server, open_page, make_user, member_user, viewport):
    make_user("auditor", roles.AUDIT_ADMIN)
    stranger = open_page(viewport)
    site_log_in(stranger, live_server, "member", "not-his-password-1")
    expect(stranger.get_by_role("alert")).to_contain_text("正确的用户名和密码")
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED, username="member").exists()

    page = open_page(viewport)
    admin_log_in(page, live_server, "auditor")
    page.goto(live_server.url + "/admin/security-events/")
    expect(page.get_by_role("heading", name="安全审计日志")).to_be_visible()
    width = viewport["width"]
    shot(page, f"log-{width}")

    # Wagtail's filter drill-down: the event type; then the search box for the name. The list follows each change.
    page.get_by_role("button", name="显示过滤器").click()
    page.locator("#filters-drilldown").get_by_role("button", name="事件类型").click()
    page.get_by_label("事件类型").select_option(label="登录失败")
    page.keyboard.press("Escape")
    page.get_by_role("textbox", name="搜索").fill("member")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("登录失败：member")
    expect(rows.first).to_contain_text("127.0.0.1")
    shot(page, f"filtered-{width}")
    assert "kind=login_failed" in page.url
