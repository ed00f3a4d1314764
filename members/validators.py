"""The site's password policy (等保 2.0 level 3): long enough, three of four kinds of character, and none of the
patterns a guesser tries first here: the site's and the committee's names in pinyin or initials, the user's own
name in pinyin, keyboard and number runs, dates and repeats. Each rule has its own Chinese message.

The demo's password (seed_demo) is set directly and never passes through these rules: it is refused for any real
account, as is every variant of it (dangjian2026, Dangjian2026!).
"""

import datetime
import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from pypinyin import Style, lazy_pinyin


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a Chinese message (Django 5.2.19 changed its text and has no translation)."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


CHARACTER_CLASSES = {
    "大写字母": re.compile(r"[A-Z]"),
    "小写字母": re.compile(r"[a-z]"),
    "数字": re.compile(r"\d"),
    "符号": re.compile(r"[^A-Za-z\d]"),
}


class CharacterClassesValidator:
    """At least `min_classes` of upper-case letters, lower-case letters, digits and symbols."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(bool(pattern.search(password)) for pattern in CHARACTER_CLASSES.values())
        if present < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_character_classes")

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 种。"


# The site's and the committee's names, in pinyin and initials: what a guesser tries first on 机关党建网.
SITE_WORDS = (
    "dangjian",
    "jiguan",
    "dangyuan",
    "gongchandang",
    "zhonggong",
    "dangwei",
    "dangzhibu",
    "zhibu",
    "gongwei",
    "dangxiao",
    "dangwu",
    "zuzhi",
    "zhengfu",
    "xianwei",
)
# Initials are short: refused when they are all the letters of the password (dj123456, DJW@2026).
SITE_INITIALS = frozenset({"dj", "djw", "jg", "jgdj", "jgdw", "dy", "gcd", "zgdj", "zg", "dw", "zb", "gw", "jgdjw"})

KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfvtgb")
RUN_LENGTH = 4  # four in a row: 1234, abcd, qwer, 4321, aaaa


def _letters(password):
    return "".join(re.findall(r"[a-z]", password.lower()))


def _has_run(text):
    """Whether `text` holds RUN_LENGTH characters in a row that follow each other in the alphabet, the digits or
    a keyboard row, either way round."""
    lowered = text.lower()
    for start in range(len(lowered) - RUN_LENGTH + 1):
        chunk = lowered[start : start + RUN_LENGTH]
        steps = {ord(b) - ord(a) for a, b in zip(chunk, chunk[1:], strict=False)}
        if chunk.isalnum() and (steps == {1} or steps == {-1}) and (chunk.isdigit() or chunk.isalpha()):
            return True
        if any(chunk in row or chunk[::-1] in row for row in KEYBOARD_ROWS):
            return True
    return False


def _has_date(password):
    """An 8-digit date from 1900 to 2099 (19900101, 2026-01-01, 2026.1.1)."""
    for year, month, day in re.findall(r"(19\d\d|20\d\d)[-./]?(\d{1,2})[-./]?(\d{1,2})", password):
        if len(month + day) < 4 and not re.search(rf"{year}[-./]", password):
            continue  # 202611 is more likely a number than 2026-1-1
        try:
            datetime.date(int(year), int(month), int(day))
        except ValueError:
            continue
        return True
    return False


def _is_repetitive(password):
    if re.search(rf"(.)\1{{{RUN_LENGTH - 1},}}", password.lower()):
        return True
    # The whole password one short piece again and again (abcabc, Ab1!Ab1!).
    return any(
        len(password) % size == 0 and password == password[:size] * (len(password) // size)
        for size in range(1, len(password) // 2 + 1)
    )


class ChinesePatternValidator:
    """Refuses the site's names in pinyin or initials, keyboard and number runs, dates and repeats."""

    def validate(self, password, user=None):
        lowered = password.lower()
        word = next((word for word in SITE_WORDS if word in lowered), None)
        if word or _letters(password) in SITE_INITIALS:
            raise ValidationError(
                "密码不能包含本网站或党组织名称的拼音或缩写（如 dangjian、dj、jiguan），这类密码最先被猜中。",
                code="password_site_name",
            )
        if _has_run(password):
            raise ValidationError(
                "密码不能包含连续的数字、字母或键盘顺序（如 1234、abcd、qwer）。", code="password_sequence"
            )
        if _has_date(password):
            raise ValidationError("密码不能包含日期（如生日 19900101）。", code="password_date")
        if _is_repetitive(password):
            raise ValidationError("密码不能由重复的字符组成（如 aaaa、abcabc）。", code="password_repeated")

    def get_help_text(self):
        return "不能包含本网站名称的拼音或缩写、连续或键盘顺序的字符、日期或重复的字符。"


def _name_pinyin(user):
    """The pinyin spellings of the user's names: whole (zhangsan), surname and given name, initials (zs)."""
    names = [getattr(user, "first_name", ""), getattr(user, "last_name", "")]
    try:
        member = user.member if user.pk else None
    except Exception:  # no member record (RelatedObjectDoesNotExist)
        member = None
    if member is not None:
        names.append(member.name)
    spellings, initials = set(), set()
    for name in filter(None, names):
        if not re.search(r"[\u4e00-\u9fff]", name):
            spellings.add(name.lower())
            continue
        syllables = [syllable.lower() for syllable in lazy_pinyin(name) if syllable.isalpha()]
        spellings.add("".join(syllables))
        if len(syllables) > 1:  # surname last (sanzhang), and the given name alone where it is long enough
            given = "".join(syllables[1:])
            spellings.add(given + syllables[0])
            if len(given) >= 4:
                spellings.add(given)
        initials.add("".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower())
    return {spelling for spelling in spellings if len(spelling) >= 4}, {i for i in initials if len(i) >= 2}


class PersonalPinyinValidator:
    """Refuses the user's own username and name, in pinyin (zhangsan, Zhangsan@1 for 张三) or initials."""

    def validate(self, password, user=None):
        if user is None:
            return
        lowered = password.lower()
        spellings, initials = _name_pinyin(user)
        username = (getattr(user, "username", "") or "").lower()
        username_letters = _letters(username)
        if len(username) >= 3 and username in lowered:
            spellings.add(username)
        if len(username_letters) >= 3:
            spellings.add(username_letters)
        if any(spelling in lowered for spelling in spellings) or _letters(password) in initials:
            raise ValidationError(
                "密码不能包含您的用户名或姓名的拼音、缩写（如 zhangsan、zs）。", code="password_personal_name"
            )

    def get_help_text(self):
        return "不能包含您的用户名或姓名的拼音、缩写。"
