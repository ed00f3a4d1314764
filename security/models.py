"""The security audit log (等保 2.0): who did what, when and from where; written only, never edited."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from dangjian.records import BulkRecord


class SecurityEvent(BulkRecord):
    class Kind(models.TextChoices):
        LOGIN = "login", "登录成功"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKOUT = "lockout", "账号锁定"
        LOGOUT = "logout", "退出登录"
        GROUPS_CHANGED = "groups_changed", "角色变更"
        ACCOUNT_FLAGS_CHANGED = "account_flags_changed", "账号权限变更"
        GROUP_PERMISSIONS_CHANGED = "group_permissions_changed", "角色权限变更"
        EXPORT = "export", "数据导出"
        ROSTER_IMPORT = "roster_import", "名册导入"
        BALLOT_QUARANTINE = "ballot_quarantine", "选票隔离"
        PURGE = "purge", "清理过期审计记录"

    time = models.DateTimeField("时间", default=timezone.now, db_index=True)
    kind = models.CharField("事件类型", max_length=40, choices=Kind.choices, db_index=True)
    # Who acted (or tried to log in): the account if there is one, and the name as typed or as it was then.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,  # a purge of accounts never waits on, or rewrites, the log
    )
    username = models.CharField("用户名", max_length=150, blank=True, db_index=True)
    address = models.CharField("客户端地址", max_length=64, blank=True, db_index=True)
    path = models.CharField("请求地址", max_length=300, blank=True)
    target = models.CharField("对象", max_length=300, blank=True)
    summary = models.CharField("摘要", max_length=500)
    detail = models.JSONField("详情", default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = "安全审计事件"
        verbose_name_plural = "安全审计日志"
        ordering = ["-time", "-pk"]
        # Records are never added, changed or deleted by hand: only "view" exists, for the 审计管理员.
        default_permissions = ("view",)

    def __str__(self):
        return f"{timezone.localtime(self.time):%Y-%m-%d %H:%M:%S} {self.summary}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("安全审计记录不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("安全审计记录不可删除，过期记录由 purge_security_events 清理。")

    @property
    def detail_text(self):
        """The detail as one readable line, for the listing and the export."""
        parts = []
        for key, value in (self.detail or {}).items():
            if isinstance(value, list):
                value = "、".join(str(item) for item in value)
            elif isinstance(value, bool):
                value = "是" if value else "否"
            parts.append(f"{DETAIL_LABELS.get(key, key)}：{value}")
        return "；".join(parts)


DETAIL_LABELS = {
    "added": "加入",
    "removed": "移出",
    "changes": "变更",
    "count": "条数",
    "reason": "原因",
    "code": "选票编号",
    "file": "文件",
    "sha256": "SHA-256",
    "summary": "变动",
    "source": "来源",
    "filters": "筛选条件",
    "deleted": "删除条数",
    "before": "早于",
    "page": "页面",
    "collection": "文件夹",
    "permission": "权限",
    "year": "年度",
    "created": "新建账号",
}
