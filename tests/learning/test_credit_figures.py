"""Issue 18: one way to show 学时 figures, and the figures shown on /me/ and /learning/my/ are the ledger's and add up."""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone

from home.models import SiteSettings
from learning.credits import format_credit
from learning.models import CreditRecord
from learning.reports import pace_fraction

pytestmark = pytest.mark.django_db

NUMBER = r"(-?\d+(?:\.\d+)?)"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1.50"), "1.5"),
        (Decimal("2.00"), "2"),
        (Decimal("0.25"), "0.25"),
        (Decimal("0.75"), "0.75"),
        (Decimal("-0.25"), "-0.25"),
        (Decimal("32.0"), "32"),
        (Decimal("0.00"), "0"),
        (Decimal("-0.001"), "0"),
        (Decimal("29.625"), "29.63"),  # half up, as the reports round
        (Decimal("10.374"), "10.37"),
        (None, "0"),
        (3, "3"),
        ("0.50", "0.5"),
    ],
)
def test_one_format(value, shown):
    assert format_credit(value) == shown


@pytest.fixture
def ledger(learning, member):
    """Several records of this year, quarters among them, a correction, and one of last year that must not count."""
    year = learning["year"]
    rows = [
        ("0.25", "manual", None, "支部学习一次"),
        ("0.75", "manual", None, "主题党日"),
        ("1.50", "manual", None, "党校培训半天"),
        ("-0.25", "manual", None, "更正：重复登记"),
        ("0.25", "lesson", learning["lesson2"], "课程学习：完成《第二讲：三会一课》"),
        ("1.00", "lesson", learning["lesson"], "课程学习：完成《第一讲：党员的义务》"),
    ]
    for points, source, page, reason in rows:
        CreditRecord.objects.create(
            member=member,
            year=year,
            points=Decimal(points),
            source=source,
            page=page,
            course=learning["course"] if page else None,
            reason=reason,
        )
    CreditRecord.objects.create(member=member, year=year - 1, points=Decimal("5.25"), source="manual", reason="去年")
    return CreditRecord.objects.filter(member=member, year=year).aggregate(total=Sum("points"))["total"]


def summary_figures(html):
    done, requirement, remaining = re.search(
        rf"已完成 <strong>{NUMBER}</strong> / {NUMBER} 学时，还差 <strong[^>]*>{NUMBER}</strong> 学时", html
    ).groups()
    return Decimal(done), Decimal(requirement), Decimal(remaining)


@pytest.mark.parametrize("url", ["/me/", "/learning/my/"])
def test_figures_are_the_ledgers_and_add_up(client, member_user, ledger, url):
    client.force_login(member_user)
    html = client.get(url).content.decode()
    done, requirement, remaining = summary_figures(html)
    assert done == ledger == Decimal("3.50")
    assert requirement == SiteSettings.objects.get().member_annual_credits
    assert done + remaining == requirement
    # The pace sentence: the shown target minus the shown total is the shown shortfall.
    pace = pace_fraction(timezone.localdate().year)
    target = (requirement * pace).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if target <= done:  # the first days of January: on pace
        assert "学习进度正常" in html
        return
    expected, behind = (
        Decimal(figure) for figure in re.search(rf"目前应完成 {NUMBER} 学时，还差 {NUMBER} 学时", html).groups()
    )
    assert expected == target
    assert expected - done == behind


def test_my_records_show_each_figure_and_sum_to_the_total(client, member_user, member, ledger):
    client.force_login(member_user)
    html = client.get("/learning/my/").content.decode()
    rows = re.findall(r"<td>(-?[\d.]+)</td>\s*<td>(?:系统认定|[^<]*)</td>\s*</tr>", html)
    shown = [Decimal(figure) for figure in rows]
    ledger_points = CreditRecord.objects.filter(member=member, year=timezone.localdate().year).values_list(
        "points", flat=True
    )
    assert sorted(shown) == sorted(ledger_points)
    assert sum(shown) == summary_figures(html)[0]
    assert "0.25" in rows and "-0.25" in rows and "0.75" in rows and "1.5" in rows
    assert "1.50" not in rows


def test_complete_year_shows_no_negative_remainder(client, member_user, member, learning):
    CreditRecord.objects.create(
        member=member, year=learning["year"], points=Decimal("32.75"), source="manual", reason="全年集中学习"
    )
    client.force_login(member_user)
    html = client.get("/me/").content.decode()
    assert "已完成 <strong>32.75</strong> / 32 学时" in html
    assert "已完成年度要求" in html
    assert "还差" not in html.split("credit-summary", 1)[1].split("</div>", 1)[0]


def test_admin_ledger_shows_the_same_figures(client, ledger):
    client.force_login(get_user_model().objects.create_superuser("root", password="Root2026pw"))
    html = client.get("/admin/credit_records/").content.decode()
    cells = re.findall(r"<td[^>]*>\s*(-?\d+(?:\.\d+)?)\s*</td>", html)
    assert "1.5" in cells and "0.75" in cells and "-0.25" in cells
    assert "1.50" not in cells and "0.75" in cells


def test_the_unit_is_xueshi_everywhere(client, member_user, ledger):
    """学时, never 学分: in what a member and an editor read, and in every source file that holds user text."""
    from pathlib import Path

    client.force_login(member_user)
    for url in ["/me/", "/learning/my/"]:
        assert "学分" not in client.get(url).content.decode()
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for folder in ["learning", "home", "members", "disclosures", "templates", "site"]
        for path in (root / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt", ".po", ".js"}
        and "migrations" not in path.parts
        and "学分" in path.read_text(encoding="utf-8", errors="ignore")
    ]
    assert offenders == []
    assert "学分" not in (root / "README.md").read_text(encoding="utf-8")
