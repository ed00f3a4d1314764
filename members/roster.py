"""The monthly roster import (党员信息库): read the national member system's Excel export, compare it with the
members on record, preview every change, and apply all of it in one transaction; and the export in the same
columns.

A member is identified across imports without a national ID number (none is ever stored): by name and 入党日期,
with the mobile number as the tie-breaker when several people share both; when no one on record has that name
and date, by name and mobile number, then by 入党日期 and mobile number (a corrected date, a changed name).
A row that could be either of two people is an error, never a guess. DESIGN.md explains the choice.

The admin views and `manage.py import_roster` both call `stage_import` (read, check, preview) and `apply_import`.
"""

import datetime
import hashlib
import json
import re
import zipfile
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from io import BytesIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from . import roles
from .models import Member, Organization, RosterChange, RosterImport
from .privacy import mask_phone

# The columns of the national system's export, and of our own export, in this order.
HEADERS = ["姓名", "性别", "所在党组织", "人员类别", "入党日期", "手机号码", "党内职务"]
# Other spellings seen in exports; matched after removing spaces.
HEADER_ALIASES = {
    "name": ["姓名", "党员姓名"],
    "gender": ["性别"],
    "organization": ["所在党组织", "所在党支部", "所在支部", "党组织名称", "所在组织"],
    "category": ["人员类别", "党员类别", "党员类型"],
    "joined_on": ["入党日期", "入党时间"],
    "phone": ["手机号码", "手机号", "手机", "联系电话"],
    "party_post": ["党内职务"],
}
FIELD_LABELS = {
    "name": "姓名",
    "gender": "性别",
    "organization": "所在党组织",
    "category": "人员类别",
    "joined_on": "入党日期",
    "phone": "手机号码",
    "party_post": "党内职务",
}
REQUIRED_FIELDS = ["name", "organization", "joined_on"]
COMPARED_FIELDS = ["name", "gender", "organization", "category", "joined_on", "phone", "party_post"]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a small upload that unpacks to gigabytes is refused unread
MAX_ROWS = 20_000
MAX_BLANK_ROWS = 5_000  # formatted but empty rows tolerated in a sheet
HEADER_SEARCH_ROWS = 10  # a title row (or a few) may stand above the header
FOUNDING_DAY = datetime.date(1921, 7, 1)
LARGE_DEPARTURE_SHARE = 0.1
ROLES_OF_MEMBERSHIP = [roles.MEMBER, roles.BRANCH_SECRETARY]  # taken away on 转出, 党员 given back on return

GENDERS = {
    "男": Member.Gender.MALE,
    "男性": Member.Gender.MALE,
    "女": Member.Gender.FEMALE,
    "女性": Member.Gender.FEMALE,
}
CATEGORIES = {
    "正式": Member.Category.FULL,
    "正式党员": Member.Category.FULL,
    "预备": Member.Category.PROBATIONARY,
    "预备党员": Member.Category.PROBATIONARY,
}
MOBILE = re.compile(r"1[3-9]\d{9}")
TEXT_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
SPACES = re.compile(r"\s+")
TRAILING_TIME = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")


class RosterFileError(Exception):
    """The whole file is refused (not a spreadsheet, empty, too large, no header): a message for the editor."""


class RosterConflict(Exception):
    """An import cannot be applied as previewed (already applied, another file, the register changed)."""


def _no_progress(label, total):
    return nullcontext(None)


def _advance(progress, steps=1):
    if progress is not None:
        progress.advance(steps)


def sha256_of(data):
    return hashlib.sha256(data).hexdigest()


