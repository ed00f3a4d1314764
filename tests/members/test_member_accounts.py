"""Members' login accounts: opened and reset by 党务干部 in the admin, initial passwords shown once, the change
forced at first login, every step in the log."""

import base64
import datetime
import re
import threading
from io import BytesIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from members import accounts, roles
from members.models import Member, PendingPasswordChange, RosterImport
from members.roster import apply_import, stage_import

from .conftest import row_of

pytestmark = pytest.mark.django_db

CREATE = "/admin/member-accounts/create/"
PASSWORD = re.compile(r"data-slip-password>([^<]+)<")
USERNAME = re.compile(r"data-slip-username>([^<]+)<")
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def reset_url(member):
    return reverse("member_accounts:reset", args=[member.pk])


def token_of(response):
    assert response.status_code == 200, response.status_code
    return TOKEN.search(response.content.decode()).group(1)


def open_for(client, *members):
    """Confirm and open accounts for members, as the admin page does; returns the result response."""
    query = {"id": [member.pk for member in members]}
    token = token_of(client.get(CREATE, query))
    return client.post(CREATE, {**query, "token": token})


def shown(response):
    html = response.content.decode()
    return dict(zip(USERNAME.findall(html), PASSWORD.findall(html), strict=True))


@pytest.fixture
def newcomer(org_tree):
    return Member.objects.create(
        name="孙晓东",
        organization=org_tree["finance_branch"],
        joined_on=datetime.date(2026, 1, 10),
        phone="15800003333",
    )


def test_the_migrations_give_the_right_to_editors_only():
    permission = Permission.objects.get(content_type__app_label="members", codename="manage_member_accounts")
    holders = set(permission.group_set.values_list("name", flat=True))
    assert holders == {roles.PARTY_CADRE}


def test_an_editor_opens_one_account_and_sees_its_password_once(client, editor_user, newcomer):
    client.force_login(editor_user)
    confirm = client.get(CREATE, {"id": newcomer.pk})
    html = confirm.content.decode()
    assert "将为以下 1 名党员开通登录账号" in html and "孙晓东" in html and f"m{newcomer.pk:04d}" in html

    response = client.post(CREATE, {"id": newcomer.pk, "token": token_of(confirm)})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    (username, password), *_ = shown(response).items()
    html = response.content.decode()
    assert "首次登录须修改密码" in html and "县财政局机关党支部" in html and "http://testserver/accounts/login/" in html

    newcomer.refresh_from_db()
    account = newcomer.user
    assert account.username == username == f"m{newcomer.pk:04d}"
    assert "15800003333" not in username
    assert account.first_name == "孙晓东" and not account.is_staff and not account.is_superuser
    assert list(account.groups.values_list("name", flat=True)) == [roles.MEMBER]
    # Only a hash is kept, of exactly the password shown.
    assert password not in account.password and account.check_password(password)
    pending = PendingPasswordChange.objects.get(user=account)
    assert (pending.reason, pending.issued_by) == (PendingPasswordChange.Reason.CREATED, editor_user)

    # The Excel file of the slips travels in the same response, never from an address of its own.
    href = re.search(r'href="data:[^;]+;base64,([^"]+)" download="([^"]+)"', html)
    assert href.group(2).startswith("党员登录通知单-") and href.group(2).endswith(".xlsx")
    rows = list(load_workbook(BytesIO(base64.b64decode(href.group(1)))).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "所在党组织", "用户名", "初始密码", "登录网址", "说明")
    assert rows[1] == (
        "孙晓东",
        "县财政局机关党支部",
        username,
        password,
        "http://testserver/accounts/login/",
        "首次登录须修改密码",
    )

    # Who opened which account, and when; never the password.
    entry = ModelLogEntry.objects.get(action=accounts.CREATE_ACTION)
    assert (entry.user_id, entry.object_id, entry.data) == (editor_user.pk, str(newcomer.pk), {"username": username})
    assert password not in str(entry.data)
    history = client.get(reverse("wagtailsnippets_members_member:history", args=[newcomer.pk])).content.decode()
    assert f"开通了登录账号 {username}" in history


