"""The export: the active members in the import's columns, so that importing the export changes nothing."""

from django.dispatch import Signal
from django.utils import timezone

from ..models import Member
from .base import HEADERS


def export_rows():
    """The active members in the import's columns, so that importing the export changes nothing."""
    members = Member.objects.active().select_related("organization").order_by("organization__path", "name", "pk")
    for member in members.iterator(chunk_size=1000):
        yield [
            member.name,
            member.get_gender_display() if member.gender else "",
            member.organization.name,
            member.get_category_display(),
            member.joined_on,
            member.phone,
            member.party_post,
        ]


# Sent by the export view with its request: the security audit log records it (members imports no other app).
exported = Signal()


def export_response():
    from dangjian.excel import xlsx_response

    return xlsx_response(f"党员名册-{timezone.localdate():%Y%m%d}.xlsx", HEADERS, export_rows(), "党员名册")
