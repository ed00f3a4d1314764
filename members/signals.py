"""An account's own new password ends its initial one (members.accounts): whichever way it was set."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import PendingPasswordChange


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="members_password_changed")
def password_changed(sender, instance, created, **kwargs):
    # set_password() keeps the raw password in `_password` until the save is done; Django's hash upgrades at login
    # and the office's initial passwords (written as hashes) leave it None, so they are not counted as changes.
    if created or getattr(instance, "_password", None) is None:
        return
    PendingPasswordChange.objects.filter(user=instance).delete()
    relation = type(instance).pending_password_change.related
    if relation.is_cached(instance):
        relation.delete_cached_value(instance)  # this request's user, read with the row (members.auth)