def test_the_password_is_never_shown_again(client, editor_user, newcomer):
    client.force_login(editor_user)
    confirm = client.get(CREATE, {"id": newcomer.pk})
    token = token_of(confirm)
    first = client.post(CREATE, {"id": newcomer.pk, "token": token})
    (username, password), *_ = shown(first).items()
    stored = get_user_model().objects.get(username=username).password

    again = client.post(CREATE, {"id": newcomer.pk, "token": token})  # a reload of the result page
    assert again.status_code == 409
    assert password not in again.content.decode() and not PASSWORD.search(again.content.decode())
    assert "不能再次查看" in again.content.decode()
    assert get_user_model().objects.get(username=username).password == stored
    assert get_user_model().objects.filter(member__pk=newcomer.pk).count() == 1

    # A fresh confirmation finds the account and opens none.
    html = client.get(CREATE, {"id": newcomer.pk}).content.decode()
    assert "没有需要开通登录账号的党员" in html and f"已有登录账号（{username}）" in html
    assert password not in html
    # No page of the admin lists it: the member's page shows the account, not the password.
    page = client.get(reverse("wagtailsnippets_members_member:edit", args=[newcomer.pk])).content.decode()
    assert username in page and password not in page


@pytest.mark.parametrize("role", [roles.MEMBER, roles.REVIEWER])
def test_members_and_reviewers_are_refused(client, make_user, make_member, org_tree, newcomer, role):
    if role == roles.MEMBER:
        someone = make_member("someone", org_tree["finance_branch"], name="周敏")
    else:
        someone = make_user("someone", role)
    target = make_member("zhangsan", org_tree["finance_branch"], name="张三")
    stored = target.password
    client.force_login(someone)
    record = RosterImport.objects.create(file_name="x.xlsx", sha256="0" * 64, status=RosterImport.Status.APPLIED)
    requests = [
        ("get", CREATE, {"id": newcomer.pk}),
        ("post", CREATE, {"id": newcomer.pk, "token": "x"}),
        ("get", CREATE, {"import": record.pk}),
        ("post", CREATE, {"import": record.pk, "token": "x"}),
        ("get", reset_url(target.member), {}),
        ("post", reset_url(target.member), {"token": "x"}),
        ("get", "/admin/bulk/members/member/create_accounts/", {"id": newcomer.pk}),
    ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data, follow=True)
        if role == roles.REVIEWER:
            # In the admin, without the right: a 403 page of its own, not Wagtail's redirect to the dashboard.
            assert response.status_code == 403, (method, url)
            assert "没有开通党员登录账号或重置其密码的权限" in response.content.decode()
        else:
            # No admin access at all: Wagtail sends him to the admin's login page before any view runs.
            assert response.redirect_chain and "/admin/login/" in response.redirect_chain[-1][0], (method, url)
        assert not PASSWORD.search(response.content.decode())
    newcomer.refresh_from_db()
    assert newcomer.user is None
    target.refresh_from_db()
    assert target.password == stored
    assert (
        not PendingPasswordChange.objects.exists()
        and not ModelLogEntry.objects.filter(action__startswith="members.").exists()
    )


def test_new_members_of_a_roster_import_get_accounts_at_once(client, editor_user, register, make_roster):
    client.force_login(editor_user)
    rows = [row_of(member) for member in register.values()] + [
        ["孙晓东", "男", "县卫生健康局机关党支部", "预备党员", "2026-01-10", "15800003333", ""],
        ["钱佳怡", "女", "县财政局第二党支部", "正式党员", "2019-07-01", "", ""],
    ]
    record, _ = stage_import(make_roster(rows), "2026年12月党员名册.xlsx", user=editor_user)
    apply_import(record.pk, user=editor_user, expected_sha256=record.sha256)

    page = client.get(reverse("members_roster:detail", args=[record.pk])).content.decode()
    assert "本次新增的党员中有 2 人还没有登录账号" in page
    assert f"{CREATE}?import={record.pk}" in page

    confirm = client.get(CREATE, {"import": record.pk})
    html = confirm.content.decode()
    assert "将为以下 2 名党员开通登录账号" in html and "孙晓东" in html and "钱佳怡" in html
    assert "张丽华" not in html  # on record before: not new in this import
    response = client.post(CREATE, {"import": record.pk, "token": token_of(confirm)})
    issued = shown(response)
    assert len(issued) == 2
    for name in ("孙晓东", "钱佳怡"):
        member = Member.objects.get(name=name)
        assert member.user.check_password(issued[member.user.username])
        assert PendingPasswordChange.objects.filter(user=member.user).exists()
    assert ModelLogEntry.objects.filter(action=accounts.CREATE_ACTION).count() == 2
    assert len(set(issued.values())) == 2

    page = client.get(reverse("members_roster:detail", args=[record.pk])).content.decode()
    assert "本次新增的党员都已有登录账号" in page


