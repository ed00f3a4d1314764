import pytest

from awards.models import Ballot
from tests.awards.conftest import windows
from tests.conftest import PASSWORD

"""Voting in a browser."""

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def voting_competition(home_page, org_tree):
    from awards.models import AwardIndexPage, CompetitionPage, EntryPage

    index = home_page.add_child(instance=AwardIndexPage(title="评选活动", slug="pingxuan", show_in_menus=True))
    competition = index.add_child(
        instance=CompetitionPage(
            title="2026年度“十佳微型党课”评选",
            kind=CompetitionPage.Kind.MICRO_LESSON,
            choices_per_ballot=2,
            **windows("voting"),
        )
    )
    for title, organization in [
        ("一张党费收据背后的故事", org_tree["finance_branch"]),
        ("白衣战士的初心", org_tree["health_branch"]),
        ("数字赋能让群众少跑腿", org_tree["health"]),
    ]:
        competition.add_child(instance=EntryPage(title=title, nominating_organization=organization))
    return competition


def test_member_votes_once_sees_the_receipt_and_cannot_vote_again(
    live_server, browser, phone_page, member_user, make_member, org_tree, voting_competition
):
    external_requests = []
    phone_page.on(
        "request",
        lambda request: None if request.url.startswith(live_server.url) else external_requests.append(request.url),
    )
    phone_page.goto(live_server.url + "/accounts/login/?next=" + voting_competition.url)
    phone_page.get_by_label("用户名").fill("member")
    phone_page.get_by_label("密码").fill(PASSWORD)
    phone_page.get_by_role("button", name="登录").click()
    phone_page.wait_for_url(live_server.url + voting_competition.url)

    counter = phone_page.locator("[data-vote-counter]")
    assert counter.inner_text() == "已选 0 / 2 个"
    phone_page.get_by_label("白衣战士的初心").check()
    phone_page.get_by_label("一张党费收据背后的故事").check()
    assert counter.inner_text() == "已选 2 / 2 个"
    phone_page.get_by_role("button", name="提交选票").click()

    phone_page.wait_for_url("**/receipt/**")
    code = Ballot.objects.get().code
    assert phone_page.locator("[data-receipt-code]").inner_text() == code
    assert phone_page.get_by_text("有效计票").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375

    phone_page.goto(live_server.url + voting_competition.url)
    assert phone_page.get_by_text("已经投过票").is_visible()
    assert phone_page.get_by_role("button", name="提交选票").count() == 0

    phone_page.goto(live_server.url + "/me/")
    assert phone_page.get_by_text(code).is_visible()
    assert Ballot.objects.count() == 1
    assert external_requests == []

    # Without JavaScript, at 320 px, another member: the server alone enforces the limit.
    make_member("member2", org_tree["health_branch"], name="王建军")
    context = browser.new_context(viewport={"width": 320, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/?next=" + voting_competition.url)
    page.get_by_label("用户名").fill("member2")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + voting_competition.url)
    for title in ("一张党费收据背后的故事", "白衣战士的初心", "数字赋能让群众少跑腿"):
        page.get_by_label(title).check()
    page.get_by_role("button", name="提交选票").click()  # three of two: the server refuses
    assert page.get_by_text("每张选票最多选择 2 个作品，您选择了 3 个").is_visible()
    page.get_by_label("数字赋能让群众少跑腿").uncheck()
    page.get_by_role("button", name="提交选票").click()
    page.wait_for_url("**/receipt/**")
    assert Ballot.objects.get(voter__username="member2").choices.count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
