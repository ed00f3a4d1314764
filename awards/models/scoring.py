"""Expert scores, objections raised during publicity (公示), and the frozen final results."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from dangjian.records import BulkRecord


def person_name(user):
    """A person as the committee knows him: his member record's name, else his full name, else the username."""
    if user is None:
        return ""
    try:
        member = user.member
    except ObjectDoesNotExist:
        member = None
    return (member.name if member else "") or user.get_full_name() or user.username


class ExpertScore(BulkRecord):
    competition = models.ForeignKey(
        "awards.CompetitionPage", verbose_name="评选", on_delete=models.PROTECT, related_name="expert_scores"
    )
    entry = models.ForeignKey(
        "awards.EntryPage", verbose_name="作品", on_delete=models.PROTECT, related_name="expert_scores"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评审专家", on_delete=models.PROTECT, related_name="award_scores"
    )
    score = models.DecimalField("评分", max_digits=6, decimal_places=1, validators=[MinValueValidator(0)])
    comment = models.CharField("评语", max_length=500, blank=True)
    scored_at = models.DateTimeField("评分时间", default=timezone.now)

    class Meta:
        verbose_name = "专家评分"
        verbose_name_plural = "专家评分"
        constraints = [
            models.UniqueConstraint(fields=["entry", "expert"], name="awards_one_score_per_expert_and_entry"),
            models.CheckConstraint(condition=models.Q(score__gte=0), name="awards_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.expert} → {self.entry_id}: {self.score}"


class Objection(models.Model):
    """A signed objection (异议) to a proposed result, raised by a logged-in user during the publicity period."""

    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        UPHELD = "upheld", "异议成立"
        DISMISSED = "dismissed", "异议不成立"

    competition = models.ForeignKey(
        "awards.CompetitionPage", verbose_name="评选", on_delete=models.PROTECT, related_name="objections"
    )
    entry = models.ForeignKey(
        "awards.EntryPage",
        verbose_name="所涉作品",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人账号", on_delete=models.PROTECT, related_name="award_objections"
    )
    signature = models.CharField("署名", max_length=50)
    contact = models.CharField("联系电话", max_length=20, blank=True)
    content = models.TextField("异议内容")
    raised_at = models.DateTimeField("提出时间", default=timezone.now)
    status = models.CharField("处理状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    handling = models.TextField("处理情况", blank=True, help_text="评选委员会的核查和处理意见，将告知提出人。")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        ordering = ["-raised_at"]

    def __str__(self):
        return f"{self.signature}：{self.content[:20]}"


class Finalization(models.Model):
    """The committee's decision (定案): after it, the results below are frozen and the winners carry their mark."""

    competition = models.OneToOneField(
        "awards.CompetitionPage", verbose_name="评选", on_delete=models.PROTECT, related_name="finalization"
    )
    finalized_at = models.DateTimeField("定案时间", default=timezone.now)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="定案人", on_delete=models.PROTECT, related_name="+"
    )
    public_weight = models.PositiveSmallIntegerField("群众投票权重（%）")
    max_score = models.PositiveSmallIntegerField("专家评分满分")
    highest_votes = models.PositiveIntegerField("最高票数")
    counted_ballots = models.PositiveIntegerField("有效选票")
    quarantined_ballots = models.PositiveIntegerField("隔离选票")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "评选定案"
        verbose_name_plural = "评选定案"

    def __str__(self):
        return f"{self.competition} 定案"

    @property
    def expert_weight(self):
        return 100 - self.public_weight

    @property
    def finalized_by_name(self):
        return person_name(self.finalized_by)


class FinalResult(models.Model):
    competition = models.ForeignKey(
        "awards.CompetitionPage", verbose_name="评选", on_delete=models.PROTECT, related_name="final_results"
    )
    entry = models.ForeignKey(
        "awards.EntryPage", verbose_name="作品", on_delete=models.PROTECT, related_name="final_results"
    )
    rank = models.PositiveSmallIntegerField("名次")
    votes = models.PositiveIntegerField("得票")
    expert_average = models.DecimalField("专家平均分", max_digits=7, decimal_places=2, null=True)
    expert_count = models.PositiveSmallIntegerField("评分专家数")
    public_part = models.DecimalField("群众投票得分", max_digits=6, decimal_places=2)
    expert_part = models.DecimalField("专家评分得分", max_digits=6, decimal_places=2)
    total = models.DecimalField("综合得分", max_digits=6, decimal_places=2)
    is_winner = models.BooleanField("获奖", default=False)

    class Meta:
        verbose_name = "评选结果"
        verbose_name_plural = "评选结果"
        ordering = ["competition", "rank"]
        constraints = [models.UniqueConstraint(fields=["competition", "entry"], name="awards_one_result_per_entry")]
        indexes = [models.Index(fields=["is_winner", "entry"])]

    def __str__(self):
        return f"{self.rank}. {self.entry_id}"
