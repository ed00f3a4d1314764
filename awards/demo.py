"""Demo content for 十佳评选: the article's three competitions, one in each stage. Deterministic and idempotent."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission

from dangjian.progress import Progress
from members import roles as member_roles
from members.models import Organization

from . import roles
from .models import AwardIndexPage, CompetitionPage, EntryPage
from .services import (
    cast_ballot,
    expert_home_organization,
    finalize_competition,
    handle_objection,
    has_conflict,
    quarantine_ballot,
    raise_objection,
    record_expert_score,
)

DAY = datetime.timedelta(days=1)

INTRODUCTION = (
    "<p>县直机关党工委每年组织开展“十佳党日活动”“十佳微型党课”“最佳组织生活实例”等评选活动，"
    "推动“三会一课”等党内组织生活制度落到实处。评选采取基层推荐、群众投票、专家评审、结果公示相结合的办法，"
    "投票实行一人一票，计票规则和得分公开透明。</p>"
)

RULES = (
    "<h3>一、推荐申报</h3><p>各机关党支部围绕本年度组织生活实际，每个支部推荐不超过 1 个作品，"
    "经单位党组织审核后报县直机关党工委。</p>"
    "<h3>二、群众投票</h3><p>在册党员登录本站后投票。{frequency}，每张选票最多选择 {choices} 个作品。"
    "投票期间不公布实时票数，防止拉票。每张选票生成凭证号，投票人可在“我的”页面查看选票是否计入。</p>"
    "<h3>三、专家评审</h3><p>由党工委邀请党建专家组成评审组，按思想性、创新性、实效性评分，满分 100 分。"
    "评审专家对本单位推荐的作品实行回避。</p>"
    "<h3>四、综合得分</h3><p>综合得分 = 群众投票 {public} 分 × 得票 ÷ 最高得票 ＋ 专家评分 {expert} 分 × 专家平均分 ÷ 100。</p>"
    "<h3>五、公示和定案</h3><p>拟获奖作品在本站公示 7 天。对公示结果有异议的，可署真实姓名提出，"
    "评选委员会核查后答复。公示结束后由评选委员会定案。</p>"
)

PARTY_DAY_ENTRIES = [
    ("县财政局", "重温入党誓词 赓续红色血脉", "组织党员赴浙东革命根据地旧址，重温入党誓词，聆听老党员讲述革命故事。"),
    ("县卫生健康局", "党员志愿者进社区义诊", "机关党员与医务人员组成志愿服务队，走进结对社区开展义诊和健康知识宣讲。"),
    ("县农业农村局", "“三服务”走进结对村", "党员干部走进结对村，帮助理清产业发展思路，为村民办实事、解难题。"),
]

MICRO_LESSON_ENTRIES = [
    ("县委党校", "从“枫桥经验”看基层社会治理", "主讲人：陈晓东。十五分钟讲清“枫桥经验”的由来和新时代内涵。"),
    ("县财政局", "一张党费收据背后的故事", "主讲人：林海涛。从一张上世纪五十年代的党费收据，讲党员意识和党性修养。"),
    ("县档案馆", "档案里的红色记忆", "主讲人：沈丽娟。用馆藏档案讲述本县第一个党支部的创建历程。"),
    ("县卫生健康局", "白衣战士的初心", "主讲人：王建军。讲述基层医务党员扎根乡村、守护群众健康的故事。"),
    ("县司法局", "法治为民办实事", "主讲人：郑立新。以人民调解案例讲机关党员如何把法治服务送到群众身边。"),
    ("县教育体育局", "做学生成长的引路人", "主讲人：许晓梅。讲新时代党员教师的责任与担当。"),
    ("县自然资源和规划局", "绿水青山就是金山银山", "主讲人：蒋志刚。结合本县生态修复实践，讲“两山”理念。"),
    ("县市场监督管理局", "守护舌尖上的安全", "主讲人：吕春燕。从食品安全监管一线，讲党员的职责和担当。"),
    ("县纪委县监委机关", "算好廉洁“三笔账”", "主讲人：韩国华。算好政治账、经济账、家庭账，筑牢拒腐防变防线。"),
    ("县数据资源管理局", "数字赋能让群众少跑腿", "主讲人：叶晨。讲“最多跑一次”改革中的机关党员作为。"),
    ("县退役军人事务局", "老兵的党性", "主讲人：孔卫东。讲述三位退役老党员退伍不褪色的故事。"),
    ("团县委", "青春向党 奋斗强国", "主讲人：苏婷。面向青年党员，讲好新时代青年的奋斗故事。"),
]

ORGANIZATION_LIFE_ENTRIES = [
    ("县委组织部", "“支部书记讲党课＋党员微宣讲”组织生活会", "支部书记讲党课，普通党员轮流微宣讲，人人上讲台。"),
    ("县财政局", "以案促改专题组织生活会", "剖析身边典型案例，逐条对照查摆问题，制定整改清单。"),
    ("县税务局", "“党员亮身份、服务零距离”主题党日", "办税服务厅党员挂牌上岗，现场解答纳税人疑问。"),
    ("县人民法院", "庭审观摩与廉政教育相结合的组织生活", "组织党员旁听职务犯罪案件庭审，开展警示教育。"),
    ("县住房和城乡建设局", "工地一线的“流动党课”", "把党课搬到重点工程工地，与施工单位党员共上一堂课。"),
    ("县水利局", "汛期一线临时党支部组织生活", "在防汛一线成立临时党支部，边抢险边过组织生活。"),
    ("县文化广电旅游局", "“红色文艺轻骑兵”进乡村", "党员文艺骨干编排红色节目，送戏下乡二十余场。"),
    ("县民政局", "关爱困难群众“一户一策”结对活动", "党员按照“一户一策一干部”结对困难户，定期走访慰问。"),
    ("县总工会", "劳模工匠进支部", "邀请劳动模范、工匠代表与支部党员座谈，弘扬劳模精神。"),
    ("县气象局", "防灾减灾知识进支部", "党员气象专家为结对村党员讲解防灾减灾知识。"),
]

OBJECTIONS = [
    (
        "《汛期一线临时党支部组织生活》所附照片中有两张与去年的申报材料相同，建议核实是否为本年度活动。",
        "upheld",
        "经核查，申报单位误附两张往年照片，已更换为本年度照片；活动本身真实，不影响评选结果。",
    ),
    (
        "投票期间有人在工作群里转发投票链接并请大家支持某个作品，是否属于拉票？",
        "dismissed",
        "经核查，转发链接仅提醒党员参与投票，未指定作品，不属于违规拉票；同一地址集中投出的 1 张异常选票已隔离，不计票。",
    ),
]


def body_for(summary, unit):
    return (
        f"<p>{summary}</p>"
        f"<p>{unit}机关党支部坚持把组织生活作为党员教育管理的重要载体，精心策划、认真组织，"
        "做到主题鲜明、形式新颖、党员参与面广，取得了较好的教育效果。</p>"
    )


def _branch(unit_name):
    return Organization.objects.get(name=f"{unit_name}机关党支部", kind=Organization.Kind.BRANCH)


def _index_page(home):
    index = AwardIndexPage.objects.child_of(home).first()
    if index is None:
        index = AwardIndexPage(title="评选活动", slug="pingxuan", introduction=INTRODUCTION, show_in_menus=True)
        home.add_child(instance=index)
        index.save_revision().publish()
    # The editors (党务干部) write competitions and entries under the index.
    editors = Group.objects.get(name=member_roles.PARTY_CADRE)
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=editors,
            page=index,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    return index


def _competition(index, slug, entries, **fields):
    competition = CompetitionPage.objects.child_of(index).filter(slug=slug).first()
    if competition is not None:
        return competition, False
    competition = CompetitionPage(slug=slug, **fields)
    competition.rules = RULES.format(
        frequency=competition.get_frequency_display(),
        choices=competition.choices_per_ballot,
        public=competition.public_weight,
        expert=competition.expert_weight,
    )
    index.add_child(instance=competition)
    competition.save_revision().publish()
    for unit, title, summary in entries:
        entry = EntryPage(
            title=title,
            slug=f"{slug}-{len(competition.get_children()) + 1:02d}",
            summary=summary,
            nominating_organization=_branch(unit),
            body=body_for(summary, unit),
        )
        competition.add_child(instance=entry)
        entry.save_revision().publish()
    return competition, True


def _experts():
    User = get_user_model()
    group = Group.objects.get(name=roles.EXPERTS)
    experts = list(User.objects.filter(username__in=["editor", "m0010", "m0200"]).order_by("username"))
    for expert in experts:
        expert.groups.add(group)
    return group, experts


def _voters(count):
    User = get_user_model()
    return list(User.objects.filter(username__regex=r"^m\d{4}$").order_by("username")[:count])


def _address(rng):
    return f"10.{rng.randint(1, 30)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _cast_ballots(competition, voters, rng, start, end, progress=None):
    entries = list(EntryPage.objects.child_of(competition).order_by("path"))
    # Some entries are more popular than others.
    weights = [rng.uniform(0.3, 3.0) for _ in entries]
    ballots = []
    span = (end - start).total_seconds()
    for voter in voters:
        wanted = rng.randint(1, competition.choices_per_ballot)
        chosen = set()
        while len(chosen) < min(wanted, len(entries)):
            chosen.add(rng.choices(entries, weights)[0].pk)
        moment = start + datetime.timedelta(seconds=rng.uniform(0, span))
        ballots.append(cast_ballot(competition, voter, sorted(chosen), _address(rng), now=moment))
        if progress:
            progress.advance()
    return ballots


def seed_awards(home, seed=2026, stdout=None):
    rng = random.Random(seed + 7)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    index = _index_page(home)
    expert_group, experts = _experts()
    year = timezone.localdate().year

    # 1. 十佳党日活动: nominations are being collected.
    _competition(
        index,
        "shijia-dangri",
        PARTY_DAY_ENTRIES,
        title=f"{year}年度“十佳党日活动”评选",
        summary="各机关党支部推荐本年度开展的优秀主题党日活动，经群众投票和专家评审评出十佳。",
        kind=CompetitionPage.Kind.PARTY_DAY,
        nomination_start=now - 5 * DAY,
        nomination_end=now + 20 * DAY,
        voting_start=now + 25 * DAY,
        voting_end=now + 40 * DAY,
        publicity_start=now + 50 * DAY,
        publicity_end=now + 57 * DAY,
        expert_group=expert_group,
    )

    # 2. 十佳微型党课: voting now (the demo account `member` has not voted yet).
    micro, created = _competition(
        index,
        "shijia-weixing-dangke",
        MICRO_LESSON_ENTRIES,
        title=f"{year}年度“十佳微型党课”评选",
        summary="机关党员自己讲、讲身边事的微型党课，每课 15 分钟左右。欢迎党员登录后投票。",
        kind=CompetitionPage.Kind.MICRO_LESSON,
        nomination_start=now - 40 * DAY,
        nomination_end=now - 10 * DAY,
        voting_start=now - 5 * DAY,
        voting_end=now + 10 * DAY,
        publicity_start=now + 20 * DAY,
        publicity_end=now + 27 * DAY,
        expert_group=expert_group,
    )
    if created:
        voters = _voters(45)
        with Progress("评选投票", len(voters), stdout) as progress:
            _cast_ballots(micro, voters, rng, micro.voting_start, now - datetime.timedelta(hours=1), progress)

    # 3. 最佳组织生活实例: last year's, finished, with results and a closed publicity period.
    life, created = _competition(
        index,
        "zuijia-zuzhi-shenghuo",
        ORGANIZATION_LIFE_ENTRIES,
        title=f"{year - 1}年度“最佳组织生活实例”评选",
        summary="评选“三会一课”、主题党日等组织生活中的最佳实例，推广基层党支部的好做法。",
        kind=CompetitionPage.Kind.ORGANIZATION_LIFE,
        nomination_start=now - 200 * DAY,
        nomination_end=now - 170 * DAY,
        voting_start=now - 160 * DAY,
        voting_end=now - 145 * DAY,
        publicity_start=now - 130 * DAY,
        publicity_end=now - 123 * DAY,
        choices_per_ballot=5,
        winner_count=5,
        expert_group=expert_group,
    )
    if created:
        _finish(life, rng, experts)
    if stdout:
        stdout.write(f"评选活动：{CompetitionPage.objects.child_of(index).count()} 项评选\n")


def _finish(competition, rng, experts):
    User = get_user_model()
    admin = User.objects.get(username="admin")
    voters = _voters(150)
    ballots = _cast_ballots(competition, voters, rng, competition.voting_start, competition.voting_end - DAY)
    quarantine_ballot(
        ballots[17],
        admin,
        "同一来源地址在两分钟内集中投出多张选票，经核实其中此票系代他人投票，予以隔离。",
        now=competition.voting_end,
    )
    scoring_time = competition.voting_end + DAY
    entries = list(EntryPage.objects.child_of(competition).select_related("nominating_organization"))
    for expert in experts:
        home_organization = expert_home_organization(expert)
        for entry in entries:
            if not has_conflict(home_organization, entry):
                score = round(rng.uniform(68, 97), 1)
                record_expert_score(competition, entry, expert, score, now=scoring_time)
    by_title = {entry.title: entry for entry in entries}
    raisers = list(User.objects.filter(username__regex=r"^m\d{4}$").order_by("-username")[:2])
    for (content, status, handling), raiser in zip(OBJECTIONS, raisers, strict=True):
        entry = by_title.get("汛期一线临时党支部组织生活") if "汛期" in content else None
        objection = raise_objection(
            competition, raiser, raiser.member.name, content, entry=entry, now=competition.publicity_start + 2 * DAY
        )
        handle_objection(objection, admin, status, handling, now=competition.publicity_end - DAY)
    finalize_competition(
        competition, admin, "经评选委员会审议，同意公示结果。", now=competition.publicity_end + 2 * DAY
    )