def normalize_text(value):
    """Cell text without any whitespace (Chinese names are often padded to align: 王  伟)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return SPACES.sub("", str(value)).replace("(", "（").replace(")", "）")


# --- Reading the sheet -------------------------------------------------------------------------------------------


@dataclass
class RosterSheet:
    header_row: int
    columns: dict  # field -> column index
    rows: list  # [(Excel row number, tuple of cell values)]


def _header_fields(values):
    """{field: column index} for a candidate header row, and the names of columns given twice."""
    lookup = {normalize_text(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
    columns, repeated = {}, []
    for index, value in enumerate(values):
        name = lookup.get(normalize_text(value))
        if name is None:
            continue  # unknown extra columns are ignored
        if name in columns:
            repeated.append(FIELD_LABELS[name])
        columns[name] = index
    return columns, repeated


def _open_workbook(data):
    from openpyxl import load_workbook

    if not data:
        raise RosterFileError("上传的文件是空的。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise RosterFileError(f"文件太大（超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB），请确认选择的是党员名册。")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RosterFileError("这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 格式后再上传。")
    if not zipfile.is_zipfile(BytesIO(data)):
        raise RosterFileError("文件不是 Excel 工作簿（.xlsx），请上传从党员信息系统导出的 .xlsx 文件。")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise RosterFileError("文件已损坏，无法读取，请重新导出后上传。") from error
    if unpacked > MAX_UNZIPPED_BYTES:
        raise RosterFileError("文件解压后过大，不像是党员名册，已拒绝读取。")
    try:
        # read_only streams the rows: a sheet of any length never sits in memory whole.
        return load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a zip that is not a workbook
        raise RosterFileError("文件不是有效的 Excel 工作簿（.xlsx），无法读取。") from error


def read_roster(data, progress=_no_progress):
    """The header and data rows of the first sheet that has a roster header. Raises RosterFileError."""
    workbook = _open_workbook(data)
    try:
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # a chart sheet
            found = _read_sheet(sheet, progress)
            if found is not None:
                return found
    finally:
        workbook.close()
    names = "、".join(f"“{FIELD_LABELS[name]}”" for name in REQUIRED_FIELDS)
    raise RosterFileError(f"未找到表头：表格前 {HEADER_SEARCH_ROWS} 行中没有包含 {names} 的一行。")


def _read_sheet(sheet, progress):
    declared_rows = sheet.max_row or 0
    # Exporters sometimes declare a wrong size; read what is there.
    sheet.reset_dimensions()
    rows_iter = sheet.iter_rows(min_row=1, values_only=True)
    header_row, columns = None, None
    for number, values in enumerate(rows_iter, start=1):
        if number > HEADER_SEARCH_ROWS:
            return None
        candidate, repeated = _header_fields(values)
        if "name" in candidate:
            if repeated:
                raise RosterFileError(f"表头第 {number} 行中“{'、'.join(repeated)}”列出现了不止一次。")
            missing = [FIELD_LABELS[name] for name in REQUIRED_FIELDS if name not in candidate]
            if missing:
                raise RosterFileError(f"表头（第 {number} 行）缺少“{'”“'.join(missing)}”列。")
            header_row, columns = number, candidate
            break
    if header_row is None:
        return None

    rows, blank = [], 0
    with progress("读取名册", max(declared_rows - header_row, 0)) as bar:
        for number, values in enumerate(rows_iter, start=header_row + 1):
            if not any(normalize_text(value) for value in values):
                blank += 1
                if blank > MAX_BLANK_ROWS:
                    raise RosterFileError("表格中空行过多，请删除多余的空行后再上传。")
                continue
            if len(rows) >= MAX_ROWS:
                raise RosterFileError(
                    f"表格超过 {MAX_ROWS:,} 行数据，超出本站一次导入的上限，请确认选择的是本县党员名册。"
                )
            rows.append((number, tuple(values)))
            _advance(bar)
    if not rows:
        raise RosterFileError("表格中只有表头，没有党员数据。")
    return RosterSheet(header_row, columns, rows)


# --- Checking the rows -------------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class RosterRow:
    number: int
    values: dict = field(default_factory=dict)  # field -> clean value (organization: its id)
    errors: list = field(default_factory=list)

    @property
    def key(self):
        return (self.values.get("name"), self.values.get("joined_on"))

    @property
    def identified(self):
        return bool(self.values.get("name")) and self.values.get("joined_on") is not None


def _cell(values, columns, name):
    index = columns.get(name)
    return values[index] if index is not None and index < len(values) else None


def parse_date(value):
    """A date from a date cell, an Excel serial number or text such as 2008-07-01, 2008/7/1, 2008年7月1日."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 10_000_000 <= value <= 99_999_999:
            value = str(int(value))  # 20080701 typed as a number
        elif 1 <= value < 100_000:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        else:
            raise ValueError
    # 2008-07-01 00:00:00 (a date written out by another program): the time is dropped.
    text = normalize_text(TRAILING_TIME.sub("", str(value).strip()))
    match = TEXT_DATE.fullmatch(text) or COMPACT_DATE.fullmatch(text)
    if not match:
        raise ValueError
    return datetime.date(*(int(part) for part in match.groups()))


