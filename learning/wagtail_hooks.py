from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from home.models import SiteSettings
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
from members.models import Member

from . import access, reports
from .choosers import lecturer_chooser_viewset
from .credits import format_credit
from .models import (
    CourseIndexPage,
    CoursePage,
    CreditRecord,
    LessonPage,
    MicroLessonIndexPage,
    MicroLessonPage,
    StudyProgress,
)
from .models.pages import StudyMaterialMixin, bank_problem


@hooks.register(HOME_SECTIONS_HOOK)
def learning_on_home(request, home_page):
    """The newest courses and micro lessons: titles only, which the public may read; the same for everyone."""
    return cached_home_section(request, ("learning", home_page.pk), lambda: _learning_section(request))


def _learning_section(request):
    courses = list(
        CoursePage.objects.live().order_by("-first_published_at").only("pk", "title", "url_path", "year", "kind")[:4]
    )
    micro_lessons = list(
        MicroLessonPage.objects.live()
        .select_related("lecturer")
        .order_by("-first_published_at")
        .only("pk", "title", "url_path", "lecturer__name", "duration_minutes")[:4]
    )
    if not courses and not micro_lessons:
        return None
    index = CourseIndexPage.objects.live().only("pk", "url_path").first()
    micro_index = MicroLessonIndexPage.objects.live().only("pk", "url_path").first()
    return HomeSection(
        order=20,
        title="网上党校",
        template="learning/home_section.html",
        context={"courses": courses, "micro_lessons": micro_lessons, "micro_index": micro_index},
        more_url=index.get_url(request) if index else "",
    )


@hooks.register(ME_PANELS_HOOK)
def credits_on_me(request):
    """This year's 学时 against the requirement, per source; lessons in progress; links for secretaries."""
    member = access.member_for(request.user)
    can_record = access.can_record_credits(request.user)
    if member is None:
        if not can_record:
            return None
        return MePanel(order=20, title="学习学时管理", template="learning/me_manage_panel.html")
    year = timezone.localdate().year
    entry = reports.member_years(
        Member.objects.filter(pk=member.pk).select_related("organization"), year, SiteSettings.for_request(request)
    )[0]
    in_progress = list(
        StudyProgress.objects.filter(member=member, completed_at__isnull=True, seconds__gt=0)
        .select_related("page")
        .order_by("-updated_at")[:5]
    )
    recent = list(CreditRecord.objects.filter(member=member, year=year)[:8])
    earlier = list(
        CreditRecord.objects.filter(member=member, year__lt=year)
        .values("year")
        .annotate(total=Sum("points"))
        .order_by("-year")[:5]
    )
    return MePanel(
        order=20,
        title=f"{year} 年学习学时",
        template="learning/me_panel.html",
        context={
            "entry": entry,
            "sources": [(label, entry.by_source[source]) for source, label in CreditRecord.Source.choices],
            "in_progress": in_progress,
            "recent": recent,
            "earlier": earlier,
            "can_record": can_record,
            "pace_percent": int(reports.pace_fraction(year) * 100),
        },
    )


@hooks.register("before_serve_document")
def captions_for_members_only(document, request):
    """A lesson's captions hold what it teaches: Wagtail's document view serves them, as the captions view does,
    only to those who may study (and to the staff who manage documents), although the lesson page is public."""
    from django.core.exceptions import PermissionDenied
    from wagtail.permissions import policy_registry

    if access.can_study(request):
        return None
    if not (
        LessonPage.objects.filter(captions=document).exists()
        or MicroLessonPage.objects.filter(captions=document).exists()
    ):
        return None
    if policy_registry.get_by_type(type(document)).user_has_any_permission(request.user, ["add", "change"]):
        return None
    raise PermissionDenied("仅限在册党员学习。")


def _drafts_bulk_publish_would_publish(objects, action):
    """The latest revisions Wagtail's bulk publish makes live: the selected pages' and, with 包括子页面, those of
    their descendants that are not live (as PublishBulkAction.execute_action picks them)."""
    pages = [page.specific for page in objects]
    form = getattr(action, "cleaned_form", None)
    if form is not None and form.cleaned_data.get("include_descendants"):
        for page in objects:
            pages += list(page.get_descendants().not_live().specific())
    drafts = []
    for page in pages:
        revision = page.get_latest_revision()
        drafts.append(revision.as_object() if revision else page)
    return drafts


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_what_the_editor_would_refuse(request, action_type, objects, action):
    """Bulk 发布 publishes latest drafts without the editor's form: hold them to the form's rules, a test's bank
    larger than its draw (TestPageForm) and a lesson's media fitting its study time (StudyMaterialForm)."""
    if action_type != "publish":
        return None
    small_banks, unfit_media = [], []
    for draft in _drafts_bulk_publish_would_publish(objects, action):
        if isinstance(draft, CoursePage | LessonPage):
            problem = bank_problem(len(draft.questions.all()), draft.questions_per_attempt)
            if problem:
                small_banks.append(f"《{draft.title}》：{problem}")
        if isinstance(draft, StudyMaterialMixin):
            problems = draft.publish_problems()
            if problems:
                unfit_media.append(f"《{draft.title}》：{'；'.join(problems.values())}")
    if not small_banks and not unfit_media:
        return None
    for problem in small_banks:
        messages.error(request, "未发布任何页面。" + problem)
    if unfit_media:
        messages.error(request, "以下课程的视频或音频不符合发布要求，均未发布。" + " ".join(unfit_media))
    return redirect(action.next_url)


@hooks.register(DEMO_CONTENT_HOOK)
def learning_demo_content(home, seed, stdout):
    from .demo import seed_learning

    seed_learning(home=home, seed=seed, stdout=stdout)


class ReadOnlyPolicy(ModelPermissionPolicy):
    """The ledger is never edited in the admin: a correction is a new record (登记学时, with a reason)."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, "view")

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")


register_permission_policy(CreditRecord, ReadOnlyPolicy(CreditRecord), exact_class=True)


class CreditRecordViewSet(ModelViewSet):
    model = CreditRecord
    icon = "list-ul"
    menu_label = "学时台账"
    menu_order = 310
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    # 学时 shown as everywhere else (1.5, not 1.50), still sortable by the field.
    list_display = [
        "member",
        "year",
        Column("points", label="学时", accessor=lambda record: format_credit(record.points), sort_key="points"),
        "source",
        "reason",
        "granted_by",
        "created_at",
    ]
    list_filter = ["year", "source", "activity"]
    search_fields = ["member__name", "reason"]
    search_backend_name = None
    form_fields = ["reason"]  # required by ModelViewSet; no create or edit view is reachable

    def get_queryset(self, request):
        return CreditRecord.objects.select_related("member", "granted_by")


@hooks.register("register_admin_viewset")
def register_credit_ledger():
    return CreditRecordViewSet("credit_records")


@hooks.register("register_admin_viewset")
def register_lecturer_chooser():
    return lecturer_chooser_viewset


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return access.is_cadre(request.user) or access.secretary_branch(request.user) is not None


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem("学时报表", reverse("learning:report"), icon_name="table", order=311)


@hooks.register(SEARCH_SECTIONS_HOOK)
def learning_in_search(request):
    # Lessons and micro lessons show in results by title and summary only: their text is never indexed.
    from .models import LessonPage

    return SearchSection(
        key="learning",
        label="在线学习",
        order=20,
        models=(CourseIndexPage, CoursePage, LessonPage, MicroLessonIndexPage, MicroLessonPage),
    )
