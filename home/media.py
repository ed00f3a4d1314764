"""Image and document models whose files sit under an unguessable folder, and private images.

Wagtail serves images straight from storage and cannot check who asks. An image or document used by an internal
notice must not be found by guessing its address, so each file gets a random folder (64 bits). Documents are
always served through Wagtail's checked view (see disclosures' before_serve_document hook); this is the second wall.

An image used only on internal pages is private (`SiteImage.is_private`, kept by the disclosures section through
`update_image_privacy`): its original and renditions live under `private/` in the storage, which the web server
never serves, and a rendition's `url` is the checked view in home/media_urls.py, which asks the
BEFORE_SERVE_PRIVATE_IMAGE_HOOK functions (as Wagtail's before_serve_document) who may see it.
"""

import posixpath
import secrets

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import AbstractImage, AbstractRendition, Image

MAX_PATH = 100  # the length of Django's FileField column
PRIVATE_FOLDER = "private"  # under MEDIA_ROOT; the web server refuses it (docs/deploy.md)
# fn(image, request) -> a response that refuses, or None to allow; with no function registered, nobody is served.
BEFORE_SERVE_PRIVATE_IMAGE_HOOK = "before_serve_private_image"


def unguessable_path(path):
    """`folder/name` → `folder/<16 random hex digits>/name`, the name shortened to fit the column."""
    folder, name = posixpath.split(path)
    token = secrets.token_hex(8)
    room = MAX_PATH - len(folder) - len(token) - 2
    if len(name) > room:
        stem, extension = posixpath.splitext(name)
        name = stem[: max(room - len(extension), 1)] + extension
    return posixpath.join(folder, token, name)


def storage_path(path, private):
    """`path` (`folder/name`) under the private folder, or out of it, in a new unguessable folder."""
    parts = path.split("/")
    if parts[0] == PRIVATE_FOLDER:
        parts = parts[1:]
    folder = parts[0] if len(parts) > 1 else ""
    if private:
        folder = posixpath.join(PRIVATE_FOLDER, folder)
    return unguessable_path(posixpath.join(folder, parts[-1]))


def is_private_path(path):
    return path.split("/", 1)[0] == PRIVATE_FOLDER


class SiteImage(AbstractImage):
    is_private = models.BooleanField(
        "仅限内部",
        default=False,
        editable=False,
        help_text="只用于内部公开事项的图片：文件不在公开路径下，只向有权看到相应页面的人提供。",
    )

    admin_form_fields = Image.admin_form_fields

    class Meta(AbstractImage.Meta):
        verbose_name = "图片"
        verbose_name_plural = "图片"

    def get_upload_to(self, filename):
        return storage_path(super().get_upload_to(filename), self.is_private)

    def set_private(self, private):
        """Move the original under the private folder (or out of it) and drop the renditions, which are made again
        on demand under the same folder as the original. The old file goes once the move is committed."""
        storage, old_name = self.file.storage, self.file.name
        with storage.open(old_name, "rb") as handle:
            new_name = storage.save(storage_path(old_name, private), handle)
        self.file.name = new_name
        self.is_private = private
        self.save(update_fields=["file", "is_private"])
        for rendition in self.renditions.all():
            rendition.delete()  # Wagtail's signals delete its file (on commit) and its cache entry
        transaction.on_commit(lambda: storage.delete(old_name))


def update_image_privacy(private_ids):
    """Make exactly the images `private_ids` private; any other private image becomes public again."""
    private_ids = set(private_ids)
    changed = SiteImage.objects.filter(Q(is_private=False, pk__in=private_ids) | Q(is_private=True)).exclude(
        is_private=True, pk__in=private_ids
    )
    for image in changed:
        image.set_private(image.pk in private_ids)


class SiteRendition(AbstractRendition):
    image = models.ForeignKey(SiteImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)

    @property
    def url(self):
        # The image comes with the rendition wherever Wagtail finds it (prefetch, cache, related manager): no query.
        if self.image.is_private:
            return reverse("private_image", args=(self.pk, posixpath.basename(self.file.name)))
        return self.file.url

    def get_upload_to(self, filename):
        return storage_path(super().get_upload_to(filename), self.image.is_private)


def document_upload_to(instance, filename):
    return unguessable_path(posixpath.join("documents", filename))


WEBVTT_REFUSED = "字幕文件（.vtt）须为 WebVTT 格式：文件的第一行应为“WEBVTT”。"


def is_webvtt(head):
    """Whether a file's first bytes are WebVTT's: "WEBVTT" (after an optional UTF-8 BOM), then the line's end or a
    space. Video lessons' captions must be, or browsers drop them without a word."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.startswith(b"WEBVTT") and head[6:7] in (b"", b" ", b"\t", b"\n", b"\r")


class SiteDocument(AbstractDocument):
    file = models.FileField(upload_to=document_upload_to, verbose_name="文件")

    admin_form_fields = Document.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = "文档"
        verbose_name_plural = "文档"

    def clean(self):
        super().clean()
        if self.file and self.file.name.lower().endswith(".vtt"):
            # Checked on upload, before storage has the file (an uploaded file is read where it is, then rewound).
            handle = self.file.file if not self.file._committed else self.file.open("rb")
            handle.seek(0)
            head = handle.read(16)
            handle.seek(0)
            if not is_webvtt(head):
                raise ValidationError({"file": WEBVTT_REFUSED})
