import datetime

from django import forms

from dangjian.forms import PlainSelect
from members.models import Organization

from .choices import Scope, Validity
from .models import NoticeCategory, NoticeFeedback


class NoticeFilterForm(forms.Form):
    """The index's filters. Invalid values are dropped (and the visitor told), never an error page."""

    category = forms.ModelChoiceField(
        NoticeCategory.objects.all(), required=False, label="主题分类", empty_label="全部", widget=PlainSelect
    )
    organization = forms.ModelChoiceField(
        Organization.objects.exclude(kind=Organization.Kind.BRANCH),
        required=False,
        label="发布机构",
        empty_label="全部",
        widget=PlainSelect,
    )
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100, label="年份")
    validity = forms.ChoiceField(
        choices=[("", "全部")] + Validity.choices, required=False, label="有效性", widget=PlainSelect
    )
    scope = forms.ChoiceField(
        choices=[("", "全部"), ("public", "向社会公开"), ("internal", "党内公开")],
        required=False,
        label="公开范围",
        widget=PlainSelect,
    )

    def __init__(self, data, *args, **kwargs):
        # Long garbage is cut before it reaches any parser.
        data = {key: str(value)[:40] for key, value in data.items() if key in self.base_fields}
        super().__init__(data, *args, **kwargs)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year and year > datetime.date.today().year + 1:
            raise forms.ValidationError("年份超出范围。")
        return year

    def valid_filters(self):
        """The filters that passed validation; invalid ones are ignored."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def filter(self, queryset):
        filters = self.valid_filters()
        if "category" in filters:
            queryset = queryset.filter(category=filters["category"])
        if "organization" in filters:
            organization = filters["organization"]
            queryset = queryset.filter(issuing_organization__path__startswith=organization.path)
        if "year" in filters:
            queryset = queryset.filter(published_on__year=filters["year"])
        if "validity" in filters:
            queryset = queryset.filter(validity=filters["validity"])
        if filters.get("scope") == "public":
            queryset = queryset.filter(scope=Scope.PUBLIC)
        elif filters.get("scope") == "internal":
            queryset = queryset.exclude(scope=Scope.PUBLIC)
        return queryset


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = NoticeFeedback
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}
        error_messages = {"text": {"required": "请填写意见内容。", "max_length": "意见内容不能超过 2000 字。"}}

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < 5:
            raise forms.ValidationError("意见内容太短，请至少写 5 个字。")
        return text
