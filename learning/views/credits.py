"""A member's own 学时 and certificates, the public certificate check, and the credits secretaries record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from home.models import SiteSettings
from members.models import Member

from .. import access, certificates, reports, services
from ..credits import format_credit
from ..forms import ManualCreditForm
from ..models import CourseCertificate, CoursePage, CreditRecord
from .common import active_member, year_asked


@login_required
@require_GET
def my_credits(request):
    member = active_member(request)
    year = year_asked(request)
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
    member = active_member(request)
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
