"""Demo organizations, members and accounts (used by `manage.py seed_demo`). Deterministic and idempotent."""

import csv
import datetime
import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from . import roles
from .models import Member, Organization

ORGANS_FILE = Path(__file__).parent / "data" / "organs.tsv"
DEMO_PASSWORD = "dangjian2026"
COMMITTEE_CODE = "JGGW"
HOME_UNIT = "县财政局"  # the branch of the demo accounts `secretary` and `member`
MEMBERS_PER_BRANCH = 3  # plus the demo accounts: about 300 members in all

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌波辉婷宇浩凯鹏飞晨露颖琳雪梅海燕立新春晓东卫红亮俊峰佳慧"
POSTS = ["", "", "", "", "组织委员", "宣传委员", "纪检委员", "青年委员"]


def read_organs():
    """(group name, unit name) pairs from the bundled list of 96 county organs in 6 片组."""
    with ORGANS_FILE.open(encoding="utf-8") as handle:
        return [(row["片组"], row["单位"]) for row in csv.DictReader(handle, delimiter="\t")]


def _upsert_org(code, **fields):
    organization = Organization.objects.filter(code=code).first()
    if organization is None:
        return Organization.objects.create(code=code, **fields)
    changed = [name for name, value in fields.items() if getattr(organization, name) != value]
    if changed:
        for name in changed:
            setattr(organization, name, fields[name])
        organization.save()
    return organization


def seed_organizations(progress=None):
    """工委 → 6 片组 → 96 单位, each with its 机关党支部. Returns {unit name: branch}."""
    committee = _upsert_org(
        COMMITTEE_CODE,
        name="中共县直属机关工作委员会",
        short_name="县直机关工委",
        kind=Organization.Kind.WORKING_COMMITTEE,
    )
    groups, branches = {}, {}
    for number, (group_name, unit_name) in enumerate(read_organs(), start=1):
        if group_name not in groups:
            groups[group_name] = _upsert_org(
                f"PZ{len(groups) + 1:02d}",
                name=group_name,
                kind=Organization.Kind.GROUP,
                parent=committee,
                sort_order=len(groups) + 1,
            )
        unit = _upsert_org(
            f"DW{number:03d}", name=unit_name, kind=Organization.Kind.UNIT, parent=groups[group_name], sort_order=number
        )
        branches[unit_name] = _upsert_org(
            f"DW{number:03d}-01", name=f"{unit_name}机关党支部", kind=Organization.Kind.BRANCH, parent=unit
        )
        if progress:
            progress.advance()
    return branches


def _random_name(rng):
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _random_phone(rng):
    return rng.choice(["138", "139", "135", "136", "158", "159", "187", "188"]) + f"{rng.randrange(10**8):08d}"


def _random_joined_on(rng):
    return datetime.date(1985, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 40))


def seed_members(branches, rng, progress=None):
    """Three members per branch with a generated username (m0001, ...), updated in place on a second run."""
    User = get_user_model()
    member_group = Group.objects.get(name=roles.MEMBER)
    existing_users = {user.username: user for user in User.objects.filter(username__regex=r"^m\d{4}$")}
    # Hash the shared demo password once: hashing it per user would take a minute.
    password_hash = make_password(DEMO_PASSWORD)
    serial = 0
    for unit_name, branch in branches.items():
        for position in range(MEMBERS_PER_BRANCH):
            serial += 1
            username = f"m{serial:04d}"
            user = existing_users.get(username)
            if user is None:
                user = User.objects.create(username=username, password=password_hash)
            user.groups.add(member_group)
            name = _random_name(rng)
            Member.objects.update_or_create(
                user=user,
                defaults={
                    "name": name,
                    "gender": rng.choice(Member.Gender.values),
                    "organization": branch,
                    "category": Member.Category.PROBATIONARY if rng.random() < 0.08 else Member.Category.FULL,
                    "joined_on": _random_joined_on(rng),
                    "phone": _random_phone(rng),
                    "party_post": "支部书记" if position == 0 else rng.choice(POSTS),
                    "is_branch_secretary": position == 0 and unit_name != HOME_UNIT,
                    "is_committee_member": position == 1,
                },
            )
        if progress:
            progress.advance()


# username: (display name, roles, superuser, member of which unit's branch, branch secretary)
DEMO_ACCOUNTS = {
    "admin": ("系统管理员", [], True, None, False),
    "editor": ("周晓梅", [roles.PARTY_CADRE], False, None, False),
    "reviewer": ("陈建国", [roles.REVIEWER], False, None, False),
    "approver": ("吴志刚", [roles.APPROVER], False, None, False),
    "secretary": ("林海涛", [roles.MEMBER, roles.BRANCH_SECRETARY], False, HOME_UNIT, True),
    "member": ("张丽华", [roles.MEMBER], False, HOME_UNIT, False),
    "member2": ("王建军", [roles.MEMBER], False, "县卫生健康局", False),
    "coordinator": ("黄秀英", [roles.VOLUNTEER_MANAGER], False, None, False),
    "volunteer": ("李晓雯", [], False, None, False),
    # 等保 2.0 separation of duties: the day-to-day administrators, instead of the superuser `admin`.
    "sysadmin": ("郑国强", [roles.SYSTEM_ADMIN], False, None, False),
    "secadmin": ("孙立新", [roles.SECURITY_ADMIN], False, None, False),
    "auditor": ("钱文静", [roles.AUDIT_ADMIN], False, None, False),
}
# The staff's demo accounts have an address, so that the workflow's e-mails show in the dev server's console.
DEMO_STAFF_EMAILS = {"editor", "reviewer", "approver", "coordinator"}


def seed_demo_accounts(branches):
    User = get_user_model()
    for username, (name, role_names, superuser, unit, secretary) in DEMO_ACCOUNTS.items():
        user, created = User.objects.get_or_create(username=username)
        user.first_name = name
        if username in DEMO_STAFF_EMAILS:
            user.email = f"{username}@dangjian.example"
        user.is_superuser = user.is_staff = superuser
        if created:
            user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set(Group.objects.filter(name__in=role_names))
        if unit:
            Member.objects.update_or_create(
                user=user,
                defaults={
                    "name": name,
                    "organization": branches[unit],
                    "category": Member.Category.FULL,
                    "joined_on": datetime.date(2008, 7, 1),
                    "phone": "13857512345" if username == "member" else "13957554321",
                    "party_post": "支部书记" if secretary else "",
                    "is_branch_secretary": secretary,
                },
            )


@transaction.atomic
def seed(seed=2026, stdout=None):
    from dangjian.progress import Progress

    rng = random.Random(seed)
    organs = read_organs()
    with Progress("党组织", len(organs), stdout) as progress:
        branches = seed_organizations(progress)
    with Progress("党员", len(branches), stdout) as progress:
        seed_members(branches, rng, progress)
    seed_demo_accounts(branches)
    return branches
