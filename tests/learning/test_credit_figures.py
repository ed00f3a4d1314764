"""Issue 18: one way to show 学时 figures, and the figures shown on /me/ and /learning/my/ are the ledger's and add up."""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone
from wagtail.models import Site

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


# --- The pace line on /learning/my/ -----------------------------------------------------------------------------


def path_steps(path):
    """[(x, y)] of the corners of an SVG path made of M, H and V commands."""
    x = y = None
    corners = []
    for command, value in re.findall(r"([MHV])([-\d.,]+)", path):
        if command == "M":
            x, y = (float(part) for part in value.split(","))
        elif command == "H":
            x = float(value)
        else:
            y = float(value)
        corners.append((x, y))
    return corners


def test_pace_chart_follows_the_ledger_day_by_day(member, learning):
    import datetime

    from learning import reports
    from members.models import Member

    year = learning["year"] - 1  # a past year: the whole year is drawn
    local = timezone.get_current_timezone()
    for points, month, day in [("0.25", 2, 10), ("0.75", 2, 10), ("1.50", 6, 30), ("-0.25", 7, 1), ("2.00", 11, 5)]:
        CreditRecord.objects.create(
            member=member,
            year=year,
            points=Decimal(points),
            source="manual",
            reason=f"{month}月{day}日学习",
            created_at=datetime.datetime(year, month, day, 20, 30, tzinfo=local),
        )
    # Entered in January for last year: it counts on 31 December, inside the year.
    CreditRecord.objects.create(
        member=member,
        year=year,
        points=Decimal("0.25"),
        source="manual",
        reason="补登",
        created_at=datetime.datetime(year + 1, 1, 3, 9, 0, tzinfo=local),
    )
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    entry = reports.member_years(Member.objects.filter(pk=member.pk), year, site_settings)[0]
    records = list(CreditRecord.objects.filter(member=member, year=year))
    chart = reports.pace_chart(entry, records)
    days = (datetime.date(year + 1, 1, 1) - datetime.date(year, 1, 1)).days
    bottom = chart.top + chart.plot_height

    def x(date):
        return round(chart.left + chart.plot_width * ((date - datetime.date(year, 1, 1)).days + 1) / days, 1)

    def y(value):
        return round(bottom - chart.plot_height * float(Decimal(value) / entry.requirement), 1)

    corners = path_steps(chart.path)
    assert corners[0] == (chart.left, bottom)
    rises = [(corners[i][0], corners[i][1]) for i in range(1, len(corners)) if corners[i][1] != corners[i - 1][1]]
    assert rises == [
        (x(datetime.date(year, 2, 10)), y("1")),
        (x(datetime.date(year, 6, 30)), y("2.5")),
        (x(datetime.date(year, 7, 1)), y("2.25")),
        (x(datetime.date(year, 11, 5)), y("4.25")),
        (x(datetime.date(year, 12, 31)), y("4.5")),
    ]
    assert entry.total == Decimal("4.5")
    assert chart.mine_end == (chart.left + chart.plot_width, y(entry.total))
    assert chart.pace_end == (chart.left + chart.plot_width, chart.top)  # the requirement, on 31 December
    assert chart.pace_today is None
    assert chart.summary == f"{year}年共完成 4.5 学时，年度要求 32 学时，差 27.5 学时未完成。"


def test_my_page_draws_the_pace_line_with_its_figures(client, member_user, ledger):
    client.force_login(member_user)
    html = client.get("/learning/my/").content.decode()
    figure = html[html.index('<figure class="pace-chart">') : html.index("</figure>")]
    assert 'role="img"' in figure and "<title" in figure and "<desc" in figure
    assert 'class="pace-chart__pace"' in figure and 'class="pace-chart__mine"' in figure
    # The text alternative says the same figures as the summary above it, with no script and no other member.
    done, requirement, remaining = summary_figures(html)
    sentence = re.search(r"<desc[^>]*>([^<]+)</desc>", figure).group(1)
    assert f"已完成 {format_credit(done)} 学时" in sentence
    assert f"年度要求 {format_credit(requirement)} 学时，还差 {format_credit(remaining)} 学时。" in sentence
    assert sentence in figure.split("<figcaption>", 1)[1]
    assert "<script" not in figure and "style=" not in figure
    # This year: a dot on the pace line today, where the shown target is.
    expected = re.search(rf"此时应完成 {NUMBER} 学时", sentence).group(1)
    assert expected in html.split("credit-summary", 1)[1] or "学习进度正常" in html
