"""The committee's day in the browser: an objection waiting on the dashboard is answered, the competition is
finalized, and the 定案 line names the person who did it, at phone and desk widths."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from awards.models import AwardIndexPage, CompetitionPage, EntryPage, Objection
from members import roles
from members.models import Member
from tests.awards.conftest import windows

from .actions import admin_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_editor_answers_the_waiting_objection_and_finalizes(
    live_server, browser, home_page, org_tree, make_member, member_user, width
):
    index = home_page.add_child(instance=AwardIndexPage(title="评选活动", slug="pingxuan"))
    competition = index.add_child(
        instance=CompetitionPage(
            title="2026年度“十佳党日活动”评选", kind=CompetitionPage.Kind.PARTY_DAY, **windows("awaiting")
        )
    )
    entry = competition.add_child(
        instance=EntryPage(title="白衣战士的初心", nominating_organization=org_tree["health_branch"])
    )
    Objection.objects.create(
        competition=competition, entry=entry, author=member_user, signature="张丽华", content="照片与去年相同。"
    )
    editor = make_member("cadre", org_tree["finance_branch"], name="周晓梅")
    editor.groups.add(Group.objects.get(name=roles.PARTY_CADRE))
    assert Member.objects.get(user=editor).name == "周晓梅"

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    admin_log_in(page, live_server, "cadre")
    panel = page.get_by_role("region", name="待答复的评选异议（1）")
    expect(panel).to_contain_text("公示已结束，答复后方可定案")
    page.screenshot(path=f"/tmp/vol-browser-awards-dashboard-{width}.png", full_page=True)
    panel.get_by_role("link", name="张丽华：《白衣战士的初心》").click()

    page.get_by_label("处理状态").select_option(label="异议不成立")
    page.get_by_label("处理情况").fill("经核查，照片为本年度活动现场拍摄。")
    page.get_by_role("button", name="保存").first.click()
    page.wait_for_url("**/admin/awards/objections/")
    page.screenshot(path=f"/tmp/vol-browser-awards-answered-{width}.png", full_page=True)
    assert Objection.objects.get().status == Objection.Status.DISMISSED

    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("region", name=re.compile("待答复的评选异议"))).to_have_count(0)
    page.goto(live_server.url + f"/admin/awards/competitions/{competition.pk}/")
    page.get_by_label("定案说明").fill("同意公示结果。")
    page.get_by_label("我已核对计票、专家评分和异议处理情况，确认定案（定案后结果不可更改）").check()
    page.get_by_role("button", name="确认定案").click()
    expect(page.get_by_text("周晓梅 于")).to_be_visible()
    assert "cadre 于" not in page.content()
    page.screenshot(path=f"/tmp/vol-browser-awards-finalized-{width}.png", full_page=True)
    context.close()
