"""The section's rules that span models: counting study time, completing lessons, tests, and granting credit.

Views, admin actions and management commands call these functions; none of them writes a CreditRecord itself.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import conf
from .access import creditable_members, study_member
from .credits import COURSE_TEST_CREDIT
from .models import CoursePage, CreditRecord, LessonPage, StudyClock, StudyProgress, TestAttempt

# ---------------------------------------------------------------------------------------------- the ledger


def grant_credit(member, *, source, points, reason, page=None, course=None, granted_by=None, year=None, **extra):
    """Write one ledger line. For sources that count once (lessons, micro lessons, course tests) a second grant,
    even one racing the first from another request, returns the existing record: the database's unique
    constraint decides. Returns (record, created)."""
    year = year or timezone.localdate().year
    try:
        with transaction.atomic():
            record = CreditRecord.objects.create(
                member=member,
                year=year,
                points=Decimal(points),
                source=source,
                page=page,
                course=course,
                reason=reason,
                granted_by=granted_by,
                **extra,
            )
            return record, True
    except IntegrityError:
        if source not in CreditRecord.ONCE_SOURCES or page is None:
            raise
        return CreditRecord.objects.get(member=member, source=source, page=page), False


MANUAL_POINTS_LIMIT = Decimal("20")


def record_manual_credit(by_user, member, *, year, points, activity, reason, attachment=None, corrects=None):
    """Offline study (三会一课, 主题党日, 集中学习, 党校培训) recorded by a branch secretary for a member of his
    branch, or by the 工委 for anyone. A correction is a negative record with a reason, never an edit."""
    if not creditable_members(by_user).filter(pk=member.pk).exists():
        raise PermissionDenied("您只能为本支部党员登记学时。")
    points = Decimal(points)
    this_year = timezone.localdate().year
    errors = {}
    if year not in (this_year, this_year - 1):
        errors["year"] = f"只能登记 {this_year - 1} 年或 {this_year} 年的学时。"
    if points == 0 or abs(points) > MANUAL_POINTS_LIMIT or (points * 4) % 1 != 0:
        errors["points"] = "学时须为 0.25 的整数倍，且不超过 20 学时。"
    elif points < 0 and activity != CreditRecord.Activity.CORRECTION:
        errors["points"] = "负数学时只用于更正，请选择学习形式“更正”并写明原因。"
    if not (reason or "").strip():
        errors["reason"] = "请填写事由。"
    if corrects is not None and corrects.member_id != member.pk:
        errors["corrects"] = "更正的记录不属于该党员。"
    if errors:
        raise ValidationError(errors)
    record, _ = grant_credit(
        member,
        source=CreditRecord.Source.MANUAL,
        points=points,
        reason=reason.strip(),
        granted_by=by_user,
        year=year,
        activity=activity,
        attachment=attachment or "",
        corrects=corrects,
    )
    return record


# ---------------------------------------------------------------------------------------------- study time


class Beat:
    STARTED = "started"
    COUNTED = "counted"
    PAUSED = "paused"
    TOO_FAST = "too_fast"
    GAP = "gap"
    OTHER_SESSION = "other_session"
    IDLE = "idle"


EVENTS = ("start", "beat", "pause")
GAP_MESSAGE = "距上次计时超过规定间隔（页面可能被隐藏、暂停或网络中断），这段时间不计入，已重新开始计时。"


@dataclass
class BeatResult:
    status: str
    counted: int
    message: str
    progress: StudyProgress
    completed_now: bool = False


def _credit_reason(page):
    kind = "微型党课" if page.credit_source == CreditRecord.Source.MICRO_LESSON else "课程学习"
    return f"{kind}：完成《{page.title}》"


def complete_if_done(member, page, progress, now=None):
    """Mark the lesson complete and grant its credit once its study time suffices and, with a test, it is
    passed. `progress` must be locked by the caller (select_for_update). Returns True if it completed now."""
    if progress.completed_at is not None or progress.seconds < page.required_seconds:
        return False
    if isinstance(page, LessonPage) and page.has_test and not _passed(member, page):
        return False
    now = now or timezone.now()
    progress.completed_at = now
    progress.save(update_fields=["completed_at", "updated_at"])
    course = page.get_parent().specific if isinstance(page, LessonPage) else None
    grant_credit(
        member,
        source=page.credit_source,
        points=page.credit,
        reason=_credit_reason(page),
        page=page,
        course=course if isinstance(course, CoursePage) else None,
        year=timezone.localtime(now).year,
    )
    return True


def _locked_progress(member, page):
    StudyProgress.objects.get_or_create(member=member, page=page)
    return StudyProgress.objects.select_for_update().get(member=member, page=page)


def record_heartbeat(member, page, *, tab, event, position=None, now=None):
    """Count study time from the server's clock between accepted heartbeats.

    - One clock per member: a beat from another tab, device or lesson while this one is running counts nothing.
    - A beat sooner than half the interval after the last accepted one counts nothing (and moves nothing).
    - A gap longer than 1.5 intervals counts nothing: the page was hidden, paused or offline; the clock restarts.
    - Otherwise the time since the last accepted beat is added. Nothing the browser says about time is believed;
      the media position it reports is kept only so that study resumes where it stopped.
    """
    now = now or timezone.now()
    interval = conf.heartbeat_seconds()
    too_fast, too_slow = timedelta(seconds=interval * 0.5), timedelta(seconds=interval * 1.5)
    with transaction.atomic():
        StudyClock.objects.get_or_create(member=member)
        clock = StudyClock.objects.select_for_update().get(member=member)
        progress = _locked_progress(member, page)
        running = clock.last_beat_at is not None and now - clock.last_beat_at <= too_slow
        mine = clock.tab == tab and clock.page_id == page.pk
        counted = 0
        if running and not mine:
            other = clock.page.title if clock.page_id else "其他课程"
            status = Beat.OTHER_SESSION
            message = f"您正在另一个窗口或设备上学习《{other}》。同一时间只计算一处的学习时间，本页暂不计时。"
        elif event == "start" or not mine or not running:
            was_gap = mine and clock.last_beat_at is not None and event != "start"
            if event == "pause":
                if mine:
                    clock.last_beat_at = None
                    clock.save()
                status, message = (Beat.GAP, GAP_MESSAGE) if was_gap else (Beat.IDLE, "计时未在进行。")
            else:
                clock.tab, clock.page, clock.last_beat_at = tab, page, now
                clock.save()
                if was_gap:
                    status, message = Beat.GAP, GAP_MESSAGE
                else:
                    status, message = Beat.STARTED, "已开始计时。页面在前台且正在学习时，每次心跳计入实际经过的时间。"
        else:
            elapsed = now - clock.last_beat_at  # at most 1.5 intervals: the clock is running
            if elapsed < too_fast and event == "beat":
                status, message = Beat.TOO_FAST, "心跳早于规定间隔，本次不计时（学习时间按服务器时钟计算）。"
            else:
                counted = round(elapsed.total_seconds())
                progress.seconds += counted
                if event == "pause":
                    clock.last_beat_at = None
                    status, message = Beat.PAUSED, f"已暂停计时，本段计入 {counted} 秒。"
                else:
                    clock.last_beat_at = now
                    status, message = Beat.COUNTED, f"计入 {counted} 秒。"
            clock.save()
        if status != Beat.OTHER_SESSION and position is not None:
            progress.position = position
        progress.last_note = message[:200]
        progress.save()
        completed_now = complete_if_done(member, page, progress, now)
    return BeatResult(status, counted, message, progress, completed_now)


def _passed(member, page):
    return TestAttempt.objects.filter(member=member, page=page, passed=True).exists()


def study_status(request, page):
    """What the lesson page tells the member about his progress (and what the heartbeat script needs)."""
    member = study_member(request)
    status = {
        "member": member,
        "required_seconds": page.required_seconds,
        "heartbeat_seconds": conf.heartbeat_seconds(),
        "completion_percent": int(conf.completion_ratio() * 100),
        "has_test": isinstance(page, LessonPage) and page.has_test,
        "seconds": 0,
        "position": 0,
        "note": "",
        "completed": False,
        "passed": False,
    }
    if member is None:
        return status
    progress = StudyProgress.objects.filter(member=member, page=page).first()
    if progress:
        status.update(
            seconds=progress.seconds,
            position=progress.position,
            note=progress.last_note,
            completed=progress.completed_at is not None,
            completed_at=progress.completed_at,
        )
    if status["has_test"]:
        status["passed"] = _passed(member, page)
    status["percent"] = min(100, status["seconds"] * 100 // page.required_seconds)
    status["time_done"] = status["seconds"] >= page.required_seconds
    return status


def course_status(member, course, lessons):
    """Which lessons of a course the member completed, whether its test is open, passed, and the course done."""
    completed = set(
        StudyProgress.objects.filter(
            member=member, page_id__in=[lesson.pk for lesson in lessons], completed_at__isnull=False
        ).values_list("page_id", flat=True)
    )
    has_test = course.has_test
    passed = has_test and _passed(member, course)
    lessons_done = bool(lessons) and all(lesson.pk in completed for lesson in lessons)
    return {
        "completed_ids": completed,
        "lessons_done": lessons_done,
        "has_test": has_test,
        "passed": passed,
        "done": lessons_done and (passed or not has_test),
    }


# ---------------------------------------------------------------------------------------------- tests


class TestNotOpen(Exception):
    """The test cannot be taken (yet): the message says why."""


class BadAnswers(Exception):
    """Answers that do not belong to this attempt's questions."""


