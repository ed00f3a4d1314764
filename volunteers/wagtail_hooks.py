import datetime

from django.urls import path, reverse
from django.utils import timezone
from django.utils.timesince import timesince
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from dangjian.dashboard import DASHBOARD_ITEMS, WorkItem, WorkListPanel
from home.sections import (
    DEMO_CONTENT_HOOK,
    HOME_SECTIONS_HOOK,
    ME_PANELS_HOOK,
    SEARCH_SECTIONS_HOOK,
    HomeSection,
    MePanel,
    SearchSection,
    cached_home_section,
)

from . import admin_views
from .models import (
    AttendanceChange,
    ProjectProposal,
    ServiceRequest,
    ServiceSlot,
    VolunteerProfile,
    VolunteerProjectIndexPage,
    VolunteerProjectPage,
)
from .panels import me_panel_context
from .permissions import is_volunteer_manager, may_see_hours_overview

# Home and /me/ ------------------------------------------------------------------------------------------------


@hooks.register(HOME_SECTIONS_HOOK)
def recruiting_projects_on_home(request, home_page):
    """Projects recruiting now, with a slot still ahead; nothing while there are none. The same for everyone."""
    return cached_home_section(request, ("volunteers", home_page.pk), lambda: _recruiting_section(request, home_page))


def _recruiting_section(request, home_page):
    from django.db.models import Prefetch

    projects = (
        VolunteerProjectPage.objects.live()
        .descendant_of(home_page)
        .filter(
            status=VolunteerProjectPage.Status.RECRUITING,
            slots__start__gt=timezone.now(),
            slots__is_cancelled=False,
        )
        .distinct()
        .select_related("organizing_unit")
        .prefetch_related(Prefetch("slots", queryset=ServiceSlot.objects.with_counts()))
        .order_by("-first_published_at")[:5]
    )
    projects = list(projects)
    if not projects:
        return None
    index_page = VolunteerProjectIndexPage.objects.live().descendant_of(home_page).first()
    return HomeSection(
        order=30,
        title="志愿服务 · 正在招募",
        template="volunteers/home_section.html",
        context={"projects": projects},
        more_url=index_page.url if index_page else "",
        # The list changes when a listed slot starts.
        valid_until=min(
            (slot.start for project in projects for slot in project.slots.all() if slot.start > timezone.now()),
            default=None,
        ),
    )


@hooks.register(ME_PANELS_HOOK)
def volunteer_panel_on_me(request):
    return MePanel(order=30, title="志愿服务", template="volunteers/me_panel.html", context=me_panel_context(request))


@hooks.register(DEMO_CONTENT_HOOK)
def volunteer_demo_content(home, seed, stdout):
    from .demo import seed as seed_volunteers

    seed_volunteers(home=home, seed=seed, stdout=stdout)


# Admin ----------------------------------------------------------------------------------------------------------


class ServiceRequestViewSet(SnippetViewSet):
    model = ServiceRequest
    icon = "help"
    menu_label = "服务需求"
    list_display = ["title", "contact_name", "masked_phone", "created_at", "status"]
    list_filter = ["status"]
    search_fields = ["title", "description", "contact_name", "place"]
    search_backend_name = None
    add_to_admin_menu = False
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("title", read_only=True),
                    FieldPanel("description", read_only=True),
                    FieldRowPanel([FieldPanel("place", read_only=True), FieldPanel("wanted_time", read_only=True)]),
                    FieldRowPanel(
                        [FieldPanel("contact_name", read_only=True), FieldPanel("contact_phone", read_only=True)]
                    ),
                    FieldPanel("created_at", read_only=True),
                ],
                heading="群众提交的需求",
            ),
            MultiFieldPanel([FieldPanel("status"), FieldPanel("handler_note")], heading="办理"),
        ]
    )

    def get_queryset(self, request):
        return ServiceRequest.objects.all()


class VolunteerProfileViewSet(SnippetViewSet):
    model = VolunteerProfile
    icon = "user"
    menu_label = "志愿者"
    list_display = ["name", "masked_phone", "skills", "created_at"]
    search_fields = ["name", "skills"]
    search_backend_name = None
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("phone")]),
        FieldPanel("skills"),
        FieldPanel("note"),
    ]

    def get_queryset(self, request):
        return VolunteerProfile.objects.all()


class ProjectProposalViewSet(SnippetViewSet):
    model = ProjectProposal
    icon = "form"
    menu_label = "项目征集"
    list_display = ["title", "category", "organization", "created_at", "status"]
    list_filter = ["status", "category"]
    search_fields = ["title", "description"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldPanel("title", read_only=True),
            FieldRowPanel([FieldPanel("category", read_only=True), FieldPanel("volunteers_needed", read_only=True)]),
            FieldPanel("description", read_only=True),
            FieldRowPanel([FieldPanel("place", read_only=True), FieldPanel("suggested_time", read_only=True)]),
            FieldRowPanel([FieldPanel("organization", read_only=True), FieldPanel("status", read_only=True)]),
            FieldPanel("review_note", read_only=True),
            FieldPanel("project_page", read_only=True),
        ]
    )

    def get_queryset(self, request):
        return ProjectProposal.objects.select_related("organization")


