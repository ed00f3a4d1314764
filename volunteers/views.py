import re

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from wagtail.models import Site

from dangjian.excel import xlsx_response
from home.models import SiteSettings
from members.scope import is_active_member, member_record
from security import audit

from . import reports, services
from .forms import AttendanceForm, ProfileForm, ProposalForm, RegistrationForm, ServiceRequestForm, volunteer_name
from .models import ServiceCertificate, ServiceSlot, SignUp, VolunteerProfile, VolunteerProjectPage
from .permissions import (
    can_certify,
    can_coordinate,
    coordinated_projects,
    is_volunteer_manager,
    may_see_hours_overview,
)
from .ratelimit import REGISTRATIONS, SERVICE_REQUESTS


def _refused(request, error, back_url=""):
    return render(
        request, "volunteers/refused.html", {"message": error.message, "back_url": back_url}, status=error.status
    )


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# Volunteers ---------------------------------------------------------------------------------------------------


def register(request):
    """A member of the public registers as a volunteer (members log in with the account their branch opened)."""
    if request.user.is_authenticated:
        return redirect("volunteers:profile")
    status = 200
    refusal = ""
    if request.method == "POST":
        account_form = RegistrationForm(request.POST)
        profile_form = ProfileForm(request.POST)
        if request.POST.get("website"):
            return _refused(request, services.Refused("提交未被接受。", status=400))
        valid = account_form.is_valid() and profile_form.is_valid()
        if valid and REGISTRATIONS.exceeded(request):
            # Refused, with what was typed kept in the form (the passwords excepted, as Django never re-shows them).
            refusal, status = "本网络注册过于频繁，请一小时后再试，或请本单位党务干部代为登记。", 429
        elif valid:
            with transaction.atomic():
                user = account_form.save(commit=False)
                user.first_name = profile_form.cleaned_data["name"][:150]
                user.save()
                profile = profile_form.save(commit=False)
                profile.user = user
                profile.save()
            REGISTRATIONS.count(request)
            login(request, user, backend="members.auth.MemberModelBackend")
            messages.success(request, "注册成功，欢迎加入志愿者队伍！现在可以报名参加志愿服务了。")
            return redirect(_safe_next(request, reverse("me")))
        else:
            status = 400
    else:
        account_form, profile_form = RegistrationForm(), ProfileForm()
    return render(
        request,
        "volunteers/register.html",
        {
            "account_form": account_form,
            "profile_form": profile_form,
            "next": _safe_next(request, ""),
            "refusal": refusal,
        },
        status=status,
    )


@login_required
def profile(request):
    instance = VolunteerProfile.objects.filter(user=request.user).first()
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=instance)
        if form.is_valid():
            profile = form.save(commit=False)
            profile.user = request.user
            profile.save()
            messages.success(request, "志愿者信息已保存。")
            return redirect(_safe_next(request, reverse("me")))
        status = 400
    else:
        initial = {}
        if instance is None:
            member = member_record(request.user)
            initial = {
                "name": member.name if member else request.user.get_full_name(),
                "phone": member.phone if member else "",
            }
        form = ProfileForm(instance=instance, initial=initial)
    return render(
        request,
        "volunteers/profile_form.html",
        {"form": form, "is_new": instance is None, "next": _safe_next(request, "")},
        status=status,
    )


def _slot_or_404(slot_id):
    slot = ServiceSlot.objects.select_related("page").filter(pk=slot_id).first()
    if slot is None:
        raise Http404("没有这个服务时段。")
    return slot


@login_required
@require_POST
def sign_up(request, slot_id):
    slot = _slot_or_404(slot_id)
    back = slot.page.url or "/"
    if not VolunteerProfile.objects.filter(user=request.user).exists():
        messages.info(request, "报名前请先填写志愿者信息（姓名和联系电话）。")
        return redirect(f"{reverse('volunteers:profile')}?next={back}")
    try:
        signup = services.sign_up(request.user, slot.pk)
    except services.Refused as error:
        return _refused(request, error, back)
    if signup.status == SignUp.Status.CONFIRMED:
        messages.success(request, f"报名成功：{slot.page.title}，{slot}。")
    else:
        position = SignUp.waitlist_positions([signup])[signup.pk]
        messages.info(request, f"该时段名额已满，您已进入候补名单，排第 {position} 位。有人取消时将按顺序递补。")
    return redirect(f"{back}#slot-{slot.pk}")


