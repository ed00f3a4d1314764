import datetime
import re

import pytest
from django.utils import timezone

from awards.models import Ballot, BallotChoice, CompetitionPage
from awards.services import AlreadyVoted, NotAllowed, cast_ballot
from members.models import Member

pytestmark = pytest.mark.django_db


def post_ballot(client, competition, entry_ids, **extra):
    return client.post(competition.url, {"entries": [str(i) for i in entry_ids]}, **extra)


def test_member_votes_gets_a_receipt_and_sees_it_on_me(client, competition, entries, member_user):
    client.force_login(member_user)
    response = post_ballot(client, competition, [entries[0].pk, entries[2].pk], REMOTE_ADDR="10.1.2.3")
    ballot = Ballot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{competition.url}receipt/{ballot.code}/"
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", ballot.code)
    assert sorted(ballot.choices.values_list("entry_id", flat=True)) == [entries[0].pk, entries[2].pk]
    assert ballot.voter == member_user and ballot.status == Ballot.Status.COUNTED
    assert ballot.voting_day is None  # once-only competition
    # The address is kept only as a keyed hash.
    assert re.fullmatch(r"[0-9a-f]{64}", ballot.client_hash)
    assert "10.1.2.3" not in str(Ballot.objects.values().get())

    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    html = receipt.content.decode()
    assert ballot.code in html and "有效计票" in html and "一张党费收据背后的故事" in html

    me = client.get("/me/").content.decode()
    assert "我的评选" in me and ballot.code in me and "有效计票" in me


def test_second_ballot_is_refused_with_409_and_nothing_more_is_stored(client, competition, entries, member_user):
    client.force_login(member_user)
    post_ballot(client, competition, [entries[0].pk])
    response = post_ballot(client, competition, [entries[1].pk])
    assert response.status_code == 409
    html = response.content.decode()
    first = Ballot.objects.get()
    assert "您已经在本次评选中投过票" in html
    # Most often a double click, whose second answer is what the browser shows: it leads to the receipt.
    assert first.code in html and f'href="{competition.url}receipt/{first.code}/"' in html
    assert Ballot.objects.count() == 1
    assert list(BallotChoice.objects.values_list("entry_id", flat=True)) == [entries[0].pk]


def test_the_page_shows_the_receipt_instead_of_a_second_form(client, competition, entries, member_user):
    client.force_login(member_user)
    html = client.get(competition.url).content.decode()
    assert 'name="entries"' in html and "提交选票" in html
    post_ballot(client, competition, [entries[0].pk])
    html = client.get(competition.url).content.decode()
    code = Ballot.objects.get().code
    assert "已经投过票" in html and code in html
    assert 'name="entries"' not in html


def test_daily_competition_allows_one_ballot_per_day(make_competition, make_entry, org_tree, member_user):
    competition = make_competition("voting", frequency=CompetitionPage.Frequency.DAILY)
    entry = make_entry(competition, org_tree["health_branch"], "白衣战士的初心")
    # Noon in Beijing: five minutes later is the same voting day whenever the test runs (not so at 23:57).
    today = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    first = cast_ballot(competition, member_user, [entry.pk], now=today)
    assert first.voting_day == timezone.localdate(today)
    with pytest.raises(AlreadyVoted, match="今天已经投过票"):
        cast_ballot(competition, member_user, [entry.pk], now=today + datetime.timedelta(minutes=5))
    second = cast_ballot(competition, member_user, [entry.pk], now=today + datetime.timedelta(days=1))
    assert second.voting_day == first.voting_day + datetime.timedelta(days=1)
    assert Ballot.objects.filter(voter=member_user).count() == 2


@pytest.mark.parametrize(
    "choose, message",
    [
        (lambda e, other: [e[0].pk, e[1].pk, e[2].pk, e[3].pk], "最多选择 3 个作品"),
        (lambda e, other: [e[0].pk, e[0].pk], "同一作品只能选择一次"),
        (lambda e, other: [e[0].pk, other.pk], "不属于本次评选"),
        (lambda e, other: [999999], "不属于本次评选"),
        (lambda e, other: ["abc"], "选票内容无效"),
        (lambda e, other: ["-1"], "选票内容无效"),
        (lambda e, other: [], "请至少选择一个作品"),
    ],
    ids=["too-many", "duplicate", "other-competition", "unknown-id", "forged-text", "negative", "empty"],
)
def test_bad_ballots_get_400_and_store_nothing(
    client, competition, entries, make_competition, make_entry, org_tree, member_user, choose, message
):
    other_competition = make_competition("voting", title="2026年度“十佳党日活动”评选")
    other_entry = make_entry(other_competition, org_tree["finance_branch"], "重温入党誓词")
    client.force_login(member_user)
    response = post_ballot(client, competition, choose(entries, other_entry))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Ballot.objects.exists() and not BallotChoice.objects.exists()


