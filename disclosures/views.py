from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, prefetch_related_objects
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_POST

from dangjian.excel import xlsx_response
from home.cache import SharedPaginator, shared_html, shared_value
from members.scope import is_active_member
from security import audit

from .forms import FeedbackForm, NoticeFilterForm
from .models import NOTICE_PAGE_PREFETCHES, DisclosureNoticePage, NoticeFeedback, NoticeRead
from .reads import branches_led_by, readers_of
from .visibility import can_see, sees_everything, visibility_key, visible_notices

PER_PAGE = 20


def listing(user, index=None):
    """Visible live notices with what a list row shows, in a fixed number of queries."""
    queryset = visible_notices(user)
    if index is not None:
        queryset = queryset.child_of(index)
    return queryset.select_related("category", "issuing_organization").defer_streamfields()


def unread_notices(notices, user):
    """The ids of the internal notices among `notices` that `user` has not opened yet (read receipts are kept for
    internal notices only), in their order; one query at most."""
    internal = [notice.pk for notice in notices if not notice.is_public]
    if not internal:
        return ()
    read = set(NoticeRead.objects.filter(user=user, notice_id__in=internal).values_list("notice_id", flat=True))
    return tuple(pk for pk in internal if pk not in read)


def notice_list(request, index, year=None):
    data = request.GET.copy()
    if year is not None:
        data["year"] = str(year)
    filter_form = NoticeFilterForm(data)
    visible = filter_form.filter(listing(request.user, index))
    # Everything the listing depends on, so that visitors who see the same notices share its pages.
    filters = sorted((name, getattr(value, "pk", value)) for name, value in filter_form.valid_filters().items())
    key = ("notice-list", index.pk, visibility_key(request.user), tuple(filters))
    page = SharedPaginator(visible, PER_PAGE, key=key).get_page(request.GET.get("page"))
    # The rows are the same HTML for every visitor who sees the same notices and has the same of them unread.
    unread = unread_notices(page.object_list, request.user) if request.user.is_authenticated else None
    # The form as sent (known fields only, each cut to 40 characters) decides how it looks.
    filter_form_html = shared_html(
        request,
        ("notice-filters", index.pk, year, tuple(sorted(filter_form.data.items()))),
        "disclosures/filter_form.html",
        {"page": index, "filter_form": filter_form, "year": year},
    )
    rows_html = shared_html(
        request,
        (*key, page.number, unread),
        "disclosures/notice_rows.html",
        {"notices": page, "unread": unread or ()},
    )
    return TemplateResponse(
        request,
        "disclosures/index_page.html",
        {
            "page": index,
            "self": index,
            "notices": page,
            "rows_html": rows_html,
            "filter_form_html": filter_form_html,
            "ignored_filters": [filter_form.fields[name].label for name in filter_form.errors],
            "year": year,
            "can_export": sees_everything(request.user),
        },
    )


def archive(request, index):
    years = (
        listing(request.user, index)
        .annotate(year=ExtractYear("published_on"))
        .values("year")
        .annotate(count=Count("id"))
        .order_by("-year")
    )
    return TemplateResponse(
        request,
        "disclosures/archive.html",
        {"page": index, "self": index, "years": list(years), "can_export": sees_everything(request.user)},
    )


def export_year(request, index, year):
    """归档: every notice of a year as an Excel sheet, for those who keep the record."""
    if not sees_everything(request.user):
        raise PermissionDenied
    notices = (
        listing(request.user, index)
        .filter(published_on__year=year)
        .prefetch_related("scope_organizations")
        .order_by("published_on", "index_number")
    )
    rows = [
        [
            notice.index_number,
            notice.title,
            notice.document_number,
            notice.issuing_organization.name,
            notice.category.name,
            notice.scope_label(),
            notice.get_timing_display(),
            notice.written_on,
            notice.published_on,
            notice.get_validity_display(),
        ]
        for notice in notices
    ]
    headers = [
        "索引号",
        "标题",
        "发文字号",
        "发布机构",
        "主题分类",
        "公开范围",
        "公开时限",
        "成文日期",
        "发布日期",
        "有效性",
    ]
    audit.record(audit.Kind.EXPORT, request=request, target=f"{index.title}{year}年归档", count=len(rows))
    return xlsx_response(f"{index.title}{year}年归档.xlsx", headers, rows, title=f"{year}年")


