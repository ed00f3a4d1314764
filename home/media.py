"""Image and document models whose files sit under an unguessable folder.

Wagtail serves images straight from storage and cannot check who asks. An image or document used by an internal
notice must not be found by guessing its address, so each file gets a random folder (64 bits). Documents are
always served through Wagtail's checked view (see disclosures' before_serve_document hook); this is the second wall.
"""

import posixpath
import secrets

from django.db import models
from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import AbstractImage, AbstractRendition, Image

MAX_PATH = 100  # the length of Django's FileField column


def unguessable_path(path):
    """`folder/name` → `folder/<16 random hex digits>/name`, the name shortened to fit the column."""
    folder, name = posixpath.split(path)
    token = secrets.token_hex(8)
    room = MAX_PATH - len(folder) - len(token) - 2
    if len(name) > room:
        stem, extension = posixpath.splitext(name)
        name = stem[: max(room - len(extension), 1)] + extension
    return posixpath.join(folder, token, name)


class SiteImage(AbstractImage):
    admin_form_fields = Image.admin_form_fields

    class Meta(AbstractImage.Meta):
        verbose_name = "图片"
        verbose_name_plural = "图片"

    def get_upload_to(self, filename):
        return unguessable_path(super().get_upload_to(filename))


class SiteRendition(AbstractRendition):
    image = models.ForeignKey(SiteImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)

    def get_upload_to(self, filename):
        return unguessable_path(super().get_upload_to(filename))


def document_upload_to(instance, filename):
    return unguessable_path(posixpath.join("documents", filename))


class SiteDocument(AbstractDocument):
    file = models.FileField(upload_to=document_upload_to, verbose_name="文件")

    admin_form_fields = Document.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = "文档"
        verbose_name_plural = "文档"
