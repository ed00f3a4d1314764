"""The volunteer's panel on /me/: his sign-ups, waitlist places, promotions, hours and certificates."""

from django.utils import timezone

from members.scope import is_active_member

from .models import ProjectProposal, ServiceCertificate, SignUp, VolunteerProfile
from .permissions import coordinated_projects
from .services import hours_by_year


def me_panel_context(request):
    user = request.user
    now = timezone.now()
    upcoming = list(
        SignUp.objects.filter(
            user=user,
            status__in=[SignUp.Status.CONFIRMED, SignUp.Status.WAITLISTED],
            slot__end__gt=now,
        )
        .select_related("slot__page")
        .order_by("slot__start")
    )
    positions = SignUp.waitlist_positions(upcoming)
    for signup in upcoming:
        signup.waitlist_position = positions.get(signup.pk)
    past = list(
        SignUp.objects.filter(user=user, slot__end__lte=now)
        .exclude(status=SignUp.Status.CANCELLED)
        .select_related("slot__page")
        .order_by("-slot__start")[:10]
    )
    years, total = hours_by_year(user)
    is_member = is_active_member(user)
    return {
        "profile": VolunteerProfile.objects.filter(user=user).first(),
        "upcoming": upcoming,
        "promoted": [s for s in upcoming if s.promoted_at and s.status == SignUp.Status.CONFIRMED],
        "cancelled_slots": [s for s in upcoming if s.slot.is_cancelled],
        "past": past,
        "years": years,
        "total_hours": total,
        "certificates": ServiceCertificate.objects.filter(user=user)[:3],
        "is_member": is_member,
        "proposals": ProjectProposal.objects.filter(proposer=user).select_related("project_page")[:5]
        if is_member
        else [],
        "coordinates": coordinated_projects(user).exists(),
    }
