"""The notice index shares its count, its pages, its rows and its filter form (home.cache.SharedPaginator and
shared_html) between visitors who see the same notices: never one scope's notices or one member's unread marks
shown to another, and a new notice listed at once."""

import pytest
from django.test import Client

from disclosures.choices import Scope
from disclosures.models import NoticeCategory

INTERNAL = "关于县财政局机关党支部组织生活会的通知"
PUBLIC = "关于召开机关党建工作推进会的通知"
UNREAD = '<span class="tag tag--unread">未读</span>'


pytestmark = pytest.mark.usefixtures("shared_cache_on")


@pytest.fixture
def notices(make_notice, org_tree):
    return {
        "public": make_notice(PUBLIC),
        "internal": make_notice(INTERNAL, scope=Scope.ORGANIZATIONS, organizations=[org_tree["finance_branch"]]),
    }


def index_for(user, url="/dwgk/"):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_each_scope_gets_its_own_listing_whoever_came_first(notices, member_user, outsider, editor_user):
    assert INTERNAL in index_for(member_user)
    assert INTERNAL not in index_for(outsider) and PUBLIC in index_for(outsider)
    assert INTERNAL not in index_for(None) and PUBLIC in index_for(None)
    assert INTERNAL in index_for(editor_user)
    assert index_for(outsider).count('class="notice-list__item"') == 1
    assert index_for(member_user).count('class="notice-list__item"') == 2


def test_unread_marks_are_each_members_own(notices, member_user, make_member, org_tree):
    colleague = make_member("member3", org_tree["finance_branch"], name="赵丽")
    assert UNREAD in index_for(member_user) and UNREAD in index_for(colleague)
    reader = Client()
    reader.force_login(member_user)
    assert reader.get(notices["internal"].url).status_code == 200  # the read receipt
    assert UNREAD not in index_for(member_user)
    assert UNREAD in index_for(colleague)
    assert UNREAD not in index_for(None)


def test_a_new_notice_is_listed_at_once(notices, make_notice):
    assert "关于开展主题党日活动的通知" not in index_for(None)
    make_notice("关于开展主题党日活动的通知")
    assert "关于开展主题党日活动的通知" in index_for(None)


def test_filters_share_nothing_with_the_unfiltered_listing(notices, make_notice):
    other = NoticeCategory.objects.exclude(pk=notices["public"].category_id).first()
    make_notice("关于收缴二〇二六年党费的通知", category=other)
    assert "关于收缴二〇二六年党费的通知" in index_for(None)
    filtered = index_for(None, f"/dwgk/?category={other.pk}")
    assert "关于收缴二〇二六年党费的通知" in filtered and PUBLIC not in filtered
    assert f'<option value="{other.pk}" selected>' in filtered
    # A value that is no category is ignored and said so, and the form is not the filtered one's.
    ignored = index_for(None, "/dwgk/?category=999999")
    assert PUBLIC in ignored and "以下筛选条件无效" in ignored
    assert f'<option value="{other.pk}" selected>' not in ignored


def test_a_warm_listing_costs_a_member_one_query_for_his_unread_marks(
    notices, member_user, django_assert_max_num_queries
):
    client = Client()
    client.force_login(member_user)
    assert client.get("/dwgk/").status_code == 200
    # The session, the user, his roles and organization, his permissions (two: whether to show the admin link),
    # and his read receipts on this page: none for the listing itself.
    with django_assert_max_num_queries(7):
        assert INTERNAL in client.get("/dwgk/").content.decode()


def test_the_me_panel_of_internal_notices_is_shared_within_a_scope_only(notices, member_user, outsider):
    def me_for(user):
        client = Client()
        client.force_login(user)
        response = client.get("/me/")
        assert response.status_code == 200
        return response.content.decode()

    assert INTERNAL in me_for(member_user)  # warms the panel for the finance branch's scope
    assert INTERNAL not in me_for(outsider)
    assert INTERNAL in me_for(member_user)
