"""等保 2.0 separation of duties: the 系统管理员, 安全管理员 and 审计管理员 roles, and Wagtail's unused defaults gone.

- 系统管理员: accounts and roles (Wagtail's users and groups), site settings and sites, admin access. Not the audit
  log, not the login records, no page permissions.
- 安全管理员: admin access and django-axes' login records (view, delete: unlocking an account). Other parts of
  the security work add their permissions to it by name, so it is made with get_or_create.
- 审计管理员: admin access and viewing the security audit log, nothing else.

Wagtail's own migrations leave an "Editors" and a "Moderators" group and a "Moderators approval" workflow and task
(learning 0003 already took the workflow off the root). Nobody here uses them: they are deleted while they are
still exactly that (no users in the groups, nothing ever moderated by the workflow or task), so that the admin's
group list and the workflow report's task filter show only the site's own roles.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"

# (app label, codenames) per role, besides wagtailadmin.access_admin.
ROLE_PERMISSIONS = {
    SYSTEM_ADMIN: [
        ("auth", [f"{action}_{model}" for model in ("user", "group") for action in ("add", "change", "delete", "view")]),
        ("home", ["change_sitesettings"]),
        ("wagtailcore", [f"{action}_site" for action in ("add", "change", "delete", "view")]),
    ],
    SECURITY_ADMIN: [
        (
            "axes",
            [
                f"{action}_{model}"
                for model in ("accessattempt", "accesslog", "accessfailurelog")
                for action in ("view", "delete")
            ],
        ),
    ],
    AUDIT_ADMIN: [("security", ["view_securityevent"])],
}

DEFAULT_WORKFLOW = "Moderators approval"
DEFAULT_GROUPS = ["Editors", "Moderators"]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for name, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        for app_label, codenames in grants:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


def remove_wagtail_defaults(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    for workflow in Workflow.objects.filter(name=DEFAULT_WORKFLOW):
        in_use = (
            WorkflowPage.objects.filter(workflow=workflow).exists()
            or WorkflowContentType.objects.filter(workflow=workflow).exists()
            or WorkflowState.objects.filter(workflow=workflow).exists()
        )
        if in_use:
            continue
        task_ids = list(WorkflowTask.objects.filter(workflow=workflow).values_list("task_id", flat=True))
        workflow.delete()
        for task in GroupApprovalTask.objects.filter(pk__in=task_ids, name=DEFAULT_WORKFLOW):
            if not WorkflowTask.objects.filter(task_id=task.pk).exists() and not TaskState.objects.filter(
                task_id=task.pk
            ).exists():
                task.delete()

    for group in Group.objects.filter(name__in=DEFAULT_GROUPS):
        if group.user_set.exists() or GroupApprovalTask.objects.filter(groups=group).exists():
            continue
        group.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0001_audit_log"),
        ("members", "0002_roles"),
        ("learning", "0003_editor_page_permissions"),
        ("home", "0006_root_page_title"),
        ("axes", "0010_accessattemptexpiration"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(remove_wagtail_defaults, migrations.RunPython.noop),
    ]
