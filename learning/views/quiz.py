"""Tests after training: an attempt drawn from the bank, its submission under the limits, its result."""

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import Page

from .. import services
from ..models import CoursePage, LessonPage, TestAttempt
from .common import active_member


def _test_page(page_id):
    page = get_object_or_404(Page.objects.live().specific(), pk=page_id)
    test_page = services.test_page(page)
    if test_page is None:
        raise Http404("这一课没有测试。")
    return test_page


ANSWER_FIELD = re.compile(r"^q(\d{1,12})$")
MAX_ANSWER_FIELDS = 200


@login_required
@require_http_methods(["GET", "POST"])
def take_test(request, page_id):
    member = active_member(request)
    page = _test_page(page_id)
    if request.method == "POST":
        return _submit_test(request, member, page)
    try:
        attempt = services.start_attempt(member, page)
    except services.TestNotOpen as error:
        return render(request, "learning/test_closed.html", {"page": page, "reason": str(error)}, status=409)
    except services.TooManyAttempts as error:
        return _too_many(request, page, error)
    passed_before = TestAttempt.objects.filter(member=member, page=page, passed=True).exists()
    questions = services.attempt_questions(attempt, page)
    return render(
        request,
        "learning/test_attempt.html",
        {
            "page": page,
            "attempt": attempt,
            "questions": [
                {"question": question, "choices": services.attempt_choices(attempt, question)} for question in questions
            ],
            "allowance": services.attempt_allowance(member, page),
            "passed_before": passed_before,
            "is_course": isinstance(page, CoursePage),
        },
    )


def _too_many(request, page, error):
    """429 with the time he may try again, in words and in Retry-After."""
    response = render(
        request,
        "learning/test_limited.html",
        {"page": page, "reason": str(error), "retry_at": error.retry_at},
        status=429,
    )
    response["Retry-After"] = str(max(1, int((error.retry_at - timezone.now()).total_seconds())))
    return response


def _submit_test(request, member, page):
    if len(request.POST) > MAX_ANSWER_FIELDS:
        return render(request, "learning/test_error.html", {"page": page, "reason": "提交的内容过多。"}, status=400)
    attempt_id = request.POST.get("attempt", "")
    if not attempt_id.isdigit():
        return render(request, "learning/test_error.html", {"page": page, "reason": "缺少测试编号。"}, status=400)
    attempt = get_object_or_404(TestAttempt, pk=int(attempt_id), member=member, page=page)
    answers = {}
    for name in request.POST:
        if name in ("csrfmiddlewaretoken", "attempt"):
            continue
        match = ANSWER_FIELD.match(name)
        if not match:
            return render(
                request, "learning/test_error.html", {"page": page, "reason": "提交的内容无法识别。"}, status=400
            )
        answers[int(match.group(1))] = [value.strip().upper() for value in request.POST.getlist(name)]
    try:
        attempt = services.submit_attempt(attempt, page, answers)
    except services.BadAnswers as error:
        return render(request, "learning/test_error.html", {"page": page, "reason": str(error)}, status=400)
    except services.AlreadySubmitted as error:
        return render(request, "learning/test_error.html", {"page": page, "reason": str(error)}, status=409)
    except services.TooManyAttempts as error:
        return _too_many(request, page, error)
    return redirect("learning:attempt_result", attempt_id=attempt.pk)


@login_required
@require_GET
def attempt_result(request, attempt_id):
    member = active_member(request)
    attempt = get_object_or_404(TestAttempt, pk=attempt_id, member=member, submitted_at__isnull=False)
    page = attempt.page.specific
    questions = services.attempt_questions(attempt, page)
    answers = attempt.answers or {}
    rows, topics = [], []
    for question in questions:
        chosen = answers.get(str(question.pk), [])  # the options' own letters
        correct = question.is_correct(chosen)
        if not correct and question.topic and question.topic not in topics:
            topics.append(question.topic)
        if attempt.passed:
            choices = services.attempt_choices(attempt, question)
            rows.append(
                {
                    "question": question,
                    "correct": correct,
                    "chosen_text": [text for _, own, text in choices if own in chosen],
                    "answer_text": [text for _, own, text in choices if own in question.correct_letters()],
                }
            )
    # A failed attempt shows the score and the topics to review only: which question was wrong, or what the
    # right option was, would let the member flip his answers on the next try instead of studying again.
    lesson_status = services.study_status(request, page) if isinstance(page, LessonPage) else None
    return render(
        request,
        "learning/test_result.html",
        {
            "page": page,
            "attempt": attempt,
            "question_count": len(questions),
            "rows": rows,
            "topics": topics,
            "allowance": None if attempt.passed else services.attempt_allowance(member, page),
            "lesson_status": lesson_status,
        },
    )