def parse_phone(value):
    text = normalize_text(value).replace("-", "").replace("－", "")
    if text.startswith("+86"):
        text = text[3:]
    if text and not MOBILE.fullmatch(text):
        raise ValueError
    return text


class _OrganizationLookup:
    """Organizations by exact name (spaces and bracket widths ignored), or by code."""

    def __init__(self, lock=False):
        self.by_name = defaultdict(list)
        self.by_code = {}
        self.names = {}
        queryset = Organization.objects.order_by("pk")
        if lock:
            # Every apply locks the organizations first, so that two applies run one after the other: the second
            # then reads the members the first wrote (rows it inserted included) and finds its preview outdated.
            queryset = queryset.select_for_update()
        for pk, name, code in queryset.values_list("pk", "name", "code"):
            self.by_name[normalize_text(name)].append(pk)
            self.by_code[code.strip().upper()] = pk
            self.names[pk] = name

    def find(self, value):
        """(organization id, error message)."""
        text = normalize_text(value)
        if not text:
            return None, "所在党组织为空。"
        found = self.by_name.get(text, [])
        if len(found) == 1:
            return found[0], None
        if len(found) > 1:
            return None, f"党组织名称“{text}”对应 {len(found)} 个党组织，请先在“党组织”中把名称区分开。"
        if text.upper() in self.by_code:
            return self.by_code[text.upper()], None
        return None, f"未找到党组织“{text}”，请核对名称，或先在“党组织”中添加。"


def check_row(number, values, columns, organizations):
    row = RosterRow(number)
    errors = row.errors

    name = normalize_text(_cell(values, columns, "name"))
    if not name:
        errors.append("姓名为空。")
    elif len(name) > 50:
        errors.append("姓名超过 50 个字。")
    else:
        row.values["name"] = name

    raw_date = _cell(values, columns, "joined_on")
    if raw_date is None or normalize_text(raw_date) == "":
        errors.append("入党日期为空。")
    else:
        try:
            joined_on = parse_date(raw_date)
        except (ValueError, OverflowError):
            errors.append(f"入党日期“{normalize_text(raw_date)}”无法识别，请写成 2008-07-01 的格式。")
        else:
            if joined_on > timezone.localdate():
                errors.append(f"入党日期 {joined_on:%Y-%m-%d} 晚于今天。")
            elif joined_on < FOUNDING_DAY:
                errors.append(f"入党日期 {joined_on:%Y-%m-%d} 早于建党日期。")
            else:
                row.values["joined_on"] = joined_on

    organization, message = organizations.find(_cell(values, columns, "organization"))
    if message:
        errors.append(message)
    else:
        row.values["organization"] = organization

    if "gender" in columns:
        text = normalize_text(_cell(values, columns, "gender"))
        if text and text not in GENDERS:
            errors.append(f"性别“{text}”无法识别，应为“男”或“女”。")
        else:
            row.values["gender"] = GENDERS.get(text, "")

    if "category" in columns:
        text = normalize_text(_cell(values, columns, "category"))
        if text not in CATEGORIES:
            shown = f"“{text}”" if text else "为空"
            errors.append(f"人员类别{shown}，应为“正式党员”或“预备党员”。")
        else:
            row.values["category"] = CATEGORIES[text]

    if "phone" in columns:
        raw = _cell(values, columns, "phone")
        try:
            row.values["phone"] = parse_phone(raw)
        except ValueError:
            errors.append(f"手机号码“{normalize_text(raw)}”格式不正确，应为 11 位手机号码。")

    if "party_post" in columns:
        post = normalize_text(_cell(values, columns, "party_post"))
        if len(post) > 50:
            errors.append("党内职务超过 50 个字。")
        else:
            row.values["party_post"] = post
    return row


# --- Comparing with the register ---------------------------------------------------------------------------------


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


