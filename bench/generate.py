"""Fill a database with a county-and-more data set for `make bench`: seeded, with progress.

    PYTHONPATH=bench DJANGO_SETTINGS_MODULE=bench_settings python bench/generate.py [--notices 10000] ...

Runs `seed_demo` first (pages, demo accounts), then adds generated notices (a third internal), members and
credit records up to the asked numbers. A second run adds only what is missing.
"""

import argparse
import datetime
import random
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--credits", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


TOPICS = ["党费收缴", "主题党日", "组织生活会", "民主评议党员", "发展党员", "三会一课", "志愿服务", "党风廉政建设"]
KINDS = ["通知", "公示", "通报", "工作总结", "工作计划"]


def generate_members(target, rng):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from dangjian.progress import Progress
    from members import demo, roles
    from members.models import Member, Organization

    User = get_user_model()
    missing = target - Member.objects.count()
    if missing <= 0:
        return
    branches = list(Organization.objects.filter(kind="branch"))
    group = Group.objects.get(name=roles.MEMBER)
    password = make_password(demo.DEMO_PASSWORD)
    start = User.objects.filter(username__startswith="b").count()
    with Progress("党员", missing) as progress:
        for offset in range(0, missing, 500):
            size = min(500, missing - offset)
            users = User.objects.bulk_create(
                [User(username=f"b{start + offset + i:05d}", password=password) for i in range(size)]
            )
            User.groups.through.objects.bulk_create([User.groups.through(user=u, group=group) for u in users])
            Member.objects.bulk_create(
                [
                    Member(
                        user=user,
                        name=demo._random_name(rng),
                        gender=rng.choice(Member.Gender.values),
                        organization=rng.choice(branches),
                        category=Member.Category.FULL,
                        joined_on=demo._random_joined_on(rng),
                        phone=demo._random_phone(rng),
                    )
                    for user in users
                ]
            )
            progress.advance(size)


def generate_notices(target, rng):
    from django.db import transaction
    from django.utils import timezone

    from dangjian.progress import Progress
    from disclosures.choices import Scope
    from disclosures.models import DisclosureIndexPage, DisclosureNoticePage, NoticeCategory
    from members.models import Organization

    index = DisclosureIndexPage.objects.first()
    existing = DisclosureNoticePage.objects.count()
    missing = target - existing
    if missing <= 0:
        return
    categories = list(NoticeCategory.objects.all())
    branches = list(Organization.objects.filter(kind="branch").select_related("parent"))
    start = timezone.make_aware(datetime.datetime(2022, 1, 4, 9, 0))
    with Progress("党务公开", missing) as progress:
        for number in range(existing, target):
            branch = rng.choice(branches)
            scope = Scope.PUBLIC if number % 3 else rng.choice([Scope.ALL_MEMBERS, Scope.ORGANIZATIONS])
            published = start + datetime.timedelta(hours=number * 4 + rng.randrange(3))
            topic = rng.choice(TOPICS)
            title = f"{branch.parent.name}关于{topic}的{rng.choice(KINDS)}（{number + 1}）"
            paragraph = f"<p>{branch.name}按照县直机关工委部署，认真做好{topic}相关工作。现将有关事项公开如下。</p>"
            notice = DisclosureNoticePage(
                title=title,
                slug=f"bench-{number + 1:05d}",
                issuing_organization=branch,
                category=rng.choice(categories),
                scope=scope,
                written_on=published.date(),
                body=[("paragraph", paragraph * 4)],
                summary=f"{topic}事项公开。",
                first_published_at=published,
                last_published_at=published,
                live=True,
            )
            if scope == Scope.ORGANIZATIONS:
                notice.scope_organizations = [branch]
            with transaction.atomic():
                index.add_child(instance=notice)
            progress.advance()


def generate_credits(target, rng):
    from dangjian.progress import Progress
    from learning.models import CreditRecord
    from members.models import Member

    missing = target - CreditRecord.objects.count()
    if missing <= 0:
        return
    member_ids = list(Member.objects.values_list("id", flat=True))
    activities = [a for a in CreditRecord.Activity.values if a != CreditRecord.Activity.CORRECTION]
    with Progress("学时记录", missing) as progress:
        for offset in range(0, missing, 5000):
            size = min(5000, missing - offset)
            CreditRecord.objects.bulk_create(
                [
                    CreditRecord(
                        member_id=rng.choice(member_ids),
                        year=rng.choice([2025, 2026]),
                        points=Decimal(rng.choice(["1.00", "2.00", "3.00", "4.00"])),
                        source=CreditRecord.Source.MANUAL,
                        activity=rng.choice(activities),
                        **_credit_extras(CreditRecord, rng),
                    )
                    for _ in range(size)
                ]
            )
            progress.advance(size)


def _credit_extras(model, rng):
    names = {field.name for field in model._meta.fields}
    extras = {}
    if "reason" in names:
        extras["reason"] = "集中学习"
    if "title" in names:
        extras["title"] = "集中学习"
    if "studied_on" in names:
        extras["studied_on"] = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(300))
    return extras


def main():
    args = parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    rng = random.Random(args.seed)
    call_command("seed_demo")
    generate_members(args.members, rng)
    generate_notices(args.notices, rng)
    generate_credits(args.credits, rng)


if __name__ == "__main__":
    main()
