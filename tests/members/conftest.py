"""Fixtures for the roster import: a register of members and a maker of .xlsx rosters."""

import datetime
from io import BytesIO

import pytest
from openpyxl import Workbook

from members import roles
from members.models import Member
from members.roster import HEADERS


def roster_bytes(rows, headers=HEADERS, title=None):
    """An .xlsx roster: an optional merged title row, the header, then the rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "党员名册"
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def make_roster():
    return roster_bytes


@pytest.fixture
def register(org_tree, make_member):
    """Four members on record, three with accounts, in three branches."""
    zhang = make_member(
        "member",
        org_tree["finance_branch"],
        name="张丽华",
        gender="female",
        joined_on=datetime.date(2008, 7, 1),
        phone="13857512345",
        party_post="组织委员",
    ).member
    wang = make_member(
        "member2",
        org_tree["health_branch"],
        name="王建军",
        gender="male",
        joined_on=datetime.date(2010, 6, 15),
        phone="13957554321",
    ).member
    li = Member.objects.create(
        name="李明",
        gender="male",
        organization=org_tree["finance_branch"],
        category=Member.Category.PROBATIONARY,
        joined_on=datetime.date(2025, 6, 20),
        phone="13600001111",
    )
    zhao_user = make_member(
        "zhaofang",
        org_tree["finance_branch_2"],
        name="赵芳",
        gender="female",
        joined_on=datetime.date(1999, 7, 1),
        party_post="支部书记",
        is_branch_secretary=True,
    )
    from django.contrib.auth.models import Group

    zhao_user.groups.add(Group.objects.get(name=roles.BRANCH_SECRETARY))
    return {"zhang": zhang, "wang": wang, "li": li, "zhao": zhao_user.member}


def row_of(member, **overrides):
    """A roster row for a member as he is on record, with some cells overridden (by header)."""
    values = {
        "姓名": member.name,
        "性别": member.get_gender_display() if member.gender else "",
        "所在党组织": member.organization.name,
        "人员类别": member.get_category_display(),
        "入党日期": member.joined_on,
        "手机号码": member.phone,
        "党内职务": member.party_post,
    }
    values.update(overrides)
    return [values[header] for header in HEADERS]


@pytest.fixture
def unchanged_rows(register):
    return [row_of(member) for member in register.values()]
