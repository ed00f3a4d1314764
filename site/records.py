"""The base of records the site writes often or in bulk and never links from content (ballots, sign-ups, study
clocks, read receipts, messages, audit events, counters)."""

from django.db import models


class BulkRecord(models.Model):
    """Wagtail's reference index has nothing to learn from such a record (no page or snippet points at it), and
    indexing each save would cost queries on the busiest writes: it is left out."""

    wagtail_reference_index_ignore = True

    class Meta:
        abstract = True
