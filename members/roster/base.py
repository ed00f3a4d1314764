"""What every stage of the roster import shares: the columns, the two errors, text as compared, progress."""

import hashlib
import re
from contextlib import nullcontext

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

SPACES = re.compile(r"\s+")


class RosterFileError(Exception):
    """The whole file is refused (not a spreadsheet, empty, too large, no header): a message for the editor."""


class RosterConflict(Exception):
    """An import cannot be applied as previewed (already applied, another file, the register changed)."""


def no_progress(label, total):
    return nullcontext(None)


def advance(progress, steps=1):
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
