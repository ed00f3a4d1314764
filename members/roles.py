"""The site's roles, as Django groups (created by migration 0002)."""

MEMBER = "党员"
BRANCH_SECRETARY = "支部书记"
PARTY_CADRE = "党务干部"  # the editors
REVIEWER = "审核人"
APPROVER = "审批人"
VOLUNTEER_MANAGER = "志愿服务管理员"

ALL = [MEMBER, BRANCH_SECRETARY, PARTY_CADRE, REVIEWER, APPROVER, VOLUNTEER_MANAGER]
# Roles that work in the Wagtail admin.
ADMIN_ROLES = [PARTY_CADRE, REVIEWER, APPROVER, VOLUNTEER_MANAGER]

_GROUPS_ATTRIBUTE = "_role_names"


def role_names(user):
    """The names of the user's groups, in one query cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, _GROUPS_ATTRIBUTE, None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, _GROUPS_ATTRIBUTE, cached)
    return cached


def has_role(user, *names):
    return not role_names(user).isdisjoint(names)
