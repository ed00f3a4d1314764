import datetime

import pytest

from members.models import Member, RosterImport
from tests.browser.actions import admin_log_in
from tests.members.conftest import roster_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_editor_uploads_previews_and_confirms_a_roster(
    live_server, browser, editor_user, member_user, org_tree, tmp_path
):
    member = member_user.member
    member.joined_on = datetime.date(2008, 7, 1)
    member.save()
    path = tmp_path / "2026年11月党员名册.xlsx"
    path.write_bytes(
        roster_bytes(
            [
                ["张丽华", "女", "县卫生健康局机关党支部", "正式党员", "2008-07-01", "13857512345", ""],
                ["孙晓东", "男", "县财政局机关党支部", "预备党员", "2026-01-10", "", ""],
            ],
            title="县直机关党员名册",
        )
    )
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
    page = context.new_page()
    admin_log_in(page, live_server, "editor")

    page.goto(live_server.url + "/admin/roster/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.get_by_role("heading", name="预览：尚未写入任何数据").wait_for()
    assert page.get_by_role("heading", name="县内转接（1）").is_visible()
    assert page.get_by_role("heading", name="新增（1）").is_visible()
    assert Member.objects.get(pk=member.pk).organization == org_tree["finance_branch"]

    page.get_by_role("button", name="确认导入").click()
    page.get_by_role("heading", name="导入记录").wait_for()
    assert Member.objects.get(pk=member.pk).organization == org_tree["health_branch"]
    assert Member.objects.filter(name="孙晓东").exists()
    assert RosterImport.objects.get().status == RosterImport.Status.APPLIED
    context.close()
