"""One ballot per voter, also when several arrive at the same instant (PostgreSQL, real threads and connections)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from awards.models import Ballot, BallotChoice
from awards.services import AlreadyVoted, cast_ballot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL's row locking"),
]

THREADS = 6


def run_together(work):
    """Run work(i) in THREADS threads released at the same moment; each closes its own database connection."""
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_simultaneous_ballots_from_two_tabs_store_exactly_one(competition, entries, member_user):
    def vote(i):
        client = Client()
        client.force_login(member_user)
        response = client.post(competition.url, {"entries": [str(entries[i % len(entries)].pk)]})
        return response.status_code, response.content.decode()

    results = run_together(vote)
    statuses = sorted(status for status, _ in results)
    assert statuses == [302] + [409] * (THREADS - 1)
    for status, html in results:
        if status == 409:
            assert "您已经在本次评选中投过票" in html
    assert Ballot.objects.filter(voter=member_user).count() == 1
    assert BallotChoice.objects.count() == 1


def test_simultaneous_service_calls_raise_already_voted(competition, entries, member_user):
    results = run_together(lambda i: cast_ballot(competition, member_user, [entries[0].pk, entries[1].pk]))
    stored = [result for result in results if isinstance(result, Ballot)]
    refused = [result for result in results if isinstance(result, AlreadyVoted)]
    assert len(stored) == 1 and len(refused) == THREADS - 1
    assert all(error.status == 409 and stored[0].code in error.message for error in refused)
    assert Ballot.objects.count() == 1 and BallotChoice.objects.count() == 2


def test_different_voters_at_the_same_instant_are_all_counted(competition, entries, make_member, org_tree):
    voters = [
        make_member(f"m{i:04d}", org_tree["health_branch"], name=f"党员{'甲乙丙丁戊己'[i]}") for i in range(THREADS)
    ]
    results = run_together(lambda i: cast_ballot(competition, voters[i], [entries[0].pk]))
    assert all(isinstance(result, Ballot) for result in results)
    assert BallotChoice.objects.filter(entry=entries[0]).count() == THREADS
