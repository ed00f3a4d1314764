"""An internal notice's title never travels in its URL: its slug carries a random number, not the title."""

import re

import pytest

from disclosures.models import DisclosureNoticePage, Scope
from tests.disclosures.test_workflow import create, notice_form

TITLE = "关于县财政局机关党支部换届选举有关事项的通知"


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["all_members", "organizations"])
def test_admin_gives_an_internal_notice_a_slug_without_its_title(
    client, editor_user, disclosure_index, category, org_tree, scope
):
    client.force_login(editor_user)

    def form(**fields):
        data = notice_form(category, org_tree, scope=scope, **fields)
        if scope == "organizations":
            data["scope_organizations"] = [org_tree["finance_branch"].pk]
        return data

    # The admin's script fills the slug from the title, so the form posts the Chinese title as the slug.
    response = create(client, disclosure_index, form(title=TITLE, slug=TITLE))
    assert response.status_code == 302
    notice = DisclosureNoticePage.objects.get(title=TITLE)
    assert re.fullmatch(r"notice-[0-9a-f]{8}", notice.slug)
    assert "换届" not in notice.url_path
    # Saved again (a new draft), the slug stays the same: links already sent keep working.
    slug = notice.slug
    response = client.post(
        f"/admin/pages/{notice.pk}/edit/",
        form(title=TITLE + "（修改）", slug=slug),
    )
    assert response.status_code == 302
    assert DisclosureNoticePage.objects.get(pk=notice.pk).get_latest_revision_as_object().slug == slug


@pytest.mark.django_db
def test_public_notice_keeps_its_title_slug(client, editor_user, disclosure_index, category, org_tree):
    client.force_login(editor_user)
    response = create(client, disclosure_index, notice_form(category, org_tree, title=TITLE, slug=TITLE))
    assert response.status_code == 302
    assert DisclosureNoticePage.objects.get(title=TITLE).slug == TITLE


@pytest.mark.django_db
def test_internal_notice_keeps_a_slug_the_editor_typed(make_notice):
    notice = make_notice(TITLE, scope=Scope.ALL_MEMBERS, slug="branch-election")
    assert notice.slug == "branch-election"


@pytest.mark.django_db
def test_internal_notice_made_in_code_gets_a_title_free_slug(make_notice):
    notice = make_notice(TITLE, scope=Scope.ALL_MEMBERS)
    assert re.fullmatch(r"notice-[0-9a-f]{8}", notice.slug)
    assert notice.live
