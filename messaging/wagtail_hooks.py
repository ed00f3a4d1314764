from django.urls import reverse
from wagtail import hooks

from home.sections import ME_PANELS_HOOK, MePanel

from .models import Message

ME_ITEMS = 5


@hooks.register(ME_PANELS_HOOK)
def messages_on_me(request):
    """The newest messages first on /me/ (order 5): what waits for the member comes before what he reads."""
    newest = list(Message.objects.filter(recipient=request.user)[: ME_ITEMS + 1])
    if not newest:
        return None
    unread = sum(1 for message in newest if message.read_at is None)
    return MePanel(
        order=5,
        title="我的消息",
        template="messaging/me_panel.html",
        context={
            "messages": newest[:ME_ITEMS],
            "unread": unread,
            "more": len(newest) > ME_ITEMS,
            "inbox_url": reverse("messaging:inbox"),
        },
    )
