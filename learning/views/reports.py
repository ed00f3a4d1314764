"""The 学时 reports: a branch's for its secretary, the county's roll-up for 党务干部, and their Excel."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from dangjian.excel import xlsx_response
from home.models import SiteSettings
from members.models import Member, Organization
from security import audit

from .. import access, reports
from .common import year_asked


def _branch_rows(request, branch, year):
    members = Member.objects.active().filter(organization=branch).select_related("organization").order_by("name")
    return reports.member_years(members, year, SiteSettings.for_request(request))


@login_required
@require_GET
def report_home(request):
    """The report a user may see: the 工委's roll-up for 党务干部, his branch for a 支部书记."""
    if access.is_cadre(request.user):
        return redirect("learning:overview")
    branch = access.secretary_branch(request.user)
    if branch is None:
        raise PermissionDenied("学时报表仅向支部书记和党务干部开放。")
    return redirect("learning:branch_report", organization_id=branch.pk)


def _branch_for(request, organization_id):
    branch = get_object_or_404(Organization, pk=organization_id)
    if not access.can_view_branch(request.user, branch):
        raise PermissionDenied("您只能查看本支部的学时情况。")
    return branch


@login_required
@require_GET
def branch_report(request, organization_id):
    branch = _branch_for(request, organization_id)
    year = year_asked(request)
    rows = _branch_rows(request, branch, year)
    return render(
        request,
        "learning/branch_report.html",
        {
            "branch": branch,
            "year": year,
            "rows": rows,
            "behind": [row for row in rows if row.behind_by > 0],
            "pace_percent": int(reports.pace_fraction(year) * 100),
            "can_record": access.can_record_credits(request.user),
            "is_cadre": access.is_cadre(request.user),
        },
    )


@login_required
@require_GET
def branch_report_xlsx(request, organization_id):
    branch = _branch_for(request, organization_id)
    year = year_asked(request)
    rows = _branch_rows(request, branch, year)
    headers, data = reports.branch_sheet(rows)
    audit.record(audit.Kind.EXPORT, request=request, target=f"{branch.name}{year}年党员学习学时台账", count=len(data))
    return xlsx_response(f"{branch.name}{year}年党员学习学时台账.xlsx", headers, data, title=f"{year}年学时台账")


def _require_cadre(request):
    if not access.is_cadre(request.user):
        raise PermissionDenied("全县学时汇总仅向党务干部开放。")


@login_required
@require_GET
def overview(request):
    _require_cadre(request)
    year = year_asked(request)
    groups, total = reports.overview(year, SiteSettings.for_request(request))
    pace = reports.pace_fraction(year)
    # A unit's row links to the report of a branch in it.
    unit_rows = {unit.organization.path: unit for group in groups for unit in group.children}
    units = {path: row.organization for path, row in unit_rows.items()}
    for row in unit_rows.values():
        row.branch = None
    for branch in Organization.objects.filter(kind=Organization.Kind.BRANCH).only("pk", "path", "name", "kind"):
        unit = branch.ancestors_by_kind(units).get(Organization.Kind.UNIT)
        if unit is not None:
            unit_rows[unit.path].branch = branch
    return render(
        request,
        "learning/overview.html",
        {
            "year": year,
            "groups": groups,
            "total": total,
            "chart": reports.chart(groups, pace),
            "pace_percent": int(pace * 100),
        },
    )


@login_required
@require_GET
def overview_xlsx(request):
    _require_cadre(request)
    year = year_asked(request)
    groups, total = reports.overview(year, SiteSettings.for_request(request))
    headers, data = reports.overview_sheet(groups, total)
    audit.record(audit.Kind.EXPORT, request=request, target=f"{year}年机关党员学习学时汇总", count=len(data))
    return xlsx_response(f"{year}年机关党员学习学时汇总.xlsx", headers, data, title=f"{year}年学时汇总")
