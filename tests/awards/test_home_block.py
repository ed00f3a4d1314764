"""The awards block on the home page is shared by every viewer and rebuilt when a phase opens or closes."""

import datetime

from django.utils import timezone

from awards.wagtail_hooks import _next_phase_change


def test_the_block_expires_at_the_next_phase_change(make_competition):
    now = timezone.now()
    voting = make_competition("voting")
    upcoming = make_competition("nomination", title="2026年度“十佳党日活动”评选")
    expected = min(voting.voting_end, upcoming.voting_start)
    assert _next_phase_change(now) == expected
    assert _next_phase_change(expected) > expected
    assert _next_phase_change(now + datetime.timedelta(days=3650)) is None


def test_competitions_appear_on_the_home_page_for_everyone_alike(client, make_competition, member_user, settings):
    settings.SHARED_BLOCK_CACHE_ENABLED = True
    make_competition("voting")
    assert "十佳微型党课" in client.get("/").content.decode()
    client.force_login(member_user)
    assert "十佳微型党课" in client.get("/").content.decode()
