import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from . import services
from .models import AVAILABLE_TIMES, CATEGORIES, ProjectProposal, ServiceRequest, SignUp, VolunteerProfile
from .validators import no_markup


class PlainMessagesMixin:
    """Plain Chinese for the commonest mistakes (Django's own say "确保该变量包含不超过……")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = "请填写此项。"
            field.error_messages["max_length"] = "最多 %(limit_value)d 个字，现在有 %(show_value)d 个字。"


class ProfileForm(PlainMessagesMixin, forms.ModelForm):
    intentions = forms.MultipleChoiceField(
        label="服务意向", choices=CATEGORIES.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    available_times = forms.MultipleChoiceField(
        label="可服务时间", choices=AVAILABLE_TIMES.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = VolunteerProfile
        fields = ["name", "phone", "skills", "intentions", "available_times", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"phone": "仅您本人和项目联络人可见，列表中只显示部分号码。"}

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class RegistrationForm(PlainMessagesMixin, UserCreationForm):
    """A member of the public registers as a volunteer: an account and his profile in one form."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username"]


class HoneypotMixin(forms.Form):
    # Hidden from people by CSS and from screen readers; bots fill every field they find.
    website = forms.CharField(label="网址（请勿填写）", required=False)

    def is_spam(self):
        return bool(self.data.get("website"))


class ServiceRequestForm(PlainMessagesMixin, HoneypotMixin, forms.ModelForm):
    class Meta:
        model = ServiceRequest
        fields = ["title", "description", "place", "wanted_time", "contact_name", "contact_phone"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "title": "例如：老人家中电路检修、社区垃圾分类宣传。",
            "wanted_time": "例如：12 月的周末上午。",
            "contact_phone": "仅工作人员可见，用于联系您。",
        }


class ProposalForm(PlainMessagesMixin, forms.ModelForm):
    class Meta:
        model = ProjectProposal
        fields = ["title", "category", "description", "place", "suggested_time", "volunteers_needed"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"description": "服务对象、服务内容、需要什么样的志愿者。"}


class ReviewNoteForm(PlainMessagesMixin, forms.Form):
    note = forms.CharField(label="审核意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        no_markup(note)
        return note


ATTENDANCE_KEY = re.compile(r"^attendance_(\d+)$")
RECORDED = (SignUp.Status.ATTENDED, SignUp.Status.ABSENT)


def volunteer_name(signup):
    profile = getattr(signup.user, "volunteer_profile", None)
    return profile.name if profile else (signup.user.get_full_name() or signup.user.username)


class AttendanceForm(PlainMessagesMixin, forms.Form):
    """A slot's roster: attended or absent and the hours for each seat holder, and the reason for a correction.

    It checks what `services.record_attendance` checks, so that a refusal comes back on the form with everything
    typed kept; the service checks again under the slot's lock and writes all or nothing.
    """

    reason = forms.CharField(label="更正说明", max_length=200, required=False)

    def __init__(self, slot, signups, *args, **kwargs):
        self.slot = slot
        self.signups = list(signups)
        initial = {}
        for signup in self.signups:
            initial[f"attendance_{signup.pk}"] = signup.status if signup.status in RECORDED else ""
            initial[f"hours_{signup.pk}"] = "" if signup.hours is None else str(signup.hours)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for signup in self.signups:
            name = volunteer_name(signup)
            self.fields[f"attendance_{signup.pk}"] = forms.ChoiceField(
                label=f"{name}的出勤",
                choices=[(SignUp.Status.ATTENDED, "出勤"), (SignUp.Status.ABSENT, "缺勤")],
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "出勤情况只能是“出勤”或“缺勤”。"},
            )
            self.fields[f"hours_{signup.pk}"] = forms.CharField(
                label=f"{name}的服务时长",
                required=False,
                max_length=10,
                error_messages={"max_length": "服务时长请填写数字，例如 2.5。"},
            )
        self.entries = []

    def rows(self):
        return [
            {"signup": signup, "attendance": self[f"attendance_{signup.pk}"], "hours": self[f"hours_{signup.pk}"]}
            for signup in self.signups
        ]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        no_markup(reason)
        return reason

    def clean(self):
        cleaned = super().clean()
        known = {str(signup.pk) for signup in self.signups}
        for key in self.data:
            if key.startswith("attendance_"):
                match = ATTENDANCE_KEY.match(key)
                if match is None:
                    raise ValidationError("提交的名单数据不正确，请刷新页面后重试。")
                if match[1] not in known:
                    raise ValidationError("名单中没有这条报名记录，请刷新页面后重试。")
        now = timezone.now()
        if self.slot.start > now:
            raise ValidationError("服务开始后才能登记出勤和时长。")
        chosen, corrected, too_early = 0, [], False
        for signup in self.signups:
            status = cleaned.get(f"attendance_{signup.pk}")
            if not status:
                continue
            chosen += 1
            raw_hours = cleaned.get(f"hours_{signup.pk}", "")
            hours = None
            if status == SignUp.Status.ATTENDED:
                if self.slot.end > now:
                    too_early = True
                    continue
                try:
                    hours = services.parse_hours(raw_hours, self.slot)
                except services.Refused as error:
                    self.add_error(f"hours_{signup.pk}", error.message)
                    continue
            self.entries.append(services.AttendanceEntry(signup.pk, status, raw_hours))
            if signup.status in RECORDED and (signup.status, signup.hours) != (status, hours):
                corrected.append(volunteer_name(signup))
        if too_early:
            self.add_error(None, services.not_ended_message(self.slot))
        if not chosen and not self.errors:
            raise ValidationError("请至少为一位志愿者选择出勤情况。")
        if corrected and not cleaned.get("reason") and "reason" not in self.errors:
            self.add_error("reason", f"更正已登记的出勤或时长时，请填写更正说明（本次更正：{'、'.join(corrected)}）。")
        return cleaned