@login_required
@require_POST
def cancel(request, signup_id):
    try:
        services.cancel(request.user, signup_id)
    except services.Refused as error:
        return _refused(request, error, reverse("me"))
    messages.success(request, "已取消报名。")
    return redirect(_safe_next(request, reverse("me")))


@login_required
def propose(request):
    """项目征集: members propose projects."""
    if not is_active_member(request.user):
        raise PermissionDenied("项目征集仅面向在册党员。")
    status = 200
    if request.method == "POST":
        form = ProposalForm(request.POST)
        if form.is_valid():
            proposal = form.save(commit=False)
            proposal.proposer = request.user
            proposal.organization = member_record(request.user).organization
            proposal.save()
            messages.success(request, "项目建议已提交，工委审核后会在“我的”页面告诉您结果。")
            return redirect("me")
        status = 400
    else:
        form = ProposalForm()
    return render(request, "volunteers/proposal_form.html", {"form": form}, status=status)


def _certificate_year(request):
    """The year asked for (None: every year); Refused for anything but four digits."""
    year = request.POST.get("year") or None
    if year is None:
        return None
    if not re.fullmatch(r"\d{4}", year):
        raise services.Refused("年度格式不正确。", status=400)
    return int(year)


def _issuer(request):
    site = Site.find_for_request(request)
    return SiteSettings.for_site(site).organization_name if site else "中共县直属机关工作委员会"


@login_required
@require_POST
def issue_certificate(request):
    """The volunteer issues his own certificate (from /me/)."""
    try:
        certificate = services.issue_certificate(
            request.user, _issuer(request), _certificate_year(request), issued_by=request.user
        )
    except services.Refused as error:
        return _refused(request, error, reverse("me"))
    return redirect("volunteers:certificate", number=certificate.number)


@login_required
def certificate(request, number):
    certificate = ServiceCertificate.objects.select_related("issued_by").filter(number=number).first()
    own = certificate is not None and certificate.user_id == request.user.pk
    if certificate is None or not (
        own or certificate.issued_by_id == request.user.pk or can_certify(request.user, certificate.user)
    ):
        raise Http404("没有这份证明。")
    back_url = reverse("me") if own else _safe_next(request, reverse("volunteers:manage"))
    return render(
        request,
        "volunteers/certificate.html",
        {
            "certificate": certificate,
            "back_url": back_url,
            "back_label": "返回“我的”" if own else "返回",
            "issued_for_volunteer": certificate.issued_by_id not in (None, certificate.user_id),
            "issued_by_name": _person_name(certificate.issued_by) if certificate.issued_by else "",
        },
    )


def service_request_form(request, page):
    """Served by ServiceRequestPage: the public asks for volunteers."""
    status = 200
    submitted = False
    refusal = ""
    if request.method == "POST":
        form = ServiceRequestForm(request.POST)
        if form.is_spam():
            return _refused(request, services.Refused("提交未被接受。", status=400), page.url)
        if not form.is_valid():
            status = 400
        elif SERVICE_REQUESTS.exceeded(request, form.cleaned_data["contact_phone"]):
            # Refused with the text kept in the form: the visitor may send it later or read it out on the phone.
            refusal, status = "提交过于频繁，请一小时后再试，或拨打服务热线。您填写的内容仍在下方。", 429
        else:
            form.save()
            SERVICE_REQUESTS.count(request, form.cleaned_data["contact_phone"])
            submitted = True
            form = None
    else:
        form = ServiceRequestForm()
    return render(
        request,
        page.get_template(request),
        {"page": page, "self": page, "form": form, "submitted": submitted, "refusal": refusal},
        status=status,
    )


# Coordinators -------------------------------------------------------------------------------------------------