def test_the_listings_bulk_action_skips_members_with_an_account(client, editor_user, register, newcomer):
    client.force_login(editor_user)
    zhang = register["zhang"]
    stored = zhang.user.password
    listing = client.get("/admin/snippets/members/member/", {"account": "no"}).content.decode()
    assert "孙晓东" in listing and "李明" in listing and "张丽华" not in listing
    assert "开通登录账号" in listing

    response = client.get(
        "/admin/bulk/members/member/create_accounts/", {"id": [zhang.pk, newcomer.pk, register["li"].pk]}
    )
    assert response.status_code == 302
    confirm = client.get(response["Location"])
    html = confirm.content.decode()
    assert "将为以下 2 名党员开通登录账号" in html
    assert "已有登录账号（member）" in html
    query = {"id": [zhang.pk, newcomer.pk, register["li"].pk], "token": token_of(confirm)}
    result = client.post(CREATE, query)
    assert set(shown(result)) == {f"m{newcomer.pk:04d}", f"m{register['li'].pk:04d}"}
    assert "已有登录账号（member）" in result.content.decode()
    zhang.user.refresh_from_db()
    assert zhang.user.password == stored and zhang.user.username == "member"
    assert not PendingPasswordChange.objects.filter(user=zhang.user).exists()

    # "All in the listing": every member without an account.
    response = client.get("/admin/bulk/members/member/create_accounts/", {"id": "all"})
    assert response["Location"] == f"{CREATE}?all=1"
    html = client.get(response["Location"]).content.decode()
    assert "没有需要开通登录账号的党员" in html


def test_a_transferred_member_gets_no_account(client, editor_user, newcomer):
    Member.objects.filter(pk=newcomer.pk).update(status=Member.Status.TRANSFERRED_OUT)
    client.force_login(editor_user)
    html = client.get(CREATE, {"id": newcomer.pk}).content.decode()
    assert "状态为“转出”，不开通账号" in html and "没有需要开通登录账号的党员" in html


def test_usernames_are_numbered_and_never_taken_twice(make_user, newcomer, org_tree, editor_user):
    make_user(f"m{newcomer.pk:04d}")  # an unrelated account with the name already
    other = Member.objects.create(name="钱佳怡", organization=org_tree["health_branch"], phone="13900001234")
    outcome = accounts.open_accounts([newcomer.pk, other.pk], by=editor_user)
    names = {item.member.pk: item.username for item in outcome.issued}
    assert names == {newcomer.pk: f"m{newcomer.pk:04d}-2", other.pk: f"m{other.pk:04d}"}
    assert all(re.fullmatch(r"m\d{4,}(-\d+)?", name) for name in names.values())


def test_initial_passwords_are_readable_and_pass_the_sites_rules():
    seen = set()
    for _ in range(200):
        password = accounts.generate_password()
        seen.add(password)
        assert len(password) == 10
        assert not set(password) & set("0O1lIio")
        for kind in (str.islower, str.isupper, str.isdigit):
            assert sum(kind(c) for c in password) >= 2
        validate_password(password, get_user_model()(username="m0042"))
    assert len(seen) == 200


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_an_editor_resets_a_members_password(client, editor_user, member_user):
    member = member_user.member
    # Locked out by wrong attempts: the new password must work at once.
    for _ in range(5):
        login(Client(), "member", "wrong-password-1")
    assert AccessAttempt.objects.filter(username="member").exists()

    logged_in = Client()
    logged_in.force_login(member_user)
    assert logged_in.get("/me/").status_code == 200
    client.force_login(editor_user)
    confirm = client.get(reset_url(member))
    assert "重置后原密码立即失效" in confirm.content.decode()
    response = client.post(reset_url(member), {"token": token_of(confirm)})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "密码已重置" in response.content.decode()
    [(username, password)] = shown(response).items()
    assert username == "member"
    member_user.refresh_from_db()
    assert member_user.check_password(password) and not member_user.check_password("secret2026")
    assert PendingPasswordChange.objects.get(user=member_user).reason == PendingPasswordChange.Reason.RESET
    entry = ModelLogEntry.objects.get(action=accounts.RESET_ACTION)
    assert (entry.user_id, entry.object_id, entry.data) == (editor_user.pk, str(member.pk), {"username": "member"})
    assert not AccessAttempt.objects.filter(username="member").exists()
    assert login(Client(), "member", password).status_code == 302
    # His open sessions end with the old password.
    assert logged_in.get("/me/")["Location"].startswith(reverse("login"))

    # Submitted again (a reload): refused, nothing reset, nothing shown.
    again = client.post(reset_url(member), {"token": token_of(confirm)})
    assert again.status_code == 409 and password not in again.content.decode()
    member_user.refresh_from_db()
    assert member_user.check_password(password)


