import re

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Locale, Page, Site

from home.models import HomePage
from tests.conftest import PASSWORD
from tests.learning import conftest as learning_fixtures

learning = learning_fixtures.learning  # the small 网上党校 of the learning tests


@pytest.fixture
def home_page(transactional_db):
    """The home page, rebuilt if an earlier live-server test left the database flushed.

    On SQLite, pytest-django's session-wide live server shares the in-memory connection, after which
    serialized rollback no longer restores what migrations created; this file runs after test_member_journey.py
    for that reason, and rebuilds the root page, home page and site when they are gone.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page.specific
    ContentType.objects.clear_cache()
    Locale.objects.get_or_create(language_code="zh-hans")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(instance=HomePage(title="首页", slug="home"))
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="机关党建网")
    return home


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


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
