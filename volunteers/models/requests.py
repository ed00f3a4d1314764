from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from members.privacy import mask_phone

from ..validators import no_markup
from .choices import CATEGORIES, phone_validator


class ServiceRequest(models.Model):
    """服务需求 from the public. Lands in the admin queue; never shown on a public page."""

    class Status(models.TextChoices):
        NEW = "new", "待处理"
        ACCEPTED = "accepted", "已受理"
        DONE = "done", "已办结"
        DECLINED = "declined", "不予受理"

    title = models.CharField("需求事项", max_length=80, validators=[no_markup])
    description = models.TextField("具体情况", max_length=1000, validators=[no_markup])
    place = models.CharField("服务地点", max_length=100, validators=[no_markup])
    wanted_time = models.CharField("期望时间", max_length=60, validators=[no_markup])
    contact_name = models.CharField("联系人", max_length=30, validators=[no_markup])
    contact_phone = models.CharField("联系电话", max_length=20, validators=[phone_validator])
    status = models.CharField("处理状态", max_length=20, choices=Status.choices, default=Status.NEW)
    handler_note = models.TextField("处理情况", blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("提交时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "服务需求"
        verbose_name_plural = "服务需求"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def masked_phone(self):
        return mask_phone(self.contact_phone)

    masked_phone.fget.short_description = "联系电话"


class ProjectProposal(models.Model):
    """项目征集: a member proposes a project; the 工委 accepts it as a draft project page."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        ACCEPTED = "accepted", "已采纳"
        DECLINED = "declined", "未采纳"

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提议人", on_delete=models.CASCADE, related_name="volunteer_proposals"
    )
    organization = models.ForeignKey(
        "members.Organization",
        verbose_name="提议人所在党组织",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField("项目名称", max_length=60, validators=[no_markup])
    category = models.CharField("服务类别", max_length=20, choices=CATEGORIES.choices)
    description = models.TextField("项目内容", max_length=2000, validators=[no_markup])
    place = models.CharField("建议地点", max_length=100, validators=[no_markup])
    suggested_time = models.CharField("建议时间", max_length=60, blank=True, validators=[no_markup])
    volunteers_needed = models.PositiveSmallIntegerField(
        "所需人数", default=10, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    review_note = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    project_page = models.ForeignKey(
        "volunteers.VolunteerProjectPage",
        verbose_name="生成的项目页面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = "项目征集"
        verbose_name_plural = "项目征集"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title
