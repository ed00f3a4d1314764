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
sys.path.insert(0, str(ROOT / "bench"))


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


# Sentences of Party-affairs notices. A generated body takes a handful of them, so a word such as 党员 or 支部 is
# in most notices and a word such as 换届 or 党费 in a few, as on a real site: search is measured on both kinds.
SENTENCES = [
    "各党支部要认真组织党员开展集中学习，确保学习教育取得实效",
    "支部委员会按期召开会议，研究部署本季度党建工作",
    "请各支部于本月底前将党费收缴情况报机关党委",
    "按照换届选举工作程序，做好候选人预备人选推荐工作",
    "主题党日活动以重温入党誓词、交流学习体会为主要内容",
    "组织生活会前要广泛征求意见，开展谈心谈话",
    "对照检查材料要聚焦问题，整改措施要具体可行",
    "民主评议党员工作结束后，评议结果在支部内公示",
    "发展党员要严格履行入党手续，坚持标准、保证质量",
    "党员志愿者深入社区开展志愿服务，服务时长计入档案",
    "党风廉政建设责任制要层层落实，压紧压实主体责任",
    "加强作风建设，坚决纠治形式主义、官僚主义",
    "严明政治纪律和政治规矩，增强纪律意识",
    "在线学习平台开设党课专栏，党员每年应完成规定学时",
    "微型党课评选活动面向全体党员征集作品",
    "落实三会一课制度，做到会前有通知、会后有记录",
    "党务公开内容经审核审批后在网站发布",
    "干部培训班围绕机关党建业务知识进行专题辅导",
    "深入开展调查研究，推动解决群众急难愁盼问题",
    "认真做好困难党员和老党员走访慰问工作",
]
# Words a visitor may look for: from the very common (党员, 支部) to the rare (换届, 党费).
WORDS = [
    "党员",
    "支部",
    "学习",
    "教育",
    "党费",
    "换届",
    "选举",
    "志愿",
    "服务",
    "整改",
    "廉政",
    "纪律",
    "作风",
    "建设",
    "组织",
    "生活",
    "主题",
    "党日",
    "发展",
    "培训",
]


def generate_notices(target, rng):
    """Notices up to `target`, a third internal (all members, or the issuing branch only), inserted in bulk."""
    from django.utils import timezone

    from dangjian.bulk import add_children
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
    through = DisclosureNoticePage.scope_organizations.through
    with Progress("党务公开", missing) as progress:
        for chunk_start in range(existing, target, 1000):
            notices, scoped = [], []
            for number in range(chunk_start, min(target, chunk_start + 1000)):
                branch = rng.choice(branches)
                scope = Scope.PUBLIC if number % 3 else rng.choice([Scope.ALL_MEMBERS, Scope.ORGANIZATIONS])
                published = start + datetime.timedelta(hours=number * 4 + rng.randrange(3))
                topic = rng.choice(TOPICS)
                title = f"{branch.parent.name}关于{topic}的{rng.choice(KINDS)}（{number + 1}）"
                text = "。".join(rng.sample(SENTENCES, 5))
                notice = DisclosureNoticePage(
                    title=title,
                    slug=f"bench-{number + 1:05d}",
                    issuing_organization=branch,
                    category=rng.choice(categories),
                    document_number=f"县机党〔{published.year}〕{number + 1}号",
                    index_number=f"BENCH-{published.year}-{number + 1:05d}",
                    scope=scope,
                    written_on=published.date(),
                    published_on=timezone.localdate(published),
                    body=[("paragraph", f"<p>{branch.name}按照县直机关工委部署，做好{topic}工作。{text}。</p>")],
                    summary=f"{topic}事项公开。",
                    first_published_at=published,
                    last_published_at=published,
                    live=True,
                )
                notices.append(notice)
                if scope == Scope.ORGANIZATIONS:
                    scoped.append((notice, branch))
            add_children(index, notices)
            through.objects.bulk_create(
                [through(disclosurenoticepage_id=notice.pk, organization_id=branch.pk) for notice, branch in scoped]
            )
            progress.advance(len(notices))
    analyze()


def analyze():
    """Refresh PostgreSQL's planner statistics after a bulk load, as autovacuum would shortly after."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


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
