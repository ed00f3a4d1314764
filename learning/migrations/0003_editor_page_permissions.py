"""Let the 党务干部 build courses and micro lessons, and lift Wagtail's leftover default workflow.

Courses, lessons and micro lessons are published by the editors directly (add, change, publish on the two
indexes; new indexes get the same by `learning.signals`). The 党务公开审批 workflow exists because the 党务公开
rules require a confidentiality review of what the 工委 discloses, and a public notice may carry personal data;
teaching material is chosen by the 工委's own education officers, what a lesson teaches is for members only, and
the reviewer and approver roles are defined for notices. The other sections' editors publish the same way.

Wagtail's migration 0048 turned the Moderators group's publish permission on the root into a "Moderators approval"
workflow on the root page. Nobody here is a Moderator, so every page without a workflow of its own offered a
"submit for moderation" that nobody but a superuser could answer. It is lifted only while it is still exactly that
leftover (its one task approved by the Moderators group alone, and that group without users); workflows assigned
to a section (党务公开审批 on the notice columns) are not touched.
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

EDITORS = "党务干部"
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
INDEX_MODELS = ("CourseIndexPage", "MicroLessonIndexPage")
DEFAULT_WORKFLOW = "Moderators approval"
DEFAULT_GROUP = "Moderators"


def leftover_default_workflow(apps):
    """The root's workflow assignment if it is still Wagtail's untouched default, else None."""
    Page = apps.get_model("wagtailcore", "Page")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    User = apps.get_model(settings.AUTH_USER_MODEL)

    root = Page.objects.filter(depth=1).order_by("path").first()
    assignment = WorkflowPage.objects.filter(page=root, workflow__name=DEFAULT_WORKFLOW).first() if root else None
    if assignment is None:
        return None
    task_ids = list(WorkflowTask.objects.filter(workflow_id=assignment.workflow_id).values_list("task_id", flat=True))
    task = GroupApprovalTask.objects.filter(pk__in=task_ids).first() if len(task_ids) == 1 else None
    if task is None:
        return None
    groups = list(task.groups.all())
    if [group.name for group in groups] != [DEFAULT_GROUP] or User.objects.filter(groups=groups[0]).exists():
        return None
    return assignment


def lift_default_workflow(apps):
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    TaskState = apps.get_model("wagtailcore", "TaskState")

    assignment = leftover_default_workflow(apps)
    if assignment is None:
        return
    workflow = assignment.workflow
    assignment.delete()
    if WorkflowPage.objects.filter(workflow=workflow).exists() or (
        WorkflowContentType.objects.filter(workflow=workflow).exists()
    ):
        return  # assigned somewhere on purpose as well: it stays active there
    # Applies nowhere now: disable it as Wagtail's Workflow.deactivate() does, so that nothing waits on it.
    states = WorkflowState.objects.filter(workflow=workflow, status="in_progress")
    TaskState.objects.filter(workflow_state__in=states, status="in_progress").update(
        status="cancelled", finished_at=timezone.now()
    )
    states.update(status="cancelled")
    workflow.active = False
    workflow.save(update_fields=["active"])


def grant_editors(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    permissions = list(Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS))
    for model_name in INDEX_MODELS:
        for index in apps.get_model("learning", model_name).objects.all():
            for permission in permissions:
                GroupPagePermission.objects.get_or_create(group=editors, page_id=index.pk, permission=permission)


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_editors(apps)
    lift_default_workflow(apps)


def backwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    index_ids = [
        index.pk for model_name in INDEX_MODELS for index in apps.get_model("learning", model_name).objects.all()
    ]
    GroupPagePermission.objects.filter(
        group__name=EDITORS, page_id__in=index_ids, permission__codename__in=PAGE_PERMISSIONS
    ).delete()
    root = Page.objects.filter(depth=1).order_by("path").first()
    workflow = Workflow.objects.filter(name=DEFAULT_WORKFLOW).first()
    if root is not None and workflow is not None and not WorkflowPage.objects.filter(page=root).exists():
        workflow.active = True
        workflow.save(update_fields=["active"])
        WorkflowPage.objects.create(page=root, workflow=workflow)


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0002_roles"),
        ("members", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
