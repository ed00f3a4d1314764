"""Separation of duties: what each of the three roles may do, and what a 系统管理员 cannot give himself."""

import io
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupApprovalTask, Workflow

from members import roles
from security.models import SecurityEvent

pytestmark = pytest.mark.django_db


def _codenames(name):
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_each_role_has_exactly_its_duties():
    system = _codenames(roles.SYSTEM_ADMIN)
    assert {"wagtailadmin.access_admin", "auth.add_user", "auth.change_user", "auth.change_group"} <= system
    assert "home.change_sitesettings" in system and "wagtailcore.change_site" in system
    assert not {p for p in system if p.startswith(("security.", "axes.")) or p.endswith("_page")}
    security = _codenames(roles.SECURITY_ADMIN)
    assert {"wagtailadmin.access_admin", "axes.view_accessattempt", "axes.delete_accessattempt"} <= security
    assert not {p for p in security if p.startswith(("security.", "auth."))}
    assert _codenames(roles.AUDIT_ADMIN) == {"wagtailadmin.access_admin", "security.view_securityevent"}


def test_wagtails_unused_default_groups_and_workflow_are_gone():
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not GroupApprovalTask.objects.filter(name="Moderators approval").exists()


def _form(user, groups, **extra):
    return {
        "username": user.username,
        "email": user.email or f"{user.username}@dangjian.example",
        "first_name": user.first_name or "某",
        "last_name": user.last_name or "某",
        "is_active": "on",
        "groups": [Group.objects.get(name=name).pk for name in groups],
        **extra,
    }


NEW_USER = SimpleNamespace(username="xinren", email="", first_name="", last_name="")


def test_a_system_administrator_manages_ordinary_accounts(client, sysadmin, make_user):
    client.force_login(sysadmin)
    assert client.get(reverse("wagtailusers_users:index")).status_code == 200
    response = client.post(
        reverse("wagtailusers_users:add"),
        {**_form(NEW_USER, [roles.REVIEWER]), "password1": "Zq7#kLm29xw", "password2": "Zq7#kLm29xw"},
    )
    assert response.status_code == 302
    assert Group.objects.get(name=roles.REVIEWER).user_set.filter(username="xinren").exists()


@pytest.mark.parametrize(
    "groups, extra",
    [([roles.AUDIT_ADMIN], {}), ([roles.SECURITY_ADMIN], {}), ([roles.SYSTEM_ADMIN], {"is_superuser": "on"})],
)
def test_a_system_administrator_cannot_hand_out_audit_security_or_superuser_powers(client, sysadmin, groups, extra):
    client.force_login(sysadmin)
    response = client.post(reverse("wagtailusers_users:edit", args=[sysadmin.pk]), _form(sysadmin, groups, **extra))
    assert response.status_code == 403
    assert "只有超级用户" in response.content.decode()
    sysadmin.refresh_from_db()
    assert not sysadmin.is_superuser and list(sysadmin.groups.values_list("name", flat=True)) == [roles.SYSTEM_ADMIN]
    response = client.post(
        reverse("wagtailusers_users:add"),
        {**_form(NEW_USER, groups, **extra), "password1": "Zq7#kLm29xw", "password2": "Zq7#kLm29xw"},
    )
    assert response.status_code == 403 and not Group.objects.filter(user__username="xinren").exists()


def test_a_system_administrator_cannot_edit_or_take_over_the_auditor(client, sysadmin, auditor, make_user):
    client.force_login(sysadmin)
    url = reverse("wagtailusers_users:edit", args=[auditor.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {**_form(auditor, []), "password1": "Zq7#kLm29xw", "password2": "Zq7#kLm29xw"})
    assert response.status_code == 403 and "只有超级用户可以修改" in response.content.decode()
    auditor.refresh_from_db()
    assert auditor.check_password("secret2026") and auditor.groups.filter(name=roles.AUDIT_ADMIN).exists()


def test_the_bulk_assign_role_is_guarded_too(client, sysadmin, make_user):
    target = make_user("yuangong")
    client.force_login(sysadmin)
    url = reverse("wagtail_bulk_action", args=["auth", "user", "assign_role"]) + f"?id={target.pk}"
    audit_group = Group.objects.get(name=roles.AUDIT_ADMIN)
    response = client.post(url, {"role": audit_group.pk})
    assert response.status_code == 403
    assert not target.groups.filter(pk=audit_group.pk).exists()
    response = client.post(url, {"role": Group.objects.get(name=roles.REVIEWER).pk})
    assert response.status_code == 302 and target.groups.filter(name=roles.REVIEWER).exists()


def test_a_superuser_may_appoint_the_auditor_and_it_is_on_the_record(client, make_user, django_user_model):
    root = django_user_model.objects.create_superuser("rescue", password="secret2026")
    person = make_user("jianchayuan", first_name="文静", last_name="钱")
    client.force_login(root)
    response = client.post(reverse("wagtailusers_users:edit", args=[person.pk]), _form(person, [roles.AUDIT_ADMIN]))
    assert response.status_code == 302 and person.groups.filter(name=roles.AUDIT_ADMIN).exists()
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.GROUPS_CHANGED).latest("pk")
    assert (event.user, event.target, event.detail) == (root, "jianchayuan", {"added": [roles.AUDIT_ADMIN]})


def _group_form(client, url):
    """What Wagtail's group editor posts unchanged: its inputs (management forms included) and checked boxes."""
    html = client.get(url).content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if not name or 'type="submit"' in tag or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        data.setdefault(name.group(1), []).append(value.group(1) if value else "")
    return data


def test_a_system_administrator_cannot_widen_his_own_role_or_empty_the_auditors(client, sysadmin):
    client.force_login(sysadmin)
    for name in (roles.SYSTEM_ADMIN, roles.AUDIT_ADMIN, roles.SECURITY_ADMIN):
        group = Group.objects.get(name=name)
        before = _codenames(name)
        url = reverse("wagtailusers_groups:edit", args=[group.pk])
        response = client.post(url, {**_group_form(client, url), "name": f"{name}（改）"})
        assert response.status_code in (302, 403), name  # Wagtail's "no permission": a redirect with a message
        assert Group.objects.filter(name=name).exists() and _codenames(name) == before
        assert client.post(reverse("wagtailusers_groups:delete", args=[group.pk])).status_code in (302, 403)
        assert Group.objects.filter(pk=group.pk).exists()


def test_a_system_administrator_edits_the_other_roles(client, sysadmin):
    client.force_login(sysadmin)
    group = Group.objects.create(name="评审专家组")
    url = reverse("wagtailusers_groups:edit", args=[group.pk])
    response = client.post(url, {**_group_form(client, url), "name": "十佳评审专家组"})
    assert response.status_code == 302 and response["Location"] == reverse("wagtailusers_groups:index")
    assert Group.objects.get(pk=group.pk).name == "十佳评审专家组"
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.GROUP_PERMISSIONS_CHANGED).latest("pk")
    assert (event.user, event.detail) == (sysadmin, {"changes": ["角色改名：评审专家组 → 十佳评审专家组"]})


def test_the_demo_has_one_account_per_separated_role():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from members.demo import DEMO_PASSWORD

    call_command("seed_demo", "--skip-index", stdout=io.StringIO())
    for username, role in (
        ("sysadmin", roles.SYSTEM_ADMIN),
        ("secadmin", roles.SECURITY_ADMIN),
        ("auditor", roles.AUDIT_ADMIN),
    ):
        user = get_user_model().objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert not user.is_superuser and user.check_password(DEMO_PASSWORD)
