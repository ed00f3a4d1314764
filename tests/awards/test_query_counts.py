"""Issue 8: every awards page renders in a number of queries that does not grow with its list (10 vs 1,000)."""

from decimal import Decimal

import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from awards.models import Finalization, FinalResult
from tests.query_counts import compare

from .conftest import add_ballots, add_competitions, add_entries

pytestmark = pytest.mark.django_db

FEW, MANY = 10, 1000


def test_award_index(client, award_index, editor_user):
    def competitions(numbers):
        pages = add_competitions(award_index, numbers)
        # Every publicity-phase competition (number % 4 == 1) is already finalized.
        Finalization.objects.bulk_create(
            [
                Finalization(
                    competition_id=page.pk,
                    finalized_by=editor_user,
                    public_weight=40,
                    max_score=100,
                    highest_votes=0,
                    counted_ballots=0,
                    quarantined_ballots=0,
                )
                for number, page in zip(numbers, pages, strict=True)
                if number % 4 == 1
            ]
        )

    competitions(range(FEW))
    before, after = compare(client, award_index.url, lambda: competitions(range(FEW, MANY)))
    # Nomination-phase ones (number % 4 == 2) vote latest, so list first.
    assert before.index("第7届“") < before.index("第3届“")
    assert "第999届“" in after
    assert after.count('class="card competition-card"') == 12
    assert "已揭晓" in before


@pytest.fixture
def images():
    Image = get_image_model()
    return [Image.objects.create(title=f"活动照片{n}", file=get_test_image_file(f"qc-{n}.png")) for n in range(2)]


@pytest.fixture
def grow_entries(org_tree, images):
    """grow(competition, numbers): entries with images for some, and one ballot for each."""
    organizations = [org_tree["finance_branch"], org_tree["finance_branch_2"], org_tree["health_branch"]]

    def grow(competition, numbers):
        entries = add_entries(competition, numbers, organizations, images)
        add_ballots(competition, entries, numbers)
        return entries

    return grow


@pytest.mark.parametrize("viewer", ["anonymous", "member", "voter"])
def test_competition_with_voting_open(client, make_competition, grow_entries, member_user, viewer):
    competition = make_competition("voting", show_counts_during_voting=True)
    if viewer != "anonymous":
        client.force_login(member_user)
    entries = grow_entries(competition, range(FEW))
    if viewer == "voter":
        from awards.services import cast_ballot

        cast_ballot(competition, member_user, [str(entries[0].pk)])
    before, after = compare(client, competition.url, lambda: grow_entries(competition, range(FEW, MANY)))
    assert "参评作品第10号" in before
    assert "参评作品第1000号" in after
    assert after.count('<li class="entry-card') == MANY
    assert after.count("entry-card__image") == MANY // 2
    assert after.count('name="entries"') == (MANY if viewer == "member" else 0)
    if viewer == "voter":
        assert "您已经投过票" in after


def finalize(competition, entries, numbers, user):
    if not Finalization.objects.filter(competition_id=competition.pk).exists():
        Finalization.objects.create(
            competition=competition,
            finalized_by=user,
            public_weight=40,
            max_score=100,
            highest_votes=1,
            counted_ballots=len(entries),
            quarantined_ballots=0,
        )
    FinalResult.objects.bulk_create(
        [
            FinalResult(
                competition=competition,
                entry=entry,
                rank=number + 1,
                votes=1,
                expert_count=0,
                public_part=Decimal(40),
                expert_part=Decimal(0),
                total=Decimal(40),
                is_winner=number < competition.winner_count,
            )
            for number, entry in zip(numbers, entries, strict=True)
        ]
    )


@pytest.mark.parametrize("state", ["publicity", "finalized"])
def test_results(client, make_competition, grow_entries, editor_user, state):
    competition = make_competition("publicity" if state == "publicity" else "awaiting")

    def grow(numbers):
        entries = grow_entries(competition, numbers)
        if state == "finalized":
            finalize(competition, entries, numbers, editor_user)

    grow(range(FEW))
    before, after = compare(client, competition.url, lambda: grow(range(FEW, MANY)))
    assert ("评选结果" if state == "finalized" else "拟获奖作品公示") in after
    assert before.count("参评作品第") == FEW  # only in the results table
    assert after.count("参评作品第") == MANY
    assert "参评作品第1000号" in after


def test_entry_page_among_many_entries(client, make_competition, grow_entries):
    competition = make_competition("publicity")
    entry = grow_entries(competition, range(FEW))[0]
    entry.refresh_from_db()
    before, after = compare(client, entry.url, lambda: grow_entries(competition, range(FEW, MANY)))
    assert "参评作品第1号" in after
    assert "<dd>1 票</dd>" in after


def test_objection_form_lists_every_entry(client, make_competition, grow_entries, member_user):
    client.force_login(member_user)
    competition = make_competition("publicity")
    grow_entries(competition, range(FEW))
    url = competition.url + competition.reverse_subpage("objection")
    before, after = compare(client, url, lambda: grow_entries(competition, range(FEW, MANY)))
    assert before.count("<option") == FEW + 1
    assert after.count("<option") == MANY + 1
