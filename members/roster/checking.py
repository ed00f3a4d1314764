"""Stage 2, checking: each row's cells as clean values (organization: its id), or its errors in Chinese."""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from ..models import Member, Organization
from .base import normalize_text

FOUNDING_DAY = datetime.date(1921, 7, 1)
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
TRAILING_TIME = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")


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


class OrganizationLookup:
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
