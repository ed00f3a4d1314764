"""The checked view of private images (see home.media): never a public /media/ path, never a shared cache."""

import mimetypes
import posixpath

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail import hooks

from .media import BEFORE_SERVE_PRIVATE_IMAGE_HOOK, SiteRendition


def serve_private_image(request, rendition_id, filename):
    rendition = get_object_or_404(SiteRendition.objects.select_related("image"), pk=rendition_id)
    if posixpath.basename(rendition.file.name) != filename:
        raise Http404
    if not rendition.image.is_private:
        return redirect(rendition.file.url)  # public again since the page was made
    checks = hooks.get_hooks(BEFORE_SERVE_PRIVATE_IMAGE_HOOK)
    if not checks:
        raise PermissionDenied  # nobody has said who may see it: fail closed
    for check in checks:
        refusal = check(rendition.image, request)
        if isinstance(refusal, HttpResponse):
            patch_cache_control(refusal, private=True, no_store=True)
            return refusal
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(rendition.file.open("rb"), content_type=content_type)
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response


urlpatterns = [path("<int:rendition_id>/<str:filename>", serve_private_image, name="private_image")]
