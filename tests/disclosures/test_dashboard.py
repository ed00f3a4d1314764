"""The admin dashboard shows each role what waits for it: returned notices, feedback to answer, scheduled notices."""

import datetime

import pytest
from django.utils import timezone

from disclosures.models import DisclosureNoticePage, NoticeFeedback
from tests.query_counts import compare

from .test_workflow import act, create, notice_form


@pytest.mark.django_db
def test_the_editor_sees_his_returned_notice_with_the_comment(
    client, editor_user, reviewer, disclosure_index, category, org_tree
):
    client.force_login(editor_user)
    create(client, disclosure_index, notice_form(category, org_tree, **{"action-submit": "submit"}))
    notice = DisclosureNoticePage.objects.get(slug="theme-day")

    client.force_login(reviewer)
    html = client.get("/admin/").content.decode()
    assert "关于开展主题党日活动的通知" in html  # Wagtail's own "awaiting your review" panel
    act(client, notice, "reject", "请补充活动地点。")

    client.force_login(editor_user)
    html = client.get("/admin/").content.decode()
    assert "退回修改的公开事项（1）" in html
    assert "审核（保密审查）意见：请补充活动地点。" in html
    assert f"/admin/pages/{notice.pk}/edit/" in html


@pytest.mark.django_db
def test_feedback_and_scheduled_notices_wait_on_the_dashboard(
    client, editor_user, member_user, make_notice, disclosure_index, category, org_tree
):
    notice = make_notice("关于开展主题党日活动的通知")
    client.force_login(editor_user)
    assert "待答复的意见反馈" not in client.get("/admin/").content.decode()

    created = iter(range(100))

    def grow(count):
        def add():
            for _ in range(count):
                number = next(created)
                NoticeFeedback.objects.create(notice=notice, user=member_user, text=f"意见{number}")
                scheduled = DisclosureNoticePage(
                    title=f"第{number}季度党费收缴情况公示",
                    slug=f"dues-{number}",
                    category=category,
                    issuing_organization=org_tree["committee"],
                    live=False,
                )
                disclosure_index.add_child(instance=scheduled)
                scheduled.save_revision(approved_go_live_at=timezone.now() + datetime.timedelta(days=1 + number))

        return add

    grow(1)()
    few_html, many_html = compare(client, "/admin/", grow(8))
    assert "待答复的意见反馈（1）" in few_html and "已计划发布的公开事项（1）" in few_html
    assert "待答复的意见反馈（9）" in many_html and "已计划发布的公开事项（9）" in many_html
    assert "查看全部 9 项" in many_html
    assert "第0季度党费收缴情况公示" in many_html


@pytest.mark.django_db
def test_members_outside_the_office_see_no_such_panels(client, make_user, member_user, make_notice):
    NoticeFeedback.objects.create(notice=make_notice("关于开展主题党日活动的通知"), user=member_user, text="意见")
    client.force_login(make_user("expert", "评审专家"))
    html = client.get("/admin/").content.decode()
    assert "待答复的意见反馈" not in html and "已计划发布的公开事项" not in html