class AlreadySubmitted(Exception):
    pass


def test_page(page):
    """The page whose test this is (a lesson or a course), or None if it has no test."""
    page = page.specific
    if isinstance(page, LessonPage | CoursePage) and page.has_test:
        return page
    return None


def start_attempt(member, page):
    """The member's open attempt at this test, or a new one with a random selection of questions."""
    if isinstance(page, CoursePage):
        status = course_status(member, page, list(page.lessons()))
        if not status["lessons_done"]:
            raise TestNotOpen("请先完成本课程的全部章节，再参加课程测试。")
    question_ids = set(page.questions.values_list("pk", flat=True))
    if not question_ids:
        raise TestNotOpen("本课程暂无测试。")
    attempt = TestAttempt.objects.filter(member=member, page=page, submitted_at__isnull=True).first()
    if attempt is not None and set(attempt.question_ids) <= question_ids:
        return attempt
    if attempt is not None:  # the editor changed the questions since: draw again
        attempt.delete()
    count = min(page.questions_per_attempt, len(question_ids))
    chosen = random.SystemRandom().sample(sorted(question_ids), count)
    try:
        with transaction.atomic():
            return TestAttempt.objects.create(member=member, page=page, question_ids=chosen, pass_mark=page.pass_mark)
    except IntegrityError:  # a second request opened it at the same moment
        return TestAttempt.objects.get(member=member, page=page, submitted_at__isnull=True)


