"""Ballots: one per voter per competition (or per day), kept for ever; a suspicious one is quarantined, never deleted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dangjian.records import BulkRecord


class BallotQuerySet(models.QuerySet):
    def counted(self):
        return self.filter(status=Ballot.Status.COUNTED)


class Ballot(BulkRecord):
    class Status(models.TextChoices):
        COUNTED = "counted", "有效计票"
        QUARANTINED = "quarantined", "已隔离（不计票）"

    # Every index is written by every ballot, the busiest write of the site: none that another one covers. The
    # indexes below that start with the competition serve lookups by competition.
    competition = models.ForeignKey(
        "awards.CompetitionPage",
        verbose_name="评选",
        on_delete=models.PROTECT,
        related_name="ballots",
        db_index=False,
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="投票人", on_delete=models.PROTECT, related_name="award_ballots"
    )
    voting_day = models.DateField(
        "投票日", null=True, blank=True, help_text="每天可投一次的评选记录投票当天（北京时间）；限投一次的评选为空。"
    )
    # Unique by a constraint, not unique=True, which on PostgreSQL adds a second index for LIKE that no query uses.
    code = models.CharField("选票凭证号", max_length=20)
    cast_at = models.DateTimeField("投票时间", default=timezone.now)
    client_hash = models.CharField(
        "来源地址摘要", max_length=64, blank=True, help_text="客户端地址加盐后的 HMAC-SHA256 摘要，不保存地址本身。"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.COUNTED)
    quarantine_reason = models.TextField("隔离原因", blank=True)
    quarantined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="隔离操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quarantined_at = models.DateTimeField("隔离时间", null=True, blank=True)

    objects = BallotQuerySet.as_manager()

    class Meta:
        verbose_name = "选票"
        verbose_name_plural = "选票"
        ordering = ["-cast_at"]
        permissions = [("quarantine_ballot", "可隔离可疑选票")]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="awards_ballot_code_unique"),
            # What must never happen is refused by the database: a second ballot from the same voter.
            models.UniqueConstraint(
                fields=["competition", "voter"],
                condition=Q(voting_day__isnull=True),
                name="awards_one_ballot_per_voter",
            ),
            models.UniqueConstraint(
                fields=["competition", "voter", "voting_day"],
                condition=Q(voting_day__isnull=False),
                name="awards_one_ballot_per_voter_per_day",
            ),
            models.CheckConstraint(
                condition=Q(status="counted") | ~Q(quarantine_reason=""),
                name="awards_quarantine_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["competition", "status"]), models.Index(fields=["competition", "client_hash"])]

    def __str__(self):
        return f"选票 {self.code}"

    @property
    def voter_name(self):
        member = getattr(self.voter, "member", None)  # the reverse one-to-one raises an AttributeError when absent
        name = member.name if member else self.voter.get_full_name()
        return f"{name}（{self.voter.username}）" if name else self.voter.username

    @property
    def short_hash(self):
        return self.client_hash[:12]

    @property
    def is_counted(self):
        return self.status == self.Status.COUNTED


class BallotChoice(BulkRecord):
    # Indexed by the unique constraint below, which starts with the ballot.
    ballot = models.ForeignKey(
        Ballot, verbose_name="选票", on_delete=models.CASCADE, related_name="choices", db_index=False
    )
    entry = models.ForeignKey(
        "awards.EntryPage", verbose_name="作品", on_delete=models.PROTECT, related_name="ballot_choices"
    )

    class Meta:
        verbose_name = "选票所选作品"
        verbose_name_plural = "选票所选作品"
        constraints = [models.UniqueConstraint(fields=["ballot", "entry"], name="awards_choice_once_per_ballot")]

    def __str__(self):
        return f"{self.ballot.code} → {self.entry_id}"
