"""The editor's preview of a notice that was never published, being added or saved as a draft."""

import pytest

from disclosures.models import DisclosureNoticePage
from tests.disclosures.test_workflow import create, notice_form


def assert_preview_shows(client, url, data, title):
    assert client.post(url, data).json() == {"is_valid": True, "is_available": True}
    response = client.get(url)
    assert response.status_code == 200
    assert title in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["public", "all_members"])
def test_preview_of_a_notice_being_added(client, editor_user, disclosure_index, category, org_tree, scope):
    client.force_login(editor_user)
    data = notice_form(category, org_tree, title="关于预览的通知", slug="preview-new", scope=scope)
    url = f"/admin/pages/add/disclosures/disclosurenoticepage/{disclosure_index.pk}/preview/"
    assert_preview_shows(client, url, data, "关于预览的通知")
    assert not DisclosureNoticePage.objects.exists()  # a preview saves nothing


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["public", "all_members"])
def test_preview_of_a_draft_never_published(client, editor_user, disclosure_index, category, org_tree, scope):
    client.force_login(editor_user)
    data = notice_form(category, org_tree, title="关于草稿的通知", slug="draft-notice", scope=scope)
    assert create(client, disclosure_index, data).status_code == 302
    notice = DisclosureNoticePage.objects.get(title="关于草稿的通知")
    assert notice.first_published_at is None
    data["slug"] = notice.slug
    assert_preview_shows(client, f"/admin/pages/{notice.pk}/edit/preview/", data, "关于草稿的通知")
