import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone

from awards import roles
from awards.models import Ballot, ExpertScore, FinalResult, Objection
from awards.services import (
    Conflict,
    InvalidInput,
    NotAllowed,
    cast_ballot,
    compute_results,
    final_score,
    finalize_competition,
    handle_objection,
    quarantine_ballot,
    raise_objection,
    record_expert_score,
)
from home.models import StandardPage
from home.templatetags.section_tags import badges_for
from tests.awards.conftest import windows

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_final_score_formula():
    # 40 × 30/60 + 60 × 80/100 = 20 + 48
    assert final_score(30, 60, Decimal("80"), 40, 100) == (Decimal("20.00"), Decimal("48.00"), Decimal("68.00"))
    # No expert score yet: only the public part counts; no votes at all: zero.
    assert final_score(60, 60, None, 40, 100) == (Decimal("40.00"), Decimal(0), Decimal("40.00"))
    assert final_score(0, 0, Decimal("5"), 30, 10) == (Decimal(0), Decimal("35.00"), Decimal("35.00"))


@pytest.fixture
def voters(make_member, org_tree):
    return [make_member(f"m{i:04d}", org_tree["health_branch"], name=f"党员{i}") for i in range(1, 7)]


@pytest.fixture
def expert_group():
    from django.contrib.auth.models import Group

    return Group.objects.get(name=roles.EXPERTS)


def vote_all(competition, entries, voters):
    """Six ballots: entry 0 gets 5 votes, entry 1 gets 3, entry 2 gets 1, entry 3 none."""
    plan = [[0, 1], [0, 1], [0, 1], [0], [0], [2]]
    moment = competition.voting_start + datetime.timedelta(hours=1)
    return [
        cast_ballot(competition, voter, [entries[i].pk for i in picks], now=moment)
        for voter, picks in zip(voters, plan, strict=True)
    ]


def test_tallies_equal_the_counted_ballots(competition, entries, voters, editor_user):
    ballots = vote_all(competition, entries, voters)
    results = compute_results(competition)
    assert results.votes_by_entry == {entries[0].pk: 5, entries[1].pk: 3, entries[2].pk: 1}
    assert results.highest_votes == 5 and results.counted_ballots == 6

    quarantine_ballot(ballots[0], editor_user, "同一地址集中投票，经核实为代投。")
    results = compute_results(competition)
    assert results.votes_by_entry == {entries[0].pk: 4, entries[1].pk: 2, entries[2].pk: 1}
    assert (results.counted_ballots, results.quarantined_ballots) == (5, 1)
    # The quarantined ballot is still there, with its choices: nothing is deleted.
    assert Ballot.objects.count() == 6 and ballots[0].choices.count() == 2


def test_results_combine_votes_and_expert_scores(competition, entries, voters, expert_group, make_user, editor_user):
    vote_all(competition, entries, voters)
    competition.expert_group = expert_group
    competition.public_weight = 40
    competition.save()
    experts = [make_user("zhuanjia1", roles.EXPERTS), make_user("zhuanjia2", roles.EXPERTS)]
    scores = {0: (70, 80), 1: (95, 95), 2: (60, 62)}
    for index, (a, b) in scores.items():
        record_expert_score(competition, entries[index], experts[0], a)
        record_expert_score(competition, entries[index], experts[1], b)

    rows = {row.entry.pk: row for row in compute_results(competition).rows}
    first, second, third, fourth = (rows[entry.pk] for entry in entries)
    assert (first.public_part, first.expert_average, first.expert_part, first.total) == (
        Decimal("40.00"),
        Decimal("75.00"),
        Decimal("45.00"),
        Decimal("85.00"),
    )
    # 40 × 3/5 + 60 × 95/100 = 24 + 57
    assert second.total == Decimal("81.00") and second.expert_count == 2
    assert fourth.votes == 0 and fourth.expert_average is None and fourth.total == 0
    assert [first.rank, second.rank, third.rank, fourth.rank] == [1, 2, 3, 4]
    assert [first.is_winner, second.is_winner, third.is_winner] == [True, True, False]  # winner_count = 2


