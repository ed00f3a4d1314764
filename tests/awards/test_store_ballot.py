"""awards.services.store_ballot: the ballot and its choices are stored together or not at all, on either database;
on PostgreSQL in one statement, inside a caller's transaction or in autocommit."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awards.models import Ballot, BallotChoice
from awards.services import new_ballot_code, store_ballot


def unsaved_ballot(competition, voter, **fields):
    return Ballot(competition=competition, voter=voter, code=new_ballot_code(), cast_at=timezone.now(), **fields)


def stored(ballot):
    return Ballot.objects.values().get(pk=ballot.pk)


def check_both_stored(ballot, competition, voter, entry_ids):
    row = stored(ballot)
    assert ballot.pk and not ballot._state.adding
    assert row["competition_id"] == competition.pk and row["voter_id"] == voter.pk and row["code"] == ballot.code
    assert (
        row["status"] == Ballot.Status.COUNTED and row["quarantine_reason"] == "" and row["quarantined_by_id"] is None
    )
    assert abs(row["cast_at"] - ballot.cast_at).total_seconds() < 1e-3
    assert sorted(BallotChoice.objects.filter(ballot=ballot).values_list("entry_id", flat=True)) == sorted(entry_ids)


@pytest.mark.django_db
def test_a_ballot_and_its_choices_are_stored_together(competition, entries, member_user):
    ballot = unsaved_ballot(competition, member_user, client_hash="ab" * 32)
    ids = [entries[0].pk, entries[2].pk]
    with CaptureQueriesContext(connection) as queries:
        store_ballot(ballot, ids)
    check_both_stored(ballot, competition, member_user, ids)
    if connection.vendor == "postgresql":
        # One statement, plus the savepoint that the test's own transaction needs around it.
        statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
        assert len(statements) == 1 and statements[0].startswith("WITH ballot AS (INSERT")


@pytest.mark.django_db
def test_a_refused_ballot_stores_no_choice_and_leaves_the_callers_transaction_usable(competition, entries, member_user):
    store_ballot(unsaved_ballot(competition, member_user), [entries[0].pk])
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            store_ballot(unsaved_ballot(competition, member_user), [entries[1].pk, entries[2].pk])
        # The caller's transaction goes on (a savepoint took the failure).
        assert Ballot.objects.count() == 1
    assert list(BallotChoice.objects.values_list("entry_id", flat=True)) == [entries[0].pk]


@pytest.mark.django_db(transaction=True)  # foreign keys are checked when the ballot's own transaction ends
def test_a_choice_of_no_entry_stores_no_ballot(competition, entries, member_user):
    with pytest.raises(IntegrityError):
        store_ballot(unsaved_ballot(competition, member_user), [entries[0].pk, 987654])
    assert not Ballot.objects.exists() and not BallotChoice.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the single statement is PostgreSQL's path")
def test_in_autocommit_the_statement_is_its_own_transaction(competition, entries, member_user):
    ballot = unsaved_ballot(competition, member_user)
    with CaptureQueriesContext(connection) as queries:
        store_ballot(ballot, [entries[1].pk])
    assert len(queries.captured_queries) == 1  # no BEGIN, no COMMIT, no savepoint
    check_both_stored(ballot, competition, member_user, [entries[1].pk])
    with pytest.raises(IntegrityError):
        store_ballot(unsaved_ballot(competition, member_user), [entries[0].pk])
    assert Ballot.objects.count() == 1 and BallotChoice.objects.count() == 1
