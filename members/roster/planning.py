"""Stage 4, planning: the rows compared with the register, as every change and every error; nothing is written.

The plan is what the preview shows, what its digest fingerprints, and what applying writes.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from ..models import Member, RosterChange
from ..privacy import mask_phone
from .base import COMPARED_FIELDS, FIELD_LABELS, advance, no_progress, normalize_text
from .checking import OrganizationLookup, RowError, check_row
from .matching import match_rows, registered_members

LARGE_DEPARTURE_SHARE = 0.1


@dataclass
class Entry:
    """One member's change: the unit of the preview, of the digest and of the record."""

    kind: str
    name: str
    row: int | None = None
    member_id: int | None = None
    from_organization: int | None = None
    to_organization: int | None = None
    values: dict = field(default_factory=dict)  # field -> new clean value, for writing
    changes: list = field(default_factory=list)  # [(field, old, new)], clean values


@dataclass
class Plan:
    row_count: int
    columns: list
    errors: list
    entries: list
    unchanged: int
    warnings: list
    organization_names: dict

    def count(self, kind):
        return sum(1 for entry in self.entries if entry.kind == kind)

    @property
    def summary(self):
        counts = {kind: self.count(kind) for kind in RosterChange.Kind.values}
        return {"rows": self.row_count, "unchanged": self.unchanged, "errors": len(self.errors), **counts}

    @property
    def digest(self):
        """A fingerprint of exactly what applying would write: compared again at confirmation."""
        canonical = [
            [entry.kind, entry.row, entry.member_id, sorted((key, str(value)) for key, value in entry.values.items())]
            for entry in self.entries
        ]
        payload = json.dumps([canonical, [[error.row, error.message] for error in self.errors]], ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()

    def display(self, field_name, value, mask=False):
        if value is None or value == "":
            return ""
        if field_name == "organization":
            return self.organization_names.get(value, "")
        if field_name == "gender":
            return Member.Gender(value).label
        if field_name == "category":
            return Member.Category(value).label
        if field_name == "joined_on":
            return value.isoformat()
        if field_name == "phone" and mask:
            return mask_phone(value)
        return str(value)

    def display_changes(self, entry, mask=False):
        return [
            [FIELD_LABELS[name], self.display(name, old, mask), self.display(name, new, mask)]
            for name, old, new in entry.changes
        ]

    def as_preview(self, limit=None):
        """What the preview page shows, as JSON (kept on the pending import). Phone changes are shown in full:
        the preview is for the editors, who may see them; lists of members show them masked."""
        entries = defaultdict(list)
        for entry in self.entries:
            items = entries[entry.kind]
            if limit is not None and len(items) >= limit:
                continue
            items.append(
                {
                    "row": entry.row,
                    "member": entry.member_id,
                    "name": entry.name,
                    "from": self.display("organization", entry.from_organization),
                    "to": self.display("organization", entry.to_organization),
                    "phone": mask_phone(entry.values.get("phone", "")),
                    "changes": self.display_changes(entry),
                }
            )
        return {
            "errors": [{"row": error.row, "message": error.message} for error in self.errors],
            "warnings": self.warnings,
            "entries": dict(entries),
            "columns": [FIELD_LABELS[name] for name in self.columns],
        }


def build_plan(sheet, lock=False, progress=no_progress):
    """Compare the rows with the register: every change, every error; nothing is written."""
    organizations = OrganizationLookup(lock)
    rows, errors = _checked_rows(sheet, organizations, progress)
    identified, duplicates = _distinct_rows(rows)
    members = registered_members(lock)
    dateless = [row for row in rows if row.values.get("name") and row.values.get("phone") and not row.identified]
    match = match_rows(identified, members, dateless)
    errors = sorted(errors + duplicates + match.errors, key=lambda error: error.row)

    columns = [name for name in COMPARED_FIELDS if name in sheet.columns]
    entries, unchanged = [], 0
    for row in identified:
        if row.errors:
            continue  # matched all the same, so that a bad row never reads as a departure
        entry = _entry_for(row, match.members.get(row.number), columns)
        if entry is None:
            unchanged += 1
        else:
            entries.append(entry)
    departures = [
        member for member in members if member.status == Member.Status.ACTIVE and member.pk not in match.accounted
    ]
    entries.extend(
        Entry(RosterChange.Kind.LEFT, member.name, member_id=member.pk, from_organization=member.organization)
        for member in departures
    )
    return Plan(
        row_count=len(sheet.rows),
        columns=columns,
        errors=errors,
        entries=entries,
        unchanged=unchanged,
        warnings=_departure_warnings(departures, members),
        organization_names=organizations.names,
    )


def _checked_rows(sheet, organizations, progress):
    rows, errors = [], []
    with progress("检查数据", len(sheet.rows)) as bar:
        for number, values in sheet.rows:
            row = check_row(number, values, sheet.columns, organizations)
            rows.append(row)
            errors.extend(RowError(number, message) for message in row.errors)
            advance(bar)
    return rows, errors


def _distinct_rows(rows):
    """The identified rows but duplicates: the same person twice, or two people the file gives no way to tell
    apart; and an error for each duplicate."""
    first_of_key, identified, errors = {}, [], []
    for row in rows:
        if not row.identified:
            continue
        phone = row.values.get("phone", "")
        earlier = first_of_key.get(row.key)
        if earlier is None:
            first_of_key[row.key] = {phone: row.number}
            identified.append(row)
        elif phone and phone not in earlier and "" not in earlier:
            earlier[phone] = row.number
            identified.append(row)
        else:
            other = earlier.get(phone) or next(iter(earlier.values()))
            errors.append(
                RowError(row.number, f"与第 {other} 行重复（姓名、入党日期相同，手机号码未能区分是两个人）。")
            )
    return identified, errors


def _same(field_name, old, new):
    if field_name in ("name", "party_post"):
        return normalize_text(old) == normalize_text(new)
    return (old or None) == (new or None)


def _entry_for(row, member, columns):
    """The change a checked row makes to its member (None: no change), or the member it adds."""
    if member is None:
        return Entry(
            RosterChange.Kind.JOINED,
            row.values["name"],
            row=row.number,
            to_organization=row.values["organization"],
            values=dict(row.values),
            changes=[(name, None, value) for name, value in row.values.items()],
        )
    changes = [
        (name, member.value(name), row.values[name])
        for name in columns
        if name in row.values and not _same(name, member.value(name), row.values[name])
    ]
    returning = member.status == Member.Status.TRANSFERRED_OUT
    if not changes and not returning:
        return None
    if returning:
        kind = RosterChange.Kind.RETURNED
    elif any(name == "organization" for name, _, _ in changes):
        kind = RosterChange.Kind.MOVED
    else:
        kind = RosterChange.Kind.UPDATED
    return Entry(
        kind,
        row.values["name"],
        row=row.number,
        member_id=member.pk,
        from_organization=member.organization,
        to_organization=row.values["organization"],
        values={name: new for name, _, new in changes},
        changes=changes,
    )


def _departure_warnings(departures, members):
    active = sum(1 for member in members if member.status == Member.Status.ACTIVE)
    if len(departures) >= 5 and len(departures) > active * LARGE_DEPARTURE_SHARE:
        return [
            f"本次将有 {len(departures)} 名党员转出（占在册党员 {len(departures) * 100 // active}%）。"
            "请确认上传的是全县完整名册，而不是某个支部或单位的名单。"
        ]
    return []
