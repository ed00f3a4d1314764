"""How long the audit log is kept: 等保 2.0 asks for at least 180 days."""

from django.conf import settings

MINIMUM_RETENTION_DAYS = 180
DEFAULT_RETENTION_DAYS = 365


def retention_days():
    return getattr(settings, "SECURITY_AUDIT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def retention_error(days):
    """A Chinese explanation if `days` is not a valid retention period, else ""."""
    if not isinstance(days, int) or isinstance(days, bool) or days < MINIMUM_RETENTION_DAYS:
        return (
            f"SECURITY_AUDIT_RETENTION_DAYS 为 {days!r}：等保 2.0 要求安全审计记录至少保存 "
            f"{MINIMUM_RETENTION_DAYS} 天，请设为不小于 {MINIMUM_RETENTION_DAYS} 的整数。"
        )
    return ""
