from django.apps import AppConfig


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = "网站首页与设置"

    def ready(self):
        from .cache import connect_signals

        connect_signals()