def test_unpublished_entry_cannot_be_chosen(client, competition, entries, make_entry, org_tree, member_user):
    draft = make_entry(competition, org_tree["health_branch"], "尚未发布的作品", live=False)
    client.force_login(member_user)
    assert post_ballot(client, competition, [draft.pk]).status_code == 400
    assert not Ballot.objects.exists()


def test_a_rejected_ballot_keeps_the_choices_ticked(client, competition, entries, member_user):
    client.force_login(member_user)
    response = post_ballot(client, competition, [e.pk for e in entries])
    html = response.content.decode()
    assert html.count("checked") == 4


@pytest.mark.parametrize("phase", ["nomination", "review", "publicity"])
def test_nobody_votes_outside_the_window(client, make_competition, make_entry, org_tree, member_user, phase):
    competition = make_competition(phase)
    entry = make_entry(competition, org_tree["health_branch"], "白衣战士的初心")
    client.force_login(member_user)
    response = post_ballot(client, competition, [entry.pk])
    assert response.status_code == 403
    assert "投票" in response.content.decode()
    assert not Ballot.objects.exists()


def test_window_edges(competition, entries, member_user, make_member, org_tree):
    with pytest.raises(NotAllowed, match="尚未开始"):
        cast_ballot(
            competition, member_user, [entries[0].pk], now=competition.voting_start - datetime.timedelta(seconds=1)
        )
    with pytest.raises(NotAllowed, match="已经结束"):
        cast_ballot(competition, member_user, [entries[0].pk], now=competition.voting_end)
    assert cast_ballot(competition, member_user, [entries[0].pk], now=competition.voting_start)


def test_members_only_competition_refuses_other_users(client, competition, entries, volunteer_user, member_user):
    client.force_login(volunteer_user)
    html = client.get(competition.url).content.decode()
    assert "仅限在册党员投票" in html and 'name="entries"' not in html
    response = post_ballot(client, competition, [entries[0].pk])
    assert response.status_code == 403
    assert "仅限在册党员" in response.content.decode()

    Member.objects.filter(user=member_user).update(status=Member.Status.TRANSFERRED_OUT)
    client.force_login(member_user)
    assert post_ballot(client, competition, [entries[0].pk]).status_code == 403
    assert not Ballot.objects.exists()


def test_registered_users_competition_accepts_any_user(client, make_competition, make_entry, org_tree, volunteer_user):
    competition = make_competition("voting", electorate=CompetitionPage.Electorate.REGISTERED)
    entry = make_entry(competition, org_tree["health_branch"], "白衣战士的初心")
    client.force_login(volunteer_user)
    assert post_ballot(client, competition, [entry.pk]).status_code == 302
    assert Ballot.objects.get().voter == volunteer_user


def test_anonymous_visitor_is_sent_to_login(client, competition, entries):
    html = client.get(competition.url).content.decode()
    assert "登录</a>后投票" in html
    response = post_ballot(client, competition, [entries[0].pk])
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Ballot.objects.exists()


def test_receipt_is_private_to_its_voter(client, competition, entries, member_user, make_member, org_tree):
    ballot = cast_ballot(competition, member_user, [entries[0].pk])
    other = make_member("member2", org_tree["health_branch"], name="王建军")
    client.force_login(other)
    assert client.get(f"{competition.url}receipt/{ballot.code}/").status_code == 404


def test_counts_are_hidden_during_voting_unless_the_competition_shows_them(
    client, competition, entries, member_user, make_member, org_tree
):
    voter = make_member("m0001", org_tree["health_branch"], name="陈晓东")
    cast_ballot(competition, voter, [entries[0].pk])
    html = client.get(competition.url).content.decode()
    assert "entry-card__votes" not in html and "1 票" not in html
    competition.show_counts_during_voting = True
    competition.save_revision().publish()
    html = client.get(competition.url).content.decode()
    assert '<span class="entry-card__votes">1 票</span>' in html
    assert "拟获奖作品公示" not in html  # counts, not results, while voting goes on


def test_frequency_cannot_change_once_ballots_exist(competition, entries, member_user):
    from django.core.exceptions import ValidationError

    cast_ballot(competition, member_user, [entries[0].pk])
    competition.frequency = CompetitionPage.Frequency.DAILY
    with pytest.raises(ValidationError, match="不能再修改投票次数规则"):
        competition.full_clean()
