from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.search import index

from dangjian.records import BulkRecord
from members.privacy import mask_phone

from ..validators import no_markup
from .choices import AVAILABLE_TIMES, CATEGORIES, phone_validator
from .pages import SEAT_HOLDING, ServiceSlot


class VolunteerProfile(index.Indexed, models.Model):
    """志愿者信息库: one per user, member or not. The contact is private: the volunteer and coordinators only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="登录账号", on_delete=models.CASCADE, related_name="volunteer_profile"
    )
    name = models.CharField("姓名", max_length=50, validators=[no_markup])
    phone = models.CharField("联系电话", max_length=20, validators=[phone_validator])
    skills = models.CharField(
        "特长技能", max_length=200, blank=True, validators=[no_markup], help_text="例如：医疗护理、法律咨询、摄影。"
    )
    intentions = models.JSONField("服务意向", default=list, blank=True)
    available_times = models.JSONField("可服务时间", default=list, blank=True)
    note = models.TextField("备注", max_length=500, blank=True, validators=[no_markup])
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = "志愿者信息库"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    masked_phone.fget.short_description = "联系电话"

    @property
    def intention_labels(self):
        labels = dict(CATEGORIES.choices)
        return [labels[value] for value in self.intentions if value in labels]

    @property
    def available_time_labels(self):
        labels = dict(AVAILABLE_TIMES.choices)
        return [labels[value] for value in self.available_times if value in labels]


class SignUp(BulkRecord):
    """One person on one slot. The database holds the rules: one active sign-up per person per slot, and each
    confirmed sign-up holds a distinct seat number (assigned from 1 to the slot's capacity under a row lock)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "已报名"
        WAITLISTED = "waitlisted", "候补"
        CANCELLED = "cancelled", "已取消"
        ATTENDED = "attended", "已出勤"
        ABSENT = "absent", "缺勤"

    HOLDS_SEAT = SEAT_HOLDING
    ACTIVE = (*SEAT_HOLDING, "waitlisted")

    slot = models.ForeignKey(ServiceSlot, verbose_name="服务时段", on_delete=models.PROTECT, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="志愿者", on_delete=models.CASCADE, related_name="volunteer_signups"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    seat = models.PositiveSmallIntegerField("名额序号", null=True, blank=True)
    hours = models.DecimalField("服务时长（小时）", max_digits=5, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField("报名时间", default=timezone.now)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    promoted_at = models.DateTimeField("候补转正时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", null=True, blank=True)

    class Meta:
        verbose_name = "报名记录"
        verbose_name_plural = "报名记录"
        ordering = ["slot__start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "user"],
                condition=~Q(status="cancelled"),
                name="volunteers_signup_one_active_per_person_and_slot",
                violation_error_message="您已报名该时段。",
            ),
            models.UniqueConstraint(
                fields=["slot", "seat"], condition=Q(seat__isnull=False), name="volunteers_signup_one_person_per_seat"
            ),
            models.CheckConstraint(
                # seat >= 1 is NULL (so passes a CHECK) when seat is NULL: say "not null" explicitly.
                condition=Q(status__in=SEAT_HOLDING, seat__isnull=False, seat__gte=1)
                | Q(status__in=["waitlisted", "cancelled"], seat__isnull=True),
                name="volunteers_signup_seat_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(hours=None) | Q(status="attended", hours__gt=0),
                name="volunteers_signup_hours_only_when_attended",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"]), models.Index(fields=["slot", "status"])]
        # Read-only totals of hours across 片组 and units (volunteers.reports), for the 工委's 党务干部.
        permissions = [("view_hours_overview", "可以查看志愿服务时长统计")]

    def __str__(self):
        return f"{self.user} · {self.slot}"

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def can_cancel(self):
        return self.status in (self.Status.CONFIRMED, self.Status.WAITLISTED) and not self.slot.has_started

    @classmethod
    def waitlist_positions(cls, signups):
        """{sign-up id: place on its slot's waitlist (1 = next)} for waitlisted sign-ups, in one query."""
        ids = [signup.pk for signup in signups if signup.status == cls.Status.WAITLISTED]
        if not ids:
            return {}
        ahead = (
            cls.objects.filter(slot=OuterRef("slot"), status=cls.Status.WAITLISTED, id__lt=OuterRef("id"))
            .order_by()
            .values("slot")
            .annotate(count=Count("id"))
            .values("count")
        )
        rows = cls.objects.filter(id__in=ids).annotate(ahead=Coalesce(Subquery(ahead), 0)).values_list("id", "ahead")
        return {pk: ahead + 1 for pk, ahead in rows}


class AttendanceChange(BulkRecord):
    """The audit trail of attendance and hours: every recording and every correction, never edited."""

    signup = models.ForeignKey(SignUp, verbose_name="报名记录", on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField("操作时间", default=timezone.now)
    old_status = models.CharField("原状态", max_length=20, choices=SignUp.Status.choices)
    new_status = models.CharField("新状态", max_length=20, choices=SignUp.Status.choices)
    old_hours = models.DecimalField("原时长", max_digits=5, decimal_places=1, null=True, blank=True)
    new_hours = models.DecimalField("新时长", max_digits=5, decimal_places=1, null=True, blank=True)
    reason = models.CharField("更正说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "出勤与时长记录"
        verbose_name_plural = "出勤与时长记录"
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.signup} {self.get_old_status_display()} → {self.get_new_status_display()}"

    @property
    def is_correction(self):
        return self.old_status in (SignUp.Status.ATTENDED, SignUp.Status.ABSENT)


class ServiceCertificate(models.Model):
    """志愿服务证明: a numbered snapshot of a volunteer's record, so that a printed copy can be checked later."""

    # NULL until the row has its id, from which the number is made (unique among the numbered ones).
    number = models.CharField("证明编号", max_length=30, unique=True, null=True, editable=False)  # noqa: DJ001
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="志愿者", on_delete=models.CASCADE, related_name="volunteer_certificates"
    )
    name = models.CharField("姓名", max_length=50)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True, help_text="空为全部年度。")
    hours = models.DecimalField("服务时长（小时）", max_digits=7, decimal_places=1)
    records = models.JSONField("服务记录", default=list)
    issuer = models.CharField("出具单位", max_length=100)
    # Who asked for it: the volunteer himself, or a coordinator on his behalf.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField("出具时间", default=timezone.now)

    class Meta:
        verbose_name = "志愿服务证明"
        verbose_name_plural = "志愿服务证明"
        ordering = ["-issued_at"]

    def __str__(self):
        return self.number or ""
