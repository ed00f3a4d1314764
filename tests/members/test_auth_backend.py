"""members.auth.MemberModelBackend: the logged-in user comes with his member record, in one query."""

import pytest
from django.contrib.auth import get_user
from django.test import Client

from members.auth import MemberModelBackend
from members.models import Member
from members.scope import active_member, is_active_member, member_record

pytestmark = pytest.mark.django_db


def test_the_member_record_comes_with_the_user(member_user, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = MemberModelBackend().get_user(member_user.pk)
    with django_assert_num_queries(0):
        member = member_record(user)
        assert member.name == "张丽华" and member.organization.name == "县财政局机关党支部"
        assert is_active_member(user) and active_member(user) == member


def test_a_user_without_member_record_needs_no_second_query(make_user, django_assert_num_queries):
    plain = make_user("plain")
    with django_assert_num_queries(1):
        user = MemberModelBackend().get_user(plain.pk)
    with django_assert_num_queries(0):
        assert member_record(user) is None and not is_active_member(user)


def test_a_transferred_member_is_no_active_member(member_user):
    Member.objects.filter(user=member_user).update(status=Member.Status.TRANSFERRED_OUT)
    user = MemberModelBackend().get_user(member_user.pk)
    assert member_record(user).status == Member.Status.TRANSFERRED_OUT and not is_active_member(user)


def test_a_deactivated_or_deleted_account_is_logged_out(member_user, make_user):
    client = Client()
    client.force_login(member_user)
    request = type("Request", (), {"session": client.session})()
    assert get_user(request).pk == member_user.pk
    member_user.is_active = False
    member_user.save()
    assert not get_user(request).is_authenticated
    assert MemberModelBackend().get_user(987654) is None
