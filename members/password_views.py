"""The site's password change for an account that still has its initial password (members.accounts).

Django's own view lets a new password equal the old one; an initial password printed on a slip must not survive
its "change". members.middleware serves this view at the site's password change address for such accounts only.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class InitialPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "初始密码"
        self.fields["old_password"].help_text = "党务干部发给您的登录通知单上的密码。"

    def clean(self):
        cleaned_data = super().clean()
        password = cleaned_data.get("new_password1")
        if password and password == cleaned_data.get("old_password") and not self.has_error("new_password2"):
            error = forms.ValidationError("新密码不能与初始密码相同，请设置一个只有您自己知道的密码。", code="same")
            self.add_error("new_password2", error)
        return cleaned_data


class InitialPasswordChangeView(PasswordChangeView):
    form_class = InitialPasswordChangeForm
    template_name = "registration/password_change_form.html"

    def next_url(self):
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(initial_password=True, next=self.next_url())
        return context

    def get_success_url(self):
        return self.next_url() or reverse("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)  # saves the password: members.signals ends the initial one
        messages.success(self.request, "密码已修改，以后请用新密码登录。")
        return response

    def form_invalid(self, form):
        # Bad input answers 400, with what was typed kept (Django never echoes passwords back).
        response = super().form_invalid(form)
        response.status_code = 400
        return response
