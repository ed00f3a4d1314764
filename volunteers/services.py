"""The rules of signing up, cancelling, recording hours, certificates and proposals.

Views, admin actions and the demo content call these functions. Each runs in one transaction and locks the rows
whose counts it must not exceed (the volunteer's profile, then the slot: always in this order, so that two
transactions never wait on each other in a circle). The database constraints on SignUp back the locks.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.html import escape

from .models import (
    AttendanceChange,
    ProjectProposal,
    ServiceCertificate,
    ServiceSlot,
    SignUp,
    VolunteerProfile,
    VolunteerProjectIndexPage,
    VolunteerProjectPage,
)


class Refused(Exception):
    """A rule said no. `status` is the HTTP status a view answers with; `message` is for the user."""

    def __init__(self, message, status=409):
        super().__init__(message)
        self.message = message
        self.status = status


def _lock_slot(slot_id):
    slot = ServiceSlot.objects.select_for_update().filter(pk=slot_id).first()
    if slot is None:
        raise Refused("没有这个服务时段。", status=404)
    return slot


def _time_range(slot):
    start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
    return f"{start:%m月%d日 %H:%M}–{end:%H:%M}"


def sign_up(user, slot_id):
    """Sign the user up for a slot: a seat while there is one, otherwise the waitlist. Returns the SignUp."""
    with transaction.atomic():
        # Serialise this person's own sign-ups (for the overlap rule), then the slot's (for its capacity).
        profile = VolunteerProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            raise Refused("请先填写志愿者信息，再报名。", status=400)
        slot = _lock_slot(slot_id)
        project = VolunteerProjectPage.objects.filter(pk=slot.page_id).first()
        if project is None or not project.live:
            raise Refused("没有这个服务时段。", status=404)
        if slot.is_cancelled:
            raise Refused("该时段的活动已取消，不能报名。")
        if slot.start <= timezone.now():
            raise Refused("该时段已经开始或已结束，不能报名。")
        if project.status != VolunteerProjectPage.Status.RECRUITING:
            raise Refused(f"该项目{project.get_status_display()}，已停止报名。")
        if SignUp.objects.filter(slot=slot, user=user, status__in=SignUp.ACTIVE).exists():
            raise Refused("您已报名该时段，无需重复报名。")
        overlapping = (
            SignUp.objects.filter(
                user=user, status__in=SignUp.ACTIVE, slot__start__lt=slot.end, slot__end__gt=slot.start
            )
            .exclude(slot__is_cancelled=True)
            .select_related("slot__page")
            .first()
        )
        if overlapping is not None:
            raise Refused(
                f"该时段与您已报名的“{overlapping.slot.page.title}”（{_time_range(overlapping.slot)}）时间重叠，"
                "同一时间只能参加一项服务。"
            )
        taken = set(SignUp.objects.filter(slot=slot, seat__isnull=False).values_list("seat", flat=True))
        free = sorted(set(range(1, slot.capacity + 1)) - taken)
        if free and len(taken) < slot.capacity:
            fields = {"status": SignUp.Status.CONFIRMED, "seat": free[0]}
        else:
            fields = {"status": SignUp.Status.WAITLISTED, "seat": None}
        try:
            with transaction.atomic():
                return SignUp.objects.create(slot=slot, user=user, **fields)
        except IntegrityError as error:  # the constraints back the locks; should the locks ever be bypassed
            raise Refused("报名未成功：您已报名该时段，或名额刚被占满，请刷新后重试。") from error


def _fill_from_waitlist(slot):
    """Give free seats to the waitlist, first come first served. The caller holds the slot's lock."""
    if slot.is_cancelled or slot.start <= timezone.now():
        return []
    taken = set(SignUp.objects.filter(slot=slot, seat__isnull=False).values_list("seat", flat=True))
    free = sorted(set(range(1, slot.capacity + 1)) - taken)
    room = slot.capacity - len(taken)
    promoted = []
    if room <= 0 or not free:
        return promoted
    waiting = SignUp.objects.select_for_update().filter(slot=slot, status=SignUp.Status.WAITLISTED).order_by("id")
    now = timezone.now()
    for signup, seat in zip(waiting[: min(room, len(free))], free, strict=False):
        signup.status = SignUp.Status.CONFIRMED
        signup.seat = seat
        signup.promoted_at = now
        signup.save(update_fields=["status", "seat", "promoted_at"])
        promoted.append(signup)
    return promoted


def fill_from_waitlist(slot_id):
    """After an editor raises a slot's capacity."""
    with transaction.atomic():
        return _fill_from_waitlist(_lock_slot(slot_id))


