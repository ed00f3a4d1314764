from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "volunteers"
    verbose_name = "志愿服务"

    def ready(self):
        from . import signals  # noqa: F401
