from django.apps import AppConfig


class AwardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "awards"
    verbose_name = "十佳评选"

    def ready(self):
        from . import signals  # noqa: F401
