from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "站内消息"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import workflow_notices  # noqa: F401  (connects the workflow signals)
