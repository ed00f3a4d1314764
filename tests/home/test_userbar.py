"""Wagtail's user bar on the site's pages: for those who may edit, never read from permissions for members."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import roles

pytestmark = pytest.mark.django_db

USERBAR = "wagtail-userbar"


def home_html(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    return html, [query["sql"] for query in queries.captured_queries]


def test_an_editor_gets_the_user_bar(client, editor_user, home_page):
    html, _ = home_html(client, editor_user)
    assert USERBAR in html


def test_a_superuser_without_roles_gets_the_user_bar(client, make_user, home_page):
    html, _ = home_html(client, make_user("root", is_superuser=True))
    assert USERBAR in html


def test_an_award_expert_gets_the_user_bar(client, make_user, home_page):
    from awards.roles import EXPERTS

    html, _ = home_html(client, make_user("expert", EXPERTS))
    assert USERBAR in html


def test_a_member_gets_no_user_bar_and_no_permission_query(client, member_user, make_member, org_tree, home_page):
    secretary = make_member("secretary", org_tree["health_branch"])
    secretary.groups.add(*secretary.groups.model.objects.filter(name=roles.BRANCH_SECRETARY))
    for user in (member_user, secretary):
        html, queries = home_html(client, user)
        assert USERBAR not in html
        assert not any("auth_permission" in sql for sql in queries)


def test_a_role_given_admin_access_later_shows_the_user_bar(client, make_user, home_page):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="宣传委员")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    html, _ = home_html(client, make_user("propaganda", "宣传委员"))
    assert USERBAR in html
