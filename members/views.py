"""Wagtail admin views of the roster import: upload → preview → confirm, the record of applied imports, export.

Only users with `members.import_roster` (党务干部 and superusers) reach them: the file and the preview hold phone
numbers, which only editors may see.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import roster
from .accounts import can_manage_accounts
from .models import Member, RosterChange, RosterImport

PERMISSION = "members.import_roster"
CHANGES_PER_PAGE = 100


def can_import(user):
    return user.is_active and user.has_perm(PERMISSION)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="名册文件（.xlsx）",
        help_text=(
            "从全国党员管理信息系统导出的 Excel 文件。表头须含“姓名”“所在党组织”“入党日期”，"
            "可含“性别”“人员类别”“手机号码”“党内职务”；列的顺序不限，其他列不读取。"
            f"上传后先预览，确认后才写入。文件不超过 {roster.MAX_UPLOAD_BYTES // 1024 // 1024} MB，"
            f"不超过 {roster.MAX_ROWS:,} 行。"
        ),
        error_messages={"required": "请选择要上传的名册文件。", "empty": "上传的文件是空的。"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > roster.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"文件太大（超过 {roster.MAX_UPLOAD_BYTES // 1024 // 1024} MB），请确认选择的是党员名册。"
            )
        return upload


class RosterView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("members_roster:index"), "label": "名册导入"},
        ]


class IndexView(RosterView):
    """The upload form and the list of recent imports."""

    template_name = "members/roster/index.html"
    page_title = "名册导入"

    def get_context_data(self, form=None, refusal="", **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or UploadForm()
        context["refusal"] = refusal
        context["imports"] = RosterImport.objects.select_related("uploaded_by", "applied_by").defer(
            "content", "preview"
        )[:20]
        return context

    def post(self, request):
        # Refuse an oversized upload from its declared length, before Django reads it to disk.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > roster.MAX_UPLOAD_BYTES + 64 * 1024:
            refusal = f"文件太大（超过 {roster.MAX_UPLOAD_BYTES // 1024 // 1024} MB），请确认选择的是党员名册。"
            return self.render_to_response(self.get_context_data(refusal=refusal), status=413)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record, _ = roster.stage_import(upload.read(), upload.name, user=request.user)
            except roster.RosterFileError as error:
                form.add_error("file", str(error))
            else:
                return redirect("members_roster:detail", record.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DetailView(RosterView):
    """A pending import's preview with the confirmation form, or an applied import's record of changes."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(
            RosterImport.objects.select_related("uploaded_by", "applied_by").defer("content"), pk=kwargs["pk"]
        )

    @property
    def page_title(self):
        return f"名册导入：{self.object.file_name}"

    def get_template_names(self):
        if self.object.status == RosterImport.Status.PENDING:
            return ["members/roster/preview.html"]
        return ["members/roster/record.html"]

    def get_context_data(self, conflict=None, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        context.update(record=record, conflict=conflict, kinds=RosterChange.Kind)
        if record.status == RosterImport.Status.PENDING:
            preview = record.preview
            entries = preview.get("entries", {})
            context["sections"] = [
                {
                    "kind": kind,
                    "label": label,
                    "count": record.summary.get(kind, 0),
                    "items": entries.get(kind, []),
                }
                for kind, label in RosterChange.Kind.choices
            ]
            context["errors"] = preview.get("errors", [])
            context["warnings"] = preview.get("warnings", [])
            context["columns"] = preview.get("columns", [])
            context["has_changes"] = any(record.summary.get(kind) for kind in RosterChange.Kind.values)
            context["preview_limit"] = roster.PREVIEW_LIMIT
        else:
            changes = record.changes.select_related("member").order_by("kind", "pk")
            kind = self.request.GET.get("kind")
            if kind in RosterChange.Kind.values:
                changes = changes.filter(kind=kind)
            context["kind"] = kind
            context["page_obj"] = Paginator(changes, CHANGES_PER_PAGE).get_page(self.request.GET.get("p"))
            context["counts"] = [
                (value, label, record.summary.get(value, 0)) for value, label in RosterChange.Kind.choices
            ]
            if record.status == RosterImport.Status.APPLIED and can_manage_accounts(self.request.user):
                joined = record.changes.filter(kind=RosterChange.Kind.JOINED, member__isnull=False)
                context["accounts_missing"] = joined.filter(
                    member__user__isnull=True, member__status=Member.Status.ACTIVE
                ).count()
                context["accounts_url"] = f"{reverse('member_accounts:create')}?import={record.pk}"
        return context


class ApplyView(DetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            roster.apply_import(pk, user=request.user, expected_sha256=request.POST.get("sha256", ""))
        except roster.RosterConflict as error:
            self.object.refresh_from_db()
            return self.render_to_response(self.get_context_data(conflict=str(error)), status=409)
        messages.success(request, f"名册“{self.object.file_name}”已导入党员信息库。")
        return redirect("members_roster:detail", pk)


class DiscardView(DetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            roster.discard_import(self.object)
        except roster.RosterConflict as error:
            return self.render_to_response(self.get_context_data(conflict=str(error)), status=409)
        messages.info(request, f"已放弃导入“{self.object.file_name}”，未写入任何数据。")
        return redirect("members_roster:index")


def export(request):
    if not can_import(request.user):
        raise PermissionDenied
    roster.exported.send(sender=Member, request=request)
    return roster.export_response()