def test_accounts_with_admin_rights_are_not_reset_here(client, editor_user, make_member, org_tree, newcomer):
    approver = make_member("approver", org_tree["finance_branch"], name="钱进")
    approver.groups.add(Group.objects.get(name=roles.APPROVER))
    stored = approver.password
    client.force_login(editor_user)
    html = client.get(reset_url(approver.member)).content.decode()
    assert "有管理后台的权限，不能在此重置密码" in html and 'name="token"' not in html
    # A token of another confirmation does not help.
    token = token_of(client.get(CREATE, {"id": newcomer.pk}))
    response = client.post(reset_url(approver.member), {"token": token})
    assert response.status_code == 400
    approver.refresh_from_db()
    assert approver.password == stored and not PendingPasswordChange.objects.exists()


def test_the_initial_password_must_be_changed_before_anything_else(client, editor_user, newcomer, home_page):
    outcome = accounts.open_accounts([newcomer.pk], by=editor_user)
    [issued] = outcome.issued
    response = login(client, issued.username, issued.password)
    assert response.status_code == 302 and response["Location"] == reverse("me")

    change = reverse("password_change")
    for path in ["/me/", "/", "/notices/", "/admin/", "/learning/", "/accounts/password_change/done/"]:
        response = client.get(path)
        if path.endswith("done/"):
            continue  # reachable: it only says the password was changed
        assert response.status_code == 302, path
        assert response["Location"] == f"{change}?next={path.replace('/', '%2F')}", path
    assert client.post("/me/").status_code == 302

    page = client.get(change, {"next": "/me/"})
    html = page.content.decode()
    assert page.status_code == 200 and "您正在使用党务干部发放的初始密码" in html and "初始密码" in html
    assert 'name="next" value="/me/"' in html

    # The initial password again as the "new" one: refused, with a message.
    same = {"old_password": issued.password, "new_password1": issued.password, "new_password2": issued.password}
    response = client.post(change, {**same, "next": "/me/"})
    assert response.status_code == 400
    assert "新密码不能与初始密码相同" in response.content.decode()
    assert PendingPasswordChange.objects.filter(user__username=issued.username).exists()

    new = "Hongqi2026!xq"
    response = client.post(
        change, {"old_password": issued.password, "new_password1": new, "new_password2": new, "next": "/me/"}
    )
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert not PendingPasswordChange.objects.filter(user__username=issued.username).exists()
    me = client.get("/me/")
    assert me.status_code == 200 and "密码已修改" in me.content.decode()
    assert client.get("/").status_code == 200

    # Logging out stays possible for an account that has not changed it yet.
    other = Client()
    newcomer.refresh_from_db()
    reset = accounts.reset_password(newcomer.pk, by=editor_user)
    assert login(other, reset.username, reset.password).status_code == 302
    assert other.get("/me/").status_code == 302
    assert other.post(reverse("logout")).status_code == 302
    assert other.get("/me/")["Location"].startswith(reverse("login"))


def test_knowing_whether_to_change_costs_no_query(member_user, newcomer, editor_user, django_assert_num_queries):
    from members.auth import MemberModelBackend

    [issued] = accounts.open_accounts([newcomer.pk], by=editor_user).issued
    for account, expected in ((member_user, False), (issued.member.user, True)):
        with django_assert_num_queries(1):
            user = MemberModelBackend().get_user(account.pk)
        with django_assert_num_queries(0):
            assert accounts.must_change_password(user) is expected


def test_a_hash_upgrade_at_login_is_no_change_of_password(client, editor_user, newcomer, settings):
    [issued] = accounts.open_accounts([newcomer.pk], by=editor_user).issued
    # Another hasher becomes the first: Django rehashes the password at the next login.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert login(client, issued.username, issued.password).status_code == 302
    account = get_user_model().objects.get(username=issued.username)
    assert account.password.startswith("pbkdf2_sha256$")
    assert PendingPasswordChange.objects.filter(user=account).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_editors_opening_the_same_accounts_at_once_open_each_once(org_tree, make_user):
    editors = [make_user(f"editor{n}", roles.PARTY_CADRE) for n in range(3)]
    ids = [
        Member.objects.create(name=name, organization=org_tree["finance_branch"]).pk
        for name in ("甲明", "乙华", "丙军")
    ]
    barrier = threading.Barrier(len(editors))
    outcomes = []

    def run(editor):
        try:
            barrier.wait()
            outcomes.append(accounts.open_accounts(ids, by=editor))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(editor,)) for editor in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    issued = [item.member.pk for outcome in outcomes for item in outcome.issued]
    assert sorted(issued) == sorted(ids), outcomes
    assert get_user_model().objects.filter(member__isnull=True, username__startswith="m").count() == 0
    assert get_user_model().objects.filter(member__pk__in=ids).count() == 3
    assert PendingPasswordChange.objects.count() == 3
    assert ModelLogEntry.objects.filter(action=accounts.CREATE_ACTION).count() == 3
