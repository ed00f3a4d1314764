from django.apps import AppConfig


class LearningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learning"
    verbose_name = "在线学习"

    def ready(self):
        from . import signals  # noqa: F401
