"""Verified study time, test attempts and the credit ledger."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dangjian.records import BulkRecord


class StudyClock(BulkRecord):
    """Which page, in which browser tab, is counting a member's study time right now, and since when.

    One row per member: however many tabs or devices he opens, only one of them counts at a time, so the time
    credited to him can never exceed the time that passed on the server's clock (learning.services.record_heartbeat).
    """

    member = models.OneToOneField("members.Member", on_delete=models.CASCADE, related_name="study_clock")
    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tab = models.CharField(max_length=40, blank=True)
    # The instant up to which time has been credited (None: the clock is stopped). It trails the last accepted
    # beat by the fraction of a second that was not yet counted.
    last_beat_at = models.DateTimeField(null=True, blank=True)
    # When the last accepted heartbeat of any kind arrived, from any tab: the too-fast and gap checks' reference.
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "学习计时"
        verbose_name_plural = "学习计时"

    def __str__(self):
        return f"{self.member} {self.last_beat_at or '未计时'}"


class StudyProgress(BulkRecord):
    """A member's verified study time on one lesson or micro lesson, where he stopped, and when he completed it."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="study_progress")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    seconds = models.PositiveIntegerField("已认定学习时间（秒）", default=0)
    position = models.FloatField("播放位置（秒）", default=0)
    last_note = models.CharField("最近一次计时说明", max_length=200, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "学习进度"
        verbose_name_plural = "学习进度"
        constraints = [models.UniqueConstraint(fields=["member", "page"], name="learning_progress_once")]

    def __str__(self):
        return f"{self.member} {self.page_id} {self.seconds} 秒"


class TestAttempt(BulkRecord):
    """One attempt at a test: the questions drawn for it (kept, so that reloading does not draw new ones),
    and, once submitted, the answers and the score."""

    __test__ = False  # not a pytest test class, whatever its name

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="test_attempts")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    question_ids = models.JSONField(default=list)
    # {question id: [indices into its options]}: the order the member saw them in, drawn with the questions, so
    # that a reload, the scoring and the result page read the same order. Absent for a question: the bank's order.
    option_orders = models.JSONField(default=dict, blank=True)
    answers = models.JSONField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField("得分", null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField(default=60)
    passed = models.BooleanField("通过", default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "测试记录"
        verbose_name_plural = "测试记录"
        constraints = [
            models.UniqueConstraint(
                fields=["member", "page"], condition=Q(submitted_at__isnull=True), name="learning_one_open_attempt"
            )
        ]
        indexes = [models.Index(fields=["member", "page", "passed"])]

    def __str__(self):
        return f"{self.member} {self.page_id} {self.score if self.score is not None else '未提交'}"


class TestLock(models.Model):
    """One row per member and test, locked (select_for_update) while an attempt is submitted: the daily limit
    and the pause between attempts are counted under it, so simultaneous submissions cannot exceed them."""

    __test__ = False

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "测试次数锁"
        verbose_name_plural = "测试次数锁"
        constraints = [models.UniqueConstraint(fields=["member", "page"], name="learning_test_lock_once")]

    def __str__(self):
        return f"{self.member} {self.page_id}"


def attachment_path(instance, filename):
    # An unguessable name: the file is served through a checked view, and its name reveals nothing.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"learning/credit-attachments/{uuid.uuid4().hex}.{extension}"


class CreditRecord(models.Model):
    """One line of the credit ledger (学时台账). Credits are always summed from here; nothing keeps a copy.

    A record is never edited or deleted: a correction is a new manual record with negative points and a reason.
    Lessons, micro lessons and course tests count once per member (a unique constraint), whatever the number of
    requests that complete them at the same moment.
    """

    class Source(models.TextChoices):
        LESSON = "lesson", "课程学习"
        COURSE_TEST = "course_test", "课程测试"
        MICRO_LESSON = "micro_lesson", "微型党课"
        MANUAL = "manual", "线下学习"

    class Activity(models.TextChoices):
        MEETINGS = "three_meetings", "三会一课"
        PARTY_DAY = "party_day", "主题党日"
        GROUP_STUDY = "group_study", "集中学习"
        PARTY_SCHOOL = "party_school", "党校培训"
        OTHER = "other", "其他学习"
        CORRECTION = "correction", "更正"

    ONCE_SOURCES = [Source.LESSON, Source.COURSE_TEST, Source.MICRO_LESSON]

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="credit_records"
    )
    year = models.PositiveSmallIntegerField("年度")
    points = models.DecimalField("学时", max_digits=5, decimal_places=2)
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    activity = models.CharField("学习形式", max_length=20, choices=Activity.choices, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="课程或章节",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    course = models.ForeignKey(
        "learning.CoursePage",
        verbose_name="所属课程",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name="更正的记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    reason = models.CharField("事由", max_length=200)
    attachment = models.FileField("附件", upload_to=attachment_path, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "学时记录"
        verbose_name_plural = "学时台账"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "source", "page"],
                condition=Q(source__in=["lesson", "course_test", "micro_lesson"], page__isnull=False),
                name="learning_credit_once_per_source",
            ),
            models.CheckConstraint(condition=~Q(points=0), name="learning_credit_not_zero"),
            models.CheckConstraint(
                condition=Q(source="manual") | Q(points__gt=0), name="learning_only_manual_credit_negative"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="learning_credit_has_reason"),
        ]
        indexes = [models.Index(fields=["year", "member"]), models.Index(fields=["member", "year", "source"])]

    def __str__(self):
        return f"{self.member} {self.year} {self.points:+} {self.get_source_display()}"
