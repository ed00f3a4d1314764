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


def is_active_member(user):
    return bool(member_organization_ids(user))
