"""Issue 15, point 11: the 十佳评选 staff's daily jobs, done as the roles (group permissions from the migrations):
who finalized, what decided the result, and the objections waiting on the dashboard."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awards import roles as award_roles
from awards.models import Objection
from awards.services import cast_ballot, finalize_competition, raise_objection, record_expert_score
from members import roles
from tests.awards.conftest import windows

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def voters(make_member, org_tree):
    return [make_member(f"m{i:04d}", org_tree["health_branch"], name=f"党员{i}") for i in range(1, 5)]


@pytest.fixture
def expert(make_user):
    return make_user("zhuanjia", award_roles.EXPERTS, first_name="高明")


def run_competition(make_competition, make_entry, org_tree, voters, expert, public_weight, scores=True):
    """Votes (entry 0 most, then 1, 2), expert scores (entry 2 best) if asked, then into publicity."""
    competition = make_competition(
        "voting", public_weight=public_weight, expert_group=Group.objects.get(name=award_roles.EXPERTS)
    )
    entries = [
        make_entry(competition, org_tree["finance_branch"], "一张党费收据背后的故事"),
        make_entry(competition, org_tree["health_branch"], "白衣战士的初心"),
        make_entry(competition, org_tree["finance_branch_2"], "算好廉洁“三笔账”"),
    ]
    moment = competition.voting_start + datetime.timedelta(hours=1)
    for voter, picks in zip(voters, [[0, 1], [0, 1], [0], [2]], strict=True):
        cast_ballot(competition, voter, [entries[i].pk for i in picks], now=moment)
    if scores:
        for entry, score in zip(entries, (60, 70, 95), strict=True):
            record_expert_score(competition, entry, expert, score)
    for name, value in windows("publicity").items():
        setattr(competition, name, value)
    competition.save_revision().publish()
    return competition, entries


def results_section(client, competition):
    html = client.get(competition.url).content.decode()
    match = re.search(r'<section class="card results".*?</section>', html, re.S)
    assert match, "no results section"
    return match[0]


# 6. The public text says what decided the result --------------------------------------------------------------


@pytest.mark.parametrize(
    ("public_weight", "scores", "basis", "absent"),
    [
        (40, True, "群众投票、专家评审", []),
        (100, True, "群众投票", ["专家评审", "专家评分 0 分", "专家评分得分"]),
        (0, True, "专家评审", ["群众投票、", "群众投票 0 分", "群众投票得分"]),
        (40, False, "群众投票", ["专家评审和", "专家评审结果"]),  # experts had weight but nobody scored
    ],
)
def test_the_results_text_names_only_what_decided_them(
    client, make_competition, make_entry, org_tree, voters, expert, editor_user, public_weight, scores, basis, absent
):
    competition, entries = run_competition(
        make_competition, make_entry, org_tree, voters, expert, public_weight, scores
    )
    publicity = results_section(client, competition)
    assert f"以下拟获奖作品根据{basis}结果产生" in publicity
    finalize_competition(competition, editor_user, now=competition.publicity_end + DAY)
    final = results_section(client, competition)
    assert f"经{basis}和结果公示，评选委员会于" in final
    for text in absent:
        assert text not in publicity and text not in final, text
    if public_weight == 0:
        assert "只计专家评分，群众投票不计入综合得分" in final
        assert "专家评分 100 分 × 专家平均分 ÷ 满分（100 分）" in final
        # The experts' favourite wins, whatever the votes.
        assert final.index("算好廉洁") < final.index("一张党费收据")
    if public_weight == 100:
        assert "只计群众投票，不设专家评分" in final
        assert "群众投票 100 分 × 得票 ÷ 最高得票（3 票）" in final


def test_the_competition_page_and_entries_say_the_scoring_rule_as_it_is(
    client, make_competition, make_entry, org_tree, voters, expert
):
    competition, entries = run_competition(make_competition, make_entry, org_tree, voters, expert, 100, scores=False)
    html = client.get(competition.url).content.decode()
    assert "只计群众投票，不设专家评分" in html and "专家评分占 0%" not in html
    entry = client.get(entries[0].url).content.decode()
    assert "只计群众投票" in entry and "专家评分 0" not in entry
    review = make_competition("review", title="专家不参与的评选", public_weight=100)
    assert "专家评审正在进行" not in client.get(review.url).content.decode()
    review_with_experts = make_competition("review", title="有专家的评选", public_weight=40)
    assert "专家评审正在进行" in client.get(review_with_experts.url).content.decode()


def test_a_finalization_with_no_winner_says_so(client, make_competition, make_entry, org_tree, editor_user):
    competition = make_competition("awaiting")
    make_entry(competition, org_tree["health_branch"], "白衣战士的初心")
    finalize_competition(competition, editor_user)
    final = results_section(client, competition)
    assert "本次评选没有作品获评" in final and "经" not in final.split("</h2>")[1].split("</p>")[0]


# 5. The 定案 line names the person ----------------------------------------------------------------------------


@pytest.fixture
def awaiting(make_competition, make_entry, org_tree):
    competition = make_competition("awaiting")
    make_entry(competition, org_tree["health_branch"], "白衣战士的初心")
    return competition


@pytest.mark.parametrize(("kind", "expected"), [("member", "林海涛"), ("full_name", "周晓梅"), ("bare", "cadre")])
def test_the_finalization_names_the_person_who_finalized(
    client, awaiting, make_user, make_member, org_tree, kind, expected
):
    if kind == "member":
        user = make_member("cadre", org_tree["finance_branch"], name="林海涛")
        user.first_name = "别名"
        user.save()
        user.groups.add(Group.objects.get(name=roles.PARTY_CADRE))
    else:
        user = make_user("cadre", roles.PARTY_CADRE, first_name="周晓梅" if kind == "full_name" else "")
    client.force_login(user)
    url = f"/admin/awards/competitions/{awaiting.pk}/"
    assert client.post(url, {"note": "同意公示结果", "confirm": "on"}).status_code == 302
    html = client.get(url).content.decode()
    assert f"{expected} 于" in html
    assert f"{expected}：评选已定案" in html  # the log line too
    if kind != "bare":
        assert "cadre 于" not in html and "cadre：" not in html


def test_quarantines_and_objection_answers_name_the_person(
    client, make_competition, make_entry, org_tree, voters, make_user
):
    from awards.services import handle_objection, quarantine_ballot

    competition = make_competition("voting")
    entry = make_entry(competition, org_tree["health_branch"], "白衣战士的初心")
    ballot = cast_ballot(competition, voters[0], [entry.pk])
    editor = make_user("cadre", roles.PARTY_CADRE, first_name="周晓梅")
    quarantine_ballot(ballot, editor, "代投")
    client.force_login(editor)
    html = client.get(f"/admin/awards/ballots/detail/{ballot.pk}/").content.decode()
    assert "（周晓梅，" in html and "<td>周晓梅</td>" in html
    for name, value in windows("publicity").items():
        setattr(competition, name, value)
    competition.save()
    objection = raise_objection(competition, voters[1], "党员2", "请核实。")
    handle_objection(objection, editor, Objection.Status.DISMISSED, "经核查，异议不成立。")
    html = client.get(f"/admin/awards/objections/edit/{objection.pk}/").content.decode()
    assert "上次处理：周晓梅，" in html


# 7. Objections waiting on the dashboard ---------------------------------------------------------------------


def add_objections(competition, author, count, status=Objection.Status.PENDING, start=0):
    Objection.objects.bulk_create(
        [
            Objection(
                competition=competition,
                author=author,
                signature=f"署名{number}",
                contact="13800002222",
                content="请核实作品照片。",
                status=status,
                raised_at=timezone.now() - datetime.timedelta(hours=number),
            )
            for number in range(start, start + count)
        ]
    )


def dashboard(client):
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_lists_objections_waiting_for_an_answer(
    client, make_competition, make_entry, org_tree, editor_user, member_user
):
    publicity = make_competition("publicity", title="公示中的评选")
    entry = make_entry(publicity, org_tree["health_branch"], "白衣战士的初心")
    raise_objection(publicity, member_user, "张丽华", "照片与去年相同。", entry=entry)
    add_objections(publicity, member_user, 1, status=Objection.Status.DISMISSED, start=50)
    after = make_competition("awaiting", title="公示已结束的评选")
    add_objections(after, member_user, 1, start=60)
    client.force_login(editor_user)
    html = dashboard(client)
    assert "待答复的评选异议（2）" in html
    assert "张丽华：《白衣战士的初心》" in html and "署名60：评选结果" in html
    assert "署名50" not in html  # answered
    assert "13800002222" not in html
    end = timezone.localtime(publicity.publicity_end)
    assert f"公示至 {end.month}月{end.day}日" in html and "公示已结束，答复后方可定案" in html
    pending = Objection.objects.get(signature="张丽华")
    assert f"/admin/awards/objections/edit/{pending.pk}/" in html
    # Answered: gone from the dashboard.
    client.post(
        f"/admin/awards/objections/edit/{pending.pk}/",
        {"status": Objection.Status.DISMISSED, "handling": "经核查，照片为本年度拍摄。"},
    )
    assert "待答复的评选异议（1）" in dashboard(client)


def test_only_those_who_answer_objections_see_them(client, make_competition, make_user, member_user, expert):
    competition = make_competition("publicity")
    add_objections(competition, member_user, 2)
    for user in (make_user("reviewer", roles.REVIEWER), expert, make_user("manager", roles.VOLUNTEER_MANAGER)):
        client.force_login(user)
        assert "待答复的评选异议" not in dashboard(client)


def test_the_objections_panel_links_to_the_waiting_list_and_costs_the_same_queries(
    client, make_competition, editor_user, member_user
):
    competition = make_competition("publicity")
    add_objections(competition, member_user, 1)
    client.force_login(editor_user)
    dashboard(client)
    with CaptureQueriesContext(connection) as few:
        dashboard(client)
    add_objections(competition, member_user, 30, start=100)
    with CaptureQueriesContext(connection) as many:
        html = dashboard(client)
    assert "待答复的评选异议（31）" in html and "查看全部 31 项" in html
    assert html.count("/admin/awards/objections/edit/") == 5
    assert "/admin/awards/objections/?status=pending" in html
    assert len(many.captured_queries) == len(few.captured_queries)
    listing = client.get("/admin/awards/objections/?status=pending").content.decode()
    assert "署名100" in listing


def test_the_committee_index_links_to_the_waiting_objections(client, make_competition, editor_user, member_user):
    competition = make_competition("publicity")
    add_objections(competition, member_user, 2)
    client.force_login(editor_user)
    html = client.get("/admin/awards/competitions/").content.decode()
    assert f"/admin/awards/objections/?competition={competition.pk}&amp;status=pending" in html
    assert "2 件待答复" in html
