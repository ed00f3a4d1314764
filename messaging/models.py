from django.conf import settings
from django.db import models
from django.utils import timezone

from dangjian.records import BulkRecord


class Message(BulkRecord):
    """A message in a user's inbox on the site (站内消息): every notice the site sends lands here, whatever other
    channel (e-mail) also carries it, so that a member without an e-mail address still learns it on /me/."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="收件人", on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField("标题", max_length=200)
    text = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=500, blank=True, help_text="站内地址，点击消息时前往。")
    kind = models.CharField("类型", max_length=40, blank=True)
    created_at = models.DateTimeField("发送时间", default=timezone.now)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="message_inbox")]

    def __str__(self):
        return self.subject

    @property
    def is_read(self):
        return self.read_at is not None
