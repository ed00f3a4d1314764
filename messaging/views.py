from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Message

PER_PAGE = 20


@login_required
def inbox(request):
    messages = Message.objects.filter(recipient=request.user)
    page = Paginator(messages, PER_PAGE).get_page(request.GET.get("page"))
    response = render(request, "messaging/inbox.html", {"page_obj": page, "messages_page": page.object_list})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def open_message(request, pk):
    """Mark the message read and go where it points (a site path only: never an open redirect)."""
    message = get_object_or_404(Message, pk=pk, recipient=request.user)
    if message.read_at is None:
        Message.objects.filter(pk=message.pk).update(read_at=timezone.now())
    target = message.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("messaging:inbox")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def mark_all_read(request):
    Message.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return HttpResponseRedirect(reverse("messaging:inbox"))
