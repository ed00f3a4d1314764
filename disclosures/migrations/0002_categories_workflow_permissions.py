"""The categories, the 党务公开审批 workflow (审核 → 审批), and what each role may do with notices."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CATEGORIES = [
    "组织建设",
    "党员教育",
    "党费收缴",
    "干部任用",
    "民主评议",
    "换届选举",
    "发展党员",
    "作风建设",
    "纪律建设",
    "党风廉政",
    "表彰奖励",
    "其他",
]
TASKS = [("审核（保密审查）", "审核人"), ("审批", "审批人")]
EDITOR_PERMISSIONS = {
    ("disclosures", "noticecategory"): ("add", "change", "view"),
    ("disclosures", "noticefeedback"): ("change", "view"),
    ("home", "sitedocument"): ("add", "change", "choose"),
    ("home", "siteimage"): ("add", "change", "choose"),
}


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    NoticeCategory = apps.get_model("disclosures", "NoticeCategory")
    for order, name in enumerate(CATEGORIES):
        NoticeCategory.objects.get_or_create(name=name, defaults={"sort_order": order})

    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    NoticeApprovalTask = apps.get_model("disclosures", "NoticeApprovalTask")
    task_type = ContentType.objects.get_for_model(NoticeApprovalTask)

    workflow, _ = Workflow.objects.get_or_create(name="党务公开审批")
    for order, (name, group_name) in enumerate(TASKS):
        task = NoticeApprovalTask.objects.filter(name=name).first()
        if task is None:
            task = NoticeApprovalTask.objects.create(name=name, content_type=task_type, active=True)
        task.groups.set(Group.objects.filter(name=group_name))
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": order})

    editors = Group.objects.get(name="党务干部")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root_collection = Collection.objects.filter(depth=1).first()
    for (app_label, model), actions in EDITOR_PERMISSIONS.items():
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=[f"{action}_{model}" for action in actions]
        )
        if model in ("sitedocument", "siteimage"):
            for permission in permissions:
                GroupCollectionPermission.objects.get_or_create(
                    group=editors, collection=root_collection, permission=permission
                )
        else:
            editors.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0001_initial"),
        ("members", "0002_roles"),
        ("home", "0003_sitedocument_siteimage_siterendition"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