def _existing_members(lock):
    queryset = Member.objects.order_by("pk")
    if lock:
        queryset = queryset.select_for_update()
    fields = [
        "pk",
        "status",
        "user_id",
        *(name if name != "organization" else "organization_id" for name in COMPARED_FIELDS),
    ]
    members = []
    for values in queryset.values(*fields):
        values["organization"] = values.pop("organization_id")
        values["key"] = (normalize_text(values["name"]), values["joined_on"])
        members.append(values)
    return members


def _same(field_name, old, new):
    if field_name in ("name", "party_post"):
        return normalize_text(old) == normalize_text(new)
    return (old or None) == (new or None)


def _match(rows, members, dateless=()):
    """{row number: member} for the rows that are on record; errors for rows that could be more than one.

    `dateless` rows (their 入党日期 unreadable) are looked for by name and mobile number only, so that a typo in a
    date does not make a member read as gone in the preview."""
    by_key = defaultdict(list)
    for member in members:
        by_key[member["key"]].append(member)
    groups = defaultdict(list)
    for row in rows:
        groups[row.key].append(row)

    matched, taken, reserved, errors = {}, set(), set(), []
    unmatched = []
    for key, group in groups.items():
        candidates = by_key.get(key, [])
        if len(group) == 1 and len(candidates) <= 1:
            if candidates:
                matched[group[0].number] = candidates[0]
                taken.add(candidates[0]["pk"])
            else:
                unmatched.append(group[0])
            continue
        # Several people share a name and 入党日期: the mobile number tells them apart.
        left_rows = []
        for row in group:
            phone = row.values.get("phone")
            pairs = [c for c in candidates if phone and c["phone"] == phone and c["pk"] not in taken]
            if len(pairs) == 1:
                matched[row.number] = pairs[0]
                taken.add(pairs[0]["pk"])
            else:
                left_rows.append(row)
        left_candidates = [c for c in candidates if c["pk"] not in taken]
        if len(left_rows) == 1 and len(left_candidates) == 1:
            matched[left_rows[0].number] = left_candidates[0]  # one each: the same person, a new number
            taken.add(left_candidates[0]["pk"])
        elif left_rows and left_candidates:
            for row in left_rows:
                errors.append(
                    RowError(
                        row.number,
                        f"库中有 {len(left_candidates)} 名党员与此行姓名、入党日期相同，手机号码无法区分是哪一位，"
                        "请核对手机号码。",
                    )
                )
            reserved.update(c["pk"] for c in left_candidates)
        else:
            unmatched.extend(left_rows)

    unmatched.extend(dateless)
    # Nobody with this name and date: perhaps a corrected 入党日期 or a changed name, with the same mobile.
    free = [m for m in members if m["pk"] not in taken and m["pk"] not in reserved and m["phone"]]
    by_name_phone, by_date_phone = defaultdict(list), defaultdict(list)
    for member in free:
        by_name_phone[(member["key"][0], member["phone"])].append(member)
        by_date_phone[(member["joined_on"], member["phone"])].append(member)
    claims = defaultdict(list)
    for row in unmatched:
        phone = row.values.get("phone")
        if not phone:
            continue
        found = by_name_phone.get((row.values["name"], phone))
        if not found and row.values.get("joined_on"):
            found = by_date_phone.get((row.values["joined_on"], phone))
        if found and len(found) == 1:
            claims[found[0]["pk"]].append((row, found[0]))
        elif found:
            errors.append(RowError(row.number, "库中有多名党员与此行手机号码相同，无法确定是哪一位，请核对。"))
            reserved.update(m["pk"] for m in found)
    for claimants in claims.values():
        if len(claimants) == 1:
            row, member = claimants[0]
            matched[row.number] = member
            taken.add(member["pk"])
        else:
            numbers = "、".join(str(row.number) for row, _ in claimants)
            for row, member in claimants:
                errors.append(RowError(row.number, f"第 {numbers} 行都可能是库中的党员“{member['name']}”，请核对。"))
                reserved.add(member["pk"])
    return matched, taken | reserved, errors


