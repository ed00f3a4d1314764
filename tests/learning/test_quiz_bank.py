"""Tests that measure learning: a bank larger than the draw, questions and options shuffled per attempt and
scored by the option's identity, a daily limit and a pause that hold under simultaneous submissions, and a failed
attempt that names the topics to review and nothing else."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from learning import services
from learning.models import LessonPage, LessonQuestion, TestAttempt
from tests.concurrency import postgres_only, run_together

from .test_staff_editing import course_form, lesson_form, question
from .test_tests_after_training import answer_all, question_ids, shown_options

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_limits(settings):
    settings.LEARNING_TEST_ATTEMPTS_PER_DAY = 1000
    settings.LEARNING_TEST_RETRY_MINUTES = 0
    return settings


def submit(client, page, data):
    return client.post(f"/learning/test/{page.pk}/", data)


# ---------------------------------------------------------------------------------------------- the draw


def test_draws_and_option_orders_vary_from_attempt_to_attempt(learning, member, no_limits):
    lesson = learning["lesson"]  # a bank of 4 (3 single choice, 1 true/false), drawing 2
    bank = {q.pk: q for q in learning["lesson_questions"]}
    draws, sequences, orders = set(), set(), set()
    for _ in range(20):
        attempt = services.start_attempt(member, lesson)
        assert len(attempt.question_ids) == 2 and set(attempt.question_ids) <= set(bank)
        draws.add(frozenset(attempt.question_ids))
        sequences.add(tuple(attempt.question_ids))
        for pk in attempt.question_ids:
            order = attempt.option_orders[str(pk)]
            assert sorted(order) == list(range(len(bank[pk].option_list())))
            if bank[pk].kind == "true_false":
                assert order == [0, 1]  # 正确, 错误: read as a statement, not shuffled
            else:
                orders.add(tuple(order))
        attempt.delete()
    assert len(draws) > 1  # different questions
    assert len(sequences) > len(draws)  # and the same questions in different orders
    assert len(orders) > 1  # options shuffled


def test_the_page_shows_the_stored_order_and_scoring_follows_the_option_not_its_letter(
    client, learning, member, settings
):
    settings.LEARNING_TEST_RETRY_MINUTES = 0
    lesson = learning["lesson"]
    single = learning["lesson_questions"][0]  # 选项甲 乙 丙 丁, right answer C (选项丙)
    attempt = TestAttempt.objects.create(
        member=member, page=lesson, question_ids=[single.pk], option_orders={str(single.pk): [3, 2, 1, 0]}
    )
    client.force_login(member.user)
    html = client.get(f"/learning/test/{lesson.pk}/").content.decode()
    assert question_ids(html) == [single.pk]
    assert shown_options(html, single.pk) == {"选项丁": "A", "选项丙": "B", "选项乙": "C", "选项甲": "D"}
    # "C" is 选项乙 in this attempt: wrong, although C is the bank's letter of the right option.
    wrong = services.submit_attempt(attempt, lesson, {single.pk: ["C"]})
    assert not wrong.passed and wrong.answers == {str(single.pk): ["B"]}  # stored by identity: 选项乙 is B
    again = TestAttempt.objects.create(
        member=member, page=lesson, question_ids=[single.pk], option_orders={str(single.pk): [3, 2, 1, 0]}
    )
    right = services.submit_attempt(again, lesson, {single.pk: ["B"]})
    assert right.passed and right.score == 100 and right.answers == {str(single.pk): ["C"]}
    result = client.get(f"/learning/test/result/{right.pk}/").content.decode()
    assert "您的答案：选项丙" in result and "正确答案：选项丙" in result


def test_an_attempt_whose_options_the_editor_changed_is_drawn_again(client, learning, member):
    lesson = learning["lesson"]
    single = learning["lesson_questions"][0]
    stale = TestAttempt.objects.create(
        member=member, page=lesson, question_ids=[single.pk], option_orders={str(single.pk): [2, 1, 0]}
    )
    with pytest.raises(services.BadAnswers):
        services.submit_attempt(stale, lesson, {single.pk: ["A"]})
    fresh = services.start_attempt(member, lesson)
    assert fresh.pk != stale.pk and not TestAttempt.objects.filter(pk=stale.pk).exists()


# ---------------------------------------------------------------------------------------------- results


def test_a_failed_result_names_each_topic_once_and_carries_no_key(client, learning, member):
    lesson = learning["lesson"]
    singles = [q for q in learning["lesson_questions"] if q.kind == "single"]
    LessonQuestion.objects.filter(pk__in=[q.pk for q in singles]).update(topic="党员的权利和义务")
    # Two questions of the same topic, drawn as start_attempt would.
    TestAttempt.objects.create(member=member, page=lesson, question_ids=[singles[0].pk, singles[1].pk])
    client.force_login(member.user)
    html = client.get(f"/learning/test/{lesson.pk}/").content.decode()
    result = client.get(answer_all(client, lesson, html, right=False)["Location"]).content.decode()
    assert "未通过" in result and "0 分" in result and "60 分及格" in result
    review = re.search(r'<section class="card review-topics".*?</section>', result, re.S).group(0)
    assert review.count("党员的权利和义务") == 1
    for q in learning["lesson_questions"]:
        assert q.text not in result
        assert not q.explanation or q.explanation not in result
    for marker in ("✓", "✗", "答错", "正确答案", "您的答案", "选项甲", "选项乙", "选项丙", "选项丁", "解析"):
        assert marker not in result, marker


def test_only_the_topics_of_wrong_answers_are_named(client, learning, member):
    lesson = learning["lesson"]
    first, second = learning["lesson_questions"][:2]  # topics 课后知识点1 and 课后知识点2, answer C
    attempt = TestAttempt.objects.create(
        member=member,
        page=lesson,
        question_ids=[first.pk, second.pk],
        option_orders={str(first.pk): [0, 1, 2, 3], str(second.pk): [0, 1, 2, 3]},
        pass_mark=60,
    )
    attempt = services.submit_attempt(attempt, lesson, {first.pk: ["C"], second.pk: ["A"]})
    assert attempt.score == 50 and not attempt.passed
    client.force_login(member.user)
    result = client.get(f"/learning/test/result/{attempt.pk}/").content.decode()
    assert "课后知识点2" in result and "课后知识点1" not in result
    assert "答对 1 / 2 题" in result and "50 分" in result


# ---------------------------------------------------------------------------------------------- the limits


def test_the_rules_are_shown_before_the_test(client, learning, member_user, settings):
    settings.LEARNING_TEST_RETRY_MINUTES = 0
    client.force_login(member_user)
    lesson = learning["lesson"]
    html = client.get(f"/learning/test/{lesson.pk}/").content.decode()
    assert "本次从题库中随机抽取 2 题" in html and "答对 60% 即为通过" in html
    assert "每天最多提交 3 次，两次之间间隔 0 分钟；今天还可提交 <strong>3</strong> 次" in html
    answer_all(client, lesson, html, right=False)
    html = client.get(f"/learning/test/{lesson.pk}/").content.decode()
    assert "今天还可提交 <strong>2</strong> 次" in html


def test_the_rules_stand_beside_the_link_to_the_test(client, learning, member_user, settings):
    settings.LEARNING_TEST_ATTEMPTS_PER_DAY, settings.LEARNING_TEST_RETRY_MINUTES = 4, 15
    client.force_login(member_user)
    html = client.get(learning["lesson"].url).content.decode()
    assert "参加课后测试" in html
    assert "每次从题库随机抽取 2 题，答对 60% 即为通过；每天最多提交 4 次，两次之间间隔 15 分钟" in html
    assert "测试规则" not in client.get(learning["lesson2"].url).content.decode()  # no test, no rules


def test_the_daily_limit_refuses_a_start_and_a_submission_with_the_time_to_come_back(
    client, learning, member_user, member, settings
):
    settings.LEARNING_TEST_ATTEMPTS_PER_DAY = 2
    settings.LEARNING_TEST_RETRY_MINUTES = 0
    client.force_login(member_user)
    lesson = learning["lesson"]
    for _ in range(2):
        html = client.get(f"/learning/test/{lesson.pk}/").content.decode()
        assert answer_all(client, lesson, html, right=False).status_code == 302
    response = client.get(f"/learning/test/{lesson.pk}/")
    assert response.status_code == 429
    content = response.content.decode()
    assert "每天最多提交 2 次，今天的次数已用完" in content and "明天 00:00" in content
    tomorrow = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    assert 0 < int(response["Retry-After"]) <= (tomorrow - timezone.now()).total_seconds() + 1
    assert not TestAttempt.objects.filter(submitted_at__isnull=True).exists()
    # An attempt opened some other way (an old tab) cannot be submitted beyond the limit either, nor score.
    single = learning["lesson_questions"][0]
    open_attempt = TestAttempt.objects.create(member=member, page=lesson, question_ids=[single.pk])
    response = submit(client, lesson, {"attempt": open_attempt.pk, f"q{single.pk}": "C"})
    assert response.status_code == 429 and "今天的次数已用完" in response.content.decode()
    open_attempt.refresh_from_db()
    assert open_attempt.submitted_at is None and not open_attempt.passed
    assert TestAttempt.objects.filter(submitted_at__isnull=False).count() == 2
    # Yesterday's attempts do not count today.
    TestAttempt.objects.filter(submitted_at__isnull=False).update(submitted_at=timezone.now() - timedelta(days=1))
    assert client.get(f"/learning/test/{lesson.pk}/").status_code == 200


def test_the_pause_between_attempts(client, learning, member_user, settings):
    settings.LEARNING_TEST_ATTEMPTS_PER_DAY = 10
    settings.LEARNING_TEST_RETRY_MINUTES = 10
    client.force_login(member_user)
    lesson = learning["lesson"]
    html = client.get(f"/learning/test/{lesson.pk}/").content.decode()
    answer_all(client, lesson, html, right=False)
    response = client.get(f"/learning/test/{lesson.pk}/")
    assert response.status_code == 429
    assert "两次测试之间需间隔 10 分钟" in response.content.decode()
    assert 590 <= int(response["Retry-After"]) <= 600
    TestAttempt.objects.update(submitted_at=timezone.now() - timedelta(minutes=10, seconds=1))
    assert client.get(f"/learning/test/{lesson.pk}/").status_code == 200


def _try_until_refused(member, lesson):
    """Start and submit attempts until the limits refuse one; count the submissions that went through."""
    submitted = 0
    for _ in range(20):
        try:
            attempt = services.start_attempt(member, lesson)
            services.submit_attempt(attempt, lesson, {})
            submitted += 1
        except services.AlreadySubmitted:
            continue  # another thread submitted the same open attempt first
        except services.TooManyAttempts:
            return submitted
    raise AssertionError("never refused")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_never_exceed_the_daily_limit(learning, member, settings):
    settings.LEARNING_TEST_ATTEMPTS_PER_DAY = 3
    settings.LEARNING_TEST_RETRY_MINUTES = 0
    lesson = LessonPage.objects.get(pk=learning["lesson"].pk)
    results, errors = run_together(6, lambda index: _try_until_refused(member, lesson))
    assert errors == []
    assert sum(results) == 3
    assert TestAttempt.objects.filter(member=member, page=lesson, submitted_at__isnull=False).count() == 3


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_respect_the_pause(learning, member, settings):
    settings.LEARNING_TEST_ATTEMPTS_PER_DAY = 50
    settings.LEARNING_TEST_RETRY_MINUTES = 10
    lesson = LessonPage.objects.get(pk=learning["lesson"].pk)
    results, errors = run_together(6, lambda index: _try_until_refused(member, lesson))
    assert errors == []
    assert sum(results) == 1
    assert TestAttempt.objects.filter(member=member, page=lesson, submitted_at__isnull=False).count() == 1


# ---------------------------------------------------------------------------------------------- the editor


@pytest.fixture
def editor_client(client, editor_user):
    assert not editor_user.is_superuser
    client.force_login(editor_user)
    return client


def two_questions():
    return [
        {**question("single", "预备党员的预备期为（　）。", "半年\n一年\n两年", "B"), "topic": "预备党员"},
        {**question("true_false", "党员有八项权利。", "", "对"), "topic": "党员的权利"},
    ]


def test_the_editor_sees_the_bank_against_the_draw(editor_client, learning):
    content = editor_client.get(f"/admin/pages/{learning['lesson'].pk}/edit/").content.decode()
    assert "题库 4 题，每次抽取 2 题" in content and "题库的题目须多于每次抽题数" not in content
    assert "知识点" in content
    LessonPage.objects.filter(pk=learning["lesson"].pk).update(questions_per_attempt=4)
    lesson = LessonPage.objects.get(pk=learning["lesson"].pk)
    lesson.save_revision()
    content = editor_client.get(f"/admin/pages/{lesson.pk}/edit/").content.decode()
    assert "题库 4 题，每次抽取 4 题" in content and "题库的题目须多于每次抽题数" in content


def test_publishing_a_bank_no_larger_than_the_draw_is_refused_and_a_draft_is_saved(editor_client, learning):
    lesson = learning["lesson2"]  # live, without a test
    url = f"/admin/pages/{lesson.pk}/edit/"
    data = lesson_form(
        title="第二讲：三会一课（含测试）", slug=lesson.slug, questions=two_questions(), questions_per_attempt="2"
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "题库只有 2 题，每次抽取 2 题" in content and "草稿可以先保存" in content
    assert "第二讲：三会一课（含测试）" in content  # what was typed is kept
    assert "预备党员的预备期为" in content
    lesson.refresh_from_db()
    assert lesson.title == "第二讲：三会一课" and not lesson.has_test and not lesson.has_unpublished_changes
    # The same as a draft: saved, the live page unchanged.
    draft = {key: value for key, value in data.items() if key != "action-publish"}
    assert editor_client.post(url, draft).status_code == 302
    lesson.refresh_from_db()
    assert lesson.has_unpublished_changes and not lesson.has_test
    assert len(lesson.get_latest_revision_as_object().questions.all()) == 2
    # Drawing one of the two publishes.
    data = lesson_form(
        title="第二讲：三会一课（含测试）", slug=lesson.slug, questions=two_questions(), questions_per_attempt="1"
    )
    assert editor_client.post(url, data).status_code == 302
    lesson.refresh_from_db()
    assert lesson.live and lesson.has_test and lesson.questions_per_attempt == 1
    assert [q.topic for q in lesson.questions.all()] == ["预备党员", "党员的权利"]


def test_a_new_lesson_with_a_small_bank_is_refused_on_publish_and_saved_as_draft(editor_client, learning):
    url = f"/admin/pages/add/learning/lessonpage/{learning['course'].pk}/"
    data = lesson_form(questions=two_questions(), questions_per_attempt="3")
    response = editor_client.post(url, data)
    assert response.status_code == 200 and "题库只有 2 题，每次抽取 3 题" in response.content.decode()
    assert not LessonPage.objects.filter(slug="jingshen").exists()
    draft = {key: value for key, value in data.items() if key != "action-publish"}
    assert editor_client.post(url, draft).status_code == 302
    page = LessonPage.objects.get(slug="jingshen")
    assert not page.live


def test_a_course_test_is_checked_the_same_way(editor_client, learning):
    url = f"/admin/pages/add/learning/coursepage/{learning['index'].pk}/"
    response = editor_client.post(url, course_form(questions=two_questions(), questions_per_attempt="2"))
    assert response.status_code == 200 and "题库只有 2 题，每次抽取 2 题" in response.content.decode()
    response = editor_client.post(url, course_form(questions=two_questions(), questions_per_attempt="1"))
    assert response.status_code == 302


def test_a_page_without_questions_publishes(editor_client, learning):
    url = f"/admin/pages/add/learning/lessonpage/{learning['course'].pk}/"
    assert editor_client.post(url, lesson_form(questions=[], questions_per_attempt="10")).status_code == 302
    assert LessonPage.objects.get(slug="jingshen").live


def test_bulk_publishing_a_draft_with_a_small_bank_is_refused(editor_client, learning):
    lesson = learning["lesson2"]
    draft = lesson_form(title=lesson.title, slug=lesson.slug, questions=two_questions(), questions_per_attempt="2")
    del draft["action-publish"]
    assert editor_client.post(f"/admin/pages/{lesson.pk}/edit/", draft).status_code == 302
    url = f"/admin/bulk/wagtailcore/page/publish/?id={lesson.pk}&next=/admin/pages/{learning['course'].pk}/"
    response = editor_client.post(url, {}, follow=True)
    assert "未发布任何页面" in response.content.decode() and "题库只有 2 题，每次抽取 2 题" in response.content.decode()
    lesson.refresh_from_db()
    assert not lesson.has_test and lesson.has_unpublished_changes
    # With a larger bank than the draw it goes through.
    draft["questions_per_attempt"] = "1"
    assert editor_client.post(f"/admin/pages/{lesson.pk}/edit/", draft).status_code == 302
    editor_client.post(url, {})
    lesson.refresh_from_db()
    assert lesson.has_test and not lesson.has_unpublished_changes


# ---------------------------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("passed", [True, False])
def test_the_attempt_and_result_pages_do_not_query_per_question(client, learning, member, passed):
    from tests.query_counts import compare

    lesson = learning["lesson"]
    client.force_login(member.user)

    def grow_to(count):
        bank = list(LessonQuestion.objects.filter(page=lesson))
        bank += [
            LessonQuestion.objects.create(
                page=lesson,
                sort_order=100 + n,
                text=f"追加第{n}题",
                options="甲\n乙\n丙",
                answer="B",
                topic=f"知识点{n}",
            )
            for n in range(count - len(bank))
        ]
        attempt = TestAttempt.objects.get(member=member, page=lesson)
        attempt.question_ids = [q.pk for q in bank]
        attempt.option_orders = {str(q.pk): list(reversed(range(len(q.option_list())))) for q in bank}
        attempt.answers = {str(q.pk): ["A"] for q in bank}
        attempt.save()

    attempt = TestAttempt.objects.create(member=member, page=lesson, question_ids=[])
    grow_to(4)
    before, after = compare(client, f"/learning/test/{lesson.pk}/", lambda: grow_to(30))
    assert before.count("<fieldset") == 4 and after.count("<fieldset") == 30
    first_four = TestAttempt.objects.get(pk=attempt.pk).question_ids[:4]
    TestAttempt.objects.filter(pk=attempt.pk).update(
        question_ids=first_four, submitted_at=timezone.now(), passed=passed, score=0
    )
    before, after = compare(client, f"/learning/test/result/{attempt.pk}/", lambda: grow_to(30))
    if passed:
        assert before.count("正确答案：") == 4 and after.count("正确答案：") == 30
    else:
        assert "知识点25" not in before and "知识点25" in after and "正确答案" not in after


# ---------------------------------------------------------------------------------------------- demo


def test_seeding_again_grows_a_bank_seeded_small(home_page):
    """A database seeded before the banks grew (three questions drawing three) gets the larger bank on the next
    run, in the live page and in the revision the editor opens; running again changes nothing."""
    from learning import demo

    year = timezone.localdate().year
    [(_, lessons), *_] = demo.seed_pages(home_page, year)
    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    full = lesson.questions.count()
    keep = list(lesson.questions.order_by("sort_order").values_list("pk", flat=True)[:3])
    LessonQuestion.objects.filter(page=lesson).exclude(pk__in=keep).delete()
    LessonQuestion.objects.filter(page=lesson).update(topic="")
    demo.seed_pages(home_page, year)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.questions.count() == full > lesson.questions_per_attempt
    assert all(q.topic for q in lesson.questions.all())
    assert len(lesson.get_latest_revision_as_object().questions.all()) == full
    revisions = lesson.revisions.count()
    demo.seed_pages(home_page, year)
    assert lesson.revisions.count() == revisions and lesson.questions.count() == full