def serve_notice(notice, request, serve, *args, **kwargs):
    """The notice page, for those in its scope only: others get the login page or a 403 without the title."""
    if not can_see(request.user, notice):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return TemplateResponse(request, "403.html", status=403)
    response = serve(request, *args, **kwargs)
    if not notice.is_public:
        # Never from a shared cache, and never for another visitor.
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["Cookie"])
        if is_active_member(request.user):  # cached by the scope check above: no extra query
            NoticeRead.objects.get_or_create(notice=notice, user=request.user)
    return response


def neighbours(notice, user):
    """(the previous, the next) notice in the same column that `user` may see; shared by every visitor who sees the
    same notices until the next publish."""
    if notice.first_published_at is None:  # the preview of a notice never published: it has no place in the list
        return None, None

    def find():
        visible = visible_notices(user).child_of(notice.get_parent()).defer_streamfields()
        previous = visible.filter(first_published_at__lt=notice.first_published_at).first()
        following = visible.filter(first_published_at__gt=notice.first_published_at).order_by("first_published_at")
        return (previous, following.first()), None

    return shared_value(("notice-neighbours", notice.pk, visibility_key(user)), find)


def notice_context(notice, request):
    """What the notice page shows besides the notice: neighbours, replacement, feedback form."""
    saved = notice.pk is not None  # the preview of a notice being added is not saved yet
    if saved:
        prefetch_related_objects([notice], *NOTICE_PAGE_PREFETCHES)  # nothing to do when the route preloaded them
    previous_notice, next_notice = neighbours(notice, request.user)
    context = {
        "attachments": notice.attachments.all(),
        "previous_notice": previous_notice,
        "next_notice": next_notice,
        "replacement": None,
        # Feedback is for published notices (a preview of a draft has nowhere to send it).
        "feedback_form": FeedbackForm() if request.user.is_authenticated and saved and notice.live else None,
    }
    if notice.replaced_by_id:
        replacement = notice.replaced_by
        if replacement.live and can_see(request.user, replacement):
            context["replacement"] = replacement
    if request.user.is_authenticated:
        feedback = NoticeFeedback.objects.filter(notice=notice, user=request.user) if saved else []
        context["my_feedback"] = feedback
        context["read_report"] = saved and bool(branches_led_by(request.user)) and not notice.is_public
    return context


@require_POST
@login_required
def send_feedback(request, notice_id):
    notice = get_object_or_404(DisclosureNoticePage.objects.live(), pk=notice_id)
    if not can_see(request.user, notice):
        raise PermissionDenied
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(
            request, "disclosures/feedback_error.html", {"notice": notice, "form": form}, status=400
        )
    feedback = form.save(commit=False)
    feedback.notice = notice
    feedback.user = request.user
    feedback.save()
    messages.success(request, "您的意见已提交，答复后将显示在“我的”页面。")
    return redirect(notice.get_url(request) + "#feedback")


@login_required
def read_reports(request):
    """A branch secretary's list of internal notices for his branch, with how many of its members read each."""
    branches = branches_led_by(request.user)
    if not branches and not sees_everything(request.user):
        raise PermissionDenied
    notices = listing(request.user).exclude(scope="public")
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "disclosures/read_reports.html", {"notices": page, "branches": branches})


@login_required
def read_report(request, notice_id):
    notice = get_object_or_404(DisclosureNoticePage.objects.live(), pk=notice_id)
    if notice.is_public or not can_see(request.user, notice):
        raise Http404
    branches = branches_led_by(request.user)
    if not branches and not sees_everything(request.user):
        raise PermissionDenied
    rows = readers_of(notice, branches if branches else None)
    read_count = sum(1 for row in rows if row.read_at)
    return TemplateResponse(
        request,
        "disclosures/read_report.html",
        {"notice": notice, "rows": rows, "read_count": read_count, "unread_count": len(rows) - read_count},
    )
