"""Who may study, who may record credits for whom, who may see which report."""

from members import roles
from members.models import Member
from members.scope import active_member, is_active_member


def member_for(user):
    """The user's active member record (with his organization), cached for the request; None otherwise."""
    return active_member(user)


def study_member(request):
    return member_for(request.user)


def can_study(request):
    """Lesson content is for active members (and for editors previewing it in the admin)."""
    if getattr(request, "is_preview", False):
        return True
    return is_active_member(request.user)


def _in_group(user, name):
    return roles.has_role(user, name)


def is_cadre(user):
    """党务干部 (and superusers) work for the 工委: every branch, every member."""
    return getattr(user, "is_authenticated", False) and (user.is_superuser or _in_group(user, roles.PARTY_CADRE))


def secretary_branch(user):
    """The branch a 支部书记 leads (his own branch), or None."""
    member = member_for(user)
    if member is None:
        return None
    if member.is_branch_secretary or _in_group(user, roles.BRANCH_SECRETARY):
        return member.organization
    return None


def can_view_branch(user, organization):
    if is_cadre(user):
        return True
    branch = secretary_branch(user)
    return branch is not None and branch.pk == organization.pk


def creditable_members(user):
    """The members for whom this user may record offline study: his branch's for a secretary, all for the 工委."""
    if is_cadre(user):
        return Member.objects.active().select_related("organization")
    branch = secretary_branch(user)
    if branch is None:
        return Member.objects.none()
    return Member.objects.active().filter(organization=branch).select_related("organization")


def can_record_credits(user):
    return is_cadre(user) or secretary_branch(user) is not None
