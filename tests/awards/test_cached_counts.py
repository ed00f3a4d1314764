"""Ballots and the page cache (awards/signals.py): casting a ballot leaves cached pages alone, live counts are
cached for a few seconds only, and a ballot taken out of the count empties the cache at once."""

import pytest
from django.test import Client

from awards.services import cast_ballot, quarantine_ballot
from awards.views import LIVE_COUNTS_SECONDS
from home import cache as home_cache

pytestmark = pytest.mark.usefixtures("page_cache_on")


def test_casting_a_ballot_keeps_cached_pages(competition, entries, member_user):
    anonymous = Client()
    assert anonymous.get(competition.url)["X-Page-Cache"] == "miss"
    generation = home_cache.current_generation()
    cast_ballot(competition, member_user, [entries[0].pk])
    assert home_cache.current_generation() == generation
    assert anonymous.get(competition.url)["X-Page-Cache"] == "hit"


def test_live_counts_are_cached_for_seconds_only(competition, entries, member_user, monkeypatch):
    competition.show_counts_during_voting = True
    competition.save_revision().publish()
    stored = {}
    real_set = home_cache.caches["default"].set

    def remember(key, value, timeout=None, **kwargs):
        if key.startswith("pagecache:"):
            stored[key] = timeout
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(home_cache.caches["default"], "set", remember)
    for url in (competition.url, entries[0].url):
        response = Client().get(url)
        assert response["X-Page-Cache"] == "miss"
        assert f"max-age={LIVE_COUNTS_SECONDS}" in response["Cache-Control"]
    assert sorted(stored.values()) == [LIVE_COUNTS_SECONDS, LIVE_COUNTS_SECONDS]


def test_hidden_counts_keep_the_usual_lifetime(competition, entries):
    response = Client().get(competition.url)
    assert "max-age" not in response.get("Cache-Control", "")


def test_quarantining_a_ballot_empties_the_cache(competition, entries, member_user, editor_user):
    ballot = cast_ballot(competition, member_user, [entries[0].pk])
    anonymous = Client()
    anonymous.get(competition.url)
    assert anonymous.get(competition.url)["X-Page-Cache"] == "hit"
    quarantine_ballot(ballot, editor_user, "经核实系他人代投")
    assert anonymous.get(competition.url)["X-Page-Cache"] == "miss"
