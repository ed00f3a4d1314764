"""A lesson's video or audio and its captions, for those who may study it (never a public storage URL)."""

import mimetypes
import re

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.http import require_GET

from .. import access
from .common import studyable_lesson

RANGE_PATTERN = re.compile(r"^bytes=(\d*)-(\d*)$")


def _lesson_file(request, page_id, field_name):
    """The file behind a live lesson's `media` or `captions`, for those who may study that lesson: 404 when
    there is none (or the lesson is a draft, or behind a view restriction he does not pass), 403 for others."""
    page = studyable_lesson(request, page_id)
    if page is None or not getattr(page, f"{field_name}_id"):
        raise Http404
    if not access.can_study(request):
        raise PermissionDenied("仅限在册党员学习。")
    return getattr(page, field_name).file


@require_GET
def media_file(request, page_id):
    """A lesson's video or audio, for those who may study it (never a public storage URL). Supports one byte
    range, so that players can seek and resume."""
    media_file = _lesson_file(request, page_id, "media")
    size = media_file.size
    content_type = mimetypes.guess_type(media_file.name)[0] or "application/octet-stream"
    match = RANGE_PATTERN.match(request.headers.get("Range", ""))
    if match and (match.group(1) or match.group(2)):
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        else:
            start, end = max(0, size - int(last)), size - 1
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle = media_file.open("rb")
        handle.seek(start)
        data = handle.read(end - start + 1)
        handle.close()
        response = HttpResponse(data, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(media_file.open("rb"), content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def captions_file(request, page_id):
    """A video lesson's captions (WebVTT), under the same rule as its media: those who may study it."""
    with _lesson_file(request, page_id, "captions").open("rb") as handle:
        data = handle.read()
    response = HttpResponse(data, content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
