"""New disclosure columns get the 党务公开审批 workflow and the editors' page permissions at once."""

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage

from members import roles

from .models import DisclosureIndexPage

WORKFLOW_NAME = "党务公开审批"
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")  # not publish_page: publication passes the workflow


@receiver(post_save, sender=DisclosureIndexPage)
def govern_new_column(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME, active=True).first()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(page=instance, defaults={"workflow": workflow})
    editors = Group.objects.filter(name=roles.PARTY_CADRE).first()
    if editors is not None:
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=EDITOR_PAGE_PERMISSIONS
        ):
            GroupPagePermission.objects.get_or_create(group=editors, page=instance, permission=permission)
