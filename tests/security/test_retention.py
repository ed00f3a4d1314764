"""The audit log is kept SECURITY_AUDIT_RETENTION_DAYS (at least 180): the purge deletes only what is older."""

import datetime
import io

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.utils import timezone

from security import audit
from security.models import SecurityEvent

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


def _event_aged(days):
    event = audit.record(Kind.LOGIN_FAILED, username=f"aged{days}")
    SecurityEvent.objects.filter(pk=event.pk).update(time=timezone.now() - datetime.timedelta(days=days))
    return event


def test_the_purge_keeps_what_is_within_the_retention_period(settings):
    settings.SECURITY_AUDIT_RETENTION_DAYS = 180
    kept = [_event_aged(0), _event_aged(179)]
    gone = [_event_aged(181), _event_aged(400)]
    output = io.StringIO()
    call_command("purge_security_events", stdout=output)
    assert "已删除 2 条 180 天以前的安全审计记录" in output.getvalue()
    remaining = set(SecurityEvent.objects.values_list("pk", flat=True))
    assert {event.pk for event in kept} <= remaining
    assert not {event.pk for event in gone} & remaining
    purge = SecurityEvent.objects.get(kind=Kind.PURGE)
    assert purge.detail["deleted"] == 2 and purge.summary == "清理过期审计记录：180 天以前"


def test_the_default_keeps_a_year(settings):
    del settings.SECURITY_AUDIT_RETENTION_DAYS
    younger, older = _event_aged(364), _event_aged(366)
    call_command("purge_security_events", stdout=io.StringIO())
    assert SecurityEvent.objects.filter(pk=younger.pk).exists()
    assert not SecurityEvent.objects.filter(pk=older.pk).exists()


@pytest.mark.parametrize("days", [179, 30, 0, "365"])
def test_a_retention_below_180_days_is_refused(settings, days):
    settings.SECURITY_AUDIT_RETENTION_DAYS = days
    old = _event_aged(200)
    with pytest.raises(CommandError, match="至少保存 180 天"):
        call_command("purge_security_events")
    assert SecurityEvent.objects.filter(pk=old.pk).exists()
    assert [error.id for error in run_checks() if error.id.startswith("security.")] == ["security.E001"]