def build_plan(sheet, lock=False, progress=_no_progress):
    """Compare the rows with the register: every change, every error; nothing is written."""
    organizations = _OrganizationLookup(lock)
    rows, errors = [], []
    with progress("检查数据", len(sheet.rows)) as bar:
        for number, values in sheet.rows:
            row = check_row(number, values, sheet.columns, organizations)
            rows.append(row)
            errors.extend(RowError(number, message) for message in row.errors)
            _advance(bar)

    # Duplicate rows: the same person twice, or two people the file gives no way to tell apart.
    first_of_key, identified = {}, []
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

    members = _existing_members(lock)
    dateless = [row for row in rows if row.values.get("name") and row.values.get("phone") and not row.identified]
    matched, accounted, match_errors = _match(identified, members, dateless)
    errors.extend(match_errors)
    errors.sort(key=lambda error: error.row)

    columns = [name for name in COMPARED_FIELDS if name in sheet.columns]
    entries, unchanged = [], 0
    for row in identified:
        if row.errors:
            continue  # matched all the same, so that a bad row never reads as a departure
        member = matched.get(row.number)
        if member is None:
            entries.append(
                Entry(
                    RosterChange.Kind.JOINED,
                    row.values["name"],
                    row=row.number,
                    to_organization=row.values["organization"],
                    values=dict(row.values),
                    changes=[(name, None, value) for name, value in row.values.items()],
                )
            )
            continue
        changes = [
            (name, member[name], row.values[name])
            for name in columns
            if name in row.values and not _same(name, member[name], row.values[name])
        ]
        returning = member["status"] == Member.Status.TRANSFERRED_OUT
        if not changes and not returning:
            unchanged += 1
            continue
        if returning:
            kind = RosterChange.Kind.RETURNED
        elif any(name == "organization" for name, _, _ in changes):
            kind = RosterChange.Kind.MOVED
        else:
            kind = RosterChange.Kind.UPDATED
        entries.append(
            Entry(
                kind,
                row.values["name"],
                row=row.number,
                member_id=member["pk"],
                from_organization=member["organization"],
                to_organization=row.values["organization"],
                values={name: new for name, _, new in changes},
                changes=changes,
            )
        )

    matched_ids = {member["pk"] for member in matched.values()}
    departures = [
        member
        for member in members
        if member["status"] == Member.Status.ACTIVE
        and member["pk"] not in matched_ids
        and member["pk"] not in accounted
    ]
    for member in departures:
        entries.append(
            Entry(
                RosterChange.Kind.LEFT,
                member["name"],
                member_id=member["pk"],
                from_organization=member["organization"],
            )
        )

    warnings = []
    active = sum(1 for member in members if member["status"] == Member.Status.ACTIVE)
    if departures and len(departures) >= 5 and len(departures) > active * LARGE_DEPARTURE_SHARE:
        warnings.append(
            f"本次将有 {len(departures)} 名党员转出（占在册党员 {len(departures) * 100 // active}%）。"
            "请确认上传的是全县完整名册，而不是某个支部或单位的名单。"
        )
    return Plan(
        row_count=len(sheet.rows),
        columns=columns,
        errors=errors,
        entries=entries,
        unchanged=unchanged,
        warnings=warnings,
        organization_names=organizations.names,
    )


# --- Staging, applying, exporting --------------------------------------------------------------------------------

PREVIEW_LIMIT = 500  # rows shown per kind of change; the counts are always complete
STALE_AFTER = datetime.timedelta(days=1)


def stage_import(data, file_name, user=None, source=RosterImport.Source.ADMIN, progress=_no_progress):
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


def apply_import(record_id, user=None, expected_sha256="", progress=_no_progress):
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
            _advance(bar)
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


def export_rows():
    """The active members in the import's columns, so that importing the export changes nothing."""
    members = Member.objects.active().select_related("organization").order_by("organization__path", "name", "pk")
    for member in members.iterator(chunk_size=1000):
        yield [
            member.name,
            member.get_gender_display() if member.gender else "",
            member.organization.name,
            member.get_category_display(),
            member.joined_on,
            member.phone,
            member.party_post,
        ]


# Sent by the export view with its request: the security audit log records it (members imports no other app).
exported = Signal()


def export_response():
    from dangjian.excel import xlsx_response

    return xlsx_response(f"党员名册-{timezone.localdate():%Y%m%d}.xlsx", HEADERS, export_rows(), "党员名册")
