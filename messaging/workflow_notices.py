"""Workflow notices in the inbox: 待审核/待审批 to the task's group, 退回 (with the comment) and 已发布 to the editor.

Wagtail's own notifiers decide who is told, and e-mail those with an address (and notifications on in their
account settings). These subclasses tell the same people in their inbox on the site, address or not, so that a
reviewer without e-mail still sees on /me/ that a notice waits for him.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.mail import (
    GroupApprovalTaskStateSubmissionEmailNotifier,
    WorkflowStateApprovalEmailNotifier,
    WorkflowStateRejectionEmailNotifier,
)
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected

from .services import send


class InboxMixin:
    kind = ""

    def get_valid_recipients(self, instance, **kwargs):
        return {user for user in self.get_recipient_users(instance, **kwargs) if user and user.is_active}

    def get_template_set(self, instance, **kwargs):
        return {}

    def send_notifications(self, template_set, context, recipients, **kwargs):
        subject, text, url = self.message(context)
        send(recipients, subject, text, url, kind=self.kind, email=False)  # Wagtail's notifier sends the e-mail
        return True


def _edit_url(obj):
    return reverse("wagtailadmin_pages:edit", args=(obj.pk,))


class TaskSubmittedInbox(InboxMixin, GroupApprovalTaskStateSubmissionEmailNotifier):
    kind = "workflow_task"

    def message(self, context):
        page, task = context["object"], context["task"]
        return (
            f"《{page.title}》等待您{task.name}",
            f"{context['model_name']}《{page.title}》已提交，等待{task.name}。",
            _edit_url(page),
        )


class RejectedInbox(InboxMixin, WorkflowStateRejectionEmailNotifier):
    kind = "workflow_rejected"

    def message(self, context):
        page, task = context["object"], context["task"]
        comment = context.get("comment") or "（未填写意见）"
        return (
            f"《{page.title}》在{task.name}中被退回修改",
            f"退回意见：{comment}\n请修改后重新提交。",
            _edit_url(page),
        )


class ApprovedInbox(InboxMixin, WorkflowStateApprovalEmailNotifier):
    kind = "workflow_approved"

    def message(self, context):
        page = context["object"].specific
        page.refresh_from_db(fields=["live", "go_live_at"])
        if page.live:
            return f"《{page.title}》已审批通过并发布", "已按审批结果发布。", page.get_url() or _edit_url(page)
        go_live = page.go_live_at and timezone.localtime(page.go_live_at).strftime(settings.WAGTAIL_DATETIME_FORMAT)
        return (
            f"《{page.title}》已审批通过",
            f"将于 {go_live} 自动发布。" if go_live else "已审批通过。",
            _edit_url(page),
        )


# Module-level instances: signals hold their receivers by weak reference.
task_submitted_inbox = TaskSubmittedInbox()
rejected_inbox = RejectedInbox()
approved_inbox = ApprovedInbox()
task_submitted.connect(task_submitted_inbox, sender=TaskState, dispatch_uid="inbox_task_submitted")
workflow_rejected.connect(rejected_inbox, sender=WorkflowState, dispatch_uid="inbox_workflow_rejected")
workflow_approved.connect(approved_inbox, sender=WorkflowState, dispatch_uid="inbox_workflow_approved")
