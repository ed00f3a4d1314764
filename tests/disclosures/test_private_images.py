"""Images used only on internal notices are private (issue 16, point 6): never on a public path, served by a checked view.

The disclosures section decides which images are private (a notice's scope) whenever a page is published or
unpublished; home keeps their files under the storage's private folder, which the web server refuses, and their
renditions' addresses lead to /private-images/, which asks the same rule as documents.
"""

import io
import re

import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from disclosures.choices import Scope
from home.media import SiteRendition, is_private_path, storage_path

from .test_admin_visibility import image_block

PRIVATE_URL = re.compile(r'src="(/private-images/\d+/[^"]+)"')


@pytest.fixture
def photo(db):
    return get_image_model().objects.create(title="整改现场照片", file=get_test_image_file("zhenggai.png"))


@pytest.fixture
def internal_notice(make_notice, org_tree, photo, django_capture_on_commit_callbacks):
    notice = make_notice(
        "关于财政局支部整改情况的内部通报", scope=Scope.ORGANIZATIONS, organizations=[org_tree["finance_branch"]]
    )
    notice.body = [image_block(photo)]
    photo.public_name = photo.file.name
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()
    photo.refresh_from_db()
    return notice


def private_image_url(client, page):
    html = client.get(page.url).content.decode()
    found = PRIVATE_URL.findall(html)
    assert found, "the page shows no private image"
    assert "/media/" not in html.split("<main", 1)[-1].split("</main>")[0], "an image on a public path"
    return found[0]


@pytest.mark.django_db
def test_an_image_used_only_on_an_internal_notice_leaves_the_public_path(internal_notice, photo, client, member_user):
    assert photo.is_private
    assert is_private_path(photo.file.name)
    storage = photo.file.storage
    assert storage.exists(photo.file.name)
    assert not storage.exists(photo.public_name), "the public copy is still there"
    client.force_login(member_user)
    private_image_url(client, internal_notice)
    renditions = SiteRendition.objects.filter(image=photo)
    assert renditions.exists() and all(is_private_path(rendition.file.name) for rendition in renditions)


@pytest.mark.django_db
def test_who_gets_a_private_image(internal_notice, client, member_user, outsider, editor_user):
    client.force_login(member_user)
    url = private_image_url(client, internal_notice)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"

    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "no-store" in response["Cache-Control"]

    client.force_login(outsider)
    response = client.get(url)
    assert response.status_code == 403 and "no-store" in response["Cache-Control"]

    client.force_login(editor_user)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_a_wrong_file_name_or_rendition_is_not_found(internal_notice, client, member_user):
    client.force_login(member_user)
    url = private_image_url(client, internal_notice)
    assert client.get(url.rsplit("/", 1)[0] + "/other.png").status_code == 404
    assert client.get("/private-images/999999/zhenggai.png").status_code == 404


@pytest.mark.django_db
def test_an_image_also_on_a_public_page_stays_public(make_notice, photo, client):
    public = make_notice("关于公布整改结果的公告")
    public.body = [image_block(photo)]
    public.save_revision().publish()
    make_notice("关于整改情况的内部通报", scope=Scope.ALL_MEMBERS, body="<p>见附图</p>").save_revision().publish()
    internal = make_notice("关于整改情况的第二次内部通报", scope=Scope.ALL_MEMBERS)
    internal.body = [image_block(photo)]
    internal.save_revision().publish()
    photo.refresh_from_db()
    assert not photo.is_private and not is_private_path(photo.file.name)
    html = client.get(public.url).content.decode()
    assert "/media/images/" in html and "/private-images/" not in html


@pytest.mark.django_db
def test_privacy_follows_the_scope_and_the_public_pages(
    internal_notice, make_notice, photo, client, django_capture_on_commit_callbacks
):
    # The notice is made public: the image goes back to the public path.
    private_name = photo.file.name
    internal_notice.scope = Scope.PUBLIC
    with django_capture_on_commit_callbacks(execute=True):
        internal_notice.save_revision().publish()
    photo.refresh_from_db()
    assert not photo.is_private and not is_private_path(photo.file.name)
    assert not photo.file.storage.exists(private_name)
    assert "/media/images/" in client.get(internal_notice.url).content.decode()

    # Internal again, and the public page that shared it is unpublished: private again.
    internal_notice.scope = Scope.ALL_MEMBERS
    internal_notice.save_revision().publish()
    public = make_notice("关于公布整改结果的公告")
    public.body = [image_block(photo)]
    public.save_revision().publish()
    photo.refresh_from_db()
    assert not photo.is_private
    public.unpublish()
    photo.refresh_from_db()
    assert photo.is_private and is_private_path(photo.file.name)


@pytest.mark.django_db
def test_an_anonymous_visitor_gets_no_private_image_even_through_the_page_cache(
    internal_notice, client, member_user, page_cache_on
):
    client.force_login(member_user)
    url = private_image_url(client, internal_notice)
    client.logout()
    for _ in range(2):
        assert client.get(url).status_code == 302


def test_private_paths_keep_the_column_length():
    path = storage_path("original_images/0123456789abcdef/" + "长" * 80 + ".png", private=True)
    assert path.startswith("private/original_images/") and len(path) <= 100 and path.endswith(".png")
    back = storage_path(path, private=False)
    assert back.startswith("original_images/") and not is_private_path(back)


@pytest.mark.django_db
def test_deleting_the_public_page_that_shared_it_makes_it_private(
    make_notice, photo, django_capture_on_commit_callbacks
):
    internal = make_notice("关于整改情况的内部通报", scope=Scope.ALL_MEMBERS)
    internal.body = [image_block(photo)]
    internal.save_revision().publish()
    public = make_notice("关于公布整改结果的公告")
    public.body = [image_block(photo)]
    public.save_revision().publish()
    photo.refresh_from_db()
    assert not photo.is_private
    with django_capture_on_commit_callbacks(execute=True):
        public.delete()
    photo.refresh_from_db()
    assert photo.is_private and is_private_path(photo.file.name)


@pytest.mark.django_db(transaction=True)
def test_refresh_command_makes_an_existing_site_s_internal_images_private(internal_notice, photo):
    from django.core.management import call_command

    from home.media import update_image_privacy

    # As on a site upgraded from before private images: the flag was never set and the file is public.
    update_image_privacy(set())
    photo.refresh_from_db()
    assert not photo.is_private and not is_private_path(photo.file.name)
    output = io.StringIO()
    call_command("refresh_image_privacy", stdout=output)
    photo.refresh_from_db()
    assert photo.is_private and is_private_path(photo.file.name)
    assert "受保护的图片：1 张" in output.getvalue()
