"""Admin views: ballots (with quarantine), objections, expert scoring, and the committee's results and 定案."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import ModelLogEntry, PageLogEntry
from wagtail.permission_policies import ModelPermissionPolicy

from dangjian.excel import xlsx_response
from security import audit

from .forms import FinalizeForm, QuarantineForm
from .models import Ballot, CompetitionPage, EntryPage, ExpertScore, Objection
from .services import (
    AwardError,
    competition_results,
    expert_home_organization,
    finalize_competition,
    handle_objection,
    has_conflict,
    quarantine_ballot,
    record_expert_score,
)


class AwardsAdminTemplateMixin(WagtailAdminTemplateMixin):
    """Admin page furniture with a breadcrumb trail ending in this page's title."""

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]


# --- permission policies: records that nobody adds, edits or deletes in the admin ------------------------------


class RecordPermissionPolicy(ModelPermissionPolicy):
    forbidden_actions = frozenset({"add", "change", "delete"})

    def user_has_permission(self, user, action):
        if action in self.forbidden_actions:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a not in self.forbidden_actions])


class BallotPermissionPolicy(RecordPermissionPolicy):
    """Ballots are cast by voters only and never edited or deleted; they can be viewed and quarantined."""


class ObjectionPermissionPolicy(RecordPermissionPolicy):
    """Objections are raised by users on the site; the committee only records how each was handled."""

    forbidden_actions = frozenset({"add", "delete"})


# --- ballots -------------------------------------------------------------------------------------------------


class BallotViewSet(ModelViewSet):
    model = Ballot
    icon = "tick-inverse"
    menu_label = "选票"
    name = "award_ballots"
    url_prefix = "awards/ballots"
    copy_view_enabled = False
    # The permission policy refuses add, edit and delete to everyone; the form exists only because the viewset asks.
    form_fields = ["quarantine_reason"]
    list_filter = ["status", "competition"]
    search_fields = ["code", "voter__username", "client_hash"]
    search_backend_name = None

    @property
    def list_display(self):
        return [
            TitleColumn(
                "code", label="凭证号", get_url=lambda ballot: reverse(self.get_url_name("detail"), args=[ballot.pk])
            ),
            Column("competition", label="评选"),
            Column("voter_name", label="投票人"),
            DateColumn("cast_at", label="投票时间"),
            Column("get_status_display", label="状态"),
            Column("short_hash", label="来源地址摘要"),
        ]

    def get_queryset(self, request):
        return Ballot.objects.select_related("competition", "voter", "voter__member")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("detail/<int:pk>/", self.detail_view, name="detail")]

    @property
    def detail_view(self):
        return BallotDetailView.as_view()


class BallotDetailView(AwardsAdminTemplateMixin, TemplateView):
    """A ballot with its choices and audit log; quarantining it (with a reason) happens here."""

    template_name = "awards/admin/ballot_detail.html"
    header_icon = "tick-inverse"

    def dispatch(self, request, pk):
        if not request.user.has_perm("awards.view_ballot"):
            raise PermissionDenied
        self.object = get_object_or_404(
            Ballot.objects.select_related("competition", "voter__member", "quarantined_by__member"), pk=pk
        )
        return super().dispatch(request, pk)

    def get_page_title(self):
        return f"选票 {self.object.code}"

    def can_quarantine(self):
        return self.object.is_counted and self.request.user.has_perm("awards.quarantine_ballot")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            ballot=self.object,
            choices=self.object.choices.select_related("entry", "entry__nominating_organization"),
            log_entries=ModelLogEntry.objects.for_instance(self.object).select_related("user__member"),
            form=form or (QuarantineForm() if self.can_quarantine() else None),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.can_quarantine():
            raise PermissionDenied
        form = QuarantineForm(request.POST)
        if form.is_valid():
            try:
                quarantine_ballot(self.object, request.user, form.cleaned_data["reason"])
            except AwardError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"选票 {self.object.code} 已隔离，不再计票。")
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- objections ----------------------------------------------------------------------------------------------


