"""Tests after training: random questions, no answer key in the browser, topics to review after a failure, credit
once."""

import re

import pytest

from learning.models import CreditRecord, StudyProgress, TestAttempt
from learning.services import record_heartbeat

pytestmark = pytest.mark.django_db


def question_ids(html):
    return sorted(int(pk) for pk in set(re.findall(r'name="q(\d+)"', html)))


def shown_options(html, pk):
    """{option text: the letter shown for it} of one question, in this attempt's order."""
    pattern = rf'name="q{pk}" value="([A-H])">\s*(?:[A-H]\. )?([^<]+?)\s*</label>'
    return {text: letter for letter, text in re.findall(pattern, html)}


def answer_all(client, page, html, right=True):
    """Answer every question right (选项丙, or 正确 for the true/false one: see conftest) or wrong."""
    attempt = re.search(r'name="attempt" value="(\d+)"', html).group(1)
    data = {"attempt": attempt}
    for pk in question_ids(html):
        options = shown_options(html, pk)
        key = "正确" if "正确" in options else "选项丙"
        data[f"q{pk}"] = options[key] if right else next(letter for text, letter in options.items() if text != key)
    return client.post(f"/learning/test/{page.pk}/", data)


def test_an_attempt_draws_questions_and_carries_no_answer_key(client, learning, member_user):
    client.force_login(member_user)
    course = learning["course"]
    _complete_lessons(learning, member_user)
    response = client.get(f"/learning/test/{course.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    drawn = question_ids(html)
    assert len(drawn) == 3  # questions_per_attempt, from a bank of 5
    assert set(drawn) <= {question.pk for question in learning["course_questions"]}
    # Nothing tells the right option from the others: no explanation, no key, every option marked up alike.
    assert "解析" not in html and "唯一的解析文字" not in html
    assert "正确答案" not in html and "correct" not in html.lower()
    for pk in drawn:
        inputs = re.findall(rf'<input[^>]*name="q{pk}"[^>]*>', html)
        assert len({re.sub(r'value="[A-H]"', "", tag) for tag in inputs}) == 1
    # Reloading keeps the same draw (no fishing for easy questions).
    assert question_ids(client.get(f"/learning/test/{course.pk}/").content.decode()) == drawn


def _complete_lessons(learning, user):
    from members.models import Member

    member = Member.objects.get(user=user)
    for lesson in (learning["lesson"], learning["lesson2"]):
        StudyProgress.objects.update_or_create(
            member=member, page=lesson, defaults={"seconds": lesson.required_seconds}
        )
        TestAttempt.objects.create(member=member, page=lesson, passed=True, score=100, submitted_at="2026-03-01T10:00Z")
        progress = StudyProgress.objects.get(member=member, page=lesson)
        from learning.services import complete_if_done

        complete_if_done(member, lesson, progress)


def test_course_test_opens_after_the_lessons(client, learning, member_user):
    client.force_login(member_user)
    response = client.get(f"/learning/test/{learning['course'].pk}/")
    assert response.status_code == 409
    assert "请先完成本课程的全部章节" in response.content.decode()


def test_a_failed_attempt_shows_the_topics_to_review_but_not_the_key(client, learning, member_user, settings):
    settings.LEARNING_TEST_RETRY_MINUTES = 0
    client.force_login(member_user)
    lesson = learning["lesson"]
    html = client.get(f"/learning/test/{lesson.pk}/").content.decode()
    response = answer_all(client, lesson, html, right=False)
    assert response.status_code == 302
    result = client.get(response["Location"]).content.decode()
    assert "未通过" in result and "0 分" in result and "60 分及格" in result
    # The topics of the questions drawn (all answered wrong), and nothing that says which answer was wrong or right.
    drawn = [question for question in learning["lesson_questions"] if question.pk in question_ids(html)]
    assert all(question.topic in result for question in drawn if question.topic)
    assert "✗" not in result and "✓" not in result and "答错" not in result
    assert "正确答案" not in result and "选项丙" not in result and "唯一的解析文字" not in result
    assert all(question.text not in result for question in drawn)
    assert not CreditRecord.objects.exists()
    # A new attempt draws again.
    assert TestAttempt.objects.filter(submitted_at__isnull=True).count() == 0
    client.get(f"/learning/test/{lesson.pk}/")
    assert TestAttempt.objects.filter(submitted_at__isnull=True).count() == 1


def test_a_pass_shows_the_key_and_credits_the_course_test_once(client, learning, member_user, settings):
    settings.LEARNING_TEST_RETRY_MINUTES = 0
    client.force_login(member_user)
    course = learning["course"]
    _complete_lessons(learning, member_user)
    for _ in range(2):  # passing twice credits once
        html = client.get(f"/learning/test/{course.pk}/").content.decode()
        result = client.get(answer_all(client, course, html)["Location"]).content.decode()
        assert "已通过" in result and "正确答案：" in result
    records = CreditRecord.objects.filter(source="course_test")
    assert [(r.page_id, str(r.points)) for r in records] == [(course.pk, "0.50")]
    assert TestAttempt.objects.filter(page=course, passed=True).count() == 2


def test_passing_a_lesson_test_completes_a_lesson_whose_time_is_done(client, learning, member_user, settings):
    settings.LEARNING_SECONDS_PER_MINUTE = 1
    client.force_login(member_user)
    lesson = learning["lesson"]
    from datetime import timedelta

    from django.utils import timezone

    from members.models import Member

    member = Member.objects.get(user=member_user)
    start = timezone.now() - timedelta(minutes=5)
    record_heartbeat(member, lesson, tab="tab-aaaaaaaa", event="start", now=start)
    record_heartbeat(member, lesson, tab="tab-aaaaaaaa", event="beat", now=start + timedelta(seconds=30))
    assert not CreditRecord.objects.exists()
    html = client.get(f"/learning/test/{lesson.pk}/").content.decode()
    result = client.get(answer_all(client, lesson, html)["Location"]).content.decode()
    assert "本课已完成" in result
    assert CreditRecord.objects.get().source == "lesson"


def test_answers_to_questions_of_another_test_are_refused(client, learning, member_user):
    client.force_login(member_user)
    lesson = learning["lesson"]
    html = client.get(f"/learning/test/{lesson.pk}/").content.decode()
    attempt = re.search(r'name="attempt" value="(\d+)"', html).group(1)
    drawn = question_ids(html)
    # A question of the course test, and one of this lesson's bank that was not drawn for this attempt.
    foreign = next(question.pk for question in learning["course_questions"] if question.pk not in drawn)
    undrawn = next(question.pk for question in learning["lesson_questions"] if question.pk not in drawn)
    for pk in (foreign, undrawn):
        response = client.post(f"/learning/test/{lesson.pk}/", {"attempt": attempt, f"q{pk}": "C"})
        assert response.status_code == 400
        assert "不符" in response.content.decode()
    assert TestAttempt.objects.get(pk=attempt).submitted_at is None


@pytest.mark.parametrize(
    "bad",
    [
        {"q{pk}": "Z"},  # not an option
        {"q{pk}": ["A", "C"]},  # two answers to a single choice
        {"nonsense": "1"},
        {"attempt": "abc"},
    ],
)
def test_malformed_answers_are_refused(client, learning, member_user, bad):
    client.force_login(member_user)
    lesson = learning["lesson"]
    html = client.get(f"/learning/test/{lesson.pk}/").content.decode()
    attempt = re.search(r'name="attempt" value="(\d+)"', html).group(1)
    # A single-choice question (at least one is drawn: the bank has one true/false question only).
    pk = next(pk for pk in question_ids(html) if f'name="q{pk}" value="C"' in html)
    data = {"attempt": attempt}
    data.update({key.format(pk=pk): value for key, value in bad.items()})
    response = client.post(f"/learning/test/{lesson.pk}/", data)
    assert response.status_code == 400
    assert TestAttempt.objects.get(pk=attempt).submitted_at is None


def test_huge_answer_payloads_are_refused(client, learning, member_user):
    client.force_login(member_user)
    lesson = learning["lesson"]
    html = client.get(f"/learning/test/{lesson.pk}/").content.decode()
    attempt = re.search(r'name="attempt" value="(\d+)"', html).group(1)
    data = {"attempt": attempt, **{f"q{n}": "A" for n in range(1000, 1500)}}
    assert client.post(f"/learning/test/{lesson.pk}/", data).status_code == 400


def test_a_submitted_attempt_cannot_be_submitted_again(client, learning, member_user):
    client.force_login(member_user)
    lesson = learning["lesson"]
    html = client.get(f"/learning/test/{lesson.pk}/").content.decode()
    answer_all(client, lesson, html, right=False)
    response = answer_all(client, lesson, html, right=True)
    assert response.status_code == 409
    assert not TestAttempt.objects.filter(passed=True).exists()


def test_someone_elses_attempt_and_result_are_hidden(client, learning, member_user, other_member_user):
    client.force_login(member_user)
    lesson = learning["lesson"]
    html = client.get(f"/learning/test/{lesson.pk}/").content.decode()
    result_url = answer_all(client, lesson, html)["Location"]
    client.force_login(other_member_user)
    assert client.get(result_url).status_code == 404
    attempt = re.search(r'name="attempt" value="(\d+)"', html).group(1)
    assert client.post(f"/learning/test/{lesson.pk}/", {"attempt": attempt}).status_code == 404


def test_tests_are_for_members_only(client, learning, make_user):
    lesson = learning["lesson"]
    assert client.get(f"/learning/test/{lesson.pk}/").status_code == 302  # to the login page
    client.force_login(make_user("volunteer"))
    assert client.get(f"/learning/test/{lesson.pk}/").status_code == 403
    assert client.get(f"/learning/test/{learning['lesson2'].pk}/").status_code in (403, 404)
