"""Demo content for the volunteer section (called by `manage.py seed_demo` through DEMO_CONTENT_HOOK).

Six projects across categories, with past and future slots, one full slot with a waitlist, sign-ups and confirmed
hours for the demo accounts, a member's proposal and a few service requests. Idempotent: what exists is kept.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission

from members import roles
from members.models import Member, Organization

from . import services
from .models import (
    CATEGORIES,
    ProjectProposal,
    ServiceRequest,
    ServiceRequestPage,
    ServiceSlot,
    SignUp,
    VolunteerProfile,
    VolunteerProjectIndexPage,
    VolunteerProjectPage,
)

INDEX_SLUG = "volunteer-service"
S = VolunteerProjectPage.Status

# slug: title, category, organizing unit, place, status, skills, coordinators, description, summary,
#       slots as (days from today, "HH:MM", hours, capacity, place, note)
PROJECTS = {
    "service-day": (
        "“党员进社区·为民服务日”便民服务",
        CATEGORIES.SERVICE,
        "县财政局",
        "城关街道鼓山社区党群服务中心",
        S.RECRUITING,
        "会使用智能手机，能讲解医保、社保网上办理",
        ["secretary"],
        "<p>机关党员定期走进结对社区，开展政策咨询、医保社保网上办理指导、义务理发、家电维修等便民服务。</p>"
        "<p>请志愿者提前 15 分钟到达，佩戴党员徽章，穿志愿者马甲。</p>",
        "机关党员进社区，面对面为群众办实事。",
        [
            (-12, "08:30", 3, 8, "", ""),
            (5, "08:30", 3, 3, "", "本期重点：帮助老年人办理医保电子凭证"),
            (19, "08:30", 3, 8, "", ""),
        ],
    ),
    "civilized-traffic": (
        "文明交通劝导志愿服务",
        CATEGORIES.CIVILITY,
        "县交通运输局",
        "人民路与鼓山路交叉口",
        S.RECRUITING,
        "",
        [],
        "<p>早晚高峰时段在主要路口协助交警劝导行人和非机动车驻足等候、文明过街，宣传“礼让斑马线”。</p>",
        "助力全国文明城市创建。",
        [(3, "07:00", 2, 6, "", "请自备饮用水，雨天照常"), (10, "17:00", 2, 6, "", "")],
    ),
    "river-cleanup": (
        "守护母亲河·城东江沿岸清洁行动",
        CATEGORIES.ENVIRONMENT,
        "县生态环境分局",
        "城东江滨江公园至三江口沿线",
        S.FINISHED,
        "",
        [],
        "<p>沿江捡拾垃圾、清理漂浮物，向沿岸居民宣传垃圾分类和河道保护知识。工具和手套由组织单位统一提供。</p>",
        "清洁家园，守护一江清水。",
        [(-40, "08:00", 3, 20, "滨江公园东门", ""), (-26, "08:00", 3, 20, "三江口广场", "")],
    ),
    "left-behind-children": (
        "关爱留守儿童·周末课堂",
        CATEGORIES.CARE,
        "县教育体育局",
        "沙溪镇中心小学",
        S.ONGOING,
        "有教学、美术、音乐特长者优先",
        ["secretary"],
        "<p>每月两次到乡镇小学为留守儿童开设周末课堂：作业辅导、读书分享、美术和音乐兴趣课，并与孩子们结对谈心。</p>",
        "陪伴成长，让留守儿童不孤单。",
        [(-9, "09:00", 2.5, 6, "", ""), (12, "09:00", 2.5, 6, "", "")],
    ),
    "elderly-care": (
        "敬老院助老服务",
        CATEGORIES.ELDERLY,
        "县民政局",
        "县社会福利中心",
        S.RECRUITING,
        "懂基础护理或会理发者优先",
        [],
        "<p>陪伴老人聊天、读报，帮助整理房间，为老人理发、测量血压，组织小型文艺表演。</p>",
        "尊老敬老，传递温暖。",
        [(8, "14:00", 2, 10, "", ""), (22, "14:00", 2, 10, "", "")],
    ),
    "policy-talk": (
        "政策宣讲进村入户",
        CATEGORIES.PUBLICITY,
        "县委宣传部",
        "各结对共建村文化礼堂",
        S.FINISHED,
        "熟悉惠农政策，普通话或本地方言表达清楚",
        [],
        "<p>结合“六个一”结对共建，组织机关党员到结对村文化礼堂宣讲惠农惠民政策，解答村民关心的问题。</p>",
        "把党的政策送到群众身边。",
        [(-60, "19:00", 2, 10, "", "")],
    ),
}

# username: (phone, skills, intentions, available times)
PROFILES = {
    "volunteer": ("13605751234", "摄影、文字宣传", ["civility", "environment", "elderly"], ["weekend_morning"]),
    "member": ("13857512345", "会计、政策咨询", ["service", "care"], ["weekend_morning", "weekday_evening"]),
    "member2": ("13957554321", "医疗护理、急救", ["service", "elderly"], ["weekend_afternoon", "holiday"]),
}

SERVICE_REQUESTS = [
    (
        "独居老人家中电路老化需要检修",
        "家中只有一位八十多岁的老人，电灯时亮时不亮，插座发烫，希望有懂电工的志愿者帮忙看看。",
        "城关街道南岩社区 12 幢",
        "本周内白天",
        "陈阿姨（邻居）",
        "13757598765",
        ServiceRequest.Status.NEW,
    ),
    (
        "小区垃圾分类宣传需要志愿者",
        "小区刚开始推行垃圾分类，很多老人不清楚怎么分，希望周末早上有志愿者在投放点指导。",
        "鼓山社区锦绣花园",
        "12 月的周末早上",
        "周先生",
        "0575-86051234",
        ServiceRequest.Status.ACCEPTED,
    ),
    (
        "留守儿童暑期作业辅导",
        "村里有十几个孩子父母在外打工，暑假没人辅导作业，希望有老师或大学生志愿者来帮忙。",
        "回山镇下坑村文化礼堂",
        "明年暑假，每周两次",
        "村妇联主任",
        "13867512233",
        ServiceRequest.Status.DONE,
    ),
]


def _at(days, clock):
    hour, minute = map(int, clock.split(":"))
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _index_page(home):
    index_page = VolunteerProjectIndexPage.objects.child_of(home).first()
    if index_page is None:
        index_page = VolunteerProjectIndexPage(
            title="党员志愿服务",
            slug=INDEX_SLUG,
            show_in_menus=True,
            introduction="通过网络平台开展党员志愿者招募、项目征集、服务需求对接和活动记录。"
            "党员和群众均可注册为志愿者，报名参加服务；服务时长经项目联络人确认后记入个人档案，可开具志愿服务证明。",
        )
        home.add_child(instance=index_page)
        index_page.save_revision().publish()
    if not ServiceRequestPage.objects.child_of(index_page).exists():
        request_page = ServiceRequestPage(
            title="提交服务需求",
            slug="service-request",
            introduction="社区、村和群众需要志愿者帮忙的，请在此留下需求和联系方式。工委收到后将安排志愿服务项目对接，"
            "并与您电话联系。",
        )
        index_page.add_child(instance=request_page)
        request_page.save_revision().publish()
    # Editors write projects under this page; volunteer managers may draft them.
    grants = {roles.PARTY_CADRE: ["add", "change", "publish"], roles.VOLUNTEER_MANAGER: ["add", "change"]}
    for group_name, actions in grants.items():
        group = Group.objects.get(name=group_name)
        for action in actions:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{action}_page")
            GroupPagePermission.objects.get_or_create(group=group, page=index_page, permission=permission)
    return index_page


def _profiles():
    User = get_user_model()
    users = {}
    for username, (phone, skills, intentions, times) in PROFILES.items():
        user = User.objects.get(username=username)
        VolunteerProfile.objects.get_or_create(
            user=user,
            defaults={
                "name": user.first_name or username,
                "phone": phone,
                "skills": skills,
                "intentions": intentions,
                "available_times": times,
            },
        )
        users[username] = user
    # A dozen generated members volunteer too, so that rosters look like real ones.
    for member in Member.objects.filter(user__username__regex=r"^m00(0[1-9]|1[0-2])$").select_related("user"):
        VolunteerProfile.objects.get_or_create(
            user=member.user,
            defaults={
                "name": member.name,
                "phone": member.phone or "13800000000",
                "intentions": ["service"],
                "available_times": ["weekend_morning"],
            },
        )
        users[member.user.username] = member.user
    return users


def _take_seat(slot, user):
    """For slots already past (the sign-up service refuses them): a seat as the service would have given it."""
    seat = (
        SignUp.objects.filter(slot=slot, seat__isnull=False).order_by("-seat").values_list("seat", flat=True).first()
        or 0
    ) + 1
    created_at = slot.start - datetime.timedelta(days=4)
    return SignUp.objects.create(slot=slot, user=user, status="confirmed", seat=seat, created_at=created_at)


def _past(slot, users, coordinator, attended, absent=(), hours=None):
    for username in (*attended, *absent):
        _take_seat(slot, users[username])
    entries = [
        services.AttendanceEntry(signup.pk, "attended" if signup.user.username in attended else "absent", hours)
        for signup in SignUp.objects.filter(slot=slot).select_related("user")
    ]
    services.record_attendance(coordinator, slot.pk, entries)


def _create_project(index_page, slug, spec, users):
    title, category, unit, place, status, skills, coordinators, description, summary, slot_specs = spec
    page = VolunteerProjectPage(
        title=title,
        slug=slug,
        category=category,
        organizing_unit=Organization.objects.filter(name=unit, kind=Organization.Kind.UNIT).first(),
        place=place,
        # Recruiting while the demo signs people up; the real status is set below.
        status=S.RECRUITING,
        skills_wanted=skills,
        description=description,
        summary=summary,
    )
    for order, (days, clock, hours, capacity, slot_place, note) in enumerate(slot_specs):
        start = _at(days, clock)
        page.slots.add(
            ServiceSlot(
                sort_order=order,
                start=start,
                end=start + datetime.timedelta(minutes=int(hours * 60)),
                capacity=capacity,
                place=slot_place,
                note=note,
            )
        )
    index_page.add_child(instance=page)
    page.coordinators.set(get_user_model().objects.filter(username__in=coordinators))
    page.save_revision().publish()
    return page, list(ServiceSlot.objects.filter(page=page).order_by("start"))


def _finish(page, status):
    if page.status != status:
        page.status = status
        page.save_revision().publish()


def seed(home, seed=2026, stdout=None):
    index_page = _index_page(home)
    users = _profiles()
    User = get_user_model()
    coordinator = User.objects.get(username="secretary")
    editor = User.objects.get(username="editor")
    existing = set(VolunteerProjectPage.objects.child_of(index_page).values_list("slug", flat=True))
    created = 0
    for slug, spec in PROJECTS.items():
        if slug in existing:
            continue
        created += 1
        page, slots = _create_project(index_page, slug, spec, users)
        if slug == "service-day":
            _past(slots[0], users, coordinator, ["member", "m0001", "m0002", "m0003"], absent=["m0004"])
            # The full slot: three seats taken, two on the waitlist.
            for username in ["m0005", "member", "m0006", "member2", "m0007"]:
                services.sign_up(users[username], slots[1].pk)
            services.sign_up(users["m0008"], slots[2].pk)
        elif slug == "civilized-traffic":
            services.sign_up(users["volunteer"], slots[0].pk)
            services.sign_up(users["m0009"], slots[0].pk)
        elif slug == "river-cleanup":
            _past(slots[0], users, editor, ["volunteer", "member", "m0010", "m0011"])
            _past(slots[1], users, editor, ["volunteer", "m0012"])
            # A correction, with its reason, as the audit trail shows it.
            signup = SignUp.objects.get(slot=slots[0], user=users["member"])
            services.record_attendance(
                editor,
                slots[0].pk,
                [services.AttendanceEntry(signup.pk, "attended", "2")],
                "提前一小时离开，按实际时长登记",
            )
        elif slug == "left-behind-children":
            _past(slots[0], users, coordinator, ["volunteer", "m0001"], hours=Decimal("2.5"))
            services.sign_up(users["member"], slots[1].pk)
        elif slug == "elderly-care":
            services.sign_up(users["volunteer"], slots[0].pk)
            services.sign_up(users["member2"], slots[0].pk)
        elif slug == "policy-talk":
            _past(slots[0], users, editor, ["member2", "member", "m0002"])
        _finish(page, spec[4])
    for title, description, place, wanted_time, contact_name, phone, status in SERVICE_REQUESTS:
        ServiceRequest.objects.get_or_create(
            title=title,
            defaults={
                "description": description,
                "place": place,
                "wanted_time": wanted_time,
                "contact_name": contact_name,
                "contact_phone": phone,
                "status": status,
                "handler_note": "" if status == ServiceRequest.Status.NEW else "已转“党员进社区·为民服务日”项目对接。",
            },
        )
    member = Member.objects.get(user=users["member"])
    ProjectProposal.objects.get_or_create(
        proposer=users["member"],
        title="“银龄课堂”智能手机使用培训",
        defaults={
            "organization": member.organization,
            "category": CATEGORIES.ELDERLY,
            "description": "很多老年人不会用智能手机挂号、缴费、出示健康码。建议每月组织一次培训，由机关年轻党员一对一教老人使用常用软件。",
            "place": "县老年大学或各社区党群服务中心",
            "suggested_time": "每月最后一个周五下午",
            "volunteers_needed": 12,
        },
    )
    if stdout is not None:
        stdout.write(f"志愿服务：新建 {created} 个项目。\n")