class ObjectionHandlingForm(WagtailAdminModelForm):
    class Meta:
        model = Objection
        fields = ["status", "handling"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Objection.Status.PENDING:
            self.add_error("status", "请选择处理结论（异议成立或不成立）。")
        if not (cleaned.get("handling") or "").strip():
            self.add_error("handling", "请填写处理情况。")
        return cleaned


class ObjectionEditView(generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return handle_objection(self.form.instance, self.request.user, data["status"], data["handling"])


class ObjectionViewSet(ModelViewSet):
    model = Objection
    icon = "warning"
    menu_label = "异议"
    name = "award_objections"
    url_prefix = "awards/objections"
    copy_view_enabled = False
    form_fields = ["status", "handling"]
    edit_view_class = ObjectionEditView
    edit_template_name = "awards/admin/objection_edit.html"
    list_display = ["signature", "competition", "entry", DateColumn("raised_at", label="提出时间"), "status"]
    list_filter = ["status", "competition"]
    search_fields = ["signature", "content"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return ObjectionHandlingForm

    def get_queryset(self, request):
        return Objection.objects.select_related("competition", "entry")


# --- expert scoring ----------------------------------------------------------------------------------------------


def competitions_for_expert(user):
    queryset = CompetitionPage.objects.select_related("finalization").order_by("-voting_start")
    if user.is_superuser:
        return queryset.exclude(expert_group=None)
    return queryset.filter(expert_group__in=user.groups.all())


class ExpertMenuItem(MenuItem):
    def is_shown(self, request):
        return competitions_for_expert(request.user).exists()


class ScoringIndexView(AwardsAdminTemplateMixin, TemplateView):
    page_title = "专家评分"
    header_icon = "pick"
    template_name = "awards/admin/scoring_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        competitions = list(competitions_for_expert(self.request.user))
        scored = dict(
            ExpertScore.objects.filter(expert=self.request.user, competition__in=competitions)
            .values_list("competition")
            .annotate(n=Count("pk"))
        )
        for competition in competitions:
            competition.my_scores = scored.get(competition.pk, 0)
            competition.is_scoring_open = competition.scoring_open(now)
        context["competitions"] = competitions
        return context


class ScoringView(AwardsAdminTemplateMixin, TemplateView):
    """An expert scores every entry of one competition, except those of his own unit (回避)."""

    header_icon = "pick"
    template_name = "awards/admin/scoring.html"

    def dispatch(self, request, pk):
        self.competition = get_object_or_404(competitions_for_expert(request.user), pk=pk)
        return super().dispatch(request, pk)

    def get_page_title(self):
        return f"专家评分：{self.competition.title}"

    def rows(self, data=None, errors=None):
        home = expert_home_organization(self.request.user)
        mine = {
            score.entry_id: score
            for score in ExpertScore.objects.filter(competition=self.competition, expert=self.request.user)
        }
        rows = []
        for entry in EntryPage.objects.live().child_of(self.competition).select_related("nominating_organization"):
            existing = mine.get(entry.pk)
            rows.append(
                {
                    "entry": entry,
                    "conflict": has_conflict(home, entry),
                    "score": (data or {}).get(f"score-{entry.pk}", existing.score if existing else ""),
                    "comment": (data or {}).get(f"comment-{entry.pk}", existing.comment if existing else ""),
                    "error": (errors or {}).get(entry.pk),
                }
            )
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["competition"] = self.competition
        context["is_open"] = self.competition.scoring_open()
        context.setdefault("rows", self.rows())
        return context

    def post(self, request, pk):
        errors, saved = {}, 0
        for entry in EntryPage.objects.live().child_of(self.competition).select_related("nominating_organization"):
            raw = request.POST.get(f"score-{entry.pk}", "").strip()
            if raw == "":
                continue
            try:
                record_expert_score(
                    self.competition, entry, request.user, raw, request.POST.get(f"comment-{entry.pk}", "")
                )
                saved += 1
            except AwardError as error:
                errors[entry.pk] = error.message
        if errors:
            messages.error(request, "部分评分未保存，请检查标红的作品。")
            return self.render_to_response(self.get_context_data(rows=self.rows(request.POST, errors)), status=400)
        messages.success(request, f"已保存 {saved} 个作品的评分。")
        return redirect(request.path)


class ScoringViewSet(ViewSet):
    name = "award_scoring"
    url_prefix = "awards/scoring"
    menu_label = "专家评分"
    icon = "pick"
    menu_item_class = ExpertMenuItem

    @property
    def menu_url(self):
        return reverse(self.get_url_name("index"))

    def get_urlpatterns(self):
        return [
            path("", ScoringIndexView.as_view(), name="index"),
            path("<int:pk>/", ScoringView.as_view(), name="score"),
        ]


# --- results and 定案 -------------------------------------------------------------------------------------------


def may_review_results(user):
    return user.has_perm("awards.view_ballot") or user.has_perm("awards.finalize_competition")


class CommitteeMenuItem(MenuItem):
    def is_shown(self, request):
        return may_review_results(request.user)


class CommitteeMixin:
    def dispatch(self, request, *args, **kwargs):
        if not may_review_results(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CompetitionIndexView(CommitteeMixin, AwardsAdminTemplateMixin, TemplateView):
    page_title = "评选管理"
    header_icon = "tasks"
    template_name = "awards/admin/competition_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        competitions = list(CompetitionPage.objects.select_related("finalization").order_by("-voting_start"))
        ballots = {}
        for competition_id, status, count in (
            Ballot.objects.values_list("competition", "status")
            .annotate(n=Count("pk"))
            .values_list("competition", "status", "n")
        ):
            ballots[(competition_id, status)] = count
        pending = dict(
            Objection.objects.filter(status=Objection.Status.PENDING).values_list("competition").annotate(n=Count("pk"))
        )
        now = timezone.now()
        for competition in competitions:
            competition.counted = ballots.get((competition.pk, Ballot.Status.COUNTED), 0)
            competition.quarantined = ballots.get((competition.pk, Ballot.Status.QUARANTINED), 0)
            competition.pending_objections = pending.get(competition.pk, 0)
            competition.now_phase = competition.phase_label(now)
        context["competitions"] = competitions
        return context


class CompetitionResultsView(CommitteeMixin, AwardsAdminTemplateMixin, TemplateView):
    header_icon = "tasks"
    template_name = "awards/admin/competition_results.html"

    def dispatch(self, request, pk):
        self.competition = get_object_or_404(
            CompetitionPage.objects.select_related("finalization__finalized_by__member", "expert_group"), pk=pk
        )
        return super().dispatch(request, pk)

    def get_page_title(self):
        return f"评选结果：{self.competition.title}"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        competition = self.competition
        now = timezone.now()
        context.update(
            competition=competition,
            phase_label=competition.phase_label(now),
            results=competition_results(competition),
            objections=Objection.objects.filter(competition=competition).select_related("entry"),
            may_finalize=self.request.user.has_perm("awards.finalize_competition") and not competition.is_finalized,
            finalize_ready=now >= competition.publicity_end,
            form=form or FinalizeForm(),
            log_entries=PageLogEntry.objects.filter(page=competition, action__startswith="awards.").select_related(
                "user__member"
            ),
        )
        return context

    def post(self, request, pk):
        if not request.user.has_perm("awards.finalize_competition"):
            raise PermissionDenied
        form = FinalizeForm(request.POST)
        if form.is_valid():
            try:
                finalize_competition(self.competition, request.user, form.cleaned_data["note"])
            except AwardError as error:
                form.add_error(None, error.message)
                return self.render_to_response(self.get_context_data(form=form), status=error.status)
            messages.success(request, f"“{self.competition.title}”已定案，获奖作品已在其页面标记。")
            return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)


def export_results(request, pk):
    if not may_review_results(request.user):
        raise PermissionDenied
    competition = CompetitionPage.objects.select_related("finalization").filter(pk=pk).first()
    if competition is None:
        raise Http404
    results = competition_results(competition)
    headers = [
        "名次",
        "作品",
        "推荐单位",
        "得票",
        "专家平均分",
        "评分专家数",
        "群众投票得分",
        "专家评分得分",
        "综合得分",
        "获奖",
    ]
    rows = [
        [
            row.rank,
            row.entry.title,
            row.entry.nominating_organization.name,
            row.votes,
            row.expert_average,
            row.expert_count,
            row.public_part,
            row.expert_part,
            row.total,
            "是" if row.is_winner else "",
        ]
        for row in results.rows
    ]
    audit.record(audit.Kind.EXPORT, request=request, target=f"{competition.title}-评选结果", count=len(rows))
    return xlsx_response(f"{competition.title}-评选结果.xlsx", headers, rows, title="评选结果")


class CompetitionAdminViewSet(ViewSet):
    name = "award_competitions"
    url_prefix = "awards/competitions"
    menu_label = "评选管理"
    icon = "tasks"
    menu_item_class = CommitteeMenuItem

    @property
    def menu_url(self):
        return reverse(self.get_url_name("index"))

    def get_urlpatterns(self):
        return [
            path("", CompetitionIndexView.as_view(), name="index"),
            path("<int:pk>/", CompetitionResultsView.as_view(), name="results"),
            path("<int:pk>/export/", export_results, name="export"),
        ]


class AwardsAdminGroup(ViewSetGroup):
    menu_label = "十佳评选"
    menu_icon = "tasks"
    menu_name = "awards"
    items = (CompetitionAdminViewSet, ScoringViewSet, BallotViewSet, ObjectionViewSet)
