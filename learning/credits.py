"""The published credit rule (学时认定规则), in one place.

A lesson of 30 minutes or more is worth 1 学时, of 15 to 30 minutes 0.5 学时, of less than 15 minutes 0.25 学时,
unless the editor sets its credit. Passing a course's test after training adds 0.5 学时.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

COURSE_TEST_CREDIT = Decimal("0.5")

RULE_TEXT = "30 分钟及以上计 1 学时，15–30 分钟计 0.5 学时，15 分钟以下计 0.25 学时；通过课程测试另计 0.5 学时。"


CENT = Decimal("0.01")


def format_credit(value):
    """学时 as every page and message shows it: two decimals, trailing zeros trimmed (1.50 → 1.5, 2.00 → 2,
    0.25 → 0.25). Credits are multiples of 0.25, so two decimals show every ledger figure exactly, and figures
    shown side by side add up (已完成 + 还差 = 年度要求). Values with more places (a pace share of a requirement)
    are rounded half up to the cent first, as the reports round them."""
    if value is None or value == "":
        return "0"
    try:
        number = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def lesson_credit(duration_minutes, override=None):
    """The 学时 a completed lesson earns: the editor's value where set, otherwise the rule."""
    if override is not None:
        return Decimal(override)
    minutes = duration_minutes or 0
    if minutes >= 30:
        return Decimal("1")
    if minutes >= 15:
        return Decimal("0.5")
    return Decimal("0.25")