def _coordinated_slot(request, slot_id):
    slot = _slot_or_404(slot_id)
    if not can_coordinate(request.user, slot.page):
        raise PermissionDenied("您不是该项目的联络人。")
    return slot


@login_required
def manage(request):
    projects = coordinated_projects(request.user)
    if not is_volunteer_manager(request.user) and not projects.exists():
        raise PermissionDenied("仅志愿服务管理员和项目联络人可以管理名册。")
    # Seat holders still "已报名" on a slot that has ended: attendance and hours waiting to be recorded.
    slots = ServiceSlot.objects.with_counts().annotate(
        unrecorded_count=Count("signups", filter=Q(signups__status=SignUp.Status.CONFIRMED))
    )
    projects = (
        projects.order_by("status_order", "-latest_revision_created_at")
        .select_related("organizing_unit")
        .prefetch_related(Prefetch("slots", queryset=slots))
    )
    return render(
        request,
        "volunteers/manage.html",
        {
            "projects": projects,
            "is_manager": is_volunteer_manager(request.user),
            "may_see_overview": may_see_hours_overview(request.user),
            "year": timezone.localdate().year,
        },
    )


@login_required
def roster(request, slot_id):
    slot = _coordinated_slot(request, slot_id)
    signups = list(
        SignUp.objects.filter(slot=slot)
        .select_related("user__volunteer_profile", "recorded_by")
        .annotate(change_count=Count("changes"))
        .order_by("seat", "id")
    )
    held = [s for s in signups if s.status in SignUp.HOLDS_SEAT]
    status = 200
    if request.method == "POST":
        form = AttendanceForm(slot, held, request.POST)
        if form.is_valid():
            try:
                changes = services.record_attendance(request.user, slot.pk, form.entries, form.cleaned_data["reason"])
            except services.Refused as error:
                # Someone else changed the roster meanwhile, or the slot: say so on the form as typed.
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request, f"已保存 {len(changes)} 条出勤和时长记录。" if changes else "没有需要保存的变化。"
                )
                return redirect("volunteers:roster", slot_id=slot.pk)
        else:
            status = 400
    else:
        form = AttendanceForm(slot, held)
    positions = SignUp.waitlist_positions(signups)
    for signup in signups:
        signup.waitlist_position = positions.get(signup.pk)
    return render(
        request,
        "volunteers/roster.html",
        {
            "slot": slot,
            "project": slot.page,
            "form": form,
            "held": held,
            "waitlisted": sorted((s for s in signups if s.status == SignUp.Status.WAITLISTED), key=lambda s: s.pk),
            "cancelled": [s for s in signups if s.status == SignUp.Status.CANCELLED],
        },
        status=status,
    )


def _person_name(user):
    """A staff member as people know him: his member name, else his full name, else the username."""
    member = getattr(user, "member", None)
    return member.name if member else (user.get_full_name() or user.username)


def _masked(signup):
    profile = getattr(signup.user, "volunteer_profile", None)
    return profile.masked_phone if profile else ""


@login_required
def roster_xlsx(request, slot_id):
    slot = _coordinated_slot(request, slot_id)
    signups = SignUp.objects.filter(slot=slot).select_related("user__volunteer_profile").order_by("seat", "id")
    positions = SignUp.waitlist_positions(signups)
    rows = [
        [
            number,
            volunteer_name(signup),
            _masked(signup),
            signup.get_status_display(),
            positions.get(signup.pk, ""),
            signup.created_at,
            signup.hours,
        ]
        for number, signup in enumerate(signups, start=1)
    ]
    start = timezone.localtime(slot.start)
    audit.record(
        audit.Kind.EXPORT, request=request, target=f"{slot.page.title}-{start:%Y%m%d}-报名名单", count=len(rows)
    )
    return xlsx_response(
        f"{slot.page.title}-{start:%Y%m%d}-报名名单.xlsx",
        ["序号", "姓名", "联系电话", "状态", "候补序号", "报名时间", "服务时长（小时）"],
        rows,
        title="报名名单",
    )


