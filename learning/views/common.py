"""What the learning views share: the member behind a request, the year asked for, the lesson a page id names."""

import re

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from wagtail.models import Page

from .. import access
from ..models import LessonPage, MicroLessonPage

PAGE_ID_PATTERN = re.compile(r"[0-9]{1,18}")  # ASCII digits only: str.isdigit() takes "²", which int() refuses


def active_member(request):
    member = access.member_for(request.user)
    if member is None:
        raise PermissionDenied("仅限在册党员使用。")
    return member


def year_asked(request):
    this_year = timezone.localdate().year
    value = request.GET.get("year", "")
    if not value:
        return this_year
    if not value.isdigit() or not 2000 <= int(value) <= this_year + 1:
        raise Http404("年度不正确。")
    return int(value)


def studyable_lesson(request, page_id):
    """The live lesson or micro lesson a member may study on this page id, or None (draft, not a lesson, gone,
    or behind a view restriction he does not pass)."""
    page = Page.objects.live().filter(pk=int(page_id)).specific().first()
    if not isinstance(page, LessonPage | MicroLessonPage):
        return None
    if any(not restriction.accept_request(request) for restriction in page.get_view_restrictions()):
        return None
    return page
