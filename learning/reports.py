"""Credits read from the ledger: a member's year, a branch's 台账, the 工委's roll-up.

Every figure is summed from CreditRecord in a fixed number of queries, whatever the number of members or records.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.functions import Length, Substr
from django.utils import timezone

from home.cache import shared_value
from members.models import Member, Organization

from .models import CoursePage, CourseQuestion, CreditRecord, LessonPage

ZERO = Decimal("0")
SOURCES = [choice for choice, _ in CreditRecord.Source.choices]


def requirement_for(member, site_settings):
    """学时 a member owes in a year: 56 for branch secretaries and committee members, otherwise 32."""
    if member.needs_secretary_hours:
        return site_settings.secretary_annual_credits
    return site_settings.member_annual_credits


def pace_fraction(year, today=None):
    """The share of the year gone by: a member on pace has at least this share of his requirement."""
    today = today or timezone.localdate()
    if year < today.year:
        return Decimal(1)
    if year > today.year:
        return ZERO
    start = datetime.date(year, 1, 1)
    days = (datetime.date(year + 1, 1, 1) - start).days
    return Decimal((today - start).days + 1) / Decimal(days)


def _round(value, places="0.01"):
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass
class CourseProgress:
    course: CoursePage
    done: bool
    lessons_total: int
    lessons_done: int


@dataclass
class MemberYear:
    member: Member
    year: int
    requirement: Decimal
    by_source: dict = field(default_factory=dict)
    required_courses: Decimal = ZERO  # credits from required courses (lessons and tests)
    elective_courses: Decimal = ZERO
    courses: list = field(default_factory=list)  # CourseProgress of the year's courses that apply to him
    expected: Decimal = ZERO

    @property
    def total(self):
        return sum(self.by_source.values(), ZERO)

    @property
    def percent(self):
        if not self.requirement:
            return 100
        return min(100, int(self.total * 100 / self.requirement))

    @property
    def complete(self):
        return self.total >= self.requirement

    @property
    def remaining(self):
        """学时 still owed this year (0 once complete): the page shows total + remaining = requirement, exactly."""
        return max(ZERO, self.requirement - self.total)

    @property
    def expected_figure(self):
        """The pace target rounded to the cent, the figure shown; behind_by is taken from it, so that the shown
        target minus the shown total is the shown shortfall."""
        return _round(self.expected)

    @property
    def behind_by(self):
        """学时 short of the pace needed to finish by 31 December (0 when on pace)."""
        return max(ZERO, self.expected_figure - self.total)

    @property
    def missing_required(self):
        return [progress.course for progress in self.courses if progress.course.is_required and not progress.done]

    @property
    def completed_courses(self):
        return [progress.course for progress in self.courses if progress.done]


def year_courses(year):
    """The year's live courses with their live lessons' ids: the same for every member and report, so shared until
    the next publish (home.cache.shared_value; two queries when built)."""
    return shared_value(("year-courses", year), lambda: (_year_courses(year), None))


def _year_courses(year):
    courses = list(
        CoursePage.objects.live()
        .filter(year=year)
        .annotate(with_test=Exists(CourseQuestion.objects.filter(page=OuterRef("pk"))))
        .order_by("-kind", "path")  # required (必修) first
    )
    lessons = defaultdict(list)
    if courses:
        # By the parent's path, not an OR of prefixes: SQLite refuses an expression 1,000 courses deep.
        parent_path = Substr("path", 1, Length("path") - LessonPage.steplen)
        rows = (
            LessonPage.objects.live()
            .annotate(parent_path=parent_path)
            .filter(parent_path__in=[course.path for course in courses])
            .order_by("path")
            .values_list("pk", "parent_path")
        )
        for pk, path in rows:
            lessons[path].append(pk)
    for course in courses:
        course.lesson_ids = lessons[course.path]
        course.is_required = course.kind == CoursePage.Kind.REQUIRED
    return courses


def course_finished(course, pages_done):
    """Whether a course of year_courses is finished, given the pages (lessons, the course's test) credited to the
    member: every live lesson and, where there is one, the course test. The one rule for reports and certificates."""
    return (
        bool(course.lesson_ids)
        and all(pk in pages_done for pk in course.lesson_ids)
        and (course.pk in pages_done or not course.with_test)
    )


def member_years(members, year, site_settings, today=None):
    """MemberYear for each member of a queryset of members (with their organizations), in five queries."""
    member_filter = Q(member__in=members.values("pk"))
    members = list(members)
    pace = pace_fraction(year, today)
    courses = year_courses(year)

    sums = defaultdict(lambda: defaultdict(lambda: ZERO))
    by_kind = defaultdict(lambda: defaultdict(lambda: ZERO))
    rows = (
        CreditRecord.objects.filter(member_filter, year=year)
        .values_list("member_id", "source", "course__kind")
        .annotate(points=Sum("points"))
        .order_by()
    )
    for member_id, source, kind, points in rows:
        sums[member_id][source] += points
        if kind:
            by_kind[member_id][kind] += points

    course_pages = [pk for course in courses for pk in course.lesson_ids] + [course.pk for course in courses]
    done = defaultdict(set)
    if course_pages:
        credited = CreditRecord.objects.filter(
            member_filter,
            source__in=[CreditRecord.Source.LESSON, CreditRecord.Source.COURSE_TEST],
            page_id__in=course_pages,
        ).values_list("member_id", "page_id")
        for member_id, page_id in credited:
            done[member_id].add(page_id)

    result = []
    for member in members:
        requirement = requirement_for(member, site_settings)
        entry = MemberYear(
            member=member,
            year=year,
            requirement=requirement,
            by_source={source: sums[member.pk][source] for source in SOURCES},
            required_courses=by_kind[member.pk][CoursePage.Kind.REQUIRED],
            elective_courses=by_kind[member.pk][CoursePage.Kind.ELECTIVE],
            expected=requirement * pace,
        )
        pages_done = done[member.pk]
        for course in courses:
            if not course.applies_to(member):
                continue
            lessons_done = sum(1 for pk in course.lesson_ids if pk in pages_done)
            entry.courses.append(
                CourseProgress(course, course_finished(course, pages_done), len(course.lesson_ids), lessons_done)
            )
        result.append(entry)
    return result


@dataclass
class RollUp:
    organization: Organization
    members: int = 0
    complete: int = 0
    behind: int = 0
    total: Decimal = ZERO
    requirement: Decimal = ZERO
    children: list = field(default_factory=list)

    @property
    def percent(self):
        return min(100, int(self.total * 100 / self.requirement)) if self.requirement else 0

    def add(self, entry):
        self.members += 1
        self.complete += entry.complete
        self.behind += entry.behind_by > 0
        self.total += entry.total
        self.requirement += entry.requirement


def overview(year, site_settings, today=None):
    """Every 片组 and unit, rolled up from every active member's year (a fixed number of queries).

    Returns (groups, committee total): each group RollUp has its units as children.
    """
    members = Member.objects.active().select_related("organization")
    entries = member_years(members, year, site_settings, today)
    organizations = {
        org.path: org
        for org in Organization.objects.filter(kind__in=[Organization.Kind.GROUP, Organization.Kind.UNIT]).only(
            "pk", "name", "short_name", "path", "kind", "sort_order"
        )
    }
    groups, units = {}, {}
    committee = RollUp(Organization(name="合计"))
    for entry in entries:
        committee.add(entry)
        ancestors = entry.member.organization.ancestors_by_kind(organizations)
        group, unit = ancestors.get(Organization.Kind.GROUP), ancestors.get(Organization.Kind.UNIT)
        if group is None:
            continue
        if group.path not in groups:
            groups[group.path] = RollUp(group)
        groups[group.path].add(entry)
        if unit is not None:
            if unit.path not in units:
                units[unit.path] = RollUp(unit)
                groups[group.path].children.append(units[unit.path])
            units[unit.path].add(entry)
    ordered = sorted(groups.values(), key=lambda rollup: (rollup.organization.sort_order, rollup.organization.path))
    for group in ordered:
        group.children.sort(key=lambda rollup: (rollup.organization.sort_order, rollup.organization.path))
    return ordered, committee


def chart(groups, pace):
    """A horizontal bar chart (server-rendered SVG) of each 片组's share of its requirement, with the pace line."""
    width, label_width, bar_height, gap = 640, 150, 22, 10
    plot = width - label_width - 50
    bars = []
    for index, group in enumerate(groups):
        y = 10 + index * (bar_height + gap)
        bars.append(
            {
                "label": group.organization.short_name or group.organization.name,
                "y": y,
                "text_y": y + bar_height * 0.72,
                "width": round(plot * group.percent / 100, 1),
                "value_x": label_width + round(plot * group.percent / 100, 1) + 6,
                "percent": group.percent,
            }
        )
    height = 20 + len(groups) * (bar_height + gap)
    return {
        "width": width,
        "height": height,
        "label_width": label_width,
        "bar_height": bar_height,
        "plot": plot,
        "pace_x": label_width + round(plot * float(pace), 1),
        "pace_percent": int(pace * 100),
        "bars": bars,
    }


# ---------------------------------------------------------------------------------------------- a member's pace


@dataclass
class PaceChart:
    """A member's cumulative 学时 through a year against the pace line (server-side SVG, no script).

    Coordinates are in the SVG's own units: a narrow viewBox, so that at 375 px the labels keep their size."""

    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    path: str  # the member's cumulative line, a step at each day with records
    pace_end: tuple  # (x, y) where the pace line ends: 31 December at the requirement
    pace_today: tuple | None  # (x, y) of today's pace target (this year only)
    mine_end: tuple  # (x, y) of the member's figure at the line's end
    gridlines: list  # [(y, label)]
    months: list  # [(x, label)]
    summary: str  # the text alternative: the figures in a sentence


def pace_chart(entry, records, today=None):
    """The chart of `entry` (a MemberYear) from `records`, the year's CreditRecords already fetched for the page
    (no query of its own). A record counts at the end of its local date, as the pace does (pace_fraction), kept
    inside the year (a record for last year may be entered in January)."""
    from .credits import format_credit

    today = today or timezone.localdate()
    year, requirement = entry.year, entry.requirement
    start = datetime.date(year, 1, 1)
    days = (datetime.date(year + 1, 1, 1) - start).days
    if year < today.year:
        end_day = days
    elif year > today.year:
        end_day = 0
    else:
        end_day = (today - start).days + 1

    by_day = defaultdict(lambda: ZERO)
    for record in records:
        day = (timezone.localtime(record.created_at).date() - start).days + 1
        by_day[min(max(day, 1), max(end_day, 1))] += record.points
    steps, running, peak = [], ZERO, ZERO
    for day in sorted(by_day):
        running += by_day[day]
        peak = max(peak, running)
        steps.append((day, running))

    width, height, left, right, top, bottom = 360, 210, 34, 12, 14, 30
    plot_width, plot_height = width - left - right, height - top - bottom
    top_value = max(requirement, peak, Decimal(1))

    def x(day):
        return round(left + plot_width * day / days, 1)

    def y(value):
        value = max(ZERO, Decimal(value))
        return round(top + plot_height * float(1 - value / top_value), 1)

    points, value = [f"M{x(0)},{y(0)}"], ZERO
    for day, running in steps:
        points.append(f"H{x(day)}V{y(running)}")
        value = running
    points.append(f"H{x(end_day)}")

    gridlines = [(y(requirement), format_credit(requirement)), (y(requirement / 2), format_credit(requirement / 2))]
    if top_value > requirement:
        gridlines.append((y(top_value), format_credit(top_value)))
    gridlines.append((y(0), "0"))
    months = [(x((datetime.date(year, month, 1) - start).days), f"{month}月") for month in range(1, 13, 2)]

    pace_today = None
    if year == today.year:
        pace_today = (x(end_day), y(entry.expected_figure))
        summary = (
            f"截至{today.month}月{today.day}日，{year}年已完成 {format_credit(entry.total)} 学时；"
            f"按全年进度（蓝线）此时应完成 {format_credit(entry.expected_figure)} 学时"
            + (f"，还差 {format_credit(entry.behind_by)} 学时" if entry.behind_by else "，进度正常")
            + f"；年度要求 {format_credit(requirement)} 学时"
            + ("，已完成。" if entry.complete else f"，还差 {format_credit(entry.remaining)} 学时。")
        )
    elif year < today.year:
        summary = f"{year}年共完成 {format_credit(entry.total)} 学时，年度要求 {format_credit(requirement)} 学时" + (
            "，已完成。" if entry.complete else f"，差 {format_credit(entry.remaining)} 学时未完成。"
        )
    else:
        summary = f"{year}年尚未开始，年度要求 {format_credit(requirement)} 学时。"
    return PaceChart(
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_width,
        plot_height=plot_height,
        path="".join(points),
        pace_end=(x(days), y(requirement)),
        pace_today=pace_today,
        mine_end=(x(end_day), y(value)),
        gridlines=gridlines,
        months=months,
        summary=summary,
    )


SOURCE_LABELS = dict(CreditRecord.Source.choices)


def branch_sheet(rows):
    """The Excel 台账 of a branch's member years: (headers, rows)."""
    headers = ["序号", "姓名", "党组织", "人员类别", "年度要求（学时）"]
    headers += [f"{label}（学时）" for label in SOURCE_LABELS.values()]
    headers += ["合计（学时）", "完成比例", "按进度应完成（学时）", "落后进度（学时）", "未完成的必修课程"]
    data = [
        [
            number,
            row.member.name,
            row.member.organization.name,
            row.member.get_category_display(),
            float(row.requirement),
            *[float(row.by_source[source]) for source in SOURCE_LABELS],
            float(row.total),
            f"{row.percent}%",
            float(_round(row.expected)),
            float(row.behind_by),
            "、".join(course.title for course in row.missing_required),
        ]
        for number, row in enumerate(rows, start=1)
    ]
    return headers, data


def overview_sheet(groups, total):
    """The Excel roll-up of every 片组 and unit, with subtotals and the total: (headers, rows)."""
    headers = ["片组", "单位", "党员数", "已完成年度要求", "落后进度", "累计学时", "应完成学时", "完成比例"]

    def line(first, second, rollup):
        figures = [rollup.members, rollup.complete, rollup.behind, float(rollup.total), float(rollup.requirement)]
        return [first, second, *figures, f"{rollup.percent}%"]

    data = []
    for group in groups:
        data.extend(line(group.organization.name, unit.organization.name, unit) for unit in group.children)
        data.append(line(f"{group.organization.name} 小计", "", group))
    data.append(line("合计", "", total))
    return headers, data
