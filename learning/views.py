import mimetypes
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import Page

from dangjian.excel import xlsx_response
from home.models import SiteSettings
from members.models import Member, Organization
from security import audit

from . import access, certificates, reports, services
from .credits import format_credit
from .forms import ManualCreditForm
from .models import CourseCertificate, CoursePage, CreditRecord, LessonPage, MicroLessonPage, TestAttempt

HEARTBEAT_MAX_BYTES = 2048
PAGE_ID_PATTERN = re.compile(r"[0-9]{1,18}")  # ASCII digits only: str.isdigit() takes "²", which int() refuses
TAB_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,40}")
MAX_POSITION = 24 * 3600


def _active_member(request):
    member = access.member_for(request.user)
    if member is None:
        raise PermissionDenied("仅限在册党员使用。")
    return member


def _year(request):
    this_year = timezone.localdate().year
    value = request.GET.get("year", "")
    if not value:
        return this_year
    if not value.isdigit() or not 2000 <= int(value) <= this_year + 1:
        raise Http404("年度不正确。")
    return int(value)


# ---------------------------------------------------------------------------------------------- study time


def _bad(message, status=400):
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def _studyable_lesson(request, page_id):
    """The live lesson or micro lesson a member may study on this page id, or None (draft, not a lesson, gone,
    or behind a view restriction he does not pass)."""
    page = Page.objects.live().filter(pk=int(page_id)).specific().first()
    if not isinstance(page, LessonPage | MicroLessonPage):
        return None
    if any(not restriction.accept_request(request) for restriction in page.get_view_restrictions()):
        return None
    return page


