"""Each kind of security event is recorded, with who, from where and what, whichever way it happens."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from members import roles
from security.models import SecurityEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


def test_a_successful_login_and_logout_are_recorded_with_the_address(client, make_user, events):
    user = make_user("zhangsan2026")
    response = client.post(
        reverse("login"), {"username": "zhangsan2026", "password": PASSWORD}, REMOTE_ADDR="10.8.1.23"
    )
    assert response.status_code == 302
    [login] = events(Kind.LOGIN)
    assert (login.user, login.username, login.address, login.summary) == (
        user,
        "zhangsan2026",
        "10.8.1.23",
        "登录成功：zhangsan2026",
    )
    client.post(reverse("logout"), REMOTE_ADDR="10.8.1.23")
    [logout] = events(Kind.LOGOUT)
    assert (logout.user, logout.address) == (user, "10.8.1.23")


def test_a_failed_login_keeps_the_name_as_typed(client, make_user, events):
    user = make_user("lisi")
    client.post(reverse("login"), {"username": "lisi", "password": "wrong-one-1"})
    client.post(reverse("login"), {"username": "nobody-here", "password": "wrong-one-1"})
    failed = events(Kind.LOGIN_FAILED)
    assert [(event.username, event.user) for event in failed] == [("lisi", user), ("nobody-here", None)]
    assert all(event.address == "127.0.0.1" for event in failed)
    assert "wrong-one-1" not in str([event.detail for event in failed])  # never the password


def test_a_lockout_is_recorded(client, settings, make_user, events):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("wangwu")
    for _ in range(3):
        client.post(reverse("login"), {"username": "wangwu", "password": "wrong-one-1"})
    [lockout] = events(Kind.LOCKOUT)
    assert lockout.username == "wangwu" and lockout.address == "127.0.0.1"


def _user_form(user, groups, **extra):
    data = {
        "username": user.username,
        "email": user.email or f"{user.username}@dangjian.example",
        "first_name": user.first_name or "某",
        "last_name": user.last_name or "某",
        "is_active": "on",
        "groups": [group.pk for group in groups],
    }
    return {**data, **extra}


def test_a_role_change_in_the_admin_names_who_made_it(client, sysadmin, make_user, events):
    editor = make_user("xiaomei", first_name="晓梅", last_name="周")
    before = len(events(Kind.GROUPS_CHANGED))
    client.force_login(sysadmin)
    cadres = Group.objects.get(name=roles.PARTY_CADRE)
    response = client.post(
        reverse("wagtailusers_users:edit", args=[editor.pk]), _user_form(editor, [cadres]), REMOTE_ADDR="10.8.1.5"
    )
    assert response.status_code == 302
    assert list(editor.groups.values_list("name", flat=True)) == [roles.PARTY_CADRE]
    [change] = events(Kind.GROUPS_CHANGED)[before:]
    assert (change.user, change.address, change.target) == (sysadmin, "10.8.1.5", "xiaomei")
    assert change.detail == {"added": [roles.PARTY_CADRE]}
    assert change.path == reverse("wagtailusers_users:edit", args=[editor.pk])

    editor.groups.clear()  # outside any request (a shell): recorded too, with no one named
    removal = events(Kind.GROUPS_CHANGED)[-1]
    assert (removal.user, removal.detail) == (None, {"removed": [roles.PARTY_CADRE]})


def test_a_group_added_from_the_group_side_is_recorded_per_user(make_user, events):
    user = make_user("zhaoliu")
    Group.objects.get(name=roles.REVIEWER).user_set.add(user)
    change = events(Kind.GROUPS_CHANGED)[-1]
    assert (change.target, change.detail) == ("zhaoliu", {"added": [roles.REVIEWER]})


def test_permission_changes_of_a_role_are_recorded(events):
    group = Group.objects.get(name=roles.VOLUNTEER_MANAGER)
    permission = Permission.objects.get(codename="change_user")
    group.permissions.add(permission)
    group.permissions.remove(permission)
    added, removed = events(Kind.GROUP_PERMISSIONS_CHANGED)
    assert added.target == roles.VOLUNTEER_MANAGER and "auth.change_user" in added.detail["added"][0]
    assert "auth.change_user" in removed.detail["removed"][0]

    GroupPagePermission.objects.create(
        group=group, page=Page.objects.get(depth=1), permission=Permission.objects.get(codename="publish_page")
    )
    page_grant = events(Kind.GROUP_PERMISSIONS_CHANGED)[-1]
    assert page_grant.target == roles.VOLUNTEER_MANAGER and "publish_page" in page_grant.detail["permission"]


def test_superuser_staff_and_active_flags_are_recorded(make_user, events):
    user = make_user("qianqi")
    user.is_superuser = True
    user.save()
    user.is_active = False
    user.save()
    user.last_name = "钱"
    user.save()  # no flag changed: nothing recorded
    changes = [event.detail["changes"] for event in events(Kind.ACCOUNT_FLAGS_CHANGED)]
    assert changes == [["超级用户：否 → 是"], ["启用：是 → 否"]]

    get_user_model().objects.create_superuser("rescue", password=PASSWORD)
    created = events(Kind.ACCOUNT_FLAGS_CHANGED)[-1]
    assert created.target == "rescue" and created.detail["created"] is True
    assert "超级用户：是" in created.detail["changes"]


def test_events_are_never_edited_or_deleted_one_by_one(events, make_user):
    make_user("sunba").groups.add(Group.objects.get(name=roles.MEMBER))
    event = events(Kind.GROUPS_CHANGED)[-1]
    event.summary = "改过"
    with pytest.raises(ValueError, match="不可修改"):
        event.save()
    with pytest.raises(ValueError, match="不可删除"):
        event.delete()


def test_loading_data_is_not_a_change_of_roles(make_user, events):
    from django.core import serializers

    user = make_user("zhoujiu", roles.MEMBER)
    group = Group.objects.get(name=roles.REVIEWER)
    dumped = serializers.serialize("json", [user, group])
    before = len(events())
    for item in serializers.deserialize("json", dumped):
        item.save()
    assert len(events()) == before
