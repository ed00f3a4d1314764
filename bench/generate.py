"""Fill a database with a county-and-more data set for `make bench`: seeded, with progress.

    PYTHONPATH=bench DJANGO_SETTINGS_MODULE=bench_settings python bench/generate.py [--notices 10000] ...

Runs `seed_demo` first (pages, demo accounts), then adds generated members, notices (a third internal), credit
records, lessons (in courses of ten), volunteer projects (with slots and sign-ups by generated members) and
competitions (with entries and ballots) up to the asked numbers. Page counts include the demo's pages; entries and
ballots are totals over the generated competitions. A second run adds only what is missing.
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


# The data set's size, as options of this script and of bench/run.py, which passes them on.
DATA_OPTIONS = {
    "notices": (10_000, "notices, a third internal"),
    "members": (2_000, "members"),
    "credits": (200_000, "credit records"),
    "lessons": (200, "lessons"),
    "projects": (50, "volunteer projects"),
    "competitions": (3, "competitions"),
    "entries": (100, "entries of all generated competitions"),
    "ballots": (5_000, "ballots of all generated competitions"),
}


def add_data_arguments(parser):
    for name, (default, help_text) in DATA_OPTIONS.items():
        parser.add_argument(f"--{name}", type=int, default=default, help=help_text)


def data_arguments(args):
    """The data set's options of parsed `args`, as command-line arguments for this script."""
    return [f"--{name}={getattr(args, name)}" for name in DATA_OPTIONS]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arguments(parser)
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
    # The voters bench/concurrency.py adds (cv0001 ...) are not part of the data set.
    missing = target - Member.objects.exclude(user__username__startswith="cv").count()
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


LESSONS_PER_COURSE = 10


def _published(days_ago):
    from django.utils import timezone

    return timezone.now().replace(microsecond=0) - datetime.timedelta(days=days_ago)


def _paragraphs(rng, count):
    return "".join(f"<p>{sentence}。</p>" for sentence in rng.sample(SENTENCES, count))


def generate_lessons(target, rng):
    """Lessons up to `target` (the demo's included), in generated courses of ten lessons each."""
    from dangjian.bulk import add_children
    from dangjian.progress import Progress
    from learning.models import CourseIndexPage, CoursePage, LessonPage

    missing = target - LessonPage.objects.count()
    if missing <= 0:
        return
    index = CourseIndexPage.objects.first()
    number = CoursePage.objects.child_of(index).filter(slug__startswith="bench-").count()
    courses, sizes = [], []
    while sum(sizes) < missing:
        number += 1
        topic = TOPICS[number % len(TOPICS)]
        published = _published(rng.randrange(10, 400))
        courses.append(
            CoursePage(
                title=f"{topic}专题学习（{number}）",
                slug=f"bench-course-{number:03d}",
                kind=CoursePage.Kind.REQUIRED if number % 3 == 0 else CoursePage.Kind.ELECTIVE,
                year=published.year,
                summary=f"围绕{topic}开展专题学习。",
                description=_paragraphs(rng, 3),
                first_published_at=published,
                last_published_at=published,
                live=True,
            )
        )
        sizes.append(min(LESSONS_PER_COURSE, missing - sum(sizes)))
    with Progress("课程章节", missing) as progress:
        add_children(index, courses)
        for course, size in zip(courses, sizes, strict=True):
            lessons = [
                LessonPage(
                    title=f"第{position}讲 {rng.choice(TOPICS)}要点解读",
                    slug=f"lesson-{position:02d}",
                    duration_minutes=rng.choice([10, 15, 20, 30, 45]),
                    body=_paragraphs(rng, 6),
                    summary=f"{course.title}第{position}讲。",
                    first_published_at=course.first_published_at,
                    last_published_at=course.first_published_at,
                    live=True,
                )
                for position in range(1, size + 1)
            ]
            add_children(course, lessons)
            progress.advance(size)


PLACES = ["县城东社区党群服务中心", "人民广场", "县图书馆", "城西敬老院", "滨江公园", "县人民医院", "火车站广场"]
SLOTS_PER_PROJECT = 3


def _volunteer_user_ids(rng, count=600):
    """Generated members who have registered as volunteers (a profile is what the sign-up view asks for)."""
    from django.contrib.auth import get_user_model

    from volunteers.models import AVAILABLE_TIMES, CATEGORIES, VolunteerProfile

    rows = list(
        get_user_model()
        .objects.filter(username__regex=r"^(b\d{5}|m\d{4})$", member__status="active")
        .order_by("username")
        .values_list("id", "member__name", "member__phone")[:count]
    )
    have = set(VolunteerProfile.objects.filter(user_id__in=[row[0] for row in rows]).values_list("user_id", flat=True))
    VolunteerProfile.objects.bulk_create(
        [
            VolunteerProfile(
                user_id=user_id,
                name=name,
                phone=phone or "13800000000",
                intentions=[rng.choice(CATEGORIES.values)],
                available_times=[rng.choice(AVAILABLE_TIMES.values)],
            )
            for user_id, name, phone in rows
            if user_id not in have
        ]
    )
    return [row[0] for row in rows]


