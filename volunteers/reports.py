"""Volunteer hours across the organization tree (工委 → 片组 → 单位 → 支部), for the 工委's read-only overview.

Everything is summed from the sign-ups on each request, never kept as a second copy that could drift: hours count
once a coordinator has confirmed them (status 已出勤). A volunteer's hours count for the unit and 片组 of the Party
organization his member record is in now; volunteers who are not members are counted apart. Six queries,
whatever the number of projects, units or sign-ups.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from members.models import Organization

from .models import ServiceSlot, SignUp, VolunteerProjectPage


@dataclass
class Totals:
    volunteers: int = 0  # people (each counted once per row)
    services: int = 0  # 人次: attended sign-ups
    hours: Decimal = Decimal("0")

    def add(self, volunteers, services, hours):
        self.volunteers += volunteers
        self.services += services
        self.hours += hours or Decimal("0")


@dataclass
class ProjectRow:
    project: VolunteerProjectPage
    unit: Organization | None
    group: Organization | None
    slots: int = 0
    pending: int = 0  # seat holders of ended slots whose attendance is not recorded yet
    totals: Totals = field(default_factory=Totals)


@dataclass
class UnitRow:
    group: Organization | None
    unit: Organization | None
    label: str
    is_subtotal: bool = False
    totals: Totals = field(default_factory=Totals)


@dataclass
class Overview:
    year: int
    projects: list
    units: list  # UnitRow: each 片组's subtotal, then its units with records; then the rows outside the tree
    total: Totals
    pending: int


def year_range(year):
    """The Beijing calendar year as an aware [start, end) range: an index-friendly filter on slot start."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=zone)


def hours_overview(year):
    start, end = year_range(year)
    now = timezone.now()
    in_year = Q(slot__start__gte=start, slot__start__lt=end)
    attended = Q(status=SignUp.Status.ATTENDED)

    # Organizations: every 片组 and 单位 (a few hundred at most), to place projects and branches by path.
    tree = list(
        Organization.objects.filter(kind__in=[Organization.Kind.GROUP, Organization.Kind.UNIT]).only(
            "id", "name", "short_name", "kind", "path", "sort_order"
        )
    )
    by_path = {organization.path: organization for organization in tree}

    # Per project: slots of the year, then attended sign-ups, volunteers, hours and what is still to record.
    slot_counts = dict(
        ServiceSlot.objects.filter(start__gte=start, start__lt=end, is_cancelled=False)
        .values_list("page_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    stats = {
        row["slot__page_id"]: row
        for row in SignUp.objects.filter(in_year)
        .values("slot__page_id")
        .annotate(
            services=Count("id", filter=attended),
            volunteers=Count("user_id", filter=attended, distinct=True),
            hours=Sum("hours", filter=attended),
            pending=Count("id", filter=Q(status=SignUp.Status.CONFIRMED, slot__end__lte=now)),
        )
        .order_by()
    }
    project_ids = set(slot_counts) | set(stats)
    projects = []
    for project in (
        VolunteerProjectPage.objects.filter(pk__in=project_ids)
        .select_related("organizing_unit")
        .order_by("title", "pk")
    ):
        unit = project.organizing_unit
        places = unit.ancestors_by_kind(by_path) if unit else {}
        row = ProjectRow(
            project=project,
            unit=unit,
            group=places.get(Organization.Kind.GROUP),
            slots=slot_counts.get(project.pk, 0),
        )
        found = stats.get(project.pk)
        if found:
            row.totals.add(found["volunteers"], found["services"], found["hours"])
            row.pending = found["pending"]
        projects.append(row)

    # Per Party organization of the volunteers (None: not a member), rolled up to units and 片组.
    by_organization = list(
        SignUp.objects.filter(in_year & attended)
        .values("user__member__organization_id")
        .annotate(volunteers=Count("user_id", distinct=True), services=Count("id"), hours=Sum("hours"))
        .order_by()
    )
    branch_ids = {row["user__member__organization_id"] for row in by_organization} - {None}
    branches = {
        organization.pk: organization
        for organization in Organization.objects.filter(pk__in=branch_ids).only("id", "path", "kind")
    }
    group_totals, unit_totals = {}, {}
    outside, non_members, total = Totals(), Totals(), Totals()
    for row in by_organization:
        values = (row["volunteers"], row["services"], row["hours"])
        total.add(*values)
        branch = branches.get(row["user__member__organization_id"])
        if branch is None:
            non_members.add(*values)
            continue
        places = branch.ancestors_by_kind(by_path)
        group, unit = places.get(Organization.Kind.GROUP), places.get(Organization.Kind.UNIT)
        if group is None:
            outside.add(*values)
        else:
            group_totals.setdefault(group.pk, Totals()).add(*values)
        if unit is not None:
            unit_totals.setdefault(unit.pk, Totals()).add(*values)

    units = []
    groups = sorted((o for o in tree if o.kind == Organization.Kind.GROUP), key=lambda o: (o.sort_order, o.path))
    for group in groups:
        units.append(UnitRow(group, None, group.name, True, group_totals.get(group.pk, Totals())))
        members = [o for o in tree if o.kind == Organization.Kind.UNIT and o.path.startswith(group.path)]
        for unit in sorted(members, key=lambda o: (o.sort_order, o.path)):
            if unit.pk in unit_totals:
                units.append(UnitRow(group, unit, unit.name, False, unit_totals[unit.pk]))
    if outside.services:
        units.append(UnitRow(None, None, "未归入片组的党组织", True, outside))
    if non_members.services:
        units.append(UnitRow(None, None, "非党员志愿者（群众）", True, non_members))
    return Overview(
        year=year, projects=projects, units=units, total=total, pending=sum(row.pending for row in projects)
    )