def heartbeat(request):
    """A studying page reports every LEARNING_HEARTBEAT_SECONDS (form-encoded, CSRF-protected POST).

    Answers JSON: 200 with what was counted, 429 with Retry-After when it came too soon after the last accepted
    beat, and a 4xx with a Chinese `error` (counting nothing) for anything malformed or not allowed."""
    if request.method != "POST":
        response = _bad("计时请求只接受 POST 方式。", status=405)
        response["Allow"] = "POST"
        return response
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _bad("请求格式不正确。")
    if length > HEARTBEAT_MAX_BYTES:
        return _bad("请求内容过大。", status=413)
    if not request.user.is_authenticated:
        return _bad("请先登录。", status=403)
    member = access.member_for(request.user)
    if member is None:
        return _bad("仅限在册党员计算学习时间。", status=403)
    page_id, tab, event = request.POST.get("page", ""), request.POST.get("tab", ""), request.POST.get("event", "")
    if not PAGE_ID_PATTERN.fullmatch(page_id):
        return _bad("请求格式不正确：缺少课程编号或编号无效。")
    if not TAB_PATTERN.fullmatch(tab):
        return _bad("请求格式不正确：缺少窗口标识或标识无效。")
    if event not in services.EVENTS:
        return _bad("请求格式不正确：未知的计时事件。")
    position = None
    if request.POST.get("position"):
        try:
            position = float(request.POST["position"])
        except ValueError:
            return _bad("播放位置格式不正确。")
        if not 0 <= position <= MAX_POSITION:  # also rejects NaN and infinity
            return _bad("播放位置超出范围。")
    page = _studyable_lesson(request, page_id)
    if page is None:
        return _bad("找不到这一课，或这一课尚未发布。", status=404)
    result = services.record_heartbeat(member, page, tab=tab, event=event, position=position)
    progress = result.progress
    response = JsonResponse(
        {
            "status": result.status,
            "counted": result.counted,
            "message": result.message,
            "retry_after": result.retry_after,
            "seconds": progress.seconds,
            "required": page.required_seconds,
            "percent": min(100, progress.seconds * 100 // page.required_seconds),
            "completed": progress.completed_at is not None,
            "completed_now": result.completed_now,
        },
        status=429 if result.status == services.Beat.TOO_FAST else 200,
        json_dumps_params={"ensure_ascii": False},
    )
    if result.retry_after is not None:
        response["Retry-After"] = str(result.retry_after)
    return response


RANGE_PATTERN = re.compile(r"^bytes=(\d*)-(\d*)$")


@require_GET
def media_file(request, page_id):
    """A lesson's video or audio, for those who may study it (never a public storage URL). Supports one byte
    range, so that players can seek and resume."""
    page = get_object_or_404(Page.objects.live().specific(), pk=page_id)
    if not isinstance(page, LessonPage | MicroLessonPage) or not page.media_id:
        raise Http404
    if not access.can_study(request):
        raise PermissionDenied("仅限在册党员学习。")
    media_file = page.media.file
    size = media_file.size
    content_type = mimetypes.guess_type(media_file.name)[0] or "application/octet-stream"
    match = RANGE_PATTERN.match(request.headers.get("Range", ""))
    if match and (match.group(1) or match.group(2)):
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        else:
            start, end = max(0, size - int(last)), size - 1
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle = media_file.open("rb")
        handle.seek(start)
        data = handle.read(end - start + 1)
        handle.close()
        response = HttpResponse(data, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(media_file.open("rb"), content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def captions_file(request, page_id):
    """A video lesson's captions (WebVTT), under the same rule as its media: those who may study it."""
    page = get_object_or_404(Page.objects.live().specific(), pk=page_id)
    if not isinstance(page, LessonPage | MicroLessonPage) or not page.captions_id:
        raise Http404
    if not access.can_study(request):
        raise PermissionDenied("仅限在册党员学习。")
    with page.captions.file.open("rb") as handle:
        data = handle.read()
    response = HttpResponse(data, content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------- tests


def _test_page(page_id):
    page = get_object_or_404(Page.objects.live().specific(), pk=page_id)
    test_page = services.test_page(page)
    if test_page is None:
        raise Http404("这一课没有测试。")
    return test_page


ANSWER_FIELD = re.compile(r"^q(\d{1,12})$")
MAX_ANSWER_FIELDS = 200


@login_required
@require_http_methods(["GET", "POST"])
def take_test(request, page_id):
    member = _active_member(request)
    page = _test_page(page_id)
    if request.method == "POST":
        return _submit_test(request, member, page)
    try:
        attempt = services.start_attempt(member, page)
    except services.TestNotOpen as error:
        return render(request, "learning/test_closed.html", {"page": page, "reason": str(error)}, status=409)
    except services.TooManyAttempts as error:
        return _too_many(request, page, error)
    passed_before = TestAttempt.objects.filter(member=member, page=page, passed=True).exists()
    questions = services.attempt_questions(attempt, page)
    return render(
        request,
        "learning/test_attempt.html",
        {
            "page": page,
            "attempt": attempt,
            "questions": [
                {"question": question, "choices": services.attempt_choices(attempt, question)} for question in questions
            ],
            "allowance": services.attempt_allowance(member, page),
            "passed_before": passed_before,
            "is_course": isinstance(page, CoursePage),
        },
    )


def _too_many(request, page, error):
    """429 with the time he may try again, in words and in Retry-After."""
    response = render(
        request,
        "learning/test_limited.html",
        {"page": page, "reason": str(error), "retry_at": error.retry_at},
        status=429,
    )
    response["Retry-After"] = str(max(1, int((error.retry_at - timezone.now()).total_seconds())))
    return response


def _submit_test(request, member, page):
    if len(request.POST) > MAX_ANSWER_FIELDS:
        return render(request, "learning/test_error.html", {"page": page, "reason": "提交的内容过多。"}, status=400)
    attempt_id = request.POST.get("attempt", "")
    if not attempt_id.isdigit():
        return render(request, "learning/test_error.html", {"page": page, "reason": "缺少测试编号。"}, status=400)
    attempt = get_object_or_404(TestAttempt, pk=int(attempt_id), member=member, page=page)
    answers = {}
    for name in request.POST:
        if name in ("csrfmiddlewaretoken", "attempt"):
            continue
        match = ANSWER_FIELD.match(name)
        if not match:
            return render(
                request, "learning/test_error.html", {"page": page, "reason": "提交的内容无法识别。"}, status=400
            )
        answers[int(match.group(1))] = [value.strip().upper() for value in request.POST.getlist(name)]
    try:
        attempt = services.submit_attempt(attempt, page, answers)
    except services.BadAnswers as error:
        return render(request, "learning/test_error.html", {"page": page, "reason": str(error)}, status=400)
    except services.AlreadySubmitted as error:
        return render(request, "learning/test_error.html", {"page": page, "reason": str(error)}, status=409)
    except services.TooManyAttempts as error:
        return _too_many(request, page, error)
    return redirect("learning:attempt_result", attempt_id=attempt.pk)


@login_required
@require_GET
def attempt_result(request, attempt_id):
    member = _active_member(request)
    attempt = get_object_or_404(TestAttempt, pk=attempt_id, member=member, submitted_at__isnull=False)
    page = attempt.page.specific
    questions = services.attempt_questions(attempt, page)
    answers = attempt.answers or {}
    rows, topics = [], []
    for question in questions:
        chosen = answers.get(str(question.pk), [])  # the options' own letters
        correct = question.is_correct(chosen)
        if not correct and question.topic and question.topic not in topics:
            topics.append(question.topic)
        if attempt.passed:
            choices = services.attempt_choices(attempt, question)
            rows.append(
                {
                    "question": question,
                    "correct": correct,
                    "chosen_text": [text for _, own, text in choices if own in chosen],
                    "answer_text": [text for _, own, text in choices if own in question.correct_letters()],
                }
            )
    # A failed attempt shows the score and the topics to review only: which question was wrong, or what the
    # right option was, would let the member flip his answers on the next try instead of studying again.
    lesson_status = services.study_status(request, page) if isinstance(page, LessonPage) else None
    return render(
        request,
        "learning/test_result.html",
        {
            "page": page,
            "attempt": attempt,
            "question_count": len(questions),
            "rows": rows,
            "topics": topics,
            "allowance": None if attempt.passed else services.attempt_allowance(member, page),
            "lesson_status": lesson_status,
        },
    )


# ---------------------------------------------------------------------------------------------- members' own


@login_required
@require_GET
def my_credits(request):
    member = _active_member(request)
    year = _year(request)
    entry = reports.member_years(
        Member.objects.filter(pk=member.pk).select_related("organization"),
        year,
        SiteSettings.for_request(request),
    )[0]
    records = list(CreditRecord.objects.filter(member=member, year=year).select_related("granted_by"))
    years = CreditRecord.objects.filter(member=member).values_list("year", flat=True).distinct().order_by("-year")[:20]
    return render(
        request,
        "learning/my_credits.html",
        {
            "entry": entry,
            "records": records,
            "year": year,
            "years": years,
            "chart": reports.pace_chart(entry, records),
            "pace_percent": int(reports.pace_fraction(year) * 100),
        },
    )


@login_required
@require_GET
def certificate(request, course_id):
    """A printable, numbered certificate for a completed course (结业证明), issued on completion or, at the latest,
    on the first visit here."""
    member = _active_member(request)
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    issued = certificates.issue_certificate(member, course)
    if issued is None:
        return render(request, "learning/certificate_missing.html", {"course": course}, status=404)
    records = CreditRecord.objects.filter(member=member, course=course, source__in=CreditRecord.ONCE_SOURCES).order_by(
        "created_at"
    )
    return render(
        request,
        "learning/certificate.html",
        {
            "member": member,
            "course": course,
            "certificate": issued,
            "verify_url": request.build_absolute_uri(reverse("learning:verify_certificate"))
            + f"?number={issued.number}",
            "records": records,
            "points": sum((record.points for record in records), reports.ZERO),
        },
    )


@require_GET
def verify_certificate(request):
    """查验结业证明, for anyone holding a printed one: valid or not, and then only the course, the date and the
    holder's masked name. 400 for what cannot be a number, 404 for a number never issued, 429 after too many of
    those from one address."""
    typed = request.GET.get("number", "")
    context = {"typed": typed[: certificates.MAX_INPUT]}
    if not typed.strip():
        return render(request, "learning/certificate_verify.html", context)
    number = certificates.normalize_number(typed) if len(typed) <= certificates.MAX_INPUT else None
    if number is None:
        context["error"] = (
            "证明编号格式不正确。编号形如 DXKC202600001-ABCDE：DXKC、四位年份、五位序号、短横线和五位校验码。"
        )
        return render(request, "learning/certificate_verify.html", context, status=400)
    if certificates.too_many_misses(request):
        context["error"] = "查验次数过多，请一小时后再试。"
        response = render(request, "learning/certificate_verify.html", context, status=429)
        response["Retry-After"] = str(certificates.VERIFY_WINDOW)
        return response
    found = CourseCertificate.objects.filter(number=number).first()
    context["number"] = number
    if found is None:
        certificates.count_miss(request)
        context["not_found"] = True
        return render(request, "learning/certificate_verify.html", context, status=404)
    context["found"] = {
        "number": found.number,
        "course_title": found.course_title,
        "course_year": found.course_year,
        "completed_on": found.completed_on,
        "holder": certificates.mask_name(found.holder_name),
    }
    return render(request, "learning/certificate_verify.html", context)


@login_required
@require_GET
def credit_attachment(request, record_id):
    record = get_object_or_404(CreditRecord.objects.select_related("member"), pk=record_id)
    own = access.member_for(request.user) is not None and access.member_for(request.user).pk == record.member_id
    if not (own or access.can_view_branch(request.user, record.member.organization)):
        raise PermissionDenied("无权查看该附件。")
    if not record.attachment:
        raise Http404
    name = record.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(record.attachment.open("rb"), as_attachment=True, filename=name)


# ---------------------------------------------------------------------------------------------- secretaries


@login_required
@require_http_methods(["GET", "POST"])
def record_credit(request):
    if not access.can_record_credits(request.user):
        raise PermissionDenied("只有支部书记和党务干部可以登记线下学习学时。")
    form = ManualCreditForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "GET" and request.GET.get("member", "").isdigit():
        form.initial["member"] = int(request.GET["member"])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = services.record_manual_credit(
                    request.user,
                    data["member"],
                    year=data["year"],
                    points=data["points"],
                    activity=data["activity"],
                    reason=data["reason"],
                    attachment=data["attachment"],
                )
            except ValidationError as error:
                for field_name, errors in error.message_dict.items():
                    form.add_error(field_name if field_name in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    f"已为{record.member.name}登记 {format_credit(record.points)} 学时（{record.get_activity_display()}）。",
                )
                return redirect(_report_url_for(request.user, record.member.organization, record.year))
        status = 400
    return render(request, "learning/record_credit.html", {"form": form}, status=status)


def _report_url_for(user, organization, year):
    return reverse("learning:branch_report", args=[organization.pk]) + f"?year={year}"


def _branch_rows(request, branch, year):
    members = Member.objects.active().filter(organization=branch).select_related("organization").order_by("name")
    return reports.member_years(members, year, SiteSettings.for_request(request))


@login_required
@require_GET
def report_home(request):
    """The report a user may see: the 工委's roll-up for 党务干部, his branch for a 支部书记."""
    if access.is_cadre(request.user):
        return redirect("learning:overview")
    branch = access.secretary_branch(request.user)
    if branch is None:
        raise PermissionDenied("学时报表仅向支部书记和党务干部开放。")
    return redirect("learning:branch_report", organization_id=branch.pk)


def _branch_for(request, organization_id):
    branch = get_object_or_404(Organization, pk=organization_id)
    if not access.can_view_branch(request.user, branch):
        raise PermissionDenied("您只能查看本支部的学时情况。")
    return branch


@login_required
@require_GET
def branch_report(request, organization_id):
    branch = _branch_for(request, organization_id)
    year = _year(request)
    rows = _branch_rows(request, branch, year)
    return render(
        request,
        "learning/branch_report.html",
        {
            "branch": branch,
            "year": year,
            "rows": rows,
            "behind": [row for row in rows if row.behind_by > 0],
            "pace_percent": int(reports.pace_fraction(year) * 100),
            "can_record": access.can_record_credits(request.user),
            "is_cadre": access.is_cadre(request.user),
        },
    )


SOURCE_LABELS = dict(CreditRecord.Source.choices)


@login_required
@require_GET
def branch_report_xlsx(request, organization_id):
    branch = _branch_for(request, organization_id)
    year = _year(request)
    rows = _branch_rows(request, branch, year)
    headers = ["序号", "姓名", "党组织", "人员类别", "年度要求（学时）"]
    headers += [f"{label}（学时）" for label in SOURCE_LABELS.values()]
    headers += ["合计（学时）", "完成比例", "按进度应完成（学时）", "落后进度（学时）", "未完成的必修课程"]
    data = [
        [
            number,
            row.member.name,
            row.member.organization.name,
            row.member.get_category_display(),
            float(row.requirement),
            *[float(row.by_source[source]) for source in SOURCE_LABELS],
            float(row.total),
            f"{row.percent}%",
            float(reports._round(row.expected)),
            float(row.behind_by),
            "、".join(course.title for course in row.missing_required),
        ]
        for number, row in enumerate(rows, start=1)
    ]
    audit.record(audit.Kind.EXPORT, request=request, target=f"{branch.name}{year}年党员学习学时台账", count=len(data))
    return xlsx_response(f"{branch.name}{year}年党员学习学时台账.xlsx", headers, data, title=f"{year}年学时台账")


def _require_cadre(request):
    if not access.is_cadre(request.user):
        raise PermissionDenied("全县学时汇总仅向党务干部开放。")


@login_required
@require_GET
def overview(request):
    _require_cadre(request)
    year = _year(request)
    groups, total = reports.overview(year, SiteSettings.for_request(request))
    pace = reports.pace_fraction(year)
    branches = {
        org.path[: 3 * Organization.STEP]: org
        for org in Organization.objects.filter(kind=Organization.Kind.BRANCH).only("pk", "path", "name")
    }
    for group in groups:
        for unit in group.children:
            unit.branch = branches.get(unit.organization.path)
    return render(
        request,
        "learning/overview.html",
        {
            "year": year,
            "groups": groups,
            "total": total,
            "chart": reports.chart(groups, pace),
            "pace_percent": int(pace * 100),
        },
    )


@login_required
@require_GET
def overview_xlsx(request):
    _require_cadre(request)
    year = _year(request)
    groups, total = reports.overview(year, SiteSettings.for_request(request))
    headers = ["片组", "单位", "党员数", "已完成年度要求", "落后进度", "累计学时", "应完成学时", "完成比例"]
    data = []
    for group in groups:
        for unit in group.children:
            data.append(
                [
                    group.organization.name,
                    unit.organization.name,
                    unit.members,
                    unit.complete,
                    unit.behind,
                    float(unit.total),
                    float(unit.requirement),
                    f"{unit.percent}%",
                ]
            )
        data.append(
            [
                f"{group.organization.name} 小计",
                "",
                group.members,
                group.complete,
                group.behind,
                float(group.total),
                float(group.requirement),
                f"{group.percent}%",
            ]
        )
    data.append(
        [
            "合计",
            "",
            total.members,
            total.complete,
            total.behind,
            float(total.total),
            float(total.requirement),
            f"{total.percent}%",
        ]
    )
    audit.record(audit.Kind.EXPORT, request=request, target=f"{year}年机关党员学习学时汇总", count=len(data))
    return xlsx_response(f"{year}年机关党员学习学时汇总.xlsx", headers, data, title=f"{year}年学时汇总")
