"""Fixtures shared by every app's tests: a small organization tree, members and role accounts."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Site

from members import roles
from members.models import Member, Organization

PASSWORD = "secret2026"

# Each section's fixtures, available to its own tests and to the browser tests.
pytest_plugins = ["tests.disclosures.fixtures"]


@pytest.fixture
def home_page(db):
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def org_tree(db):
    """工委 → two 片组 → a unit each → a branch each, plus a second branch in the first unit."""
    committee = Organization.objects.create(name="县直机关工委", code="T-GW", kind=Organization.Kind.WORKING_COMMITTEE)
    group_a = Organization.objects.create(name="第一片组", code="T-P1", kind="group", parent=committee)
    group_b = Organization.objects.create(name="第二片组", code="T-P2", kind="group", parent=committee)
    finance = Organization.objects.create(name="县财政局", code="T-CZ", kind="unit", parent=group_a)
    health = Organization.objects.create(name="县卫生健康局", code="T-WJ", kind="unit", parent=group_b)
    return {
        "committee": committee,
        "group_a": group_a,
        "group_b": group_b,
        "finance": finance,
        "health": health,
        "finance_branch": Organization.objects.create(
            name="县财政局机关党支部", code="T-CZ-1", kind="branch", parent=finance
        ),
        "finance_branch_2": Organization.objects.create(
            name="县财政局第二党支部", code="T-CZ-2", kind="branch", parent=finance
        ),
        "health_branch": Organization.objects.create(
            name="县卫生健康局机关党支部", code="T-WJ-1", kind="branch", parent=health
        ),
    }


@pytest.fixture
def make_user(db):
    def make(username, *role_names, password=PASSWORD, **fields):
        user = get_user_model().objects.create_user(username=username, password=password, **fields)
        if role_names:
            user.groups.set(Group.objects.filter(name__in=role_names))
        return user

    return make


@pytest.fixture
def make_member(make_user):
    def make(username, organization, **fields):
        user = make_user(username, roles.MEMBER)
        fields.setdefault("name", username)
        Member.objects.create(user=user, organization=organization, **fields)
        return user

    return make


@pytest.fixture
def member_user(make_member, org_tree):
    return make_member("member", org_tree["finance_branch"], name="张丽华", phone="13857512345")


@pytest.fixture
def editor_user(make_user):
    return make_user("editor", roles.PARTY_CADRE)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (ids are reused between tests on SQLite)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