class AttendanceChangeViewSet(SnippetViewSet):
    model = AttendanceChange
    icon = "history"
    menu_label = "时长登记记录"
    list_display = ["signup", "old_status", "new_status", "old_hours", "new_hours", "changed_by", "changed_at"]
    list_filter = ["new_status"]
    inspect_view_enabled = True
    panels = [FieldPanel("reason", read_only=True)]

    def get_queryset(self, request):
        return AttendanceChange.objects.select_related("signup__user", "signup__slot", "changed_by")


class VolunteersGroup(SnippetViewSetGroup):
    items = (ServiceRequestViewSet, ProjectProposalViewSet, VolunteerProfileViewSet, AttendanceChangeViewSet)
    menu_icon = "group"
    menu_label = "志愿服务"
    menu_name = "volunteers"
    menu_order = 250


register_snippet(VolunteersGroup)


@hooks.register("register_snippet_listing_buttons")
def proposal_review_button(snippet, user, next_url=None):
    if (
        isinstance(snippet, ProjectProposal)
        and snippet.status == ProjectProposal.Status.SUBMITTED
        and user.has_perm("volunteers.change_projectproposal")
    ):
        yield ListingButton("审核", reverse("volunteers_review_proposal", args=[snippet.pk]), priority=5)


@hooks.register("register_admin_urls")
def volunteer_admin_urls():
    return [
        path(
            "volunteers/proposals/<int:proposal_id>/review/",
            admin_views.review_proposal,
            name="volunteers_review_proposal",
        ),
    ]


class RosterMenuItem(MenuItem):
    def is_shown(self, request):
        return is_volunteer_manager(request.user)


@hooks.register("register_admin_menu_item")
def roster_menu_item():
    return RosterMenuItem("志愿服务名册", reverse("volunteers:manage"), icon_name="list-ul", order=251)


class HoursOverviewMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_hours_overview(request.user)


@hooks.register("register_admin_menu_item")
def hours_overview_menu_item():
    return HoursOverviewMenuItem("志愿服务时长统计", reverse("volunteers:hours_overview"), icon_name="table", order=252)


# Dashboard: the staff's waiting work ---------------------------------------------------------------------------


def _waiting(created_at):
    if timezone.now() - created_at < datetime.timedelta(minutes=1):
        return "刚刚提交"
    return f"{timesince(created_at, depth=1)}前提交"


@hooks.register("construct_homepage_panels")
def volunteer_work_panels(request, panels):
    """服务需求 not yet handled and 项目征集 to review, for those who may handle them. Two queries a panel (the
    count and the first few), whatever the length of the list; the permission check is Django's, cached per user."""
    user = request.user
    if user.has_perm("volunteers.change_servicerequest"):
        waiting = ServiceRequest.objects.filter(status=ServiceRequest.Status.NEW)
        total = waiting.count()
        if total:
            panels.append(
                WorkListPanel(
                    "volunteer-service-requests",
                    "待处理的服务需求",
                    [
                        WorkItem(
                            request_.title,
                            reverse("wagtailsnippets_volunteers_servicerequest:edit", args=[request_.pk]),
                            f"{request_.place} · {_waiting(request_.created_at)}",
                        )
                        for request_ in waiting.order_by("created_at", "pk").only("pk", "title", "place", "created_at")[
                            :DASHBOARD_ITEMS
                        ]
                    ],
                    total=total,
                    more_url=reverse("wagtailsnippets_volunteers_servicerequest:list") + "?status=new",
                    order=160,
                )
            )
    if user.has_perm("volunteers.change_projectproposal"):
        waiting = ProjectProposal.objects.filter(status=ProjectProposal.Status.SUBMITTED)
        total = waiting.count()
        if total:
            panels.append(
                WorkListPanel(
                    "volunteer-proposals",
                    "待审核的志愿服务项目建议",
                    [
                        WorkItem(
                            proposal.title,
                            reverse("volunteers_review_proposal", args=[proposal.pk]),
                            " · ".join(
                                part
                                for part in (
                                    proposal.organization.name if proposal.organization else "",
                                    _waiting(proposal.created_at),
                                )
                                if part
                            ),
                        )
                        for proposal in waiting.select_related("organization").order_by("created_at", "pk")[
                            :DASHBOARD_ITEMS
                        ]
                    ],
                    total=total,
                    more_url=reverse("wagtailsnippets_volunteers_projectproposal:list") + "?status=submitted",
                    order=161,
                )
            )


@hooks.register(SEARCH_SECTIONS_HOOK)
def volunteers_in_search(request):
    from .models import ServiceRequestPage

    return SearchSection(
        key="volunteers",
        label="志愿服务",
        order=30,
        models=(VolunteerProjectIndexPage, VolunteerProjectPage, ServiceRequestPage),
    )