def attempt_questions(attempt, page):
    """The attempt's questions, in the order drawn."""
    by_id = page.questions.in_bulk(attempt.question_ids)
    return [by_id[pk] for pk in attempt.question_ids if pk in by_id]


def submit_attempt(attempt, page, answers, now=None):
    """Grade an attempt. `answers` maps question id → list of letters. Answers to questions that are not this
    attempt's raise BadAnswers; a second submission raises AlreadySubmitted. A pass completes the lesson or
    grants the course test credit, once, however many attempts."""
    now = now or timezone.now()
    allowed = set(attempt.question_ids)
    if not set(answers) <= allowed:
        raise BadAnswers("提交的答案与本次测试的题目不符。")
    questions = attempt_questions(attempt, page)
    for question in questions:
        valid = {letter for letter, _ in question.choices()}
        if not set(answers.get(question.pk, [])) <= valid:
            raise BadAnswers("提交的答案不在题目的选项之中。")
        if question.kind != question.Kind.MULTIPLE and len(answers.get(question.pk, [])) > 1:
            raise BadAnswers("单选题和判断题只能选择一个答案。")
    with transaction.atomic():
        attempt = TestAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.submitted_at is not None:
            raise AlreadySubmitted("这次测试已经提交过了。")
        correct = sum(1 for question in questions if question.is_correct(answers.get(question.pk, [])))
        attempt.answers = {str(pk): sorted(letters) for pk, letters in answers.items()}
        attempt.correct_count = correct
        attempt.score = round(correct * 100 / len(questions)) if questions else 0
        attempt.passed = attempt.score >= attempt.pass_mark
        attempt.submitted_at = now
        attempt.save()
        member = attempt.member
        if attempt.passed:
            if isinstance(page, LessonPage):
                complete_if_done(member, page, _locked_progress(member, page), now)
            else:
                grant_credit(
                    member,
                    source=CreditRecord.Source.COURSE_TEST,
                    points=COURSE_TEST_CREDIT,
                    reason=f"课程测试：通过《{page.title}》测试",
                    page=page,
                    course=page,
                    year=timezone.localtime(now).year,
                )
    return attempt