def generate_projects(target, rng):
    """Volunteer projects up to `target` (the demo's included), each with three slots (one past, with hours
    recorded) and sign-ups by generated members: seats in order, then a waitlist on the full future slots."""
    from django.utils import timezone

    from dangjian.bulk import add_children
    from dangjian.progress import Progress
    from members.models import Organization
    from volunteers.models import CATEGORIES, ServiceSlot, SignUp, VolunteerProjectIndexPage, VolunteerProjectPage

    missing = target - VolunteerProjectPage.objects.count()
    if missing <= 0:
        return
    index = VolunteerProjectIndexPage.objects.first()
    number = VolunteerProjectPage.objects.child_of(index).filter(slug__startswith="bench-").count()
    units = list(Organization.objects.filter(kind=Organization.Kind.UNIT))
    volunteers = _volunteer_user_ids(rng)
    statuses = list(VolunteerProjectPage.Status.values)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    projects = []
    for _ in range(missing):
        number += 1
        unit = rng.choice(units)
        category = rng.choice(CATEGORIES.values)
        # A fifth finished; the others recruiting. add_children skips save(), which keeps status_order in step.
        status = VolunteerProjectPage.Status.FINISHED if number % 5 == 0 else VolunteerProjectPage.Status.RECRUITING
        published = _published(rng.randrange(20, 300))
        projects.append(
            VolunteerProjectPage(
                title=f"{unit.name}{CATEGORIES(category).label}志愿服务（{number}）",
                slug=f"bench-project-{number:03d}",
                organizing_unit=unit,
                category=category,
                place=rng.choice(PLACES),
                description=_paragraphs(rng, 3),
                status=status,
                status_order=statuses.index(status),
                summary=f"{unit.name}党员志愿者开展{CATEGORIES(category).label}服务。",
                first_published_at=published,
                last_published_at=published,
                live=True,
            )
        )
    with Progress("志愿服务项目", missing) as progress:
        add_children(index, projects)
        slots = []
        for project in projects:
            for order in range(SLOTS_PER_PROJECT):
                past = order == 0 or project.status == VolunteerProjectPage.Status.FINISHED
                days = -rng.randint(5, 90) if past else rng.randint(3, 60)
                start = now.replace(hour=rng.choice([1, 6])) + datetime.timedelta(days=days)  # 09:00 or 14:00 Beijing
                slots.append(
                    ServiceSlot(
                        page=project,
                        sort_order=order,
                        start=start,
                        end=start + datetime.timedelta(hours=rng.choice([2, 3, 4])),
                        capacity=rng.choice([5, 10, 15, 20, 30]),
                    )
                )
        ServiceSlot.objects.bulk_create(slots)
        signups = []
        for slot in slots:
            past = slot.start < now
            wanted = rng.randint(slot.capacity // 2, slot.capacity + (0 if past else 4))
            for seat, user_id in enumerate(rng.sample(volunteers, min(wanted, len(volunteers))), start=1):
                fields = {"status": SignUp.Status.WAITLISTED}
                if seat <= slot.capacity:
                    fields = {"status": SignUp.Status.CONFIRMED, "seat": seat}
                    if past:
                        fields.update(status=SignUp.Status.ATTENDED, hours=slot.length_hours, recorded_at=slot.end)
                created_at = slot.start - datetime.timedelta(days=rng.randint(1, 10), minutes=seat)
                signups.append(SignUp(slot=slot, user_id=user_id, created_at=created_at, **fields))
        SignUp.objects.bulk_create(signups, batch_size=2000)
        progress.advance(len(projects))


def _competition_windows(now, shift_days):
    day = datetime.timedelta(days=1)
    base = now + shift_days * day
    return {
        "nomination_start": base - 40 * day,
        "nomination_end": base - 10 * day,
        "voting_start": base - 5 * day,
        "voting_end": base + 10 * day,
        "publicity_start": base + 20 * day,
        "publicity_end": base + 27 * day,
    }


# Generated competitions in turn: voting now, in expert review (voting closed), in publicity (counts public).
COMPETITION_SHIFTS = [0, -15, -22]


def _share(total, parts, index):
    return total // parts + (1 if index < total % parts else 0)


def generate_competitions(count, entries_target, ballots_target, rng):
    """`count` competitions with `entries_target` entries and `ballots_target` ballots in all (shared out evenly):
    one ballot per voter per competition (the rule the database holds), each choosing 1 to 5 entries."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from awards.models import AwardIndexPage, Ballot, BallotChoice, CompetitionPage, EntryPage
    from awards.services import client_hash, new_ballot_code
    from dangjian.bulk import add_children
    from dangjian.progress import Progress
    from members.models import Organization

    if count <= 0:
        return
    index = AwardIndexPage.objects.first()
    competitions = list(CompetitionPage.objects.child_of(index).filter(slug__startswith="bench-").order_by("path"))
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    new = []
    for number in range(len(competitions) + 1, count + 1):
        kind = rng.choice([CompetitionPage.Kind.PARTY_DAY, CompetitionPage.Kind.ORGANIZATION_LIFE])
        published = now - datetime.timedelta(days=45)
        new.append(
            CompetitionPage(
                title=f"“{CompetitionPage.Kind(kind).label}”评选（第{number}批）",
                slug=f"bench-pingxuan-{number}",
                kind=kind,
                rules=_paragraphs(rng, 2),
                summary="各机关党支部推荐，群众投票和专家评审相结合。",
                choices_per_ballot=5,
                first_published_at=published,
                last_published_at=published,
                live=True,
                **_competition_windows(now, COMPETITION_SHIFTS[(number - 1) % len(COMPETITION_SHIFTS)]),
            )
        )
    add_children(index, new)
    competitions = (competitions + new)[:count]

    branches = list(Organization.objects.filter(kind=Organization.Kind.BRANCH))
    entry_plan = [
        (competition, _share(entries_target, count, i) - EntryPage.objects.child_of(competition).count())
        for i, competition in enumerate(competitions)
    ]
    missing_entries = sum(max(missing, 0) for _, missing in entry_plan)
    if missing_entries:
        with Progress("参评作品", missing_entries) as progress:
            for competition, missing in entry_plan:
                if missing <= 0:
                    continue
                start = EntryPage.objects.child_of(competition).count()
                entries = []
                for number in range(start + 1, start + missing + 1):
                    branch = rng.choice(branches)
                    entries.append(
                        EntryPage(
                            title=f"{branch.name}{rng.choice(TOPICS)}实例（{number}）",
                            slug=f"entry-{number:03d}",
                            nominating_organization=branch,
                            body=_paragraphs(rng, 4),
                            summary=f"{branch.name}推荐。",
                            first_published_at=competition.first_published_at,
                            last_published_at=competition.first_published_at,
                            live=True,
                        )
                    )
                add_children(competition, entries)
                progress.advance(missing)

    # Voters: active members' accounts (the electorate), not the accounts bench/concurrency.py makes.
    electorate = list(
        get_user_model()
        .objects.filter(member__status="active")
        .exclude(username__startswith="cv")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ballot_plan = []
    for i, competition in enumerate(competitions):
        voted = set(Ballot.objects.filter(competition=competition).values_list("voter_id", flat=True))
        wanted = _share(ballots_target, count, i) - len(voted)
        candidates = [pk for pk in electorate if pk not in voted]
        if wanted > len(candidates):
            print(f"评选 {competition.slug}：只有 {len(candidates)} 名党员可以投票，少于 {wanted} 张选票", flush=True)
        ballot_plan.append((competition, rng.sample(candidates, max(0, min(wanted, len(candidates))))))
    missing_ballots = sum(len(voters) for _, voters in ballot_plan)
    if not missing_ballots:
        return
    with Progress("评选选票", missing_ballots) as progress:
        for competition, voters in ballot_plan:
            entry_ids = list(EntryPage.objects.child_of(competition).values_list("pk", flat=True))
            if not entry_ids:
                continue
            closes = min(competition.voting_end, now)
            span = (closes - competition.voting_start).total_seconds()
            for start in range(0, len(voters), 1000):
                ballots = Ballot.objects.bulk_create(
                    [
                        Ballot(
                            competition=competition,
                            voter_id=voter_id,
                            code=new_ballot_code(),
                            cast_at=competition.voting_start + datetime.timedelta(seconds=rng.uniform(0, span)),
                            client_hash=client_hash(competition, f"10.{rng.randint(1, 30)}.{rng.randint(0, 255)}.9"),
                        )
                        for voter_id in voters[start : start + 1000]
                    ]
                )
                BallotChoice.objects.bulk_create(
                    [
                        BallotChoice(ballot=ballot, entry_id=entry_id)
                        for ballot in ballots
                        for entry_id in rng.sample(entry_ids, min(len(entry_ids), rng.randint(1, 5)))
                    ]
                )
                progress.advance(len(ballots))


def main():
    args = parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    rng = random.Random(args.seed)
    from disclosures.models import DisclosureNoticePage

    # On a second run the demo is there already: skip seed_demo's full reindex (minutes with 10,000 notices).
    call_command("seed_demo", skip_index=DisclosureNoticePage.objects.exists())
    generate_members(args.members, rng)
    generate_notices(args.notices, rng)
    generate_credits(args.credits, rng)
    generate_lessons(args.lessons, rng)
    generate_projects(args.projects, rng)
    generate_competitions(args.competitions, args.entries, args.ballots, rng)
    analyze()


if __name__ == "__main__":
    main()
