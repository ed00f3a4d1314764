"""账号安全: the security administrator's (安全管理员) small admin screen. He resets the authenticator of a user who
lost his phone (the user enrols again at his next admin login) and lifts a login delay (members.login_protection)
before it runs out. Each action is gated by its Django permission, granted to the group by migration 0007."""

from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse, reverse_lazy
from django.views.generic import TemplateView
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

RESET_DEVICE = "otp_totp.delete_totpdevice"
UNLOCK = "axes.delete_accessattempt"
MAX_LISTED = 50


def may_use(user):
    return user.has_perm(RESET_DEVICE) or user.has_perm(UNLOCK)


class AccountSecurityView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "members/two_factor/account_security.html"
    page_title = "账号安全"
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        if not may_use(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("account_security"), "label": "账号安全"}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:150]
        user = self.request.user
        if user.has_perm(RESET_DEVICE):
            devices = TOTPDevice.objects.filter(confirmed=True).select_related("user").order_by("user__username")
            if query:
                devices = devices.filter(user__username__icontains=query)
            context["devices"] = devices[:MAX_LISTED]
        if user.has_perm(UNLOCK):
            attempts = AccessAttempt.objects.order_by("-attempt_time")
            if query:
                attempts = attempts.filter(username__icontains=query)
            context["attempts"] = attempts[:MAX_LISTED]
        context["query"] = query
        return context

    def post(self, request):
        if "reset_device" in request.POST:
            if not request.user.has_perm(RESET_DEVICE):
                raise PermissionDenied
            account = get_object_or_404(get_user_model(), pk=_number(request.POST["reset_device"]))
            TOTPDevice.objects.filter(user=account).delete()
            messages.success(request, f"已重置“{account.get_username()}”的身份验证器，其下次登录后台时须重新绑定。")
        elif "unlock" in request.POST:
            if not request.user.has_perm(UNLOCK):
                raise PermissionDenied
            attempt = get_object_or_404(AccessAttempt, pk=_number(request.POST["unlock"]))
            attempt.delete()
            messages.success(request, f"已解除“{attempt.username}”在 {attempt.ip_address} 的登录限制。")
        else:
            messages.error(request, "未指定要执行的操作。")
        return redirect("account_security")


def _number(value):
    return int(value) if str(value).isdigit() else 0  # 0 finds nothing: a 404, never a 500


class AccountSecurityMenuItem(MenuItem):
    def is_shown(self, request):
        return may_use(request.user)


@hooks.register("register_admin_urls")
def register_account_security_url():
    return [path("account-security/", AccountSecurityView.as_view(), name="account_security")]


@hooks.register("register_settings_menu_item")
def account_security_menu_item():
    return AccountSecurityMenuItem("账号安全", reverse_lazy("account_security"), icon_name="lock", order=650)
