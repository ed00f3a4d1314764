"""The password policy (等保 2.0 level 3, members.validators) through Django's validate_password and the site's
own password change: weak and Chinese-pattern passwords are refused with a Chinese reason, good ones pass."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from members import accounts
from members.models import Member
from tests.conftest import PASSWORD


def refusal(password, user=None):
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    return " ".join(error.value.messages)


@pytest.fixture
def zhangsan(db, org_tree):
    user = get_user_model().objects.create_user("zhangsan", password=PASSWORD)
    Member.objects.create(user=user, name="张三", organization=org_tree["finance_branch"])
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("dangjian2026", "至少 3 种"),
        ("Dangjian2026!", "dangjian"),
        ("dj123456", "至少 3 种"),
        ("DJW@2026", "dj"),
        ("Jiguan#2026", "拼音或缩写"),
        ("Gongchandang1", "拼音或缩写"),
        ("Aa123456", "连续"),
        ("Qwer@2026", "键盘顺序"),
        ("Xk!98765", "连续"),
        ("Lh#19900101", "日期"),
        ("Lh#1990-01-01", "日期"),
        ("Aaaa#2026x", "重复"),
        ("Ab1!Ab1!", "重复"),
        ("Pass7", "太短"),
        ("Password1", "太常见"),
    ],
)
def test_weak_and_chinese_pattern_passwords_are_refused_in_chinese(db, password, reason):
    assert reason in refusal(password)


@pytest.mark.parametrize("password", ["zhangsan1", "Zhangsan@1", "ZS#2026!", "Sanzhang#7"])
def test_the_users_own_name_in_pinyin_is_refused(zhangsan, password):
    message = refusal(password, zhangsan)
    assert "姓名的拼音" in message or "至少 3 种" in message
    if password != "zhangsan1":  # that one also lacks a third kind of character
        assert "姓名的拼音" in message


def test_the_username_itself_is_refused(db):
    user = get_user_model()(username="wangjianjun")
    assert "用户名" in refusal("Wangjianjun#7", user)


@pytest.mark.parametrize("password", ["Hq7#tRw2xp", "mK4$vb9Wzt", "Tz82kwRn5q", "红旗Hq7#pd2x"])
def test_a_good_random_password_passes(zhangsan, password):
    validate_password(password, zhangsan)


def test_generated_initial_passwords_pass_the_policy_for_their_member(zhangsan):
    for _ in range(100):
        validate_password(accounts.generate_password(zhangsan), zhangsan)


def test_the_password_change_form_refuses_the_demo_password_with_a_400(client, zhangsan, home_page):
    client.force_login(zhangsan)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Dangjian2026!", "new_password2": "Dangjian2026!"},
    )
    assert response.status_code in (200, 400)
    assert "本网站或党组织名称的拼音" in response.content.decode()
    zhangsan.refresh_from_db()
    assert zhangsan.check_password(PASSWORD)
