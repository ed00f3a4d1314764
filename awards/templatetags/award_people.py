"""People as the committee knows them in its admin pages: their names, not their login names."""

from django import template

from awards.models.scoring import person_name as _person_name

register = template.Library()


@register.filter
def person_name(user):
    return _person_name(user)


@register.filter
def log_user(entry):
    """Who made a log entry: his name while the account exists, else what Wagtail kept of it."""
    return _person_name(entry.user) if entry.user_id and entry.user else entry.user_display_name
