"""The section's rules that span models: counting study time, completing lessons, tests, and granting credit.

Views, admin actions and management commands call these functions; none of them writes a CreditRecord itself.
"""

import math
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import conf
from .access import creditable_members, study_member
from .certificates import issue_if_finished
from .credits import COURSE_TEST_CREDIT
from .models import CoursePage, CreditRecord, LessonPage, StudyClock, StudyProgress, TestAttempt, TestLock

# ---------------------------------------------------------------------------------------------- the ledger


def grant_credit(member, *, source, points, reason, page=None, course=None, granted_by=None, year=None, **extra):
    """Write one ledger line. For sources that count once (lessons, micro lessons, course tests) a second grant,
    even one racing the first from another request, returns the existing record: the database's unique
    constraint decides. A line that finishes a course issues its certificate. Returns (record, created)."""
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
    except IntegrityError:
        if source not in CreditRecord.ONCE_SOURCES or page is None:
            raise
        return CreditRecord.objects.get(member=member, source=source, page=page), False
    # The credit that finishes a course brings its numbered certificate (the certificate page issues it too, for a
    # course finished by two requests at once, each of which saw only its own credit).
    issue_if_finished(record)
    return record, True


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
ONE_SECOND = timedelta(seconds=1)


@dataclass
class BeatResult:
    status: str
    counted: int
    message: str
    progress: StudyProgress
    completed_now: bool = False
    retry_after: int | None = None  # seconds, for a heartbeat refused as too fast


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


def _locked_row(model, **fields):
    """The row of `model` with these fields, created if missing, locked until the transaction ends (created first,
    then locked: a row that does not exist yet cannot be locked, and two creators meet at the unique constraint)."""
    model.objects.get_or_create(**fields)
    return model.objects.select_for_update().get(**fields)


def _locked_progress(member, page):
    return _locked_row(StudyProgress, member=member, page=page)


