import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_opens_home_logs_in_and_reaches_me(live_server, phone_page, member_user):
    external_requests = []
    phone_page.on(
        "request",
        lambda request: None if request.url.startswith(live_server.url) else external_requests.append(request.url),
    )
    phone_page.goto(live_server.url + "/")
    assert phone_page.title().endswith("机关党建网")
    phone_page.get_by_role("link", name="登录").click()
    phone_page.get_by_label("用户名").fill("member")
    phone_page.get_by_label("密码").fill(PASSWORD)
    phone_page.get_by_role("button", name="登录").click()
    phone_page.wait_for_url(live_server.url + "/")
    phone_page.goto(live_server.url + "/me/")
    assert phone_page.get_by_role("heading", name="张丽华").is_visible()
    assert phone_page.get_by_text("县财政局机关党支部").is_visible()
    # Readable on a phone: nothing wider than the screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert external_requests == []


def test_large_text_mode_works_without_javascript(live_server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("button", name="大字模式").click()
    large = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= 24 > normal  # 18 pt = 24 px
    page.goto(live_server.url + "/")  # remembered
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    context.close()
