"""Separation of duties (等保 2.0 三权分立): a 系统管理员 manages accounts, but cannot hand out, take away or take
over the security and audit powers. Only a superuser (kept for emergencies) may put someone into 安全管理员 or
审计管理员, take him out, make a superuser, or edit such accounts; every change is an audit event either way."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from members import roles

PROTECTED_ROLES = (roles.SECURITY_ADMIN, roles.AUDIT_ADMIN)


def protected_group_ids():
    return set(Group.objects.filter(name__in=PROTECTED_ROLES).values_list("pk", flat=True))


def is_protected_account(user):
    """A superuser or a holder of the security or audit role: his account is the superuser's to manage."""
    return user.is_superuser or user.groups.filter(name__in=PROTECTED_ROLES).exists()


def refusal(request, message):
    return TemplateResponse(request, "security/refused.html", {"message": message}, status=403)


def _posted_group_ids(request):
    return {int(value) for value in request.POST.getlist("groups") if value.isdigit()}


def check_user_form(request, user=None):
    """Wagtail's user create and edit views (before_create_user / before_edit_user): None if allowed, else a
    403 page saying why."""
    if request.user.is_superuser:
        return None
    if user is not None and is_protected_account(user):
        return refusal(
            request, f"账号“{user.get_username()}”是超级用户或安全管理员、审计管理员，只有超级用户可以修改。"
        )
    if request.method != "POST":
        return None
    if "is_superuser" in request.POST:
        return refusal(request, "只有超级用户可以设置超级用户（管理员）。")
    if _posted_group_ids(request) & protected_group_ids():
        return refusal(request, f"只有超级用户可以把账号加入{'、'.join(PROTECTED_ROLES)}。")
    return None


def check_user_bulk_action(request, action_type, objects, action):
    """Wagtail's user bulk actions (assign role, activate / deactivate, delete)."""
    if request.user.is_superuser or action.models[0]._meta.label_lower != "auth.user":
        return None
    if any(is_protected_account(user) for user in objects):
        return refusal(request, "所选账号中有超级用户或安全管理员、审计管理员，只有超级用户可以对其操作。")
    role = getattr(getattr(action, "cleaned_form", None), "cleaned_data", {}).get("role")
    if role is not None and role.name in PROTECTED_ROLES:
        return refusal(request, f"只有超级用户可以把账号加入{'、'.join(PROTECTED_ROLES)}。")
    return None


# The three separated roles themselves (their names and permissions) are the superuser's to change: a 系统管理员,
# who edits other groups in Wagtail's group editor, could otherwise widen his own role or empty the auditor's.
SEPARATED_ROLES = (roles.SYSTEM_ADMIN, *PROTECTED_ROLES)


def refuse_change_of_separated_role(group_names):
    """Raise PermissionDenied if the request being served is a non-superuser's and touches a separated role. Code
    run outside a request (migrations, commands) is not stopped: it is recorded in the audit log."""
    from .audit import current_request

    request = current_request()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_superuser:
        return
    touched = sorted(set(group_names) & set(SEPARATED_ROLES))
    if touched:
        raise PermissionDenied(f"角色“{'、'.join(touched)}”及其权限只有超级用户可以修改。")
