"""Read receipts of internal notices, as a branch secretary sees them."""

from django.db.models import OuterRef, Q, Subquery

from members.models import Member, Organization

from .choices import Scope
from .models import NoticeRead


def branches_led_by(user):
    """The branches whose secretary this user is (usually one)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organization.objects.filter(
            members__user=user, members__is_branch_secretary=True, members__status=Member.Status.ACTIVE
        )
    )


def members_in_scope(notice):
    members = Member.objects.active()
    if notice.scope == Scope.ORGANIZATIONS:
        paths = [organization.path for organization in notice.scope_organizations.all()]
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(organization__path__startswith=path)
        members = members.filter(condition)
    return members


def readers_of(notice, branches=None):
    """Members in the notice's scope (in `branches` only, when given) with the time each first read it, or None."""
    members = members_in_scope(notice)
    if branches is not None:
        members = members.filter(organization__in=branches)
    first_read = NoticeRead.objects.filter(notice=notice, user=OuterRef("user")).values("read_at")[:1]
    return list(
        members.select_related("organization")
        .annotate(read_at=Subquery(first_read))
        .order_by("organization__path", "name")
    )
