import datetime

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from dangjian.dashboard import DASHBOARD_ITEMS, WorkItem, WorkListPanel
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


def _ago(moment, now):
    return "刚刚" if now - moment < datetime.timedelta(minutes=1) else f"{timesince(moment, now, depth=1)}前"


@hooks.register("construct_homepage_panels")
def objections_panel(request, panels):
    """异议 raised during 公示 and not answered yet, for those who answer them (change_objection: 党务干部). A
    competition cannot be finalized while one waits. Two queries (the count and the first few, with their
    competitions), whatever the number waiting."""
    if not request.user.has_perm("awards.change_objection"):
        return
    waiting = Objection.objects.filter(status=Objection.Status.PENDING, competition__finalization__isnull=True)
    total = waiting.count()
    if not total:
        return
    now = timezone.now()
    items = []
    for objection in waiting.select_related("competition", "entry").order_by("raised_at", "pk")[:DASHBOARD_ITEMS]:
        competition = objection.competition
        about = f"《{objection.entry.title}》" if objection.entry else "评选结果"
        if now < competition.publicity_end:
            end = timezone.localtime(competition.publicity_end)
            deadline = f"公示至 {end.month}月{end.day}日"
        else:
            deadline = "公示已结束，答复后方可定案"
        items.append(
            WorkItem(
                f"{objection.signature}：{about}",
                reverse("award_objections:edit", args=[objection.pk]),
                f"{competition.title} · {_ago(objection.raised_at, now)}提出 · {deadline}",
            )
        )
    panels.append(
        WorkListPanel(
            "award-objections",
            "待答复的评选异议",
            items,
            total=total,
            more_url=reverse("award_objections:index") + "?status=pending",
            order=170,
        )
    )
