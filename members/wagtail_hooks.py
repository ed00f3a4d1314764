from django.urls import include, path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import views
from .models import Member, Organization
from .panels import TransferHistoryPanel

MEMBERSHIP_MENU_HOOK = "register_membership_menu_item"


class OrganizationViewSet(SnippetViewSet):
    model = Organization
    icon = "group"
    menu_label = "党组织"
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    # A database LIKE finds any part of a Chinese name, which the full-text backend does not segment.
    search_backend_name = None
    ordering = ["path"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("parent"),
        FieldPanel("sort_order"),
    ]

    def get_queryset(self, request):
        return Organization.objects.select_related("parent")


class MemberViewSet(SnippetViewSet):
    model = Member
    icon = "user"
    menu_label = "党员"
    list_display = ["name", "organization", "category", "status", "masked_phone"]
    list_filter = ["status", "category", "is_branch_secretary", "organization__kind"]
    search_fields = ["name", "organization__name"]
    search_backend_name = None
    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("name"), FieldPanel("gender")]),
                FieldPanel("organization"),
                FieldRowPanel([FieldPanel("category"), FieldPanel("joined_on")]),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("party_post")]),
                FieldRowPanel([FieldPanel("is_branch_secretary"), FieldPanel("is_committee_member")]),
                FieldPanel("status"),
            ],
            heading="基本信息",
        ),
        FieldPanel("user"),
        TransferHistoryPanel(heading="转接与变动记录"),
    ]

    def get_queryset(self, request):
        return Member.objects.select_related("organization")


class MembershipGroup(SnippetViewSetGroup):
    items = (OrganizationViewSet, MemberViewSet)
    menu_icon = "group"
    menu_label = "党员信息库"
    menu_name = "membership"
    # Further items of this menu (the roster import) register through this hook.
    submenu_hook = MEMBERSHIP_MENU_HOOK


register_snippet(MembershipGroup)


class RosterMenuItem(MenuItem):
    def is_shown(self, request):
        return views.can_import(request.user)


@hooks.register(MEMBERSHIP_MENU_HOOK)
def roster_menu_item():
    return RosterMenuItem("名册导入", reverse_lazy("members_roster:index"), icon_name="upload", order=10)


roster_urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("export/", views.export, name="export"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/apply/", views.ApplyView.as_view(), name="apply"),
    path("<int:pk>/discard/", views.DiscardView.as_view(), name="discard"),
]


@hooks.register("register_admin_urls")
def register_roster_urls():
    return [path("roster/", include((roster_urlpatterns, "members_roster")))]