def cancel(user, signup_id):
    """The volunteer cancels his own sign-up before the slot starts; the first on the waitlist moves up.

    Returns the sign-ups promoted."""
    with transaction.atomic():
        slot_id = SignUp.objects.filter(pk=signup_id, user=user).values_list("slot_id", flat=True).first()
        if slot_id is None:
            raise Refused("没有找到您的这条报名记录。", status=404)
        slot = _lock_slot(slot_id)
        signup = SignUp.objects.select_for_update().get(pk=signup_id)
        if signup.status not in (SignUp.Status.CONFIRMED, SignUp.Status.WAITLISTED):
            raise Refused("这条报名已取消或已登记出勤，不能再取消。")
        if slot.start <= timezone.now():
            raise Refused("服务已经开始，不能再取消报名。")
        held_seat = signup.seat is not None
        signup.status = SignUp.Status.CANCELLED
        signup.seat = None
        signup.cancelled_at = timezone.now()
        signup.save(update_fields=["status", "seat", "cancelled_at"])
        return _fill_from_waitlist(slot) if held_seat else []


@dataclass
class AttendanceEntry:
    signup_id: int
    status: str  # "attended" or "absent"
    hours: str | Decimal | None = None  # default: the slot's scheduled length


def parse_hours(value, slot):
    """Hours as the coordinator typed them: blank means the scheduled length; never more than it, never 0."""
    if value in (None, ""):
        return slot.length_hours
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise Refused("服务时长请填写数字，例如 2.5。", status=400) from error
    if not hours.is_finite() or hours <= 0:
        raise Refused("服务时长必须大于 0。", status=400)
    if hours != hours.quantize(Decimal("0.1")):
        raise Refused("服务时长最多保留一位小数。", status=400)
    if hours > slot.length_hours:
        raise Refused(f"服务时长不能超过该时段的计划时长 {slot.length_hours} 小时。", status=400)
    return hours


def not_ended_message(slot):
    end = timezone.localtime(slot.end)
    return f"服务时段尚未结束（{end.month}月{end.day}日 {end:%H:%M} 结束），结束后才能登记出勤和服务时长；现在只能登记缺勤。"


def record_attendance(coordinator, slot_id, entries, reason=""):
    """Mark attended or absent and confirm hours for sign-ups of one slot; every change is audited.

    All entries are checked before anything is written: one bad entry writes nothing. Returns the changes.
    """
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise Refused("更正说明不能超过 200 字。", status=400)
    with transaction.atomic():
        slot = _lock_slot(slot_id)
        now = timezone.now()
        if slot.start > now:
            raise Refused("服务开始后才能登记出勤和时长。", status=400)
        signups = {
            signup.pk: signup
            for signup in SignUp.objects.select_for_update().filter(slot=slot, status__in=SignUp.HOLDS_SEAT)
        }
        planned = []
        for entry in entries:
            signup = signups.get(entry.signup_id)
            if signup is None:
                raise Refused("名单中没有这条报名记录，请刷新页面后重试。", status=400)
            if entry.status == SignUp.Status.ATTENDED:
                # Hours served are known only when the service is over; a no-show may be marked from the start.
                if slot.end > now:
                    raise Refused(not_ended_message(slot), status=400)
                hours = parse_hours(entry.hours, slot)
            elif entry.status == SignUp.Status.ABSENT:
                hours = None
            else:
                raise Refused("出勤情况只能是“出勤”或“缺勤”。", status=400)
            if (signup.status, signup.hours) == (entry.status, hours):
                continue
            if signup.status in (SignUp.Status.ATTENDED, SignUp.Status.ABSENT) and not reason:
                raise Refused("更正已登记的出勤或时长时，请填写更正说明。", status=400)
            planned.append((signup, entry.status, hours))
        changes = []
        for signup, status, hours in planned:
            changes.append(
                AttendanceChange(
                    signup=signup,
                    changed_by=coordinator,
                    changed_at=now,
                    old_status=signup.status,
                    new_status=status,
                    old_hours=signup.hours,
                    new_hours=hours,
                    reason=reason,
                )
            )
            signup.status, signup.hours, signup.recorded_by, signup.recorded_at = status, hours, coordinator, now
            signup.save(update_fields=["status", "hours", "recorded_by", "recorded_at"])
        AttendanceChange.objects.bulk_create(changes)
        return changes


def hours_by_year(user):
    """[(year, hours)] of confirmed service, newest year first, and the total."""
    rows = list(
        SignUp.objects.filter(user=user, status=SignUp.Status.ATTENDED)
        .annotate(year=ExtractYear("slot__start"))
        .values("year")
        .annotate(total=Sum("hours"))
        .order_by("-year")
        .values_list("year", "total")
    )
    return rows, sum((total for _, total in rows), Decimal("0"))


