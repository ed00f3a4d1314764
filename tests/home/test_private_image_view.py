"""home's checked view of private images, without any section: it fails closed and keeps public images public."""

import pytest
from wagtail import hooks
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from home.media import BEFORE_SERVE_PRIVATE_IMAGE_HOOK, is_private_path


@pytest.fixture
def photo(db):
    return get_image_model().objects.create(title="支部活动照片", file=get_test_image_file("huodong.png"))


@pytest.mark.django_db
def test_a_private_image_is_served_to_nobody_when_no_section_says_who_may_see_it(
    client, editor_user, photo, monkeypatch
):
    photo.set_private(True)
    rendition = photo.get_rendition("max-165x165")
    assert is_private_path(rendition.file.name) and rendition.url.startswith("/private-images/")
    real_get_hooks = hooks.get_hooks
    monkeypatch.setattr(
        hooks, "get_hooks", lambda name: [] if name == BEFORE_SERVE_PRIVATE_IMAGE_HOOK else real_get_hooks(name)
    )
    client.force_login(editor_user)
    assert client.get(rendition.url).status_code == 403


@pytest.mark.django_db
def test_a_public_image_keeps_its_public_address(client, photo):
    rendition = photo.get_rendition("max-165x165")
    assert rendition.url.startswith("/media/images/")
    name = rendition.file.name.rsplit("/", 1)[-1]
    response = client.get(f"/private-images/{rendition.pk}/{name}")
    assert response.status_code == 302 and response["Location"] == rendition.url
    photo.set_private(True)
    private_url = photo.get_rendition("max-165x165").url
    photo.set_private(False)
    assert not is_private_path(photo.file.name)
    # The private renditions went with the move: their addresses lead nowhere, and new ones are public.
    assert client.get(private_url).status_code == 404
    assert photo.get_rendition("max-165x165").url.startswith("/media/images/")
