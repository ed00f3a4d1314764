"""Numbered course certificates (结业证明): issued once per member and course, checkable by anyone by number."""

from django.db import models
from django.utils import timezone

from dangjian.records import BulkRecord


class CertificateCounter(BulkRecord):
    """The last serial of a year's course certificates; locked while a number is taken."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    last_serial = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "结业证明编号计数"
        verbose_name_plural = "结业证明编号计数"

    def __str__(self):
        return f"{self.year}: {self.last_serial}"


class CourseCertificate(models.Model):
    """A member's 结业证明 of a course: `DXKC{year}{serial:05d}-{check}`, where the check is random, so that
    numbers cannot be guessed from one another. The course, the holder's name and the completion date are kept as
    issued, so that a printed certificate can still be checked after the course is renamed or removed."""

    number = models.CharField("证明编号", max_length=24, unique=True, editable=False)
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="course_certificates"
    )
    course = models.ForeignKey(
        "learning.CoursePage",
        verbose_name="课程",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    holder_name = models.CharField("姓名", max_length=50)
    course_title = models.CharField("课程名称", max_length=255)
    course_year = models.PositiveSmallIntegerField("学习年度")
    completed_on = models.DateField("结业日期")
    issued_at = models.DateTimeField("出具时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "结业证明"
        verbose_name_plural = "结业证明"
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "course"], name="learning_one_certificate_per_course"),
        ]

    def __str__(self):
        return self.number
