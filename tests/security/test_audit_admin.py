"""The 安全审计日志 in the admin: the 审计管理员 reads, filters, searches and exports it; nobody else sees it, and
nobody (not even a superuser) edits or deletes a record there."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook

from members import roles
from security import audit
from security.models import SecurityEvent

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind
URL = "/admin/security-events/"


@pytest.fixture
def logged():
    """A few events: a failed login from outside, an export, a lockout ten days ago."""
    failed = audit.record(Kind.LOGIN_FAILED, username="admin", target="admin")
    SecurityEvent.objects.filter(pk=failed.pk).update(address="203.0.113.7")
    exported = audit.record(Kind.EXPORT, username="editor", target="2026年志愿服务时长")
    SecurityEvent.objects.filter(pk=exported.pk).update(address="10.8.1.5")
    old = audit.record(Kind.LOCKOUT, username="member2", target="member2")
    SecurityEvent.objects.filter(pk=old.pk).update(time=timezone.now() - datetime.timedelta(days=10))
    return {"failed": failed, "exported": exported, "old": old}


def _listed(response):
    return list(response.context["object_list"])


def test_the_auditor_sees_filters_and_searches_the_log(client, auditor, logged):
    client.force_login(auditor)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "安全审计日志" in html and "登录失败：admin" in html and "203.0.113.7" in html
    assert set(_listed(response)) >= set(logged.values())

    assert _listed(client.get(URL, {"kind": Kind.LOGIN_FAILED})) == [logged["failed"]]
    assert _listed(client.get(URL, {"username": "membe"})) == [logged["old"]]
    assert _listed(client.get(URL, {"address": "203.0.113."})) == [logged["failed"]]
    today = timezone.localdate()
    recent = _listed(client.get(URL, {"time_from": today - datetime.timedelta(days=2), "time_to": today}))
    assert logged["old"] not in recent and logged["exported"] in recent
    assert _listed(client.get(URL, {"q": "志愿服务"})) == [logged["exported"]]
    # The detail page, and no way to change anything.
    inspect = client.get(f"{URL}inspect/{logged['failed'].pk}/")
    assert inspect.status_code == 200 and "203.0.113.7" in inspect.content.decode()
    assert f"{URL}edit/" not in html and f"{URL}new/" not in html
    assert client.get(f"{URL}edit/{logged['failed'].pk}/").status_code in (302, 403)
    assert client.post(f"{URL}delete/{logged['failed'].pk}/").status_code in (302, 403)
    assert SecurityEvent.objects.filter(pk=logged["failed"].pk).exists()


def test_the_auditor_exports_the_log_and_the_export_is_recorded(client, auditor, logged):
    client.force_login(auditor)
    response = client.get(URL, {"kind": Kind.LOGIN_FAILED, "export": "xlsx"}, REMOTE_ADDR="10.8.9.9")
    assert response.status_code == 200
    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    rows = list(sheet.values)
    assert rows[0][:5] == ("时间", "事件类型", "用户名", "客户端地址", "摘要")
    assert [row[1:5] for row in rows[1:]] == [("登录失败", "admin", "203.0.113.7", "登录失败：admin")]
    event = SecurityEvent.objects.filter(kind=Kind.EXPORT, target="安全审计日志").get()
    assert (event.user, event.address, event.detail) == (
        auditor,
        "10.8.9.9",
        {"count": 1, "filters": {"kind": "login_failed"}},
    )

    csv_response = client.get(URL, {"export": "csv"})
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert "登录失败：admin" in text and list(csv.reader(io.StringIO(text)))[0][0] == "时间"


@pytest.mark.parametrize("role", [roles.PARTY_CADRE, roles.SYSTEM_ADMIN, roles.SECURITY_ADMIN, roles.REVIEWER])
def test_other_roles_have_no_access_to_the_log(client, make_user, role, logged):
    client.force_login(make_user("someone", role))
    for url in (URL, f"{URL}inspect/{logged['failed'].pk}/", f"{URL}?export=xlsx"):
        response = client.get(url)
        assert response.status_code in (302, 403), (role, url)
        assert "203.0.113.7" not in response.content.decode()
    assert URL not in client.get("/admin/").content.decode()  # the menu (JSON for the sidebar) has no link
    assert not SecurityEvent.objects.filter(kind=Kind.EXPORT, target="安全审计日志").exists()


def test_the_auditors_menu_shows_the_log(client, auditor):
    client.force_login(auditor)
    assert URL in client.get("/admin/").content.decode()


def test_the_group_editor_never_offers_the_audit_permission(client, sysadmin):
    client.force_login(sysadmin)
    group = Group.objects.get(name=roles.SYSTEM_ADMIN)
    response = client.get(f"/admin/groups/edit/{group.pk}/")
    assert response.status_code == 200
    assert "securityevent" not in response.content.decode()