@login_required
def project_hours_xlsx(request, page_id):
    project = get_object_or_404(VolunteerProjectPage, pk=page_id)
    if not can_coordinate(request.user, project):
        raise PermissionDenied("您不是该项目的联络人。")
    signups = (
        SignUp.objects.filter(slot__page=project, status__in=[SignUp.Status.ATTENDED, SignUp.Status.ABSENT])
        .select_related("slot", "user__volunteer_profile", "recorded_by__member")
        .order_by("slot__start", "id")
    )
    rows, total = [], 0
    for signup in signups:
        total += signup.hours or 0
        rows.append(
            [
                volunteer_name(signup),
                timezone.localtime(signup.slot.start),
                timezone.localtime(signup.slot.end),
                signup.get_status_display(),
                signup.hours or 0,
                _person_name(signup.recorded_by) if signup.recorded_by else "",
            ]
        )
    rows.append(["合计", "", "", "", total, ""])
    audit.record(audit.Kind.EXPORT, request=request, target=f"{project.title}-服务时长", count=len(rows) - 1)
    return xlsx_response(
        f"{project.title}-服务时长.xlsx",
        ["姓名", "开始时间", "结束时间", "出勤", "服务时长（小时）", "登记人"],
        rows,
        title="服务时长",
    )


@login_required
def annual_hours_xlsx(request):
    """Every volunteer's confirmed hours of one year, by name (a record for the office, not a ranking)."""
    if not is_volunteer_manager(request.user):
        raise PermissionDenied("仅志愿服务管理员可以导出全部志愿者的服务时长。")
    year = request.GET.get("year", "")
    if not re.fullmatch(r"\d{4}", year):
        return _refused(
            request, services.Refused("请指定正确的年度，例如 2026。", status=400), reverse("volunteers:manage")
        )
    attended = Q(
        user__volunteer_signups__status=SignUp.Status.ATTENDED, user__volunteer_signups__slot__start__year=int(year)
    )
    profiles = (
        VolunteerProfile.objects.select_related("user__member__organization")
        .annotate(
            services=Count("user__volunteer_signups", filter=attended),
            hours=Sum("user__volunteer_signups__hours", filter=attended),
        )
        .filter(services__gt=0)
        .order_by("name", "pk")
    )
    rows, total = [], 0
    for profile in profiles:
        member = getattr(profile.user, "member", None)
        total += profile.hours or 0
        rows.append(
            [profile.name, member.organization.name if member else "（非党员）", profile.services, profile.hours or 0]
        )
    rows.append(["合计", "", sum(row[2] for row in rows), total])
    audit.record(audit.Kind.EXPORT, request=request, target=f"{year}年志愿服务时长", count=len(rows) - 1)
    return xlsx_response(
        f"{year}年志愿服务时长.xlsx", ["姓名", "所在党组织", "服务次数", "服务时长（小时）"], rows, title=f"{year}年"
    )


def _coordinated_signup(request, signup_id):
    signup = get_object_or_404(SignUp.objects.select_related("slot__page", "user__volunteer_profile"), pk=signup_id)
    if not can_coordinate(request.user, signup.slot.page):
        raise PermissionDenied("您不是该项目的联络人。")
    return signup


def _signup_detail(request, signup, status=200, error=None, year=""):
    years, total = services.hours_by_year(signup.user)
    changes = list(signup.changes.select_related("changed_by__member"))
    for change in changes:
        change.changed_by_name = _person_name(change.changed_by) if change.changed_by else "—"
    return render(
        request,
        "volunteers/signup_detail.html",
        {
            "signup": signup,
            "profile": getattr(signup.user, "volunteer_profile", None),
            "changes": changes,
            "years": years,
            "total_hours": total,
            "certificates": ServiceCertificate.objects.filter(user=signup.user).select_related("issued_by__member")[:5],
            "certificate_error": error,
            "certificate_year": year,
        },
        status=status,
    )


@login_required
def signup_detail(request, signup_id):
    """One volunteer on a roster: his full contact (coordinators only), the history of his hours, his certificates."""
    return _signup_detail(request, _coordinated_signup(request, signup_id))


