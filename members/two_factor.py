"""Two-factor authentication (TOTP, 等保 2.0 level 3) for every account that can enter the Wagtail admin.

After the password, such an account passes /accounts/two-factor/: the first time it enrols an authenticator app
(腾讯身份验证器, Google Authenticator…) from a QR code drawn on the server (no request leaves it) or the base32 key
typed by hand, and confirms with a code; later it types the current code. Until then every /admin/ URL leads there.
Members' own pages (/me/ and the rest of the site) need no second factor. Wrong codes are throttled by django-otp
(1, 2, 4 … seconds × OTP_TOTP_THROTTLE_FACTOR). TWO_FACTOR_REQUIRED switches the requirement (off in the tests'
settings, where staff are logged in with force_login; on for the browser tests and this feature's tests).
"""

import base64
import io
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

ACCESS_ADMIN = "wagtailadmin.access_admin"
DEVICE_NAME = "身份验证器"
ADMIN_VIEWS_WITHOUT_SECOND_FACTOR = frozenset({"wagtailadmin_login", "wagtailadmin_logout"})


def needs_second_factor(user):
    """Whether this account must pass the second factor before the admin: anyone who may enter it."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(ACCESS_ADMIN))


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class TwoFactorMiddleware(OTPMiddleware):
    """django-otp's middleware (request.user.is_verified()), and the gate in front of the admin: an account that
    may enter it and has not passed the second factor in this session is sent to the two-factor step."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.TWO_FACTOR_REQUIRED or not request.path_info.startswith(admin_prefix()):
            return None
        match = request.resolver_match
        if match and match.view_name in ADMIN_VIEWS_WITHOUT_SECOND_FACTOR:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified() or not needs_second_factor(user):
            return None  # Wagtail itself sends the anonymous to its login and refuses those without admin access
        url = reverse("two_factor")
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


def admin_prefix():
    return reverse("wagtailadmin_home")


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="6 位验证码",
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"required": "请输入身份验证器上显示的 6 位数字。", "invalid": "验证码是 6 位数字。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, device, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        allowed, details = self.device.verify_is_allowed()
        if not allowed:
            self.throttled = True
            wait = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
            raise forms.ValidationError(f"验证码错误次数过多，请 {wait} 秒后再试。", code="throttled")
        if not self.device.verify_token(token):
            raise forms.ValidationError(
                "验证码不正确。请输入手机上当前显示的 6 位数字，并确认手机时间准确。", code="wrong"
            )
        return token


def qr_code_svg(text):
    """An inline SVG QR code, drawn here: the secret never leaves the server."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode().split("?>", 1)[-1]  # without the XML declaration, to sit inside HTML


def grouped_secret(device):
    """The base32 key in groups of four, as the apps' manual entry shows it."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return admin_prefix()


@never_cache
@login_required
def two_factor(request):
    """The second step: enrolment for an account without a confirmed device, verification otherwise."""
    user = request.user
    if not needs_second_factor(user):
        return redirect("me")
    if user.is_verified():
        return redirect(next_url(request))
    device = confirmed_device(user)
    enrolling = device is None
    if enrolling:
        # The same unconfirmed key until it is confirmed: a reload must not invalidate what was just scanned.
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name=DEVICE_NAME, confirmed=False
        )
    form = TokenForm(request.POST or None, device=device)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(next_url(request))
        status = 429 if getattr(form, "throttled", False) else 400
    context = {"form": form, "enrolling": enrolling, "next": next_url(request)}
    if enrolling:
        context.update(qr_code=qr_code_svg(device.config_url), secret=grouped_secret(device))
    return render(request, "members/two_factor/step.html", context, status=status)
