"""The notice editor's form and the personal-data gate of review and publication."""

from django.core.cache import cache

from home.admin_forms import BasePageForm
from members.models import Organization

from .choices import Scope
from .personal_data import scan_notice, scan_notice_page

# Admin actions after which a notice is on its way to readers: the personal-data check must pass first.
GATED_ACTIONS = ("action-publish", "action-submit")


def findings_for_revision(page):
    """Personal-data findings of a notice as it stands in its latest revision (cached per revision)."""
    revision_id = page.latest_revision_id
    key = f"disclosures:findings:{page.pk}:{revision_id}"
    result = cache.get(key)
    if result is None:
        latest = page.get_latest_revision_as_object() if revision_id else page
        result = (latest.scope, *scan_notice_page(latest))
        cache.set(key, result, 3600)
    return result


class NoticeAdminForm(BasePageForm):
    """The notice editor's form: scope rules, and the personal-data check before review or publication."""

    def clean(self):
        cleaned_data = super().clean()
        scope = cleaned_data.get("scope")
        organizations = cleaned_data.get("scope_organizations")
        if scope == Scope.ORGANIZATIONS and not organizations:
            self.add_error("scope_organizations", "请选择可以查看本事项的党组织。")
        elif scope != Scope.ORGANIZATIONS and organizations:
            cleaned_data["scope_organizations"] = Organization.objects.none()
        if self._is_gated_action():
            self._check_personal_data(cleaned_data)
        return cleaned_data

    def _is_gated_action(self):
        if any(self.data.get(action) for action in GATED_ACTIONS):
            return True
        return self.data.get("action-workflow-action") and self.data.get("workflow-action-name", "").startswith(
            "approve"
        )

    def _attached_documents(self):
        formset = self.formsets.get("attachments")
        if formset is None or not formset.is_valid():
            return []
        return [
            form.cleaned_data["document"]
            for form in formset.forms
            if form.cleaned_data.get("document") and not form.cleaned_data.get("DELETE")
        ]

    def _check_personal_data(self, cleaned_data):
        if cleaned_data.get("scope") != Scope.PUBLIC or cleaned_data.get("body") is None:
            return
        findings, _ = scan_notice(
            cleaned_data.get("title", ""),
            cleaned_data.get("summary", ""),
            cleaned_data["body"],
            self._attached_documents(),
        )
        if findings:
            self.add_error(
                None,
                "向社会公开的事项含有未遮盖的个人信息，请遮盖后再提交或发布："
                + "；".join(str(finding) for finding in findings),
            )
