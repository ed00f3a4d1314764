from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.utils import timezone
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from home.sections import (
    DEMO_CONTENT_HOOK,
    HOME_SECTIONS_HOOK,
    ME_PANELS_HOOK,
    PAGE_BADGES_HOOK,
    SEARCH_SECTIONS_HOOK,
    HomeSection,
    MePanel,
    PageBadge,
    SearchSection,
    cached_home_section,
)

from .admin_views import AwardsAdminGroup, BallotPermissionPolicy, ObjectionPermissionPolicy
from .models import AwardIndexPage, Ballot, BallotChoice, CompetitionPage, EntryPage, ExpertScore, Objection
from .services import winner_badges

register_permission_policy(Ballot, BallotPermissionPolicy(Ballot), exact_class=True)
register_permission_policy(Objection, ObjectionPermissionPolicy(Objection), exact_class=True)


@hooks.register("register_admin_viewset")
def register_awards_admin():
    return AwardsAdminGroup()


@hooks.register("register_log_actions")
def register_award_log_actions(actions):
    actions.register_action("awards.ballot.quarantine", "隔离选票", "选票已隔离")
    actions.register_action("awards.objection.handle", "处理异议", "异议已处理")
    actions.register_action("awards.competition.finalize", "评选定案", "评选已定案")


@hooks.register("before_delete_page")
def keep_voted_pages(request, page):
    """Ballots, scores and results are never deleted, so neither are the pages they refer to."""
    specific = page.specific_class
    if specific is CompetitionPage:
        used = (
            Ballot.objects.filter(competition_id=page.pk).exists()
            or Objection.objects.filter(competition_id=page.pk).exists()
        )
    elif specific is EntryPage:
        used = (
            BallotChoice.objects.filter(entry_id=page.pk).exists()
            or ExpertScore.objects.filter(entry_id=page.pk).exists()
        )
    elif specific is AwardIndexPage:
        used = Ballot.objects.filter(competition__path__startswith=page.path).exists()
    else:
        return None
    if used:
        messages.error(
            request, f"“{page.get_admin_display_title()}”已有选票或评分记录，不能删除；如需下线，请取消发布。"
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register(HOME_SECTIONS_HOOK)
def competitions_on_home(request, home_page):
    """Competitions voting or in publicity now; the same for everyone."""
    return cached_home_section(request, ("awards", home_page.pk), lambda: _competitions_section(request))


def _competitions_section(request):
    now = timezone.now()
    competitions = list(
        CompetitionPage.objects.live()
        .filter(finalization__isnull=True)
        .filter(Q(voting_start__lte=now, voting_end__gt=now) | Q(publicity_start__lte=now, publicity_end__gt=now))
        .order_by("voting_end")[:5]
    )
    # Open ballots first, the one closing soonest on top; then results in publicity.
    competitions.sort(key=lambda competition: (not competition.voting_open(now), competition.voting_end))
    if not competitions:
        return None
    index = AwardIndexPage.objects.live().first()
    return HomeSection(
        order=40,
        title="评选活动",
        template="awards/home_section.html",
        context={"competitions": competitions, "now": now},
        more_url=index.get_url(request) if index else "",
        valid_until=_next_phase_change(now),
    )


def _next_phase_change(now):
    """The next moment a live competition opens or closes its voting or publicity: the home block changes then."""
    boundaries = ("voting_start", "voting_end", "publicity_start", "publicity_end")
    upcoming = CompetitionPage.objects.live().filter(finalization__isnull=True).values_list(*boundaries)
    return min((moment for row in upcoming for moment in row if moment and moment > now), default=None)


@hooks.register(ME_PANELS_HOOK)
def my_ballots(request):
    ballots = list(Ballot.objects.filter(voter=request.user).select_related("competition").order_by("-cast_at")[:20])
    objections = list(
        Objection.objects.filter(author=request.user).select_related("competition").order_by("-raised_at")[:20]
    )
    if not ballots and not objections:
        return None
    return MePanel(
        order=40,
        title="我的评选",
        template="awards/me_panel.html",
        context={"ballots": ballots, "objections": objections},
    )


@hooks.register(PAGE_BADGES_HOOK)
def winner_marks(pages):
    return {
        page_id: [PageBadge(competition.award_label, competition.url or "") for competition in competitions]
        for page_id, competitions in winner_badges([page.pk for page in pages]).items()
    }


@hooks.register(DEMO_CONTENT_HOOK)
def awards_demo_content(home, seed, stdout):
    from .demo import seed_awards

    seed_awards(home, seed=seed, stdout=stdout)


@hooks.register(SEARCH_SECTIONS_HOOK)
def awards_in_search(request):
    return SearchSection(key="awards", label="评选", order=40, models=(AwardIndexPage, CompetitionPage, EntryPage))
