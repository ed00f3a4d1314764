"""Stage 3, matching: which member on record each checked row is, without a national ID number.

By name and 入党日期, with the mobile number as the tie-breaker when several people share both; when no one on
record has that name and date, by name and mobile number, then by 入党日期 and mobile number (a corrected date, a
changed name). A row that could be either of two people is an error, never a guess.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from ..models import Member
from .base import COMPARED_FIELDS, normalize_text
from .checking import RowError


@dataclass(frozen=True, slots=True)
class RegisteredMember:
    """A member on record, as the import compares him: his compared fields and what identifies him."""

    pk: int
    status: str
    user_id: int | None
    name: str
    gender: str
    organization: int | None
    category: str
    joined_on: datetime.date | None
    phone: str
    party_post: str

    @property
    def key(self):
        return (normalize_text(self.name), self.joined_on)

    def value(self, field_name):
        return getattr(self, field_name)


def registered_members(lock):
    """Every member on record, in id order; locked for the apply, so that the register cannot change under it."""
    queryset = Member.objects.order_by("pk")
    if lock:
        queryset = queryset.select_for_update()
    names = [name if name != "organization" else "organization_id" for name in COMPARED_FIELDS]
    return [
        RegisteredMember(pk=pk, status=status, user_id=user_id, **dict(zip(COMPARED_FIELDS, values, strict=True)))
        for pk, status, user_id, *values in queryset.values_list("pk", "status", "user_id", *names)
    ]


@dataclass
class Match:
    """The outcome: row number → member; the members no departure may be read for; the rows in doubt."""

    members: dict = field(default_factory=dict)
    taken: set = field(default_factory=set)  # matched to a row
    reserved: set = field(default_factory=set)  # claimed by a row in doubt: neither matched nor gone
    errors: list = field(default_factory=list)

    @property
    def accounted(self):
        return self.taken | self.reserved

    def take(self, row, member):
        self.members[row.number] = member
        self.taken.add(member.pk)

    def doubt(self, rows, members, message):
        self.errors.extend(RowError(row.number, message) for row in rows)
        self.reserved.update(member.pk for member in members)


def match_rows(rows, members, dateless=()):
    """Match the identified `rows` to `members`. `dateless` rows (their 入党日期 unreadable) are looked for by name
    and mobile number only, so that a typo in a date does not make a member read as gone in the preview."""
    match = Match()
    unmatched = _by_name_and_date(match, rows, members)
    _by_phone(match, unmatched + list(dateless), members)
    return match


def _by_name_and_date(match, rows, members):
    """Match on name and 入党日期 (the mobile number telling apart people who share both); the rows left over."""
    by_key = defaultdict(list)
    for member in members:
        by_key[member.key].append(member)
    groups = defaultdict(list)
    for row in rows:
        groups[row.key].append(row)
    unmatched = []
    for key, group in groups.items():
        candidates = by_key.get(key, [])
        if len(group) == 1 and len(candidates) <= 1:
            if candidates:
                match.take(group[0], candidates[0])
            else:
                unmatched.append(group[0])
            continue
        unmatched.extend(_within_namesakes(match, group, candidates))
    return unmatched


def _within_namesakes(match, group, candidates):
    """Several people share a name and 入党日期: the mobile number tells them apart."""
    left_rows = []
    for row in group:
        phone = row.values.get("phone")
        pairs = [c for c in candidates if phone and c.phone == phone and c.pk not in match.taken]
        if len(pairs) == 1:
            match.take(row, pairs[0])
        else:
            left_rows.append(row)
    left_candidates = [c for c in candidates if c.pk not in match.taken]
    if len(left_rows) == 1 and len(left_candidates) == 1:
        match.take(left_rows[0], left_candidates[0])  # one each: the same person, a new number
        return []
    if left_rows and left_candidates:
        match.doubt(
            left_rows,
            left_candidates,
            f"库中有 {len(left_candidates)} 名党员与此行姓名、入党日期相同，手机号码无法区分是哪一位，请核对手机号码。",
        )
        return []
    return left_rows


def _by_phone(match, rows, members):
    """Nobody with this name and date: perhaps a corrected 入党日期 or a changed name, with the same mobile."""
    free = [m for m in members if m.pk not in match.accounted and m.phone]
    by_name_phone, by_date_phone = defaultdict(list), defaultdict(list)
    for member in free:
        by_name_phone[(member.key[0], member.phone)].append(member)
        by_date_phone[(member.joined_on, member.phone)].append(member)
    claims = defaultdict(list)
    for row in rows:
        phone = row.values.get("phone")
        if not phone:
            continue
        found = by_name_phone.get((row.values["name"], phone))
        if not found and row.values.get("joined_on"):
            found = by_date_phone.get((row.values["joined_on"], phone))
        if found and len(found) == 1:
            claims[found[0].pk].append((row, found[0]))
        elif found:
            match.doubt([row], found, "库中有多名党员与此行手机号码相同，无法确定是哪一位，请核对。")
    for claimants in claims.values():
        if len(claimants) == 1:
            match.take(*claimants[0])
            continue
        numbers = "、".join(str(row.number) for row, _ in claimants)
        member = claimants[0][1]
        match.doubt(
            [row for row, _ in claimants], [member], f"第 {numbers} 行都可能是库中的党员“{member.name}”，请核对。"
        )
