"""Searchable choosers for organizations, members and user accounts in the admin.

These choosers search with a database `LIKE` on each word typed (any part of a name, on SQLite and PostgreSQL),
over the fields a person is known by (a member's branch, an account's member name), which the search index does
not hold for these models; a few hundred organizations or members need no index for it.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as generic_chooser
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.chooser import SnippetChooserViewSet

from .models import Member

MAX_QUERY_WORDS = 5


def contains_filter(objects, query, fields):
    """Objects with every word of the query somewhere in one of `fields` (case-insensitive `LIKE`)."""
    for word in query.split()[:MAX_QUERY_WORDS]:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        objects = objects.filter(condition)
    return objects  # every field named is a forward or one-to-one relation: no duplicate rows


class ContainsSearchForm(BaseFilterForm):
    """The chooser's search box, searching `search_fields` by substring."""

    q = forms.CharField(label="搜索", required=False, max_length=100)
    search_fields = ()
    placeholder = "输入名称的一部分"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = self.placeholder

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = contains_filter(objects, query, self.search_fields)
            self.is_searching = True
            self.search_query = query
        return objects


class ContainsSearchMixin:
    search_fields = ()
    search_placeholder = "输入名称的一部分，如“财政”"
    title_label = "名称"
    extra_columns = ()

    def get_filter_form_class(self):
        attributes = {"search_fields": self.search_fields, "placeholder": self.search_placeholder}
        return type("ContainsSearchForm", (ContainsSearchForm,), attributes)

    @property
    def title_column(self):
        column = super().title_column
        column.label = self.title_label
        return column

    @property
    def columns(self):
        return [
            *super().columns,
            *(Column(name, label=label, accessor=accessor) for name, label, accessor in self.extra_columns),
        ]


# Organizations -------------------------------------------------------------------------------------------------


def _parent_name(organization):
    return organization.parent.name if organization.parent_id else "—"


class OrganizationChooseMixin(ContainsSearchMixin):
    search_fields = ("name", "short_name", "code")
    extra_columns = (
        ("parent", "上级组织", _parent_name),
        ("kind", "类型", lambda organization: organization.get_kind_display()),
        ("code", "组织代码", "code"),
    )


class OrganizationChooseView(OrganizationChooseMixin, snippet_chooser.ChooseView):
    pass


class OrganizationChooseResultsView(OrganizationChooseMixin, snippet_chooser.ChooseResultsView):
    pass


class OrganizationChooserViewSet(SnippetChooserViewSet):
    choose_view_class = OrganizationChooseView
    choose_results_view_class = OrganizationChooseResultsView

    def get_object_list(self):
        return self.model.objects.select_related("parent").order_by("path")


# Members -------------------------------------------------------------------------------------------------------


class MemberChooseMixin(ContainsSearchMixin):
    """Names and branches of members are for those who keep the register (党务干部), not every admin user."""

    search_fields = ("name", "organization__name")
    search_placeholder = "姓名或党组织名称的一部分"
    title_label = "姓名"
    extra_columns = (
        ("organization", "所在党组织", lambda member: member.organization.name),
        ("status", "状态", lambda member: member.get_status_display()),
    )

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("members.view_member"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MemberChooseView(MemberChooseMixin, snippet_chooser.ChooseView):
    pass


class MemberChooseResultsView(MemberChooseMixin, snippet_chooser.ChooseResultsView):
    pass


class MemberChosenView(snippet_chooser.SnippetChosenView):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("members.view_member"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MemberChooserViewSet(SnippetChooserViewSet):
    choose_view_class = MemberChooseView
    choose_results_view_class = MemberChooseResultsView
    chosen_view_class = MemberChosenView

    def get_object_list(self):
        return self.model.objects.select_related("organization").order_by("organization__path", "name", "pk")


# User accounts -------------------------------------------------------------------------------------------------


def may_choose_users(user):
    """Who may list accounts in the chooser: those who edit what points to an account (the member register)."""
    return user.is_active and (
        user.is_superuser or user.has_perm("members.change_member") or user.has_perm("members.manage_member_accounts")
    )


def _member_of(account):
    try:
        member = account.member
    except Member.DoesNotExist:
        return "—"
    return f"{member.name}（{member.organization.name}）"


class UserChooseMixin(ContainsSearchMixin):
    search_fields = ("username", "first_name", "last_name", "member__name")
    search_placeholder = "用户名或姓名的一部分"
    title_label = "用户名"
    extra_columns = (
        ("name", "姓名", lambda account: account.get_full_name() or "—"),
        ("member", "党员信息", _member_of),
    )

    def dispatch(self, request, *args, **kwargs):
        if not may_choose_users(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UserChooseView(UserChooseMixin, generic_chooser.ChooseView):
    pass


class UserChooseResultsView(UserChooseMixin, generic_chooser.ChooseResultsView):
    pass


class UserChosenView(generic_chooser.ChosenView):
    def dispatch(self, request, *args, **kwargs):
        if not may_choose_users(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UserChooserViewSet(ChooserViewSet):
    """Chooses a login account by username, name or member name. Registered for every admin form field that
    points to the user model (e.g. Member.user): no list of hundreds of usernames."""

    icon = "user"
    choose_one_text = "选择登录账号"
    choose_another_text = "改选登录账号"
    page_title = "选择登录账号"
    per_page = 25
    choose_view_class = UserChooseView
    choose_results_view_class = UserChooseResultsView
    chosen_view_class = UserChosenView

    def get_object_list(self):
        return (
            get_user_model().objects.filter(is_active=True).select_related("member__organization").order_by("username")
        )


def user_chooser_viewset():
    return UserChooserViewSet("members_user_chooser", model=get_user_model(), url_prefix="members/choose-user")
