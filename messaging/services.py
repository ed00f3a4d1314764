"""Sending the site's messages: one call for every section, the inbox always, e-mail where the user has one."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .models import Message

logger = logging.getLogger(__name__)


def send(recipients, subject, text="", url="", kind="", email=True):
    """Put a message in each recipient's inbox; also e-mail those who have an address when `email` is true.

    `url` is a site path (the message's link on /me/); e-mails get it as a full address. A mail server that is down
    never loses the message: the inbox copy is written first, and mail errors are logged, not raised.
    Returns the inbox messages written.
    """
    users = {user.pk: user for user in recipients if user is not None and user.is_active}.values()
    messages = Message.objects.bulk_create(
        Message(recipient=user, subject=subject[:200], text=text, url=url, kind=kind) for user in users
    )
    if email:
        _email(users, subject, text, url)
    return messages


def _email(users, subject, text, url):
    addressed = [user for user in users if user.email]
    if not addressed:
        return
    body = text
    if url:
        body = f"{text}\n\n{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{url}"
    try:
        with get_connection() as connection:
            for user in addressed:
                EmailMessage(
                    f"【{settings.WAGTAIL_SITE_NAME}】{subject}", body, to=[user.email], connection=connection
                ).send()
    except Exception:  # an unreachable mail server must not undo what the user did; the inbox has the message
        logger.exception("Mail not sent: %s", subject)


def unread_count(user):
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()
