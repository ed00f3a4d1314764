import django_filters
from django.urls import include, path, reverse, reverse_lazy
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import account_views, accounts, two_factor_admin, views  # noqa: F401 (two_factor_admin registers its hooks)
from .bulk_actions import CreateAccountsBulkAction
from .choosers import MemberChooserViewSet, OrganizationChooserViewSet, user_chooser_viewset
from .models import Member, Organization
from .panels import MemberAccountPanel, TransferHistoryPanel

MEMBERSHIP_MENU_HOOK = "register_membership_menu_item"


class OrganizationViewSet(SnippetViewSet):
    model = Organization
    icon = "group"
    menu_label = "党组织"
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    # A database LIKE finds any part of a Chinese name, which the full-text backend does not segment; the
    # chooser (members.choosers) searches the same way.
    search_backend_name = None
    chooser_viewset_class = OrganizationChooserViewSet
    ordering = ["path"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("parent"),
        FieldPanel("sort_order"),
    ]

    def get_queryset(self, request):
        return Organization.objects.select_related("parent")


class MemberFilterSet(WagtailFilterSet):
    account = django_filters.ChoiceFilter(
        label="登录账号",
        choices=[("yes", "已开通"), ("no", "未开通")],
        empty_label="全部",
        method="filter_account",
    )

    class Meta:
        model = Member
        fields = ["status", "category", "is_branch_secretary", "organization__kind"]

    def filter_account(self, queryset, name, value):
        return queryset.filter(user__isnull=value == "no")


def _account_label(member):
    return member.user.username if member.user_id else "未开通"


class MemberViewSet(SnippetViewSet):
    model = Member
    icon = "user"
    menu_label = "党员"
    list_display = [
        "name",
        "organization",
        "category",
        "status",
        Column("masked_phone", label="手机号码", accessor="masked_phone"),
        Column("account", label="登录账号", accessor=_account_label),
    ]
    filterset_class = MemberFilterSet
    search_fields = ["name", "organization__name"]
    search_backend_name = None
    chooser_viewset_class = MemberChooserViewSet
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
        MultiFieldPanel(
            [
                MemberAccountPanel(),
                FieldPanel(
                    "user",
                    heading="关联已有账号",
                    help_text="通常不必手工选择：用“开通登录账号”为党员新建账号。已有账号的党员可在此关联。",
                ),
            ],
            heading="登录账号",
        ),
        TransferHistoryPanel(heading="转接与变动记录"),
    ]

    def get_queryset(self, request):
        return Member.objects.select_related("organization", "user")


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


account_urlpatterns = [
    path("create/", account_views.CreateAccountsView.as_view(), name="create"),
    path("<int:pk>/reset/", account_views.ResetPasswordView.as_view(), name="reset"),
]


@hooks.register("register_admin_urls")
def register_roster_urls():
    return [
        path("roster/", include((roster_urlpatterns, "members_roster"))),
        path("member-accounts/", include((account_urlpatterns, "member_accounts"))),
    ]


@hooks.register("register_admin_viewset")
def register_user_chooser():
    return user_chooser_viewset()


hooks.register("register_bulk_action", CreateAccountsBulkAction)


@hooks.register("register_snippet_listing_buttons")
def member_account_buttons(snippet, user, next_url=None):
    if not isinstance(snippet, Member) or not accounts.can_manage_accounts(user):
        return []
    if snippet.user_id:
        return [Button("重置密码", reverse("member_accounts:reset", args=[snippet.pk]), icon_name="key", priority=60)]
    if accounts.skip_reason(snippet) is None:
        return [Button("开通登录账号", account_views.create_url(id=[snippet.pk]), icon_name="user", priority=60)]
    return []


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    @actions.register_action(accounts.CREATE_ACTION)
    class CreateAccount(LogFormatter):
        label = "开通登录账号"

        def format_message(self, log_entry):
            return f"开通了登录账号 {log_entry.data.get('username', '')}"

    @actions.register_action(accounts.RESET_ACTION)
    class ResetPassword(LogFormatter):
        label = "重置登录密码"

        def format_message(self, log_entry):
            return f"重置了登录账号 {log_entry.data.get('username', '')} 的密码"


@hooks.register("construct_homepage_panels")
def roster_dashboard_panels(request, panels):
    """Roster imports previewed but not yet applied, and members on the roster without a login (two queries)."""
    from django.utils import timezone

    from dangjian.dashboard import DASHBOARD_ITEMS, WorkItem, WorkListPanel

    from .models import RosterImport

    if views.can_import(request.user):
        pending = RosterImport.objects.filter(status=RosterImport.Status.PENDING).order_by("-uploaded_at")
        items = list(pending[:DASHBOARD_ITEMS])
        if items:
            panels.append(
                WorkListPanel(
                    "roster-imports",
                    "待确认的名册导入",
                    [
                        WorkItem(
                            item.file_name,
                            reverse("members_roster:detail", args=[item.pk]),
                            f"{timezone.localtime(item.uploaded_at):%Y-%m-%d %H:%M} 上传，预览后确认导入",
                        )
                        for item in items
                    ],
                    total=pending.count(),
                    more_url=reverse("members_roster:index"),
                    order=180,
                )
            )
    if request.user.has_perm(accounts.PERMISSION):
        without = Member.objects.filter(user__isnull=True, status=Member.Status.ACTIVE)
        count = without.count()
        if count:
            panels.append(
                WorkListPanel(
                    "members-without-login",
                    "尚未开通登录账号的在册党员",
                    [WorkItem(f"共 {count} 人", reverse("wagtailsnippets_members_member:list") + "?account=no")],
                    total=count,
                    order=190,
                )
            )
