from django.core.checks import Error, register

from .retention import retention_days, retention_error


@register()
def audit_retention_check(app_configs, **kwargs):
    message = retention_error(retention_days())
    return [Error(message, id="security.E001")] if message else []
