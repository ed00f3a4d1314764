"""The rule that must never break: an internal notice, its title included, reaches nobody outside its scope."""

import pytest
from django.contrib.auth.models import AnonymousUser

from disclosures.choices import Scope
from disclosures.visibility import can_see, visible_notices
from members.models import Member

from .fixtures import make_document

PUBLIC_TITLE = "关于召开县直机关党建工作会议的通知"
ALL_MEMBERS_TITLE = "关于学习贯彻纪律处分条例的通知"
BRANCH_TITLE = "县财政局机关党支部三会一课安排"
BRANCH_ATTACHMENT = "财政局支部名单"


@pytest.fixture
def notices(make_notice, org_tree):
    attachment = make_document(BRANCH_ATTACHMENT, b"zhibu mingdan")
    public_attachment = make_document("会议议程", b"agenda")
    return {
        "public": make_notice(PUBLIC_TITLE, attachments=[public_attachment]),
        "all_members": make_notice(ALL_MEMBERS_TITLE, scope=Scope.ALL_MEMBERS),
        # Scoped to the finance unit: its branches (sub-organizations) are included.
        "branch": make_notice(
            BRANCH_TITLE, scope=Scope.ORGANIZATIONS, organizations=[org_tree["finance"]], attachments=[attachment]
        ),
        "attachment": attachment,
        "public_attachment": public_attachment,
    }


@pytest.fixture
def viewers(member_user, outsider, editor_user, make_user):
    return {
        "anonymous": None,
        "member": member_user,
        "outsider": outsider,
        "editor": editor_user,
        "volunteer": make_user("volunteer"),
    }


# Which titles each viewer may see.
EXPECTED = {
    "anonymous": {PUBLIC_TITLE},
    "volunteer": {PUBLIC_TITLE},
    "outsider": {PUBLIC_TITLE, ALL_MEMBERS_TITLE},
    "member": {PUBLIC_TITLE, ALL_MEMBERS_TITLE, BRANCH_TITLE},
    "editor": {PUBLIC_TITLE, ALL_MEMBERS_TITLE, BRANCH_TITLE},
}
ALL_TITLES = {PUBLIC_TITLE, ALL_MEMBERS_TITLE, BRANCH_TITLE}


def as_viewer(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", EXPECTED)
def test_the_query_helper(viewer, viewers, notices):
    user = viewers[viewer] or AnonymousUser()
    assert set(visible_notices(user).values_list("title", flat=True)) == EXPECTED[viewer]
    for key in ("public", "all_members", "branch"):
        assert can_see(user, notices[key]) == (notices[key].title in EXPECTED[viewer])


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", EXPECTED)
def test_the_notice_pages(client, viewer, viewers, notices):
    as_viewer(client, viewers[viewer])
    for key in ("public", "all_members", "branch"):
        notice = notices[key]
        response = client.get(notice.url)
        html = response.content.decode()
        if notice.title in EXPECTED[viewer]:
            assert response.status_code == 200
            assert notice.title in html
        elif viewer == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/?next=")
        else:
            assert response.status_code == 403
            assert notice.title not in html
            assert "无权访问" in html


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", EXPECTED)
def test_the_index_archive_home_and_me(client, viewer, viewers, notices, disclosure_index):
    as_viewer(client, viewers[viewer])
    pages = [disclosure_index.url, disclosure_index.url + "?scope=internal", disclosure_index.url + "archive/", "/"]
    for year in {notice.published_on.year for notice in visible_notices(viewers["editor"])}:
        pages.append(f"{disclosure_index.url}archive/{year}/")
    if viewers[viewer] is not None:
        pages.append("/me/")
    for url in pages:
        html = client.get(url).content.decode()
        for title in ALL_TITLES - EXPECTED[viewer]:
            assert title not in html, (url, title)
    index_html = client.get(disclosure_index.url).content.decode()
    for title in EXPECTED[viewer]:
        assert title in index_html


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", EXPECTED)
def test_previous_and_next_links_skip_what_the_viewer_may_not_see(client, viewer, viewers, notices):
    as_viewer(client, viewers[viewer])
    html = client.get(notices["public"].url).content.decode()
    for title in ALL_TITLES - EXPECTED[viewer]:
        assert title not in html


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", EXPECTED)
def test_attachments(client, viewer, viewers, notices):
    as_viewer(client, viewers[viewer])
    document = notices["attachment"]
    response = client.get(document.url)
    if BRANCH_TITLE in EXPECTED[viewer]:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"zhibu mingdan"
    elif viewer == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 403
    assert client.get(notices["public_attachment"].url).status_code == 200


@pytest.mark.django_db
def test_an_unpublished_upload_is_for_editors_only(client, member_user, editor_user):
    document = make_document("尚未发布的附件", b"draft")
    assert client.get(document.url).status_code == 302
    client.force_login(member_user)
    assert client.get(document.url).status_code == 403
    client.force_login(editor_user)
    assert client.get(document.url).status_code == 200


@pytest.mark.django_db
def test_documents_are_never_linked_straight_to_storage(notices, settings):
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    assert notices["attachment"].url.startswith("/documents/")
    # The file itself sits in an unguessable folder.
    assert len(notices["attachment"].file.name.split("/")[1]) == 16


@pytest.mark.django_db
def test_feed_and_sitemap_carry_public_notices_only(client, member_user, notices, disclosure_index):
    client.force_login(member_user)  # even for a member: a feed or sitemap is read by machines, not people
    feed = client.get(disclosure_index.url + "feed/").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert PUBLIC_TITLE in feed
    assert notices["public"].url in sitemap
    for key in ("all_members", "branch"):
        assert notices[key].title not in feed
        assert notices[key].url not in sitemap


@pytest.mark.django_db
def test_a_member_who_transferred_out_loses_internal_notices(client, member_user, notices):
    Member.objects.filter(user=member_user).update(status=Member.Status.TRANSFERRED_OUT)
    client.force_login(member_user)
    assert client.get(notices["branch"].url).status_code == 403
    assert client.get(notices["all_members"].url).status_code == 403


@pytest.mark.django_db
def test_internal_pages_are_never_cached_for_others(client, member_user, notices):
    client.force_login(member_user)
    response = client.get(notices["branch"].url)
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_a_narrowed_scope_takes_effect_on_publication(client, member_user, notices, org_tree):
    notice = notices["branch"]
    notice.scope_organizations = [org_tree["health_branch"]]
    notice.save_revision().publish()
    client.force_login(member_user)
    assert client.get(notice.url).status_code == 403
