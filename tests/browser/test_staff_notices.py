"""党务公开 as the office does it, in the real admin, as the roles that do it (never a superuser).

党务干部 writes → 审核人 returns it with a comment → 党务干部 fixes it → 审核人 passes → 审批人 approves, all from the
page editor; the notice is live with its 索引号 and reaches exactly its scope. Also: a public notice with a full-width
ID number is refused, a copy starts as a draft without 索引号, and a scheduled notice goes live on its own.
"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import WorkflowState

from disclosures.models import DisclosureNoticePage
from messaging.models import Message

from .actions import (
    ADMIN,
    PHONE,
    add_block,
    admin_log_in,
    choose_in_chooser,
    footer_action,
    png_file,
    site_log_in,
    type_paragraph,
    upload_in_chooser,
    wait_for_rich_text_saved,
    workflow_action_with_comment,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "县财政局机关党支部十二月主题党日活动安排"
BODY = "#body-root"


def start_notice(page, live_server, index, title):
    page.goto(f"{live_server.url}/admin/pages/add/disclosures/disclosurenoticepage/{index.pk}/")
    page.fill("#id_title", title)
    choose_in_chooser(page, "选择 党组织", "工委", "县直机关工委")
    choose_in_chooser(page, "选择 公开分类", "组织", "组织建设")


def test_an_internal_notice_from_draft_to_its_branch(
    live_server, open_page, tmp_path, editor_user, reviewer, approver, member_user, outsider, disclosure_index, org_tree
):
    attachment = tmp_path / "议程.txt"
    attachment.write_text("会议议程：学习党的二十届四中全会精神。", encoding="utf-8")

    # 党务干部 writes the notice for one branch, with a new image and a new attachment, and submits it.
    editor = open_page(ADMIN)
    admin_log_in(editor, live_server, "editor")
    start_notice(editor, live_server, disclosure_index, TITLE)
    editor.select_option("#id_scope", label="党内公开（指定党组织）")
    editor.get_by_label("筛选").fill("财政")
    editor.get_by_label("县财政局机关党支部", exact=True).check()
    type_paragraph(editor, BODY, "12月5日下午3点在县财政局会议室开展主题党日活动。")
    add_block(editor, BODY, "图片")
    upload_in_chooser(editor, "选择一个图片", png_file(tmp_path), "主题党日活动场地")
    editor.locator(f"{BODY} input[name$=alt_text]").fill("县财政局会议室")
    editor.get_by_role("button", name="增加 附件").click()
    upload_in_chooser(editor, "选择一个文档", attachment, "主题党日活动议程")
    footer_action(editor, "提交给党务公开审批")
    # Back in the column's listing, the notice 审核中 (the message's wording depends on whether autosave had
    # already created the page).
    editor.wait_for_url(f"{live_server.url}/admin/pages/{disclosure_index.pk}/")
    editor.locator(".messages").wait_for()
    notice = DisclosureNoticePage.objects.get(title=TITLE)
    assert WorkflowState.objects.get(object_id=str(notice.pk)).status == "in_progress"
    assert not notice.live and notice.index_number is None
    editor.screenshot(path="/tmp/staff-notice-submitted.png", full_page=True)

    # 审核人, on his phone: the dashboard lists it; he returns it from the page editor with a comment.
    reviewer_page = open_page(PHONE)
    admin_log_in(reviewer_page, live_server, "reviewer")
    reviewer_page.get_by_role("link", name=TITLE).first.click()
    workflow_action_with_comment(reviewer_page, "请求修改", "请写明会议室所在楼层。")
    reviewer_page.locator(".messages").wait_for()
    reviewer_page.screenshot(path="/tmp/staff-notice-returned-375.png", full_page=True)
    state = WorkflowState.objects.get(object_id=str(notice.pk))
    assert state.status == "needs_changes"

    # 党务干部 sees the comment on his dashboard and in his inbox, fixes the text and submits again.
    editor.goto(live_server.url + "/admin/")
    assert editor.get_by_text("请写明会议室所在楼层。").first.is_visible()
    assert Message.objects.filter(recipient=editor_user, subject__contains="退回修改").exists()
    editor.get_by_role("link", name=TITLE).first.click()
    paragraph = editor.locator(f"{BODY} .Draftail-Editor [contenteditable=true]").first
    paragraph.click()
    editor.keyboard.press("End")
    editor.keyboard.type("（三楼 302 会议室）")
    wait_for_rich_text_saved(editor, BODY, "（三楼 302 会议室）")
    footer_action(editor, "重新提交给审核（保密审查）")
    editor.locator(".messages").wait_for()
    editor.screenshot(path="/tmp/staff-notice-resubmitted.png", full_page=True)

    # 审核人 passes it from the page editor, 审批人 approves it from the page editor: it goes live.
    reviewer_page.goto(f"{live_server.url}/admin/pages/{notice.pk}/edit/")
    footer_action(reviewer_page, "批准")
    reviewer_page.locator(".messages").wait_for()
    state.refresh_from_db()
    assert state.status == "in_progress" and state.current_task_state.task.name == "审批"
    reviewer_page.screenshot(path="/tmp/staff-notice-reviewed-375.png", full_page=True)

    approver_page = open_page(ADMIN)
    admin_log_in(approver_page, live_server, "approver")
    approver_page.get_by_role("link", name=TITLE).first.click()
    footer_action(approver_page, "批准")
    approver_page.locator(".messages").wait_for()
    notice.refresh_from_db()
    assert notice.live
    assert notice.index_number == f"T-GW-{timezone.localdate().year}-0001"
    assert "三楼 302 会议室" in str(notice.body)

    # Exactly its scope: the branch's member reads it with its 索引号 and attachment; another branch's member and
    # the public do not.
    member = open_page(PHONE)
    site_log_in(member, live_server, "member")
    member.goto(live_server.url + notice.url)
    assert member.get_by_role("heading", name=TITLE).is_visible()
    assert member.get_by_text(notice.index_number).is_visible()
    assert member.locator("img[alt=县财政局会议室]").count() == 1
    member.screenshot(path="/tmp/staff-notice-member-375.png", full_page=True)
    download = member.get_by_role("link", name="主题党日活动议程")
    assert member.request.get(live_server.url + download.get_attribute("href")).status == 200

    other = open_page(PHONE)
    site_log_in(other, live_server, "member2")
    assert other.goto(live_server.url + notice.url).status == 403
    assert other.request.get(live_server.url + download.get_attribute("href"), max_redirects=0).status in (302, 403)
    public = open_page(PHONE)
    public.goto(live_server.url + "/dwgk/")
    assert public.get_by_text(TITLE).count() == 0


def test_a_public_notice_with_a_full_width_id_number_is_refused(
    live_server, open_page, editor_user, disclosure_index, org_tree
):
    editor = open_page(ADMIN)
    admin_log_in(editor, live_server, "editor")
    start_notice(editor, live_server, disclosure_index, "2026年发展对象公示")
    type_paragraph(editor, BODY, "发展对象张某，身份证号１１０１０５１９４９１２３１００２Ｘ。")
    footer_action(editor, "提交给党务公开审批")
    editor.wait_for_load_state()
    editor.screenshot(path="/tmp/staff-notice-refused.png", full_page=True)
    editor.get_by_text("存在验证错误").wait_for()
    error = editor.get_by_text("含有未遮盖的个人信息").filter(visible=True)
    assert error.count() >= 1, "the refusal's reason is not shown"
    assert "1101**********002X" in editor.content()
    assert editor.input_value("#id_title") == "2026年发展对象公示"  # what was typed is kept
    assert not WorkflowState.objects.exists()
    editor.screenshot(path="/tmp/staff-notice-refused.png", full_page=True)


def test_a_copy_starts_as_a_draft_without_index_number(live_server, open_page, editor_user, make_notice):
    original = make_notice("2026年第三季度党费收缴情况公示")
    editor = open_page(ADMIN)
    admin_log_in(editor, live_server, "editor")
    # From the column's listing: the notice's "更多选项" menu → 复制.
    editor.goto(f"{live_server.url}/admin/pages/{original.get_parent().pk}/")
    editor.get_by_role("button", name=f"“{original.title}”的更多选项").click()
    editor.get_by_role("link", name="复制", exact=True).click()
    editor.fill("#id_new_title", "2026年第四季度党费收缴情况公示")
    editor.fill("#id_new_slug", "dues-2026-q4")
    editor.get_by_role("button", name="复制此页").click()
    editor.locator(".messages").wait_for()
    copy = DisclosureNoticePage.objects.get(slug="dues-2026-q4")
    assert not copy.live and copy.index_number is None
    original.refresh_from_db()
    assert original.index_number and original.live


def test_a_scheduled_notice_goes_live_on_its_own(
    live_server, open_page, editor_user, reviewer, approver, disclosure_index, org_tree
):
    title = "2026年第四季度县直机关党费收缴情况公示"
    editor = open_page(ADMIN)
    admin_log_in(editor, live_server, "editor")
    start_notice(editor, live_server, disclosure_index, title)
    editor.select_option("#id_timing", label="定期公开")
    type_paragraph(editor, BODY, "第四季度党费收缴情况如下。")
    # The 定期公开 help text points to the schedule in the status panel.
    editor.locator("[data-side-panel-toggle=status]").click()
    editor.get_by_role("button", name="设置计划").click()
    go_live = timezone.localtime() + datetime.timedelta(hours=1)
    dialog = editor.locator("#schedule-publishing-dialog")
    dialog.locator("input[name=go_live_at]").fill(go_live.strftime("%Y-%m-%d %H:%M"))
    dialog.get_by_role("button", name="保存计划").click()
    footer_action(editor, "提交给党务公开审批")
    editor.locator(".messages").wait_for()
    notice = DisclosureNoticePage.objects.get(title=title)

    for username in ("reviewer", "approver"):
        page = open_page(ADMIN)
        admin_log_in(page, live_server, username)
        page.goto(f"{live_server.url}/admin/pages/{notice.pk}/edit/")
        footer_action(page, "批准")
        page.locator(".messages").wait_for()
    notice.refresh_from_db()
    assert not notice.live and notice.scheduled_revision is not None
    editor.goto(live_server.url + "/admin/")
    assert editor.get_by_text("已计划发布的公开事项").is_visible()

    # The hour passes (moved, not waited for); the scheduler that `make run` and the timer run publishes it.
    revision = notice.scheduled_revision
    past = timezone.now() - datetime.timedelta(seconds=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    call_command("run_scheduler", "--once")
    public = open_page(PHONE)
    assert public.goto(live_server.url + "/dwgk/").ok
    public.get_by_role("link", name=title).click()
    assert public.get_by_role("heading", name=title).is_visible()
