"""党务公开审批: proposal (editor) → 审核 (reviewer) → 审批 (approver) → publication, through Wagtail's workflow."""

import json

import pytest
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from disclosures.models import DisclosureNoticePage


def notice_form(
    category, org_tree, title="关于开展主题党日活动的通知", body="<p>各党支部于本月开展主题党日活动。</p>", **extra
):
    data = {
        "title": title,
        "slug": extra.pop("slug", "theme-day"),
        "issuing_organization": org_tree["committee"].pk,
        "document_number": "县机党〔2026〕20号",
        "category": category.pk,
        "timing": "immediate",
        "written_on": "2026-11-20",
        "scope": extra.pop("scope", "public"),
        "scope_organizations": extra.pop("scope_organizations", []),
        "body": streamfield([("paragraph", rich_text(body))]),
        "attachments": inline_formset([]),
        "validity": "valid",
        "validity_changed_on": "",
        "replaced_by": "",
        "summary": "",
        "seo_title": "",
        "search_description": "",
    }
    data.update(extra)
    return nested_form_data(data)


def create(client, disclosure_index, data):
    return client.post(f"/admin/pages/add/disclosures/disclosurenoticepage/{disclosure_index.pk}/", data)


def act(client, page, action, comment=""):
    task_state = TaskState.objects.get(
        workflow_state__base_content_type__isnull=False, workflow_state__object_id=str(page.pk), status="in_progress"
    )
    return client.post(f"/admin/pages/workflow/action/{page.pk}/{action}/{task_state.pk}/", {"comment": comment})


@pytest.mark.django_db
def test_new_columns_get_the_workflow(disclosure_index):
    workflow = disclosure_index.get_workflow()
    assert workflow.name == "党务公开审批"
    assert [task.name for task in workflow.tasks] == ["审核（保密审查）", "审批"]


@pytest.mark.django_db
def test_editor_cannot_publish_past_the_workflow(client, editor_user, disclosure_index, category, org_tree):
    client.force_login(editor_user)
    response = create(client, disclosure_index, notice_form(category, org_tree, **{"action-publish": "publish"}))
    assert response.status_code == 302
    notice = DisclosureNoticePage.objects.get(slug="theme-day")
    assert not notice.live
    assert notice.index_number is None
    # Nor by the page's publish action in the explorer.
    response = client.post(
        f"/admin/pages/{notice.pk}/edit/", notice_form(category, org_tree, **{"action-publish": "1"})
    )
    notice.refresh_from_db()
    assert not notice.live


@pytest.mark.django_db
def test_submit_review_approve_publishes_with_an_index_number(
    client, editor_user, reviewer, approver, disclosure_index, category, org_tree
):
    client.force_login(editor_user)
    response = create(client, disclosure_index, notice_form(category, org_tree, **{"action-submit": "submit"}))
    assert response.status_code == 302
    notice = DisclosureNoticePage.objects.get(slug="theme-day")
    state = WorkflowState.objects.get(object_id=str(notice.pk))
    assert state.status == "in_progress"
    assert state.current_task_state.task.name == "审核（保密审查）"

    # The approver cannot act on the reviewer's task (Wagtail answers with its permission-denied redirect).
    client.force_login(approver)
    response = act(client, notice, "approve")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    state.refresh_from_db()
    assert state.current_task_state.task.name == "审核（保密审查）"

    client.force_login(reviewer)
    assert act(client, notice, "approve", "保密审查通过").status_code == 302
    state.refresh_from_db()
    assert state.current_task_state.task.name == "审批"
    notice.refresh_from_db()
    assert not notice.live

    client.force_login(approver)
    assert act(client, notice, "approve", "同意公开").status_code == 302
    notice.refresh_from_db()
    assert notice.live
    assert notice.index_number == f"{org_tree['committee'].code}-{notice.published_on.year}-0001"
    # The record keeps who said what.
    comments = list(
        TaskState.objects.filter(workflow_state=state)
        .order_by("started_at")
        .values_list("finished_by__username", "comment")
    )
    assert comments == [("reviewer", "保密审查通过"), ("approver", "同意公开")]


@pytest.mark.django_db
def test_rejection_returns_the_notice_with_a_comment(
    client, editor_user, reviewer, disclosure_index, category, org_tree
):
    client.force_login(editor_user)
    create(client, disclosure_index, notice_form(category, org_tree, **{"action-submit": "submit"}))
    notice = DisclosureNoticePage.objects.get(slug="theme-day")
    client.force_login(reviewer)
    assert act(client, notice, "reject", "文号有误，请核对。").status_code == 302
    state = WorkflowState.objects.get(object_id=str(notice.pk))
    assert state.status == "needs_changes"
    assert state.current_task_state.comment == "文号有误，请核对。"
    notice.refresh_from_db()
    assert not notice.live
    # The editor sees the request for changes on the edit page.
    client.force_login(editor_user)
    assert "文号有误，请核对。" in client.get(f"/admin/pages/{notice.pk}/edit/").content.decode()