def test_expert_rules(competition, entries, expert_group, make_member, make_user, org_tree):
    competition.expert_group = expert_group
    competition.save()
    expert = make_member("zhuanjia", org_tree["finance_branch"], name="陈晓东")
    expert.groups.add(expert_group)
    # His own branch, and another branch of the same unit (县财政局): he must stand aside.
    for entry in entries[:2]:
        with pytest.raises(NotAllowed, match="须回避"):
            record_expert_score(competition, entry, expert, 90)
    assert record_expert_score(competition, entries[2], expert, "88.5").score == Decimal("88.5")
    # Scoring again replaces his score, never adds a second one.
    record_expert_score(competition, entries[2], expert, 90)
    assert ExpertScore.objects.get(expert=expert, entry=entries[2]).score == 90
    with pytest.raises(InvalidInput, match="0 到 100"):
        record_expert_score(competition, entries[3], expert, 101)
    with pytest.raises(InvalidInput, match="数字"):
        record_expert_score(competition, entries[3], expert, "很好")
    outsider = make_user("waibu")
    with pytest.raises(NotAllowed, match="不是本次评选的评审专家"):
        record_expert_score(competition, entries[3], outsider, 80)
    with pytest.raises(NotAllowed, match="评分时间"):
        record_expert_score(competition, entries[3], expert, 80, now=competition.publicity_start)
    assert ExpertScore.objects.count() == 1


def test_expert_scores_in_the_admin_and_cannot_forge_a_conflicting_score(
    client, competition, entries, expert_group, make_member, org_tree
):
    competition.expert_group = expert_group
    competition.save()
    expert = make_member("zhuanjia", org_tree["finance_branch"], name="陈晓东")
    expert.groups.add(expert_group)
    client.force_login(expert)
    url = f"/admin/awards/scoring/{competition.pk}/"
    html = client.get(url).content.decode()
    assert "回避（本单位推荐）" in html
    assert f'name="score-{entries[0].pk}"' not in html and f'name="score-{entries[2].pk}"' in html

    response = client.post(url, {f"score-{entries[2].pk}": "91", f"comment-{entries[2].pk}": "主题鲜明"})
    assert response.status_code == 302
    assert ExpertScore.objects.get(entry=entries[2]).comment == "主题鲜明"

    response = client.post(url, {f"score-{entries[0].pk}": "100"})
    assert response.status_code == 400
    assert not ExpertScore.objects.filter(entry=entries[0]).exists()


def test_non_experts_cannot_open_the_scoring_page(client, competition, expert_group, member_user, editor_user):
    competition.expert_group = expert_group
    competition.save()
    client.force_login(editor_user)  # an editor, but not in the experts' group
    assert client.get(f"/admin/awards/scoring/{competition.pk}/").status_code == 404
    client.force_login(member_user)
    assert client.get(f"/admin/awards/scoring/{competition.pk}/").status_code in (302, 403)


@pytest.fixture
def published(make_competition, make_entry, org_tree, voters):
    """A competition whose votes are in and whose publicity period is running now."""
    now = timezone.now()
    competition = make_competition("voting")
    entries = [
        make_entry(competition, org_tree["finance_branch"], "一张党费收据背后的故事"),
        make_entry(competition, org_tree["health_branch"], "白衣战士的初心"),
        make_entry(competition, org_tree["health"], "数字赋能让群众少跑腿"),
        make_entry(competition, org_tree["finance_branch_2"], "算好廉洁“三笔账”"),
    ]
    vote_all(competition, entries, voters)
    for name, value in windows("publicity", now).items():
        setattr(competition, name, value)
    competition.save_revision().publish()
    return competition, entries


def test_results_stay_hidden_until_publicity(client, make_competition, make_entry, org_tree, voters):
    competition = make_competition("voting")
    entry = make_entry(competition, org_tree["health_branch"], "白衣战士的初心")
    cast_ballot(competition, voters[0], [entry.pk])
    for name, value in windows("review").items():
        setattr(competition, name, value)
    competition.save_revision().publish()
    html = client.get(competition.url).content.decode()
    assert "专家评审正在进行" in html and "综合得分" not in html and "1 票" not in html


def test_publicity_page_shows_proposed_winners_formula_and_both_parts(client, published):
    competition, entries = published
    html = client.get(competition.url).content.decode()
    assert "拟获奖作品公示" in html
    assert "群众投票 40 分 × 得票 ÷ 最高得票（5 票）" in html
    assert "专家评分 60 分 × 专家平均分 ÷ 满分（100 分）" in html
    assert "群众投票得分" in html and "专家评分得分" in html
    assert html.count("拟获奖</span>") == 2
    assert "署名提出异议" in html


