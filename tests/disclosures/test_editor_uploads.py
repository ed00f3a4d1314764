"""党务干部 uploads and replaces the documents and images a notice needs, in the real admin screens."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from members import roles

from .fixtures import make_document


def png_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_editor_uploads_a_document_and_an_image(client, editor_user):
    client.force_login(editor_user)
    root = Collection.get_first_root_node()
    assert client.get("/admin/documents/add/").status_code == 200
    response = client.post(
        "/admin/documents/add/",
        {"title": "会议议程", "collection": root.pk, "file": SimpleUploadedFile("议程.txt", "议程".encode())},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert get_document_model().objects.filter(title="会议议程").exists()

    assert client.get("/admin/images/add/").status_code == 200
    response = client.post(
        "/admin/images/add/",
        {"title": "主题党日合影", "collection": root.pk, "file": SimpleUploadedFile("photo.png", png_bytes())},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert get_image_model().objects.filter(title="主题党日合影").exists()


@pytest.mark.django_db
def test_editor_uploads_from_the_choosers(client, editor_user):
    """The notice editor's choosers offer an upload tab: the way an editor attaches a new file."""
    client.force_login(editor_user)
    response = client.get("/admin/documents/chooser/")
    assert response.status_code == 200 and "上传" in response.json()["html"]
    response = client.post(
        "/admin/documents/chooser/create/",
        {
            "document-chooser-upload-title": "通知附件",
            "document-chooser-upload-file": SimpleUploadedFile("a.txt", b"x"),
        },
    )
    assert response.status_code == 200 and response.json()["step"] == "chosen"
    response = client.get("/admin/images/chooser/")
    assert response.status_code == 200 and "上传" in response.json()["html"]


@pytest.mark.django_db
def test_editor_replaces_a_flagged_file(client, editor_user):
    document = make_document("发展对象名单", "身份证号 11010519491231002X".encode())
    client.force_login(editor_user)
    response = client.post(
        f"/admin/documents/edit/{document.pk}/",
        {
            "title": "发展对象名单（已遮盖）",
            "collection": document.collection_id,
            "file": SimpleUploadedFile("名单.txt", "身份证号 1101**********002X".encode()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert document.title == "发展对象名单（已遮盖）"
    with document.file.open("rb") as handle:
        content = handle.read().decode()
    assert "1101**********002X" in content and "11010519491231002X" not in content


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.MEMBER, roles.REVIEWER, roles.APPROVER])
def test_other_roles_cannot_upload(client, make_user, role):
    client.force_login(make_user("someone", role))
    for url in ("/admin/documents/add/", "/admin/images/add/"):
        response = client.get(url)
        assert response.status_code in (302, 403)
