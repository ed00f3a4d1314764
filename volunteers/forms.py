from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from .models import AVAILABLE_TIMES, CATEGORIES, ProjectProposal, ServiceRequest, VolunteerProfile
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
