import datetime
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from dangjian.sessions import RENEWED_AT
from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_login_with_the_right_password_follows_next(client, member_user, home_page):
    response = client.post("/accounts/login/", {"username": "member", "password": PASSWORD, "next": "/about/"})
    assert response.status_code == 302
    assert response["Location"] == "/about/"


@pytest.mark.django_db
def test_login_without_next_goes_to_me(client, member_user, home_page):
    response = client.post("/accounts/login/", {"username": "member", "password": PASSWORD})
    assert response["Location"] == "/me/"


@pytest.mark.django_db
def test_login_refuses_a_next_on_another_site(client, member_user, home_page):
    response = client.post(
        "/accounts/login/", {"username": "member", "password": PASSWORD, "next": "https://evil.example.com/"}
    )
    assert response["Location"] == "/me/"


@pytest.mark.django_db
def test_wrong_password_is_refused_in_chinese(client, member_user, home_page):
    response = client.post("/accounts/login/", {"username": "member", "password": "wrong-password1"})
    assert response.status_code == 200
    assert "正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_for_the_right_password(client, member_user, home_page, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "member", "password": "guess1234"})
    response = client.post("/accounts/login/", {"username": "member", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录已暂停" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_per_account_not_per_office_address(client, member_user, make_member, org_tree, home_page, settings):
    make_member("colleague", org_tree["finance_branch"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "member", "password": "guess1234"})
    # A colleague behind the same address still logs in.
    response = client.post("/accounts/login/", {"username": "colleague", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_me_requires_login(client, home_page):
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/me/"


@pytest.mark.django_db
def test_me_shows_the_members_record(client, member_user, home_page):
    client.force_login(member_user)
    html = client.get("/me/").content.decode()
    assert "张丽华" in html
    assert "县财政局机关党支部" in html
    assert "13857512345" in html  # his own number, for him only


@pytest.mark.django_db
def test_no_one_else_sees_a_members_phone(client, member_user, outsider_member, home_page):
    client.force_login(outsider_member)
    assert "13857512345" not in client.get("/me/").content.decode()


@pytest.fixture
def outsider_member(make_member, org_tree):
    return make_member("colleague", org_tree["finance_branch"], name="赵卫东", phone="13900001111")


@pytest.mark.django_db
def test_me_for_a_user_without_member_record(client, make_user, home_page):
    client.force_login(make_user("volunteer"))
    response = client.get("/me/")
    assert response.status_code == 200
    assert "尚未关联党员信息" in response.content.decode()


@pytest.mark.django_db
def test_logout_ends_the_session(client, member_user, home_page):
    client.force_login(member_user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/me/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new_password", "message"),
    [("12345678901", "至少 3 种"), ("abcdefghijk", "至少 3 种"), ("a1b2", "太短"), ("Dangjian2026!", "dangjian")],
)
def test_password_change_follows_the_password_policy(client, member_user, home_page, new_password, message):
    client.force_login(member_user)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    member_user.refresh_from_db()
    assert member_user.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_change_accepts_a_good_password(client, member_user, home_page):
    client.force_login(member_user)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Hq7#tRw2xp", "new_password2": "Hq7#tRw2xp"},
    )
    assert response["Location"] == "/accounts/password_change/done/"
    member_user.refresh_from_db()
    assert member_user.check_password("Hq7#tRw2xp")


@pytest.mark.django_db
def test_session_ends_after_idle_time_and_requests_renew_it(client, member_user, home_page):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    client.force_login(member_user)
    session = Session.objects.get(session_key=client.session.session_key)
    # An active member's request pushes the expiry forward.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    assert client.get("/me/").status_code == 200
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + datetime.timedelta(minutes=29)
    # 30 idle minutes later the session is gone.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/me/").status_code == 302


@pytest.mark.django_db
def test_session_is_written_at_most_once_a_minute(client, member_user, home_page):
    client.force_login(member_user)
    assert client.get("/me/").status_code == 200  # renews: the first request after logging in
    key = client.session.session_key
    soon = timezone.now() + datetime.timedelta(minutes=10)
    Session.objects.filter(pk=key).update(expire_date=soon)
    assert client.get("/").status_code == 200
    assert Session.objects.get(pk=key).expire_date == soon  # renewed less than a minute ago: no write
    session = client.session
    session[RENEWED_AT] = int(time.time()) - 61
    session.save()
    Session.objects.filter(pk=key).update(expire_date=soon)
    assert client.get("/").status_code == 200
    assert Session.objects.get(pk=key).expire_date > timezone.now() + datetime.timedelta(minutes=29)


@pytest.mark.django_db
def test_anonymous_visitor_gets_no_session(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()
