import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from awards.models import Ballot, CompetitionPage, EntryPage, ExpertScore, FinalResult, Objection
from awards.services import cast_ballot

pytestmark = pytest.mark.django_db


def test_home_shows_competitions_open_for_voting_or_in_publicity(client, home_page, make_competition):
    assert client.get("/").context["sections"] == []
    make_competition("nomination", title="推荐中的评选")
    make_competition("awaiting", title="公示结束的评选")
    assert client.get("/").context["sections"] == []  # nothing to vote on or to look at yet
    make_competition("voting", title="投票中的评选")
    make_competition("publicity", title="公示中的评选")
    response = client.get("/")
    [section] = [s for s in response.context["sections"] if s.title == "评选活动"]
    assert [c.title for c in section.context["competitions"]] == ["投票中的评选", "公示中的评选"]
    html = response.content.decode()
    assert "投票中的评选" in html and "结果公示中" in html and "推荐中的评选" not in html


def test_me_has_no_awards_panel_before_voting(client, member_user):
    client.force_login(member_user)
    assert "我的评选" not in client.get("/me/").content.decode()


def fill(competition, make_entry, organizations, count):
    for number in range(count):
        make_entry(competition, organizations[number % len(organizations)], f"参评作品第{number + 1}号")


@pytest.mark.parametrize("phase", ["voting", "publicity"])
def test_competition_page_queries_do_not_grow_with_entries(
    client, make_competition, make_entry, org_tree, member_user, django_assert_max_num_queries, phase
):
    organizations = [org_tree["finance_branch"], org_tree["health_branch"], org_tree["health"]]
    client.force_login(member_user)
    small = make_competition(phase, title="五个作品")
    fill(small, make_entry, organizations, 5)
    large = make_competition(phase, title="五十个作品")
    fill(large, make_entry, organizations, 50)
    client.get(small.url)  # warm the site and session caches
    with django_assert_max_num_queries(30) as small_queries:
        assert client.get(small.url).status_code == 200
    with django_assert_max_num_queries(len(small_queries)) as large_queries:
        html = client.get(large.url).content.decode()
    assert "参评作品第1号" in html and "参评作品第50号" in html
    assert len(large_queries) == len(small_queries)


def test_index_queries_do_not_grow_with_competitions(
    client, award_index, make_competition, django_assert_max_num_queries
):
    for number in range(5):
        make_competition("voting", title=f"评选{number}")
    client.get(award_index.url)
    with django_assert_max_num_queries(20) as few:
        assert client.get(award_index.url).status_code == 200
    for number in range(45):
        make_competition("publicity", title=f"更多评选{number}")
    with django_assert_max_num_queries(len(few)) as many:
        html = client.get(award_index.url).content.decode()
    assert html.count('class="card competition-card"') == 12 and "第 1 / 5 页" in html
    assert len(many) == len(few)


def test_seed_demo_builds_three_competitions_once():
    call_command("seed_demo", "--skip-index", stdout=io.StringIO())

    def counts():
        return [
            model.objects.count() for model in (CompetitionPage, EntryPage, Ballot, ExpertScore, Objection, FinalResult)
        ]

    first = counts()
    phases = {c.slug: c.phase() for c in CompetitionPage.objects.select_related("finalization")}
    assert phases == {
        "shijia-dangri": CompetitionPage.Phase.NOMINATION,
        "shijia-weixing-dangke": CompetitionPage.Phase.VOTING,
        "zuijia-zuzhi-shenghuo": CompetitionPage.Phase.FINISHED,
    }
    voting = CompetitionPage.objects.get(slug="shijia-weixing-dangke")
    assert voting.ballots.count() >= 40 and not voting.ballots.filter(voter__username="member").exists()
    finished = CompetitionPage.objects.get(slug="zuijia-zuzhi-shenghuo")
    assert finished.ballots.filter(status=Ballot.Status.QUARANTINED).count() == 1
    assert not finished.objections.filter(status=Objection.Status.PENDING).exists()
    assert finished.final_results.filter(is_winner=True).count() == finished.winner_count
    assert not EntryPage.objects.filter(title__regex=r"测试|\d$").exists()

    call_command("seed_demo", "--skip-index", stdout=io.StringIO())
    assert counts() == first


def test_demo_member_can_vote_in_the_demo(client):
    call_command("seed_demo", "--skip-index", stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    member = get_user_model().objects.get(username="member")
    voting = CompetitionPage.objects.get(slug="shijia-weixing-dangke")
    entry = EntryPage.objects.child_of(voting).first()
    assert cast_ballot(voting, member, [entry.pk], now=timezone.now())
