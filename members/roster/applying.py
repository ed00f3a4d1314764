"""Stage 5, applying: a checked file kept as a pending import with its preview, then written exactly as
previewed, all of it in one transaction, or nothing."""

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .. import roles
from ..models import Member, RosterChange, RosterImport
from .base import RosterConflict, advance, no_progress, sha256_of
from .planning import build_plan
from .reading import read_roster

ROLES_OF_MEMBERSHIP = [roles.MEMBER, roles.BRANCH_SECRETARY]  # taken away on 转出, 党员 given back on return
PREVIEW_LIMIT = 500  # rows shown per kind of change; the counts are always complete
STALE_AFTER = datetime.timedelta(days=1)


def stage_import(data, file_name, user=None, source=RosterImport.Source.ADMIN, progress=no_progress):
    """Read and check a roster file and keep it as a pending import with its preview. Writes no member.

    Raises RosterFileError when the file is refused as a whole.
    """
    sheet = read_roster(data, progress)
    plan = build_plan(sheet, progress=progress)
    discard_stale_imports()
    record = RosterImport.objects.create(
        file_name=(file_name or "名册.xlsx")[:255],
        sha256=sha256_of(data),
        content=data,
        source=source,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        row_count=plan.row_count,
        summary=plan.summary,
        preview=plan.as_preview(limit=PREVIEW_LIMIT),
        plan_digest=plan.digest,
    )
    return record, plan


def discard_stale_imports():
    """Pending imports nobody confirmed within a day are dropped, with their file (it holds phone numbers)."""
    RosterImport.objects.filter(
        status=RosterImport.Status.PENDING, uploaded_at__lt=timezone.now() - STALE_AFTER
    ).update(status=RosterImport.Status.DISCARDED, content=None, preview={})


def discard_import(record):
    updated = RosterImport.objects.filter(pk=record.pk, status=RosterImport.Status.PENDING).update(
        status=RosterImport.Status.DISCARDED, content=None, preview={}
    )
    if not updated:
        raise RosterConflict("这份名册已经导入或放弃，无法再放弃。")


def apply_import(record_id, user=None, expected_sha256="", progress=no_progress):
    """Write a pending import exactly as previewed, all of it in one transaction, or nothing.

    The file must be the one previewed (its SHA-256), and the register must not have changed since the preview
    (the plan is computed again under row locks and must have the same digest). Raises RosterConflict.
    """
    with transaction.atomic():
        record = RosterImport.objects.select_for_update().filter(pk=record_id).first()
        if record is None:
            raise RosterConflict("找不到这次名册导入。")
        if record.status != RosterImport.Status.PENDING:
            raise RosterConflict(f"这份名册{record.get_status_display()}，不能再次导入。")
        data = bytes(record.content or b"")
        if expected_sha256 != record.sha256 or sha256_of(data) != record.sha256:
            raise RosterConflict("文件校验值与预览时的文件不一致，未导入任何数据。请重新上传并预览。")
        plan = build_plan(read_roster(data), lock=True, progress=progress)
        if plan.errors:
            raise RosterConflict(f"名册中还有 {len(plan.errors)} 处错误，请修正后重新上传。")
        if plan.digest != record.plan_digest:
            raise RosterConflict(
                "自预览以来党员信息库已发生变化（可能有人导入了名册或修改了党员信息），请重新预览后再确认。"
            )
        _write(plan, record, progress)
        record.status = RosterImport.Status.APPLIED
        record.applied_by = user if getattr(user, "is_authenticated", False) else None
        record.applied_at = timezone.now()
        record.summary = plan.summary
        record.content = None
        record.preview = {}
        record.save()
    return record


def _attribute(name):
    return "organization_id" if name == "organization" else name


def _write(plan, record, progress):
    existing = Member.objects.in_bulk([entry.member_id for entry in plan.entries if entry.member_id])
    new_members, records = [], []
    # Members grouped by the columns that change: one UPDATE per group (usually a handful), not one per member.
    changed = defaultdict(list)
    left, left_users, returned_users = [], [], []
    with progress("写入名册", len(plan.entries)) as bar:
        for entry in plan.entries:
            if entry.kind == RosterChange.Kind.JOINED:
                member = Member(**{_attribute(name): value for name, value in entry.values.items()})
                new_members.append((member, entry))
            else:
                member = existing[entry.member_id]
                attributes = [_attribute(name) for name in entry.values]
                for name, value in entry.values.items():
                    setattr(member, _attribute(name), value)
                if entry.kind == RosterChange.Kind.LEFT:
                    left.append(member.pk)
                    if member.user_id:
                        left_users.append(member.user_id)
                elif entry.kind == RosterChange.Kind.RETURNED:
                    member.status = Member.Status.ACTIVE
                    attributes.append("status")
                    if member.user_id:
                        returned_users.append(member.user_id)
                if attributes:
                    changed[tuple(sorted(attributes))].append(member)
                records.append(_change_record(plan, record, entry, member))
            advance(bar)
    Member.objects.bulk_create([member for member, _ in new_members], batch_size=500)
    records.extend(_change_record(plan, record, entry, member) for member, entry in new_members)
    for attributes, members in changed.items():
        Member.objects.bulk_update(members, attributes, batch_size=500)
    for start in range(0, len(left), 1000):
        Member.objects.filter(pk__in=left[start : start + 1000]).update(status=Member.Status.TRANSFERRED_OUT)
    _update_roles(left_users, returned_users)
    RosterChange.objects.bulk_create(records, batch_size=1000)


def _change_record(plan, record, entry, member):
    return RosterChange(
        roster_import=record,
        member=member,
        member_name=entry.name,
        kind=entry.kind,
        row_number=entry.row,
        from_organization_id=entry.from_organization,
        from_organization_name=plan.display("organization", entry.from_organization),
        to_organization_id=entry.to_organization,
        to_organization_name=plan.display("organization", entry.to_organization),
        fields=plan.display_changes(entry, mask=True),
    )


def _update_roles(left_users, returned_users):
    """A member who leaves keeps his account (his history, public pages, volunteering) but loses the roles of
    membership; one who comes back gets 党员 again (branch secretary is given by hand)."""
    memberships = get_user_model().groups.through
    if left_users:
        memberships.objects.filter(user_id__in=left_users, group__name__in=ROLES_OF_MEMBERSHIP).delete()
    if returned_users:
        group = Group.objects.get(name=roles.MEMBER)
        memberships.objects.bulk_create(
            [memberships(user_id=user_id, group_id=group.pk) for user_id in returned_users], ignore_conflicts=True
        )
