"""Issue 18 in the real screens, as the demo member at 375 and 1280 px: a lesson's nav, /learning/my/ with the pace
line, a numbered certificate and its public verification. SHOTS_DIR=<folder> keeps screenshots to look at."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from learning.models import CourseCertificate, LessonPage
from members.demo import DEMO_PASSWORD

from .actions import ADMIN, PHONE, fits, site_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(db):
    call_command("seed_demo", "--skip-index", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return get_user_model().objects.get(username="member")


def shot(page, name):
    folder = os.environ.get("SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


@pytest.mark.parametrize("viewport", [PHONE, ADMIN], ids=["375", "1280"])
def test_finish_line_pages(demo_site, live_server, open_page, viewport):
    width = viewport["width"]
    page = open_page(viewport)
    external = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url))
    site_log_in(page, live_server, "member", DEMO_PASSWORD)

    # A lesson in the middle of a course: both neighbours and the way back, after the study panel.
    lesson = LessonPage.objects.live().order_by("path")[1]
    page.goto(live_server.url + lesson.url)
    nav = page.get_by_role("navigation", name="课程章节导航")
    nav.scroll_into_view_if_needed()
    assert nav.get_by_role("link", name=re.compile("上一讲")).is_visible()
    assert nav.get_by_role("link", name=re.compile("下一讲")).is_visible()
    assert nav.get_by_role("link", name=re.compile("返回课程")).is_visible()
    assert page.evaluate(
        "document.querySelector('#study-panel').compareDocumentPosition(document.querySelector('.lesson-nav')) & 4"
    )
    assert fits(page, width)
    shot(page, f"lesson-nav-{width}")
    following = LessonPage.objects.live().order_by("path")[2]
    nav.get_by_role("link", name=re.compile("下一讲")).click()
    page.get_by_role("heading", name=following.title).wait_for()
    assert page.get_by_role("link", name=re.compile("上一讲")).inner_text().endswith(lesson.title)

    # /learning/my/: the summary adds up, and the pace line is drawn with its figures in words.
    page.goto(live_server.url + "/learning/my/")
    figure = page.locator(".credit-summary__figure").inner_text()
    done, required, remaining = (
        float(n) for n in re.search(r"已完成\s*([\d.]+)\s*/\s*([\d.]+) 学时，还差\s*([\d.]+)", figure).groups()
    )
    assert abs(done + remaining - required) < 1e-9
    chart = page.locator(".pace-chart svg")
    assert chart.get_attribute("role") == "img"
    box = chart.bounding_box()
    assert 0 < box["width"] <= width
    assert page.locator(".pace-chart__pace").count() == 1
    assert "按全年进度（蓝线）" in page.locator(".pace-chart figcaption").inner_text()
    assert fits(page, width)
    shot(page, f"my-credits-{width}")

    # /me/ links the certificate of the course he finished; the certificate carries its number.
    page.goto(live_server.url + "/me/")
    me_figure = page.locator(".credit-summary__figure").inner_text()
    assert me_figure == figure  # the same figures on /me/ as on /learning/my/
    shot(page, f"me-{width}")
    page.get_by_role("link", name="结业证明").first.click()
    page.get_by_role("heading", name="结业证明").wait_for()
    number = re.search(r"DXKC\d{9}-[A-Z2-9]{5}", page.locator(".certificate__number").inner_text()).group(0)
    assert CourseCertificate.objects.get(number=number).member.user == demo_site
    assert fits(page, width)
    shot(page, f"certificate-{width}")

    # Anyone checks it, typing it in lower case; a wrong check is not found; a malformed one is refused.
    visitor = open_page(viewport)
    visitor.goto(live_server.url + "/learning/certificates/verify/")
    visitor.get_by_label("证明编号").fill(number.lower())
    visitor.get_by_role("button", name="查验").click()
    visitor.get_by_text("该结业证明真实有效").wait_for()
    result = visitor.locator(".verify-result").inner_text()
    assert "张丽华" not in result and "*" in result
    assert fits(visitor, width)
    shot(visitor, f"verify-valid-{width}")
    visitor.get_by_label("证明编号").fill(number[:-1] + ("A" if number[-1] != "A" else "B"))
    visitor.get_by_role("button", name="查验").click()
    visitor.get_by_text("未找到编号为").wait_for()
    visitor.get_by_label("证明编号").fill("DXKC-12")
    visitor.get_by_role("button", name="查验").click()
    visitor.get_by_text("证明编号格式不正确").wait_for()
    assert visitor.get_by_label("证明编号").input_value() == "DXKC-12"
    shot(visitor, f"verify-malformed-{width}")
    assert external == []
