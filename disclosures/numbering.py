"""索引号: `<issuing organization's code>-<year>-<serial>`, given at first publication, unique forever."""

from django.db import transaction
from django.utils import timezone

from .models import IndexNumberCounter


def next_serial(organization, year):
    """Take the next serial of an organization's year. The counter row stays locked until the transaction ends,
    so concurrent publications wait for each other instead of taking the same number."""
    with transaction.atomic():
        counter, _ = IndexNumberCounter.objects.select_for_update().get_or_create(organization=organization, year=year)
        counter.last_serial += 1
        counter.save(update_fields=["last_serial"])
        return counter.last_serial


def assign_index_number(notice):
    """Give a notice being published for the first time its index number and publication date."""
    published = timezone.localtime(notice.first_published_at or timezone.now())
    serial = next_serial(notice.issuing_organization, published.year)
    notice.index_number = f"{notice.issuing_organization.code}-{published.year}-{serial:04d}"
    notice.published_on = published.date()
