import pytest

from disclosures.choices import Scope

from .actions import site_log_in as log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_member_and_outsider(live_server, browser, make_notice, member_user, outsider, org_tree):
    make_notice("关于召开县直机关党建工作会议的通知")
    internal = make_notice(
        "县财政局机关党支部三会一课安排", scope=Scope.ORGANIZATIONS, organizations=[org_tree["finance_branch"]]
    )

    public_visitor = browser.new_context(viewport={"width": 375, "height": 800})
    page = public_visitor.new_page()
    page.goto(live_server.url + "/dwgk/")
    assert page.get_by_text("县财政局机关党支部三会一课安排").count() == 0
    page.get_by_role("link", name="关于召开县直机关党建工作会议的通知").click()
    assert page.get_by_role("heading", name="关于召开县直机关党建工作会议的通知").is_visible()
    assert page.get_by_text("索引号").is_visible()
    public_visitor.close()

    member = browser.new_context(viewport={"width": 375, "height": 800})
    page = member.new_page()
    log_in(page, live_server, "member")
    page.get_by_role("link", name="县财政局机关党支部三会一课安排").click()  # from the 党内公开 panel on /me/
    assert page.get_by_role("heading", name="县财政局机关党支部三会一课安排").is_visible()
    member.close()

    other = browser.new_context(viewport={"width": 375, "height": 800})
    page = other.new_page()
    log_in(page, live_server, "member2")
    response = page.goto(live_server.url + internal.url)
    assert response.status == 403
    assert page.get_by_role("heading", name="无权访问").is_visible()
    assert "三会一课" not in page.content()
    other.close()