@pytest.mark.django_db
def test_scheduled_publication_waits_for_its_time(disclosure_index, category, org_tree):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    notice = DisclosureNoticePage(
        title="第四季度党费收缴情况公示",
        category=category,
        issuing_organization=org_tree["committee"],
        timing="regular",
        go_live_at=timezone.now() + datetime.timedelta(hours=1),
        live=False,
    )
    disclosure_index.add_child(instance=notice)
    revision = notice.save_revision(approved_go_live_at=notice.go_live_at)
    call_command("publish_scheduled")
    notice.refresh_from_db()
    assert not notice.live
    # The go-live time comes.
    past = timezone.now() - datetime.timedelta(seconds=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    call_command("publish_scheduled")
    notice.refresh_from_db()
    assert notice.live
    assert notice.index_number.endswith("-0001")


@pytest.mark.django_db
def test_editors_have_no_publish_permission_on_the_column(editor_user, disclosure_index):
    permissions = Page.objects.get(pk=disclosure_index.pk).permissions_for_user(editor_user)
    assert permissions.can_add_subpage()
    assert not permissions.can_publish_subpage()


def act_in_editor(client, page, data, action, comment=""):
    """What the page editor's 审核/审批 menu posts: the whole edit form, with the workflow action and its comment."""
    data = {**data, "action-workflow-action": "true", "workflow-action-name": action}
    if comment:
        data["workflow-action-extra-data"] = json.dumps({"comment": comment})
    return client.post(f"/admin/pages/{page.pk}/edit/", data)


@pytest.mark.django_db
def test_approvals_from_the_page_editor_move_the_notice_on(
    client, editor_user, reviewer, approver, disclosure_index, category, org_tree
):
    data = notice_form(category, org_tree)
    client.force_login(editor_user)
    create(client, disclosure_index, {**data, "action-submit": "submit"})
    notice = DisclosureNoticePage.objects.get(slug="theme-day")
    data["body-0-id"] = notice.body[0].id  # the editor posts the blocks' ids back
    revisions = notice.revisions.count()
    state = WorkflowState.objects.get(object_id=str(notice.pk))

    client.force_login(reviewer)
    assert act_in_editor(client, notice, data, "approve", "保密审查通过").status_code == 302
    state.refresh_from_db()
    assert state.status == "in_progress"
    assert state.current_task_state.task.name == "审批"
    # Nothing was edited, so nothing was saved: the approved revision is the one submitted.
    assert notice.revisions.count() == revisions

    client.force_login(approver)
    assert act_in_editor(client, notice, data, "approve").status_code == 302
    state.refresh_from_db()
    notice.refresh_from_db()
    assert state.status == "approved"
    assert notice.live and notice.index_number


@pytest.mark.django_db
def test_an_edit_made_while_approving_is_approved_again(
    client, editor_user, reviewer, disclosure_index, category, org_tree
):
    data = notice_form(category, org_tree)
    client.force_login(editor_user)
    create(client, disclosure_index, {**data, "action-submit": "submit"})
    notice = DisclosureNoticePage.objects.get(slug="theme-day")
    client.force_login(reviewer)
    edited = {**data, "title": "关于开展十二月主题党日活动的通知"}
    act_in_editor(client, notice, edited, "approve")
    state = WorkflowState.objects.get(object_id=str(notice.pk), status="in_progress")
    # WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT: what is approved is what gets published.
    assert state.current_task_state.task.name == "审核（保密审查）"


@pytest.mark.django_db
def test_a_copy_of_a_published_notice_is_a_new_draft_without_index_number(
    client, editor_user, make_notice, disclosure_index
):
    original = make_notice("2026年第三季度党费收缴情况公示")
    assert original.index_number
    client.force_login(editor_user)
    response = client.post(
        f"/admin/pages/{original.pk}/copy/",
        {"new_title": "2026年第四季度党费收缴情况公示", "new_slug": "dues-q4", "new_parent_page": disclosure_index.pk},
    )
    assert response.status_code == 302
    copy = DisclosureNoticePage.objects.get(slug="dues-q4")
    assert not copy.live
    assert copy.index_number is None and copy.published_on is None
    assert copy.title == "2026年第四季度党费收缴情况公示"


@pytest.mark.django_db
def test_the_status_panel_says_who_will_see_the_notice(client, editor_user, make_notice, org_tree):
    internal = make_notice(
        "县财政局机关党支部三会一课安排", scope="organizations", organizations=[org_tree["finance_branch"]]
    )
    public = make_notice("关于召开县直机关党建工作会议的通知")
    client.force_login(editor_user)
    html = client.get(f"/admin/pages/{internal.pk}/edit/").content.decode()
    assert "一旦发布，任何人可看" not in html
    assert "仅以下党组织（含下级组织）的在册党员登录后可看：县财政局机关党支部" in html
    html = client.get(f"/admin/pages/{public.pk}/edit/").content.decode()
    assert "发布后任何人可看，包括未登录的群众" in html
    # Other page types keep Wagtail's own line.
    html = client.get(f"/admin/pages/{internal.get_parent().pk}/edit/").content.decode()
    assert "data-notice-audience" not in html
