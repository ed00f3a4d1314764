"""The site's roles, as Django groups (created by migration 0002)."""

MEMBER = "党员"
BRANCH_SECRETARY = "支部书记"
PARTY_CADRE = "党务干部"  # the editors
REVIEWER = "审核人"
APPROVER = "审批人"
VOLUNTEER_MANAGER = "志愿服务管理员"
# 等保 2.0 separation of duties: accounts and settings / security policy / the audit log (groups made by the
# security app's migrations). The superuser is kept for emergencies, not for daily work.
SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"

ALL = [MEMBER, BRANCH_SECRETARY, PARTY_CADRE, REVIEWER, APPROVER, VOLUNTEER_MANAGER]
# Roles that work in the Wagtail admin.
ADMIN_ROLES = [PARTY_CADRE, REVIEWER, APPROVER, VOLUNTEER_MANAGER]
# Roles that only use the site itself (migration 0002 gives them no admin access).
SITE_ONLY_ROLES = frozenset({MEMBER, BRANCH_SECRETARY})

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


def may_work_in_admin(user):
    """Whether the user may have admin access, without reading permissions: superusers and anyone with a role
    other than the site-only ones. Costs the role names (one query, cached for the request), where Django's
    permission check costs two: a shortcut for members' pages, never a permission check in itself."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or not role_names(user) <= SITE_ONLY_ROLES