def service_records(user, year=None):
    records = (
        SignUp.objects.filter(user=user, status=SignUp.Status.ATTENDED)
        .select_related("slot__page")
        .order_by("slot__start", "id")
    )
    if year:
        records = records.filter(slot__start__year=year)
    return records


def issue_certificate(user, issuer, year=None, issued_by=None):
    """A numbered 志愿服务证明 of the user's confirmed hours. An unchanged record reuses the last number.

    `issued_by` is who asked for it: the volunteer himself (the default) or a coordinator on his behalf. A reused
    certificate keeps the one who first asked for it: it is the same document."""
    profile = VolunteerProfile.objects.filter(user=user).first()
    name = profile.name if profile else (user.get_full_name() or user.username)
    records = [
        {
            "date": f"{timezone.localtime(signup.slot.start):%Y-%m-%d}",
            "project": signup.slot.page.title,
            "hours": str(signup.hours),
        }
        for signup in service_records(user, year)
    ]
    if not records:
        raise Refused("还没有经过确认的服务时长，暂不能开具证明。", status=400)
    hours = sum((Decimal(record["hours"]) for record in records), Decimal("0"))
    with transaction.atomic():
        last = ServiceCertificate.objects.filter(user=user, year=year).order_by("-issued_at", "-id").first()
        if last and last.records == records and last.name == name and last.hours == hours:
            return last
        certificate = ServiceCertificate.objects.create(
            user=user, name=name, year=year, hours=hours, records=records, issuer=issuer, issued_by=issued_by or user
        )
        certificate.number = f"ZYFW{timezone.localtime(certificate.issued_at):%Y}{certificate.pk:06d}"
        certificate.save(update_fields=["number"])
        return certificate


def accept_proposal(proposal_id, reviewer, note=""):
    """The 工委 accepts a member's proposal: a draft project page under the volunteer index, for editors to finish."""
    with transaction.atomic():
        proposal = ProjectProposal.objects.select_for_update().filter(pk=proposal_id).first()
        if proposal is None:
            raise Refused("没有这条项目建议。", status=404)
        if proposal.status != ProjectProposal.Status.SUBMITTED:
            raise Refused(f"这条项目建议{proposal.get_status_display()}，不能重复处理。")
        index_page = VolunteerProjectIndexPage.objects.first()
        if index_page is None:
            raise Refused("还没有“志愿服务”栏目页面，请先创建。")
        if not index_page.permissions_for_user(reviewer).can_add_subpage():
            raise Refused("您没有在志愿服务栏目下新建页面的权限。", status=403)
        paragraphs = "".join(f"<p>{escape(line)}</p>" for line in proposal.description.splitlines() if line.strip())
        if proposal.suggested_time:
            paragraphs += (
                f"<p>建议时间：{escape(proposal.suggested_time)}；所需人数：约 {proposal.volunteers_needed} 人。</p>"
            )
        page = VolunteerProjectPage(
            title=proposal.title,
            organizing_unit=proposal.organization,
            category=proposal.category,
            place=proposal.place,
            description=paragraphs,
            status=VolunteerProjectPage.Status.RECRUITING,
            summary=f"由党员项目征集采纳（提议人：{_proposer_name(proposal)}）。",
            live=False,
            owner=reviewer,
        )
        index_page.add_child(instance=page)
        page.save_revision(user=reviewer, log_action=True)
        proposal.status = ProjectProposal.Status.ACCEPTED
        proposal.project_page = page
        proposal.reviewed_by = reviewer
        proposal.reviewed_at = timezone.now()
        proposal.review_note = note
        proposal.save()
        return page


def decline_proposal(proposal_id, reviewer, note):
    with transaction.atomic():
        proposal = ProjectProposal.objects.select_for_update().filter(pk=proposal_id).first()
        if proposal is None:
            raise Refused("没有这条项目建议。", status=404)
        if proposal.status != ProjectProposal.Status.SUBMITTED:
            raise Refused(f"这条项目建议{proposal.get_status_display()}，不能重复处理。")
        proposal.status = ProjectProposal.Status.DECLINED
        proposal.reviewed_by = reviewer
        proposal.reviewed_at = timezone.now()
        proposal.review_note = note
        proposal.save()
        return proposal


def _proposer_name(proposal):
    member = getattr(proposal.proposer, "member", None)
    return member.name if member else (proposal.proposer.get_full_name() or proposal.proposer.username)