def test_objections_are_signed_and_only_during_publicity(client, published, member_user, make_competition):
    competition, entries = published
    url = f"{competition.url}objection/"
    assert client.get(url).status_code == 302  # anonymous: log in first
    client.force_login(member_user)
    form = client.get(url)
    assert form.status_code == 200 and 'value="张丽华"' in form.content.decode()  # signed with his name

    response = client.post(url, {"signature": "张丽华", "entry": entries[0].pk, "content": "照片与去年相同，请核实。"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.author, objection.signature, objection.entry) == (member_user, "张丽华", entries[0])

    assert client.post(url, {"signature": "", "content": "匿名"}).status_code == 400
    assert client.post(url, {"signature": "张丽华", "entry": 999999, "content": "伪造"}).status_code == 400
    assert Objection.objects.count() == 1

    voting = make_competition("voting", title="进行中的评选")
    response = client.post(f"{voting.url}objection/", {"signature": "张丽华", "content": "太早了"})
    assert response.status_code == 403 and Objection.objects.count() == 1


def test_too_many_pending_objections_get_429(client, published, member_user):
    competition, _ = published
    client.force_login(member_user)
    url = f"{competition.url}objection/"
    for number in range(5):
        assert client.post(url, {"signature": "张丽华", "content": f"第{number}条意见"}).status_code == 302
    response = client.post(url, {"signature": "张丽华", "content": "第六条意见"})
    assert response.status_code == 429 and Objection.objects.count() == 5


def test_finalize_after_publicity_with_every_objection_handled(published, member_user, editor_user):
    competition, entries = published
    objection = raise_objection(competition, member_user, "张丽华", "请核实第一名的照片。", entry=entries[0])
    with pytest.raises(Conflict, match="公示期尚未结束"):
        finalize_competition(competition, editor_user)
    after = competition.publicity_end + DAY
    with pytest.raises(Conflict, match="尚有 1 件异议未处理"):
        finalize_competition(competition, editor_user, now=after)
    with pytest.raises(InvalidInput):
        handle_objection(objection, editor_user, Objection.Status.DISMISSED, "  ")
    handle_objection(objection, editor_user, Objection.Status.DISMISSED, "经核查照片属实，异议不成立。")

    finalization = finalize_competition(competition, editor_user, now=after)
    assert finalization.highest_votes == 5 and finalization.counted_ballots == 6
    winners = FinalResult.objects.filter(competition=competition, is_winner=True).order_by("rank")
    assert [result.entry for result in winners] == [entries[0], entries[1]]
    with pytest.raises(Conflict, match="已经定案"):
        finalize_competition(competition, editor_user, now=after)
    # Frozen: a late quarantine is refused and the results do not move.
    with pytest.raises(Conflict):
        quarantine_ballot(Ballot.objects.first(), editor_user, "迟到的隔离")


def test_winning_micro_lesson_is_marked_on_its_own_page(client, published, editor_user, home_page):
    competition, entries = published
    lesson = home_page.add_child(instance=StandardPage(title="一张党费收据背后的故事（微型党课）", slug="dangfei"))
    loser_page = home_page.add_child(instance=StandardPage(title="算好廉洁“三笔账”（微型党课）", slug="lianjie"))
    entries[0].related_page = lesson
    entries[0].save_revision().publish()
    entries[3].related_page = loser_page
    entries[3].save_revision().publish()

    assert badges_for([lesson, loser_page]) == {}  # not before the competition is finalized
    finalize_competition(competition, editor_user, now=competition.publicity_end + DAY)

    badges = badges_for([lesson, loser_page])
    assert list(badges) == [lesson.pk]
    assert badges[lesson.pk][0].label == "十佳微型党课"
    assert badges[lesson.pk][0].url == competition.url
    html = Template("{% load section_tags %}{% page_badges page %}").render(Context({"page": lesson}))
    assert f'<a class="badge" href="{competition.url}">十佳微型党课</a>' in html

    page = client.get(competition.url).content.decode()
    assert "评选结果" in page and "获评“十佳微型党课”" in page