def _whole_seconds(clock, now):
    """The whole seconds from the point the clock has counted up to until now, rounded down."""
    return max(0, (now - clock.last_beat_at) // ONE_SECOND)


def record_heartbeat(member, page, *, tab, event, position=None, now=None):
    """Count study time from the server's clock between accepted heartbeats.

    - One clock per member (its row locked): while one tab on one page holds it, every other tab, device or
      lesson counts nothing, whatever it sends.
    - A beat sooner than half the interval after the member's last accepted event, from any tab, is refused as
      too fast: it counts nothing and moves nothing. Starts and pauses are never refused: they follow what the
      member does (play, pause, switch tabs, go to the next lesson) and come at any moment, and neither can
      over-count: a start counts nothing and a pause counts only the whole seconds the clock has run.
    - A gap longer than 1.5 intervals counts nothing: the page was hidden, paused or offline; the clock restarts.
    - Otherwise a beat or pause adds the whole seconds since the point the clock has counted up to (rounded
      down); a beat moves that point on by exactly those seconds, so the fraction carries to the next beat, and
      a pause drops it. Nothing the browser says about time is believed; the media position it reports is kept
      only so that study resumes where it stopped.

    Why credited time cannot exceed server time: each accepted event is later than the previous one, a start
    sets the counted-up-to point to its own `now` and a beat credits [point, point + n] with point + n <= now,
    so a member's credited stretches are disjoint pieces of the server's timeline, each after a start he made
    and before the event that credits it; their sum is at most the time between his first start and his last
    event, for any sequence of events from any number of tabs, sessions or devices.
    """
    now = now or timezone.now()
    interval = conf.heartbeat_seconds()
    too_fast, too_slow = timedelta(seconds=interval * 0.5), timedelta(seconds=interval * 1.5)
    with transaction.atomic():
        clock = _locked_row(StudyClock, member=member)
        since = now - clock.accepted_at if clock.accepted_at is not None else None
        running = clock.last_beat_at is not None and since is not None and since <= too_slow
        held = clock.tab == tab and clock.page_id == page.pk  # this tab on this page holds the clock
        mine = running and held
        counted = 0
        if running and not held:
            other = clock.page.title if clock.page_id else "其他课程"
            status = Beat.OTHER_SESSION
            message = f"您正在另一个窗口或设备上学习《{other}》。同一时间只计算一处的学习时间，本页暂不计时。"
        elif event == "beat" and since is not None and since < too_fast:
            # Tab ids are the client's to choose, so the check is the member's, not the tab's.
            retry_after = max(1, math.ceil((too_fast - since) / ONE_SECOND))
            message = f"心跳早于规定间隔，本次不计时，请 {retry_after} 秒后再试（学习时间按服务器时钟计算）。"
            # Moves nothing: the progress is read, not written.
            progress = StudyProgress.objects.filter(member=member, page=page).first()
            progress = progress or StudyProgress(member=member, page=page)
            return BeatResult(Beat.TOO_FAST, 0, message, progress, retry_after=retry_after)
        elif event == "pause":
            if mine:
                counted = _whole_seconds(clock, now)
                clock.last_beat_at, clock.accepted_at = None, now
                status, message = Beat.PAUSED, f"已暂停计时，本段计入 {counted} 秒。"
            elif held and clock.last_beat_at is not None:  # its clock had lapsed
                clock.last_beat_at = None
                status, message = Beat.GAP, GAP_MESSAGE
            else:
                status, message = Beat.IDLE, "计时未在进行。"
        elif event == "beat" and mine:
            counted = _whole_seconds(clock, now)
            clock.last_beat_at += counted * ONE_SECOND
            clock.accepted_at = now
            status, message = Beat.COUNTED, f"计入 {counted} 秒。"
        else:  # a start, or a beat on a stopped or lapsed clock: (re)start it, counting nothing
            was_gap = held and clock.last_beat_at is not None and event != "start"
            clock.tab, clock.page, clock.last_beat_at, clock.accepted_at = tab, page, now, now
            if was_gap:
                status, message = Beat.GAP, GAP_MESSAGE
            else:
                status, message = Beat.STARTED, "已开始计时。页面在前台且正在学习时，每次心跳计入实际经过的时间。"
        if status not in (Beat.OTHER_SESSION, Beat.IDLE):
            clock.save()
        progress = _locked_progress(member, page)
        progress.seconds += counted
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


class TooManyAttempts(Exception):
    """Beyond the daily limit or within the pause between attempts: `retry_at` says when he may try again."""

    def __init__(self, message, retry_at):
        super().__init__(message)
        self.retry_at = retry_at


def test_page(page):
    """The page whose test this is (a lesson or a course), or None if it has no test."""
    page = page.specific
    if isinstance(page, LessonPage | CoursePage) and page.has_test:
        return page
    return None


def _when(moment):
    moment = timezone.localtime(moment)
    today = timezone.localdate()
    day = "今天" if moment.date() == today else "明天" if moment.date() == today + timedelta(days=1) else ""
    day = day or f"{moment.month} 月 {moment.day} 日"
    return f"{day} {moment:%H:%M}"


@dataclass
class Allowance:
    """A member's attempts at one test today, against the limits, and when he may start the next one."""

    per_day: int
    pause_minutes: int
    used_today: int
    retry_at: object = None  # an aware datetime, or None when he may start now

    @property
    def left_today(self):
        return max(0, self.per_day - self.used_today)

    @property
    def retry_text(self):
        return _when(self.retry_at) if self.retry_at else ""

    def refusal(self):
        if self.retry_at is None:
            return None
        if self.used_today >= self.per_day:
            message = (
                f"本测试每天最多提交 {self.per_day} 次，今天的次数已用完。请复习后于{_when(self.retry_at)}后再试。"
            )
        else:
            message = f"两次测试之间需间隔 {self.pause_minutes} 分钟，请利用这段时间复习，{_when(self.retry_at)}后可再次测试。"
        return TooManyAttempts(message, self.retry_at)


def attempt_allowance(member, page, now=None):
    """Submitted attempts at this test since local midnight, and the pause since the last one. Two queries."""
    now = now or timezone.now()
    per_day, pause = conf.test_attempts_per_day(), conf.test_retry_minutes()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    submitted = TestAttempt.objects.filter(member=member, page=page, submitted_at__isnull=False)
    used = submitted.filter(submitted_at__gte=midnight).count()
    last = submitted.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
    retry_at = None
    if used >= per_day:
        retry_at = midnight + timedelta(days=1)
    elif last is not None and last + timedelta(minutes=pause) > now:
        retry_at = last + timedelta(minutes=pause)
    return Allowance(per_day, pause, used, retry_at)


def _option_order(question, rng):
    order = list(range(len(question.option_list())))
    if question.kind != question.Kind.TRUE_FALSE:  # 正确 before 错误 is how a true/false question reads
        rng.shuffle(order)
    return order


def option_order(attempt, question):
    """The order the attempt shows the question's options in: the stored one, the bank's order if none was
    stored, or None if the editor changed the number of options since it was drawn."""
    count = len(question.option_list())
    order = (attempt.option_orders or {}).get(str(question.pk))
    if order is None:
        return list(range(count))
    return order if sorted(order) == list(range(count)) else None


def start_attempt(member, page, now=None):
    """The member's open attempt at this test, or a new one with a random selection of questions in a random
    order, and each question's options in a random order. A new one is refused (TooManyAttempts) beyond the
    daily limit or within the pause after the last; submitting checks again, under a lock."""
    if isinstance(page, CoursePage):
        status = course_status(member, page, list(page.lessons()))
        if not status["lessons_done"]:
            raise TestNotOpen("请先完成本课程的全部章节，再参加课程测试。")
    bank = {question.pk: question for question in page.questions.all()}
    if not bank:
        raise TestNotOpen("本课程暂无测试。")
    attempt = TestAttempt.objects.filter(member=member, page=page, submitted_at__isnull=True).first()
    if attempt is not None:
        current = set(attempt.question_ids) <= set(bank) and all(
            option_order(attempt, bank[pk]) is not None for pk in attempt.question_ids
        )
        if current:
            return attempt
        attempt.delete()  # the editor changed the questions since: draw again
    refusal = attempt_allowance(member, page, now).refusal()
    if refusal:
        raise refusal
    rng = random.SystemRandom()
    count = min(page.questions_per_attempt, len(bank))
    chosen = rng.sample(sorted(bank), count)  # in the order drawn
    orders = {str(pk): _option_order(bank[pk], rng) for pk in chosen}
    try:
        with transaction.atomic():
            return TestAttempt.objects.create(
                member=member, page=page, question_ids=chosen, option_orders=orders, pass_mark=page.pass_mark
            )
    except IntegrityError:  # a second request opened one at the same moment
        opened = TestAttempt.objects.filter(member=member, page=page, submitted_at__isnull=True).first()
        if opened is None:  # and submitted it since: start over, limits included
            return start_attempt(member, page, now)
        return opened


def attempt_questions(attempt, page):
    """The attempt's questions, in the order drawn."""
    by_id = page.questions.in_bulk(attempt.question_ids)
    return [by_id[pk] for pk in attempt.question_ids if pk in by_id]


def attempt_choices(attempt, question):
    """[(shown letter, own letter, text), ...] in the attempt's order (the bank's if it no longer fits)."""
    order = option_order(attempt, question) or list(range(len(question.option_list())))
    return question.shuffled(order)


def submit_attempt(attempt, page, answers, now=None):
    """Grade an attempt. `answers` maps question id → list of the letters shown to the member; each is turned
    into the option's own letter through the attempt's option order, and scored and stored by that. Answers to
    questions that are not this attempt's raise BadAnswers; a second submission raises AlreadySubmitted; one
    beyond the daily limit or within the pause raises TooManyAttempts (counted under the member's TestLock row,
    so simultaneous submissions cannot exceed them). A pass completes the lesson or grants the course test
    credit, once, however many attempts."""
    now = now or timezone.now()
    allowed = set(attempt.question_ids)
    if not set(answers) <= allowed:
        raise BadAnswers("提交的答案与本次测试的题目不符。")
    questions = attempt_questions(attempt, page)
    own_answers = {}
    for question in questions:
        order = option_order(attempt, question)
        if order is None:
            raise BadAnswers("题目的选项在您答题期间有所修改，请返回重新开始测试。")
        shown = {shown: own for shown, own, _ in question.shuffled(order)}
        chosen = answers.get(question.pk, [])
        if not set(chosen) <= set(shown):
            raise BadAnswers("提交的答案不在题目的选项之中。")
        if question.kind != question.Kind.MULTIPLE and len(chosen) > 1:
            raise BadAnswers("单选题和判断题只能选择一个答案。")
        if question.pk in answers:
            own_answers[question.pk] = {shown[letter] for letter in chosen}
    with transaction.atomic():
        _locked_row(TestLock, member_id=attempt.member_id, page_id=attempt.page_id)
        attempt = TestAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.submitted_at is not None:
            raise AlreadySubmitted("这次测试已经提交过了。")
        refusal = attempt_allowance(attempt.member, page, now).refusal()
        if refusal:
            raise refusal
        correct = sum(1 for question in questions if question.is_correct(own_answers.get(question.pk, [])))
        attempt.answers = {str(pk): sorted(letters) for pk, letters in own_answers.items()}
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