@login_required
@require_POST
def issue_certificate_for(request, signup_id):
    """出具证明: a coordinator issues the volunteer's certificate for him (the same numbered certificate)."""
    signup = _coordinated_signup(request, signup_id)
    year = request.POST.get("year", "")
    try:
        certificate = services.issue_certificate(
            signup.user, _issuer(request), _certificate_year(request), issued_by=request.user
        )
    except services.Refused as error:
        return _signup_detail(request, signup, status=error.status, error=error.message, year=year)
    back = reverse("volunteers:signup_detail", args=[signup.pk])
    return redirect(f"{reverse('volunteers:certificate', args=[certificate.number])}?next={back}")


# The 工委's overview ------------------------------------------------------------------------------------------


def _overview_year(request):
    """(year, typed, error): the year asked for, the current year by default."""
    typed = request.GET.get("year", "").strip()
    if not typed:
        return timezone.localdate().year, "", None
    if not re.fullmatch(r"\d{4}", typed) or not 2000 <= int(typed) <= 2100:
        return None, typed, "请填写正确的年度，例如 2026。"
    return int(typed), typed, None


def _overview_permission(request):
    if not may_see_hours_overview(request.user):
        raise PermissionDenied("仅党务干部和志愿服务管理员可以查看志愿服务时长统计。")


@login_required
@require_safe
def hours_overview(request):
    """Read-only: hours per project and per 片组 and unit, summed from the confirmed records."""
    _overview_permission(request)
    year, typed, error = _overview_year(request)
    years = sorted({day.year for day in ServiceSlot.objects.dates("start", "year")} | {timezone.localdate().year})
    return render(
        request,
        "volunteers/hours_overview.html",
        {
            "overview": reports.hours_overview(year) if year else None,
            "year": year,
            "typed_year": typed or (str(year) if year else ""),
            "years": sorted(years, reverse=True),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_safe
def hours_overview_xlsx(request):
    _overview_permission(request)
    year, typed, error = _overview_year(request)
    by = request.GET.get("by", "unit")
    if error or by not in ("unit", "project"):
        return _refused(
            request,
            services.Refused(error or "请选择按单位或按项目导出。", status=400),
            reverse("volunteers:hours_overview"),
        )
    overview = reports.hours_overview(year)
    audit.record(
        audit.Kind.EXPORT,
        request=request,
        target=f"{year}年志愿服务时长-按{'项目' if by == 'project' else '片组和单位'}",
    )
    if by == "project":
        rows = [
            [
                row.project.title,
                row.unit.name if row.unit else "",
                row.group.name if row.group else "",
                row.slots,
                row.totals.volunteers,
                row.totals.services,
                row.totals.hours,
                row.pending,
            ]
            for row in overview.projects
        ]
        rows.append(
            [
                "合计",
                "",
                "",
                sum(row.slots for row in overview.projects),
                overview.total.volunteers,
                overview.total.services,
                overview.total.hours,
                overview.pending,
            ]
        )
        return xlsx_response(
            f"{year}年志愿服务时长-按项目.xlsx",
            [
                "项目",
                "组织单位",
                "所属片组",
                "服务时段",
                "志愿者（人）",
                "服务人次",
                "服务时长（小时）",
                "待登记（人）",
            ],
            rows,
            title=f"{year}年按项目",
        )
    rows = [
        [
            row.group.name if row.group else row.label,
            "（片组合计）" if row.is_subtotal and row.group else (row.unit.name if row.unit else ""),
            row.totals.volunteers,
            row.totals.services,
            row.totals.hours,
        ]
        for row in overview.units
    ]
    rows.append(["合计", "", overview.total.volunteers, overview.total.services, overview.total.hours])
    return xlsx_response(
        f"{year}年志愿服务时长-按片组和单位.xlsx",
        ["片组", "单位", "志愿者（人）", "服务人次", "服务时长（小时）"],
        rows,
        title=f"{year}年按片组和单位",
    )
