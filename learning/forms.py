from decimal import Decimal

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from wagtailmedia.forms import BaseMediaForm

from .access import creditable_members
from .media import replacement_problems
from .models import CreditRecord, LessonPage, MicroLessonPage

ATTACHMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "wps", "ofd"]
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return f"{member.name}（{member.organization.name}）"


class ManualCreditForm(forms.Form):
    """Offline study recorded by a branch secretary (his branch) or the 工委 (anyone)."""

    member = MemberChoiceField(label="党员", queryset=None, empty_label="请选择党员")
    year = forms.TypedChoiceField(label="年度", coerce=int)
    activity = forms.ChoiceField(label="学习形式", choices=CreditRecord.Activity.choices)
    points = forms.DecimalField(
        label="学时",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("-20"),
        max_value=Decimal("20"),
        help_text="0.25 的整数倍。更正以往记录时填负数，并选择学习形式“更正”。",
    )
    reason = forms.CharField(
        label="事由",
        max_length=200,
        error_messages={"required": "请填写事由。"},
        help_text="例如：2026 年 3 月支部党员大会，学习党的二十届四中全会精神。",
    )
    attachment = forms.FileField(
        label="附件（可选）",
        required=False,
        validators=[
            FileExtensionValidator(
                ATTACHMENT_EXTENSIONS, message="附件只能是 PDF、图片、Word、Excel、WPS 或 OFD 文件。"
            )
        ],
        help_text="签到表、会议记录的照片或扫描件，不超过 10 MB。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = creditable_members(user).order_by("organization__path", "name")
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(this_year, f"{this_year} 年"), (this_year - 1, f"{this_year - 1} 年")]
        self.fields["year"].initial = this_year
        self.fields["reason"].widget.attrs["maxlength"] = 200

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if attachment and attachment.size > ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError("附件不能超过 10 MB。")
        return attachment


class LessonMediaForm(BaseMediaForm):
    """wagtailmedia's add and edit form (WAGTAILMEDIA["MEDIA_FORM_BASE"]): a new file for a video or audio that live
    lessons play must still cover their study time, as publishing them required."""

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("file")
        if self.instance.pk and upload and "file" in self.changed_data:
            lessons = [
                *LessonPage.objects.live().filter(media=self.instance),
                *MicroLessonPage.objects.live().filter(media=self.instance),
            ]
            problem = replacement_problems(upload, lessons)
            if problem:
                self.add_error("file", problem)
        return cleaned_data
