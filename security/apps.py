from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "安全审计"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from . import checks, signals  # noqa: F401  (connects the audit signals, registers the retention check)
        from .models import SecurityEvent
        from .permissions import AuditLogPermissionPolicy

        register_permission_policy(SecurityEvent, AuditLogPermissionPolicy(SecurityEvent))
