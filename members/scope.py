"""Which organizations a user belongs to: the base of every permission check in the site."""

from django.db.models import Exists, OuterRef

from .models import Member, Organization

_CACHE_ATTRIBUTE = "_member_organization_ids"


def member_organizations(user):
    """The organizations of a user's active membership: his branch and all its ancestors, in one query.

    Empty for anonymous users, users without a member record and members who have transferred out.
    """
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    own_branch = Member.objects.active().filter(user=user, organization__path__startswith=OuterRef("path"))
    return Organization.objects.filter(Exists(own_branch))


def member_organization_ids(user):
    """The ids of member_organizations(user), cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = frozenset(member_organizations(user).values_list("pk", flat=True))
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


_MEMBER_ATTRIBUTE = "_member_record"


def member_record(user):
    """The user's member record (any status, with its organization), cached on the user object; None if none."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, _MEMBER_ATTRIBUTE):
        # At most one row (user is unique): no ordering, which first() would add, and the database sort it.
        found = Member.objects.select_related("organization").filter(user=user).order_by()[:1]
        setattr(user, _MEMBER_ATTRIBUTE, next(iter(found), None))
    return getattr(user, _MEMBER_ATTRIBUTE)


def remember_member_record(user, member):
    """Keep a member record read with the user (members.auth), so that member_record(user) needs no query."""
    setattr(user, _MEMBER_ATTRIBUTE, member)


def active_member(user):
    """The user's member record if the membership is active, else None."""
    member = member_record(user)
    return member if member is not None and member.status == Member.Status.ACTIVE else None


def is_active_member(user):
    """Whether the user's membership is active: from what this request has already read of him, else from his
    member record (one lookup by a unique key, far cheaper than the organizations' query, and kept for later)."""
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return bool(cached)
    return active_member(user) is not None
