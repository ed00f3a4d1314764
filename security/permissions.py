from django.contrib.auth import get_user_model
from wagtail.permission_policies import ModelPermissionPolicy


class AuditLogPermissionPolicy(ModelPermissionPolicy):
    """Viewing is the only action on the audit log, for superusers too: no add, edit or delete view ever opens."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, "view")

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(["view"])
