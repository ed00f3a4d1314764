"""Fixtures for the awards tests: an index, competitions in any phase, entries from the shared organization tree."""

import datetime

import pytest
from django.utils import timezone

from awards.models import AwardIndexPage, CompetitionPage, EntryPage

DAY = datetime.timedelta(days=1)

# Offsets in days from now of each window's start and end, per phase the competition should be in now.
PHASES = {
    "nomination": (-1, 5, 6, 10, 12, 15),
    "voting": (-10, -5, -1, 5, 7, 12),
    "review": (-20, -15, -10, -2, 3, 8),
    "publicity": (-30, -25, -20, -10, -2, 5),
    "awaiting": (-40, -35, -30, -20, -10, -3),
}


def windows(phase, now=None):
    now = now or timezone.now()
    names = ["nomination_start", "nomination_end", "voting_start", "voting_end", "publicity_start", "publicity_end"]
    return {name: now + offset * DAY for name, offset in zip(names, PHASES[phase], strict=True)}


@pytest.fixture
def award_index(home_page):
    index = AwardIndexPage(title="评选活动", slug="pingxuan")
    home_page.add_child(instance=index)
    return index


@pytest.fixture
def make_competition(award_index):
    def make(phase="voting", title="2026年度“十佳微型党课”评选", **fields):
        fields.setdefault("kind", CompetitionPage.Kind.MICRO_LESSON)
        fields.setdefault("choices_per_ballot", 3)
        fields.setdefault("winner_count", 2)
        competition = CompetitionPage(title=title, **{**windows(phase), **fields})
        award_index.add_child(instance=competition)
        return competition

    return make


@pytest.fixture
def make_entry():
    def make(competition, organization, title, live=True, **fields):
        entry = EntryPage(title=title, nominating_organization=organization, live=live, **fields)
        competition.add_child(instance=entry)
        return entry

    return make


@pytest.fixture
def competition(make_competition):
    return make_competition("voting")


@pytest.fixture
def entries(competition, make_entry, org_tree):
    return [
        make_entry(competition, org_tree["finance_branch"], "一张党费收据背后的故事"),
        make_entry(competition, org_tree["finance_branch_2"], "算好廉洁“三笔账”"),
        make_entry(competition, org_tree["health_branch"], "白衣战士的初心"),
        make_entry(competition, org_tree["health"], "数字赋能让群众少跑腿"),
    ]


@pytest.fixture
def volunteer_user(make_user):
    return make_user("volunteer", first_name="李晓雯")


@pytest.fixture
def vote_url():
    def url(competition):
        return competition.url

    return url


# Bulk builders for the query-count tests: live pages without revisions, rows inserted in a second.


def add_competitions(index, numbers, phases=("voting", "publicity", "nomination", "review")):
    """Competitions in the given phases in turn; a higher number starts voting later (and lists first)."""
    from dangjian.bulk import add_children

    now = timezone.now()
    pages = []
    for number in numbers:
        phase = phases[number % len(phases)]
        times = windows(phase, now + datetime.timedelta(minutes=number))
        pages.append(
            CompetitionPage(title=f"第{number + 1}届“十佳党日活动”评选", slug=f"qc-competition-{number}", **times)
        )
    return add_children(index, pages, index=False)


def add_entries(competition, numbers, organizations, images=()):
    """Entries nominated by `organizations` in turn; every other one shows one of `images`."""
    from dangjian.bulk import add_children

    return add_children(
        competition,
        [
            EntryPage(
                title=f"参评作品第{number + 1}号",
                slug=f"qc-entry-{number}",
                nominating_organization=organizations[number % len(organizations)],
                image=images[number % len(images)] if images and number % 2 else None,
                summary="支部主题党日活动。",
                live=True,
            )
            for number in numbers
        ],
        index=False,
    )


def add_ballots(competition, entries, numbers):
    """One counted ballot from a new voter for each entry, numbered like the entries."""
    from django.contrib.auth import get_user_model

    from awards.models import Ballot, BallotChoice

    User = get_user_model()
    voters = User.objects.bulk_create([User(username=f"qc-voter-{competition.pk}-{number}") for number in numbers])
    ballots = Ballot.objects.bulk_create(
        [
            Ballot(competition_id=competition.pk, voter=voter, code=f"QC{competition.pk}-{number}")
            for number, voter in zip(numbers, voters, strict=True)
        ]
    )
    BallotChoice.objects.bulk_create(
        [BallotChoice(ballot=ballot, entry_id=entry.pk) for ballot, entry in zip(ballots, entries, strict=True)]
    )
    return ballots
