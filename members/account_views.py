"""Admin views for members' login accounts (members.accounts): confirm, then open or reset, then the initial
passwords shown once, with printable slips and an Excel file of them in the same response.

The passwords exist only in that response: nothing lists them later. Each confirmation page carries a one-time
token kept in the editor's session; a second submission of the same form (a reload, the back button, a double
click) finds it used and shows no password, so that a reset is never repeated unseen.
"""

import base64
import secrets
from io import BytesIO

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import accounts
from .models import Member, RosterChange, RosterImport

TOKENS_SESSION_KEY = "members_account_tokens"
MAX_TOKENS = 20
SLIP_NOTE = "首次登录须修改密码"


def issue_token(request):
    token = secrets.token_urlsafe(24)
    tokens = [*request.session.get(TOKENS_SESSION_KEY, [])[-(MAX_TOKENS - 1) :], token]
    request.session[TOKENS_SESSION_KEY] = tokens
    return token


def use_token(request, token):
    tokens = list(request.session.get(TOKENS_SESSION_KEY, []))
    if not token or token not in tokens:
        return False
    tokens.remove(token)
    request.session[TOKENS_SESSION_KEY] = tokens
    request.session.save()  # before the work: a parallel second submission must find it gone
    return True


def slips_workbook(issued, login_url):
    from dangjian.excel import build_workbook

    rows = [
        [item.member.name, item.organization_name, item.username, item.password, login_url, SLIP_NOTE]
        for item in issued
    ]
    workbook = build_workbook(
        ["姓名", "所在党组织", "用户名", "初始密码", "登录网址", "说明"], rows, title="登录通知单"
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def members_list_url():
    return reverse("wagtailsnippets_members_member:list")


class AccountView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "user"
    page_title = "党员登录账号"
    forbidden_template = "members/accounts/forbidden.html"

    def dispatch(self, request, *args, **kwargs):
        if not accounts.can_manage_accounts(request.user):
            # A real 403: Wagtail's own refusal is a redirect to the dashboard.
            self.template_name = self.forbidden_template
            return self.render_to_response(self.get_context_data(), status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": members_list_url(), "label": "党员信息库"},
            {"url": "", "label": self.get_page_title()},
        ]

    def render(self, template_name, status=200, **context):
        self.template_name = template_name
        return self.render_to_response(self.get_context_data(**context), status=status)

    def render_used(self):
        return self.render("members/accounts/used.html", status=409)

    def render_issued(self, issued, skipped=(), deferred=(), kind="created", back_url=""):
        login_url = self.request.build_absolute_uri(reverse("login"))
        context = {
            "issued": issued,
            "skipped": skipped,
            "deferred": deferred,
            "kind": kind,
            "login_url": login_url,
            "slip_note": SLIP_NOTE,
            "back_url": back_url or members_list_url(),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        if issued:
            data = base64.b64encode(slips_workbook(issued, login_url)).decode("ascii")
            context["xlsx_href"] = (
                f"data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,{data}"
            )
            context["xlsx_name"] = f"党员登录通知单-{timezone.localdate():%Y%m%d}.xlsx"
        response = self.render("members/accounts/issued.html", **context)
        # Passwords: never in a cache, the browser's included (no back-button copy).
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


class CreateAccountsView(AccountView):
    """Open accounts for chosen members (?id=…), for all members without one (?all=1), or for the new members of
    an applied roster import (?import=…)."""

    page_title = "开通党员登录账号"

    def source(self, data):
        """(members queryset, roster import or None) from the request's parameters."""
        record = None
        if data.get("import"):
            record = get_object_or_404(
                RosterImport.objects.defer("content", "preview"),
                pk=_int(data.get("import")),
                status=RosterImport.Status.APPLIED,
            )
            members = Member.objects.filter(
                roster_changes__roster_import=record, roster_changes__kind=RosterChange.Kind.JOINED
            )
        elif data.get("all"):
            members = Member.objects.active().filter(user__isnull=True)
        else:
            ids = [_int(value) for value in data.getlist("id")]
            members = Member.objects.filter(pk__in=[value for value in ids if value])
        return members.select_related("organization", "user").distinct(), record

    def back_url(self, record):
        return reverse("members_roster:detail", args=[record.pk]) if record else members_list_url()

    def get(self, request):
        members, record = self.source(request.GET)
        eligible, skipped, deferred = accounts.plan_accounts(list(members))
        usernames = accounts.usernames_for(eligible)
        return self.render(
            "members/accounts/confirm_create.html",
            eligible=eligible,
            rows=[(member, usernames[member.pk]) for member in eligible],
            skipped=skipped,
            deferred=deferred,
            record=record,
            token=issue_token(request) if eligible else "",
            back_url=self.back_url(record),
            max_batch=accounts.MAX_BATCH,
        )

    def post(self, request):
        members, record = self.source(request.POST)
        if not use_token(request, request.POST.get("token")):
            return self.render_used()
        outcome = accounts.open_accounts(list(members.values_list("pk", flat=True)), by=request.user)
        return self.render_issued(
            outcome.issued, outcome.skipped, outcome.deferred, kind="created", back_url=self.back_url(record)
        )


class ResetPasswordView(AccountView):
    page_title = "重置党员登录密码"

    member = None

    def dispatch(self, request, *args, **kwargs):
        if accounts.can_manage_accounts(request.user):  # no hint about which records exist to anyone else
            self.member = get_object_or_404(Member.objects.select_related("organization", "user"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def refusal(self):
        try:
            accounts.check_resettable(self.member)
        except accounts.AccountRefused as error:
            return str(error)
        return ""

    def edit_url(self):
        return reverse("wagtailsnippets_members_member:edit", args=[self.member.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(member=self.member, edit_url=self.edit_url() if self.member else "")
        return context

    def get(self, request, pk):
        refusal = self.refusal()
        return self.render(
            "members/accounts/confirm_reset.html", refusal=refusal, token="" if refusal else issue_token(request)
        )

    def post(self, request, pk):
        if not use_token(request, request.POST.get("token")):
            return self.render_used()
        try:
            issued = accounts.reset_password(self.member.pk, by=request.user)
        except accounts.AccountRefused as error:
            return self.render("members/accounts/confirm_reset.html", status=400, refusal=str(error), token="")
        return self.render_issued([issued], kind="reset", back_url=self.edit_url())


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def create_url(**params):
    """The confirmation page's address for the given parameters (id=[...], import=pk, all=1)."""
    query = []
    for key, value in params.items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            query.append((key, item))
    return f"{reverse('member_accounts:create')}?{urlencode(query)}"
