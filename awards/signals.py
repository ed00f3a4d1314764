"""When ballots change what public pages show.

A new ballot changes nothing that is cached: counts stay hidden during voting unless the competition shows them,
and then its pages are cached for LIVE_COUNTS_SECONDS only (awards.views.live_counts_cache_control). Emptying the
whole page cache on every ballot would leave the site uncached for as long as a vote runs. A ballot taken out of
the count (quarantined) or deleted changes published counts and results: that empties the cache at once.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from home.cache import invalidate_now_and_after_commit

from .models import Ballot


@receiver(post_save, sender=Ballot)
def ballot_changed(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        invalidate_now_and_after_commit()


@receiver(post_delete, sender=Ballot)
def ballot_deleted(sender, instance, **kwargs):
    invalidate_now_and_after_commit()
