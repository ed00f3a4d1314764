import re

import pytest

from tests.conftest import PASSWORD
from tests.learning import conftest as learning_fixtures

# The small 网上党校 of the learning tests.
learning = learning_fixtures.learning


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_studies_a_lesson_passes_its_test_and_sees_the_credit(
    settings, learning, member_user, live_server, phone_page
):
    # Shrink time: a heartbeat a second, and 30 "minutes" of 0.2 s, so that 5 s of study complete the lesson.
    settings.LEARNING_HEARTBEAT_SECONDS = 1
    settings.LEARNING_SECONDS_PER_MINUTE = 0.2
    page = phone_page
    external = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url))

    page.goto(live_server.url + "/accounts/login/?next=/learning/dangzhang/yiwu/")
    page.get_by_label("用户名").fill("member")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/learning/dangzhang/yiwu/$"))
    assert page.get_by_role("heading", name="第一讲：党员的义务").is_visible()

    # The heartbeat runs while the page is visible; the server's explanation is shown.
    page.get_by_text("最近一次计时：计入").wait_for(timeout=10_000)
    page.get_by_text("学习时间已达到要求，通过课后测试后即完成本课。").wait_for(timeout=20_000)

    page.get_by_role("link", name="参加课后测试").click()
    for legend in page.locator("fieldset").all():
        option = legend.get_by_label(re.compile("选项丙|正确"))
        option.check()
    page.get_by_role("button", name="提交答卷").click()
    page.get_by_text("已通过").first.wait_for()
    assert page.get_by_text("本课已完成，学时已计入。").is_visible()

    page.goto(live_server.url + "/me/")
    summary = page.locator(".credit-summary__figure")
    assert re.search(r"已完成\s*1\s*/\s*32 学时", summary.inner_text())
    assert page.get_by_text("课程学习：完成《第一讲：党员的义务》").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert external == []
