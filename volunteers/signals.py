from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published

from .models import ServiceSlot, VolunteerProjectPage


@receiver(page_published, sender=VolunteerProjectPage)
def promote_after_capacity_raised(sender, instance, **kwargs):
    """An editor who raises a slot's capacity gives the new seats to its waitlist straight away."""
    from .services import fill_from_waitlist

    slots = ServiceSlot.objects.filter(
        page=instance, start__gt=timezone.now(), is_cancelled=False, signups__status="waitlisted"
    ).distinct()
    for slot_id in slots.values_list("pk", flat=True):
        fill_from_waitlist(slot_id)
