"""Fixtures shared by every app's tests: a small organization tree, members and role accounts.

Transactional tests (concurrency on PostgreSQL, browser tests) start from the migrations' data, restored by
`_restore_migrated_data` below.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Site

from home.models import SiteSettings
from members import roles
from members.models import Member, Organization

PASSWORD = "secret2026"

# Each section's fixtures, available to its own tests and to the browser tests.
pytest_plugins = ["tests.disclosures.fixtures"]


@pytest.fixture
def page_cache_on(settings, db):
    """The whole-page cache on (off in the test settings). The first page creates the site's settings row, which
    empties the cache once: that is done before the test."""
    settings.PAGE_CACHE_ENABLED = True
    SiteSettings.for_site(Site.objects.get(is_default_site=True))


@pytest.fixture
def shared_cache_on(settings, db):
    """The shared values (home.cache.shared_value) on, as in production; off in the test settings."""
    settings.SHARED_BLOCK_CACHE_ENABLED = True
    SiteSettings.for_site(Site.objects.get(is_default_site=True))


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


@pytest.fixture(scope="session")
def migrated_data(django_db_setup, django_db_blocker):
    """The migrations' data (home page, site, roles, workflow), captured once when the test database is built.

    A transactional test (concurrency on PostgreSQL, a browser test) flushes the database when it ends, and the next
    one must start from the migrated state. Django's `serialized_rollback` cannot be used for that here: it builds
    Wagtail's workflow tasks before their content types and fails on an emptied database, and Playwright's event
    loop hands later tests a new connection object without the serialized copy. So this fixture restores it.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        data = getattr(connection, "_test_serialized_contents", None) or connection.creation.serialize_db_to_string()
    if hasattr(connection, "_test_serialized_contents"):
        del connection._test_serialized_contents  # Django's own restore is replaced by the one below
    return data


@pytest.fixture(autouse=True)
def _restore_migrated_data(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or (marker is not None and marker.kwargs.get("transaction"))
    if not transactional:
        return
    migrated_data = request.getfixturevalue("migrated_data")
    from django.contrib.contenttypes.models import ContentType
    from django.core import serializers
    from django.core.management import call_command
    from django.db import connection, transaction
    from wagtail.models import Site

    request.getfixturevalue("_django_db_helper")  # the test's own database set-up comes first
    if Site.objects.exists():
        return
    # The closing flush of the previous test re-created content types and permissions: start from empty.
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False)
    ContentType.objects.clear_cache()
    rows = json.loads(migrated_data)
    content_types = [row for row in rows if row["model"] == "contenttypes.contenttype"]
    others = [row for row in rows if row["model"] != "contenttypes.contenttype"]
    # Content types go in before the other rows are even built: building a Wagtail task looks its type up, and
    # would otherwise create it under another id.
    with transaction.atomic(), connection.constraint_checks_disabled():
        for batch in (content_types, others):
            for item in serializers.deserialize("json", json.dumps(batch)):
                item.save()
    ContentType.objects.clear_cache()
