"""Threaded tests on PostgreSQL, kept apart so that they run after the browser tests (see test_awards_ballots.py)."""

import pytest

from tests.awards.conftest import (  # noqa: F401 - the awards fixtures
    award_index,
    competition,
    ensure_site_home,
    entries,
    make_competition,
    make_entry,
)


@pytest.fixture
def home_page(transactional_db):
    return ensure_site_home()
