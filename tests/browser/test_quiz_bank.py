"""The demo member takes a lesson's test on a phone and on a desktop, fails it, and is told which topics to review,
never which answer was wrong; the rules are on the page before he answers, and a second try waits for the pause."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from learning.models import LessonPage
from tests.conftest import PASSWORD

from .actions import ADMIN, PHONE, fits, site_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-quiz")


@pytest.fixture
def demo_lesson(db):
    call_command("seed_demo", "--skip-index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    member = get_user_model().objects.get(username="member")
    member.set_password(PASSWORD)
    member.save()
    # The first lesson of 机关党建业务知识: the demo member has not started that course.
    return LessonPage.objects.get(slug="zuzhi-shezhi")


@pytest.mark.parametrize("viewport", [PHONE, ADMIN], ids=["375", "1280"])
def test_member_fails_a_lesson_test_and_sees_the_topics_to_review(live_server, open_page, demo_lesson, viewport):
    SHOTS.mkdir(exist_ok=True)
    width = viewport["width"]
    page = open_page(viewport)
    external = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url))
    site_log_in(page, live_server, "member")
    page.goto(live_server.url + demo_lesson.url)
    page.get_by_role("link", name="参加课后测试").click()

    rules = page.locator(".test-rules")
    assert "本次从题库中随机抽取 3 题" in rules.inner_text()
    assert re.search(r"每天最多提交 3 次，两次之间间隔 10 分钟；今天还可提交\s*3\s*次", rules.inner_text())
    questions = page.locator("fieldset.question")
    assert questions.count() == 3
    assert fits(page, width)
    page.screenshot(path=str(SHOTS / f"attempt-{width}.png"), full_page=True)

    # Wrong on purpose: for each question an option that is not the right one (the bank's key, read here).
    bank = {q.text: q for q in demo_lesson.questions.all()}
    wrong_topics = set()
    for fieldset in questions.all():
        legend = fieldset.locator("legend").inner_text()
        question = next(q for text, q in bank.items() if text in legend)
        right = {text for letter, text in question.choices() if letter in question.correct_letters()}
        labels = fieldset.locator("label.choice")
        wrong = next(i for i in range(labels.count()) if labels.nth(i).inner_text().split(". ", 1)[-1] not in right)
        labels.nth(wrong).locator("input").check()
        wrong_topics.add(question.topic)
    page.get_by_role("button", name="提交答卷").click()
    page.get_by_text("未通过，请复习后再试。").wait_for()

    review = page.locator(".review-topics")
    listed = {item.strip() for item in review.locator("li").all_inner_texts()}
    assert listed == wrong_topics
    body = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
    assert "正确答案" not in body and "✗" not in body and "答错" not in body
    assert all(text not in body for text in bank)  # no question, so no way to tell which one was wrong
    assert fits(page, width)
    page.screenshot(path=str(SHOTS / f"failed-{width}.png"), full_page=True)

    # Trying again at once: the pause, with the time to come back.
    page.get_by_role("link", name="重新测试").click()
    assert page.get_by_text("两次测试之间需间隔 10 分钟").is_visible()
    assert fits(page, width)
    page.screenshot(path=str(SHOTS / f"pause-{width}.png"), full_page=True)
    assert external == []
