"""Demo content of 在线学习 (called by `manage.py seed_demo` through DEMO_CONTENT_HOOK). Seeded and idempotent.

Three courses of four lessons for the current year with tests, eight micro lessons by demo members, demo audio
made here (a soft tone: no file is downloaded) as long as the study time of its lesson, with a transcript, for the
few short lessons that have one (about 4 MB of audio in all), and credits spread over the members so that the
reports show some complete, most on their way and some behind.
"""

import datetime
import io
import math
import random
import wave
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtailmedia.models import Media

from members.models import Member

from .credits import COURSE_TEST_CREDIT
from .models import (
    CourseIndexPage,
    CoursePage,
    CourseQuestion,
    CreditRecord,
    LessonPage,
    LessonQuestion,
    MicroLessonIndexPage,
    MicroLessonPage,
    StudyProgress,
    TestAttempt,
)

P = "<p>{}</p>".format

COURSES = [
    {
        "slug": "sizhong-quanhui",
        "title": "学习贯彻党的二十届四中全会精神",
        "kind": CoursePage.Kind.REQUIRED,
        "summary": "深入学习领会党的二十届四中全会精神和“十五五”规划建议，把思想和行动统一到党中央决策部署上来。",
        "description": P(
            "2025 年 10 月，党的二十届四中全会在北京举行，审议通过了《中共中央关于制定国民经济和社会发展第十五个五年规划的建议》。"
        )
        + P(
            "本课程分四讲，帮助机关党员全面把握全会精神，结合本单位职能抓好贯彻落实。学完全部章节并通过课程测试，可打印结业证明。"
        ),
        "lessons": [
            ("quanhui-gaishu", "第一讲：全会的主要精神", 3, True),
            ("shiwuwu-guihua", "第二讲：“十五五”时期经济社会发展的主要目标", 40, False),
            ("jiguan-zuoyong", "第三讲：机关党员在贯彻落实中走在前、作表率", 20, False),
            ("jiehe-shiji", "第四讲：结合本职工作抓好贯彻落实", 12, False),
        ],
        "questions": [
            (
                "single",
                "党的二十届四中全会审议通过了《中共中央关于制定国民经济和社会发展第（　）个五年规划的建议》。",
                "十三\n十四\n十五\n十六",
                "C",
                "全会审议通过了关于制定“十五五”规划的建议。",
                "全会的主要成果",
            ),
            ("true_false", "党的二十届四中全会于 2025 年 10 月在北京举行。", "", "对", "", "全会概况"),
            (
                "true_false",
                "“十五五”时期是基本实现社会主义现代化夯实基础、全面发力的关键时期。",
                "",
                "对",
                "",
                "“十五五”时期的历史方位",
            ),
            (
                "single",
                "我国基本实现社会主义现代化的目标年份是（　）。",
                "2025 年\n2030 年\n2035 年\n2050 年",
                "C",
                "到 2035 年基本实现社会主义现代化。",
                "“两步走”战略安排",
            ),
            (
                "single",
                "从 2035 年到（　），把我国建成富强民主文明和谐美丽的社会主义现代化强国。",
                "2040 年\n2045 年\n本世纪中叶\n本世纪末",
                "C",
                "党的十九大作出从 2020 年到本世纪中叶分两个阶段安排的战略部署。",
                "“两步走”战略安排",
            ),
            ("true_false", "“十五五”规划的时间跨度是 2026 年至 2030 年。", "", "对", "", "“十五五”时期的历史方位"),
            (
                "multiple",
                "机关党员学习贯彻全会精神，应当做到（　）。",
                "原原本本学习全会文件\n结合本单位职能抓落实\n只在会议上传达，不必联系实际\n在服务群众中作表率",
                "ABD",
                "学习要联系实际，落到本职工作中。",
                "贯彻落实的要求",
            ),
            (
                "multiple",
                "学习全会精神的有效方式包括（　）。",
                "参加支部集中学习研讨\n撰写心得体会并联系工作实际\n在“三会一课”中交流体会\n转发文件即视为学习完成",
                "ABC",
                "转发文件不等于学习，要学深悟透、联系实际。",
                "学习的方式方法",
            ),
            (
                "true_false",
                "学习全会精神只是领导干部的事，普通党员可以不学。",
                "",
                "错",
                "全体党员都要认真学习。",
                "贯彻落实的要求",
            ),
            (
                "single",
                "对全会作出的决策部署，机关党员首先应当（　）。",
                "等待上级逐条解释后再执行\n结合本职工作抓好贯彻落实\n只关注与本人利益相关的内容\n把落实任务推给其他部门",
                "B",
                "",
                "贯彻落实的要求",
            ),
        ],
        "lesson_questions": [
            (
                "single",
                "“十五五”规划建议的全称是《中共中央关于制定国民经济和社会发展第十五个五年规划的（　）》。",
                "决定\n建议\n纲要\n意见",
                "B",
                "",
                "全会的主要成果",
            ),
            ("true_false", "党的二十届四中全会审议通过了关于制定“十五五”规划的建议。", "", "对", "", "全会的主要成果"),
            (
                "single",
                "“十五五”时期是指（　）。",
                "2021—2025 年\n2026—2030 年\n2031—2035 年\n2036—2040 年",
                "B",
                "",
                "“十五五”时期的历史方位",
            ),
            ("true_false", "学习全会精神要原原本本学、联系实际学，不能浮在表面。", "", "对", "", "学习的方式方法"),
        ],
    },
    {
        "slug": "dangzhang-danggui-dangji",
        "title": "党章党规党纪",
        "kind": CoursePage.Kind.REQUIRED,
        "summary": "学党章、明党规、守党纪，把纪律和规矩挺在前面。",
        "description": P(
            "党章是党的根本大法，是全党必须遵循的总规矩。本课程围绕党章、《中国共产党支部工作条例（试行）》和《中国共产党纪律处分条例》，讲解党员的义务和权利、组织生活制度和纪律要求。"
        ),
        "lessons": [
            ("dangzhang-yiwu", "第一讲：党员的八项义务和八项权利", 2, True),
            ("zuzhi-shenghuo", "第二讲：“三会一课”与主题党日", 2, True),
            ("jilv-chufen", "第三讲：党的纪律处分条例要点", 45, False),
            ("lianjie-zilv", "第四讲：廉洁自律从日常做起", 15, False),
        ],
        "questions": [
            (
                "multiple",
                "“三会一课”中的“三会”是指（　）。",
                "支部党员大会\n支部委员会\n党小组会\n党员代表大会",
                "ABC",
                "“一课”是党课。",
                "“三会一课”制度",
            ),
            ("true_false", "党支部党员大会一般每季度召开 1 次。", "", "对", "", "“三会一课”制度"),
            (
                "single",
                "预备党员的预备期为（　）。",
                "半年\n一年\n两年\n三年",
                "B",
                "党章规定预备期为一年。",
                "预备党员和党龄",
            ),
            (
                "single",
                "党员的党龄从（　）算起。",
                "递交入党申请书之日\n支部大会通过之日\n预备期满转为正式党员之日\n上级党委批准之日",
                "C",
                "",
                "预备党员和党龄",
            ),
            (
                "true_false",
                "党员无正当理由，连续 6 个月不交纳党费，就被认为是自行脱党。",
                "",
                "对",
                "见党章第九条。",
                "党员的组织纪律",
            ),
            ("true_false", "党支部应当每月相对固定 1 天开展主题党日。", "", "对", "", "主题党日"),
            (
                "single",
                "党章规定，党员必须履行的义务共有（　）项。",
                "六\n七\n八\n十",
                "C",
                "党员有八项义务，也享有八项权利。",
                "党员的义务",
            ),
            (
                "true_false",
                "党员有权在党的会议上和党报党刊上，参加关于党的政策问题的讨论。",
                "",
                "对",
                "",
                "党员的权利",
            ),
            (
                "single",
                "党的最高领导机关是（　）。",
                "党的全国代表大会和它所产生的中央委员会\n中央政治局\n中央纪律检查委员会\n中央书记处",
                "A",
                "见党章第十条。",
                "党的组织制度",
            ),
            (
                "single",
                "党的纪律处分共有（　）种。",
                "三\n四\n五\n六",
                "C",
                "警告、严重警告、撤销党内职务、留党察看、开除党籍。",
                "党的纪律处分",
            ),
            (
                "single",
                "留党察看处分的期限最长不超过（　）。",
                "半年\n一年\n两年\n三年",
                "C",
                "",
                "党的纪律处分",
            ),
        ],
        "lesson_questions": [
            (
                "single",
                "下列属于党员权利的是（　）。",
                "参加党的有关会议，阅读党的有关文件，接受党的教育和培训\n认真学习马克思列宁主义\n自觉遵守党的纪律\n切实开展批评和自我批评",
                "A",
                "其余三项是党员的义务。",
                "党员的权利",
            ),
            (
                "single",
                "下列属于党员义务的是（　）。",
                "在党的会议上有根据地批评党的任何组织和任何党员\n行使表决权、选举权，有被选举权\n贯彻执行党的基本路线和各项方针、政策\n对党的工作提出建议和倡议",
                "C",
                "其余三项是党员的权利。",
                "党员的义务",
            ),
            (
                "multiple",
                "党章规定的党员义务要求党员（　）。",
                "坚持党和人民的利益高于一切\n自觉遵守党的纪律，首先是党的政治纪律和政治规矩\n密切联系群众\n把个人利益放在集体利益之上",
                "ABC",
                "",
                "党员的义务",
            ),
            (
                "true_false",
                "党员的权利和义务是统一的，党员在享有权利的同时必须履行义务。",
                "",
                "对",
                "",
                "权利和义务的关系",
            ),
            ("true_false", "党的任何一级组织直至中央都无权剥夺党员的权利。", "", "对", "见党章第四条。", "党员的权利"),
            (
                "true_false",
                "党员对党的决议和政策如有不同意见，可以不执行。",
                "",
                "错",
                "在坚决执行的前提下，可以声明保留，并向党的上级组织直至中央提出。",
                "党员的权利",
            ),
        ],
    },
    {
        "slug": "jiguan-dangjian-yewu",
        "title": "机关党建业务知识",
        "kind": CoursePage.Kind.ELECTIVE,
        "summary": "面向党务干部和党员的机关党建基本业务：组织设置、组织生活、党员教育管理。",
        "description": P(
            "本课程介绍机关党组织设置、党支部日常工作、党员教育管理和党费收缴等基本业务，帮助新任党务干部和党员尽快熟悉机关党建工作。"
        ),
        "lessons": [
            ("zuzhi-shezhi", "第一讲：机关党组织的设置", 30, False),
            ("zhibu-gongzuo", "第二讲：党支部工作的基本任务", 30, False),
            ("jiaoyu-guanli", "第三讲：党员教育管理与学时要求", 20, False),
            ("dangfei-shoujiao", "第四讲：党费收缴、使用和管理", 14, False),
        ],
        "questions": [
            ("true_false", "凡是有正式党员 3 人以上的单位，都应当成立党的基层组织。", "", "对", "", "基层组织的设置"),
            (
                "single",
                "正式党员不足（　）人的党支部，不设支部委员会，设 1 名书记。",
                "3\n5\n7\n9",
                "C",
                "",
                "支部委员会",
            ),
            (
                "single",
                "党员每年集中学习培训时间一般不少于（　）学时。",
                "16\n24\n32\n56",
                "C",
                "党组织书记和班子成员不少于 56 学时。",
                "党员教育的学时要求",
            ),
            (
                "true_false",
                "党员学习时间越长，在网站上的排名越靠前，应当鼓励党员比拼在线时长。",
                "",
                "错",
                "本站不做在线时长排名，学时只认定完成的课程和通过的测试。",
                "学时的认定",
            ),
            (
                "multiple",
                "党支部日常工作包括（　）。",
                "组织召开“三会一课”\n开展党员教育管理\n按规定收缴党费\n代替行政决定单位人事",
                "ABC",
                "",
                "党支部的基本任务",
            ),
            ("single", "党小组会一般（　）召开 1 次。", "每周\n每月\n每季度\n每半年", "B", "", "“三会一课”制度"),
            (
                "true_false",
                "党课应当针对党员思想和工作实际，回应党员普遍关心的问题。",
                "",
                "对",
                "",
                "“三会一课”制度",
            ),
            (
                "multiple",
                "党费可以用于（　）。",
                "教育培训党员\n订阅或购买用于开展党员教育的报刊、资料\n走访慰问生活困难党员\n发放工作人员奖金",
                "ABC",
                "党费不得用于发放工作人员奖金、福利。",
                "党费的使用",
            ),
            ("true_false", "党员工作单位变动后，应当及时转接党的组织关系。", "", "对", "", "党员的组织关系"),
        ],
        "lesson_questions": [
            (
                "single",
                "正式党员 3 人以上、50 人以下的机关单位，一般设立（　）。",
                "党小组\n党支部\n党的总支部委员会\n党的基层委员会",
                "B",
                "",
                "基层组织的设置",
            ),
            (
                "single",
                "党员人数 50 人以上、100 人以下的机关单位，一般设立（　）。",
                "党支部\n党的总支部委员会\n党的基层委员会\n党小组",
                "B",
                "党员人数 100 人以上的，设立党的基层委员会。",
                "基层组织的设置",
            ),
            ("true_false", "党支部是党的基础组织，是党组织开展工作的基本单元。", "", "对", "", "党支部的地位"),
            (
                "true_false",
                "正式党员不足 3 人的单位，可以与邻近单位的党员联合成立党支部。",
                "",
                "对",
                "",
                "基层组织的设置",
            ),
            ("single", "党支部党员人数一般不超过（　）人。", "30\n50\n70\n100", "B", "", "党支部的设置"),
            (
                "multiple",
                "党支部委员会一般设（　）等委员。",
                "书记\n组织委员\n宣传委员\n财务总监",
                "ABC",
                "还可以设纪检委员，必要时设副书记。",
                "支部委员会",
            ),
        ],
    },
]

LESSON_TEXT = [
    "本讲结合原文，梳理{title}的主要内容和精神实质，帮助党员把握重点、理解要义。",
    "学习时可以联系本单位、本岗位的实际，想一想：在日常工作中怎样把学习成果转化为推动工作的实际行动？",
    "建议党员在学习后参加支部组织的交流研讨，把学习体会带到“三会一课”和主题党日中去。",
]
# Added to the bank of each course's first lesson, after its own questions.
LESSON_QUESTIONS = [
    ("true_false", "学习后应当联系本职工作，把学习成果转化为实际行动。", "", "对", "", "学以致用"),
    (
        "single",
        "下列做法中，最符合学以致用要求的是（　）。",
        "只抄笔记\n结合岗位找差距、定措施\n把学习任务交给他人完成\n只在考试前突击学习",
        "B",
        "",
        "学以致用",
    ),
    (
        "true_false",
        "网上学习只要挂着页面不看，也能算作认真学习。",
        "",
        "错",
        "学习时间只在页面在前台、正在学习时计算。",
        "学习纪律",
    ),
]
COURSE_DRAW, LESSON_DRAW = 5, 3

MICRO_LESSONS = [
    ("caizheng-minsheng", "一张财政报表里的民生温度", "secretary", 2),
    ("dangzhang-xiaoshi", "学党章、守规矩，从身边小事做起", "member", 1),
    ("qunzhong-xiaoshi", "把群众的“小事”当成机关的“大事”", "member2", 12),
    ("hongse-jiashu", "从红色家书中汲取信仰力量", None, 15),
    ("lianjie-jiafeng", "廉洁从家风开始", None, 9),
    ("zuiduo-paoyici", "“最多跑一次”背后的担当", None, 11),
    ("rudang-zhiyuanshu", "一名老党员的入党志愿书", None, 13),
    ("shenbian-bangyang", "学习身边的优秀共产党员", None, 8),
]
MICRO_TEXT = [
    "这堂微型党课由{name}同志主讲。{title}，讲的是发生在我们身边的事。",
    "党课不在长短，贵在真情实感。主讲人结合自己的工作经历，谈了对党员身份的认识和在岗位上发挥先锋模范作用的体会。",
]

# What the demo recordings "say": each lesson with audio has its transcript (a recorded lesson is published only
# with one), short on purpose, since the demo recordings are a few minutes of tone.
TRANSCRIPTS = {
    "quanhui-gaishu": [
        "同志们好。今天这一讲，我们一起学习党的二十届四中全会的主要精神。",
        "全会审议通过了《中共中央关于制定国民经济和社会发展第十五个五年规划的建议》。“十五五”时期在基本实现社会主义现代化进程中具有承前启后的重要地位，是夯实基础、全面发力的关键时期。",
        "学习全会精神，首先要原原本本读文件，把握全会对今后五年发展作出的战略部署；其次要联系本单位职能，想清楚自己的岗位上能做什么、该怎么做。",
        "下一讲，我们具体学习“十五五”时期经济社会发展的主要目标。请大家学完本讲后完成课后测试。",
    ],
    "dangzhang-yiwu": [
        "这一讲，我们学习党章规定的党员的八项义务和八项权利。",
        "义务和权利是统一的。党员既要认真学习、履行义务，在工作、学习和社会生活中起先锋模范作用，也依照党章享有参加党的有关会议、阅读党的有关文件、接受党的教育和培训等权利。",
        "党员履行义务，体现在日常的每一件事上：按时参加组织生活，按期交纳党费，严守党的纪律，密切联系群众。",
        "请大家对照党章原文，逐条想一想自己做得怎么样，在支部组织生活会上谈一谈体会。",
    ],
    "zuzhi-shenghuo": [
        "这一讲，我们学习“三会一课”制度和主题党日。",
        "“三会一课”是指定期召开支部党员大会、支部委员会、党小组会，按时上好党课。这是党的组织生活的基本制度，是加强党员教育管理的重要抓手。",
        "主题党日是党支部每月相对固定一天开展的活动，可以结合“三会一课”进行，把学习、议事、服务结合起来，防止形式化。",
        "组织生活贵在认真。会前要有准备，会上要有交流，会后要有落实，让每一次组织生活都有收获。",
    ],
    "caizheng-minsheng": [
        "大家好。我在财政局工作，每天和报表打交道。今天想和大家聊一聊，一张财政报表里的民生温度。",
        "报表上的每一个数字背后，都连着群众的日子：教育、医疗、养老、就业，哪一项支出都关系千家万户。看懂这些数字，才能明白我们工作的分量。",
        "作为机关党员，我们要把“以人民为中心”落实到一笔笔资金的安排和监管中，做到精打细算、公开透明，把钱花在群众最需要的地方。",
    ],
    "dangzhang-xiaoshi": [
        "今天这堂微型党课，我想讲一讲：学党章、守规矩，要从身边的小事做起。",
        "党章不只是挂在墙上的条文，它体现在我们每天的言行里：按时参加组织生活，认真对待每一件群众来办的事，不以小事为由放松对自己的要求。",
        "小事见精神，细节见作风。希望大家都能把党章的要求带到岗位上，在日常工作中做一名合格的共产党员。",
    ],
}

MANUAL_ACTIVITIES = [
    (CreditRecord.Activity.MEETINGS, "{month}月支部党员大会暨党课", Decimal("2")),
    (CreditRecord.Activity.PARTY_DAY, "{month}月主题党日活动", Decimal("2")),
    (CreditRecord.Activity.GROUP_STUDY, "{month}月机关集中学习", Decimal("3")),
    (CreditRecord.Activity.PARTY_SCHOOL, "县委党校{month}月党员轮训班", Decimal("8")),
]


def tone_wav(seconds, frequency, rate=8000):
    """A quiet tone that rises and falls: a stand-in for a recorded lecture (8-bit mono WAV, 8 KB a second).

    A whole-number frequency repeats every second, so one second is computed and repeated; only the two-second
    fade in and out is computed sample by sample (a demo of several minutes is made in a few milliseconds)."""
    total = int(seconds * rate)

    def sample(n, envelope=1.0):
        return 128 + int(40 * envelope * math.sin(2 * math.pi * frequency * n / rate))

    def fade(n):
        t = min(n, total - n) / rate
        return 0.5 - 0.5 * math.cos(2 * math.pi * t / 4) if t < 2 else 1.0

    second = bytes(sample(n) for n in range(rate))
    frames = bytearray((second * (total // rate + 1))[:total])
    for n in list(range(min(total, 2 * rate))) + list(range(max(0, total - 2 * rate), total)):
        frames[n] = sample(n, fade(n))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(rate)
        wav.writeframes(bytes(frames))
    return buffer.getvalue()


def _demo_audio(title, frequency, seconds):
    """A demo recording of `seconds` (its real length is read from the file, learning.media). A recording left by
    an older seed that is too short for its lesson is made again, so that the lesson can be completed."""
    media = Media.objects.filter(title=title).first()
    if media is None or media.duration < seconds:
        if media is None:
            media = Media(title=title, type="audio")
        else:
            media.file.delete(save=False)
        media.file.save(f"demo-{frequency}.wav", ContentFile(tone_wav(seconds, frequency)), save=False)
        media.save()
    return media


def _media_seconds(minutes):
    """How long a demo recording for a lesson of `minutes` is: its required study time and a little more."""
    return LessonPage.required_seconds_for(minutes) + 3


def _child(parent, model, slug, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is not None:
        return page, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    return page, True


def _publish(page):
    page.save_revision().publish()


def _publish_fitting(page):
    """Publish a demo lesson under the rule the editors' form applies: its media must fit (learning.media)."""
    problems = page.publish_problems()
    if problems:
        raise ValueError(f"演示课程《{page.title}》不能发布：{'；'.join(problems.values())}")
    _publish(page)


def _add_questions(page, model, questions):
    """Add the questions the bank lacks (matched by text) and fill in missing topics, so that a database seeded
    before the banks grew gets the larger bank on the next run. Returns whether anything changed."""
    existing = {question.text: question for question in model.objects.filter(page=page)}
    changed = False
    for order, (kind, text, options, answer, explanation, topic) in enumerate(questions):
        question = existing.get(text)
        if question is not None:
            if not question.topic:
                question.topic = topic
                question.save(update_fields=["topic"])
                changed = True
            continue
        question = model(page=page, sort_order=order, kind=kind, text=text, options=options, answer=answer)
        question.explanation, question.topic = explanation, topic
        question.full_clean(exclude=["page"])
        question.save()
        changed = True
    return changed


def seed_pages(home, year):
    index, created = _child(
        home,
        CourseIndexPage,
        "wsdx",  # 网上党校; not "learning", where the section's own URLs (/learning/report/ ...) live
        title="网上党校",
        show_in_menus=True,
        introduction=P(
            "党员在线学习，学完课程、通过测试即认定学时；学习时间按服务器时钟认定，不做在线时长排名，不搞打卡。"
        ),
        summary="机关党员在线学习课程与课后测试。",
    )
    if created:
        _publish(index)
    courses = []
    for number, spec in enumerate(COURSES):
        course, created = _child(
            index,
            CoursePage,
            f"{spec['slug']}-{year}",
            title=spec["title"],
            kind=spec["kind"],
            year=year,
            summary=spec["summary"],
            description=spec["description"],
            questions_per_attempt=COURSE_DRAW,
        )
        # A new course, or one whose bank grew: publish, so that the editor's revision holds the whole bank.
        if _add_questions(course, CourseQuestion, spec["questions"]) or created:
            _publish(course)
        lessons = []
        for position, (slug, title, minutes, with_audio) in enumerate(spec["lessons"]):
            body = "".join(P(text.format(title=title)) for text in LESSON_TEXT)
            media = (
                _demo_audio(f"{title}（演示音频）", 220 + 40 * (number * 4 + position), _media_seconds(minutes))
                if with_audio
                else None
            )
            lesson, created = _child(
                course,
                LessonPage,
                slug,
                title=title,
                duration_minutes=minutes,
                body=body,
                media=media,
                transcript="".join(P(text) for text in TRANSCRIPTS.get(slug, [])) if with_audio else "",
                summary=f"{spec['title']}{title[:3]}，约 {minutes} 分钟。",
                questions_per_attempt=LESSON_DRAW,
            )
            # The first lesson of each course has its own test after training.
            grown = position == 0 and _add_questions(
                lesson, LessonQuestion, spec["lesson_questions"] + LESSON_QUESTIONS
            )
            if created:
                _publish_fitting(lesson)
            elif grown:  # a lesson of an older seed, live already: its larger bank goes live with it
                _publish(lesson)
            lessons.append(lesson)
        courses.append((course, lessons))
    return courses


def seed_micro_lessons(home, rng):
    index, created = _child(
        home,
        MicroLessonIndexPage,
        "micro-lessons",
        title="微型党课",
        show_in_menus=True,
        introduction=P("党员讲、讲党员：由机关党员自己讲授的微型党课，每课不超过 15 分钟。"),
        summary="机关党员讲授的微型党课。",
    )
    if created:
        _publish(index)
    others = list(Member.objects.active().filter(user__username__regex=r"^m\d{4}$").order_by("pk")[:60])
    today = timezone.localdate()
    pages = []
    for number, (slug, title, username, minutes) in enumerate(MICRO_LESSONS):
        existing = MicroLessonPage.objects.child_of(index).filter(slug=slug).first()
        if existing:
            pages.append(existing)
            continue
        lecturer = Member.objects.get(user__username=username) if username else others[rng.randrange(len(others))]
        page, _ = _child(
            index,
            MicroLessonPage,
            slug,
            title=title,
            lecturer=lecturer,
            duration_minutes=minutes,
            delivered_on=today.replace(month=max(1, today.month - number), day=min(today.day, 28)),
            body="".join(P(text.format(name=lecturer.name, title=title)) for text in MICRO_TEXT),
            media=_demo_audio(f"微型党课：{title}（演示音频）", 300 + 30 * number, _media_seconds(minutes))
            if number < 2
            else None,
            transcript="".join(P(text) for text in TRANSCRIPTS.get(slug, [])) if number < 2 else "",
            summary=f"主讲：{lecturer.name}（{lecturer.organization.name}）",
        )
        _publish_fitting(page)
        pages.append(page)
    return pages


# How far along each demo account is this year: (lessons done per course, course tests passed, manual events).
DEMO_ACCOUNT_PLANS = {
    "member": ([2, 4, 0], [False, True, False], 8),  # behind: some lessons left, few meetings recorded
    "member2": ([4, 4, 2], [True, True, False], 13),  # complete
    "secretary": ([4, 4, 4], [True, True, True], 14),  # a secretary owes 56: behind
}


def seed_credits(courses, micro_lessons, rng, year, stdout=None):
    from dangjian.progress import Progress

    members = list(Member.objects.active().select_related("organization", "user").order_by("pk"))
    already = set(CreditRecord.objects.values_list("member_id", flat=True).distinct())
    User = get_user_model()
    secretaries = {
        member.organization_id: member.user for member in members if member.is_branch_secretary and member.user
    }
    editor = User.objects.filter(username="editor").first()
    now = timezone.now()
    with_test = {lesson.pk for _, lessons in courses for lesson in lessons if lesson.has_test}
    records, progress_rows, attempts = [], [], []

    def when(month):
        """A day in the given month of the year, never in the future."""
        moment = timezone.make_aware(datetime.datetime(year, min(month, 12), rng.randint(5, 25), rng.randint(9, 17)))
        return min(moment, now)

    with Progress("学时记录", len(members), stdout) as progress:
        for member in members:
            progress.advance()
            if member.pk in already:
                continue
            username = member.user.username if member.user else ""
            if username in DEMO_ACCOUNT_PLANS:
                lessons_done, tests, meetings = DEMO_ACCOUNT_PLANS[username]
            else:
                diligence = rng.betavariate(3, 1.4)
                lessons_done = [min(4, int(diligence * 5 + rng.random())) for _ in courses]
                tests = [done == 4 and rng.random() < 0.8 for done in lessons_done]
                meetings = 6 + int(diligence * 9 + rng.random() * 2)
            for (course, lessons), done, passed in zip(courses, lessons_done, tests, strict=True):
                for lesson in lessons[:done]:
                    completed_at = when(rng.randint(3, now.month))
                    records.append(
                        CreditRecord(
                            member=member,
                            year=year,
                            points=lesson.credit,
                            source=CreditRecord.Source.LESSON,
                            page=lesson,
                            course=course,
                            reason=f"课程学习：完成《{lesson.title}》",
                            created_at=completed_at,
                        )
                    )
                    if lesson.pk in with_test:
                        # Passed when the lesson was completed, and before today: seeding uses none of today's attempts.
                        attempts.append(
                            TestAttempt(
                                member=member,
                                page=lesson,
                                question_ids=[],
                                score=100,
                                correct_count=LESSON_DRAW,
                                passed=True,
                                submitted_at=min(completed_at, now - datetime.timedelta(days=1)),
                            )
                        )
                    progress_rows.append(
                        StudyProgress(
                            member=member,
                            page=lesson,
                            seconds=lesson.required_seconds,
                            completed_at=completed_at,  # the day its 学时 were granted, as the ledger says
                            last_note="",
                        )
                    )
                if done < len(lessons) and username in DEMO_ACCOUNT_PLANS:
                    # A lesson in progress, to resume.
                    lesson = lessons[done]
                    progress_rows.append(
                        StudyProgress(
                            member=member,
                            page=lesson,
                            seconds=lesson.required_seconds // 3,
                            position=0,
                            last_note="已暂停计时。",
                        )
                    )
                if passed and done == len(lessons):
                    records.append(
                        CreditRecord(
                            member=member,
                            year=year,
                            points=COURSE_TEST_CREDIT,
                            source=CreditRecord.Source.COURSE_TEST,
                            page=course,
                            course=course,
                            reason=f"课程测试：通过《{course.title}》测试",
                            created_at=when(now.month),
                        )
                    )
            granted_by = secretaries.get(member.organization_id) or editor
            for event in range(meetings):
                month = 1 + event * now.month // meetings  # spread over the months gone by
                activity, reason, points = MANUAL_ACTIVITIES[rng.randrange(1, 3) if event % 3 == 2 else 0]
                if event == meetings - 1 and rng.random() < 0.3:
                    activity, reason, points = MANUAL_ACTIVITIES[3]
                records.append(
                    CreditRecord(
                        member=member,
                        year=year,
                        points=points,
                        source=CreditRecord.Source.MANUAL,
                        activity=activity,
                        reason=reason.format(month=month),
                        granted_by=granted_by,
                        created_at=when(month),
                    )
                )
            for lesson in micro_lessons:
                if rng.random() < 0.25 or (username == "member2" and lesson.slug == "qunzhong-xiaoshi"):
                    completed_at = when(rng.randint(1, now.month))
                    records.append(
                        CreditRecord(
                            member=member,
                            year=year,
                            points=lesson.credit,
                            source=CreditRecord.Source.MICRO_LESSON,
                            page=lesson,
                            reason=f"微型党课：完成《{lesson.title}》",
                            created_at=completed_at,
                        )
                    )
                    progress_rows.append(
                        StudyProgress(
                            member=member,
                            page=lesson,
                            seconds=lesson.required_seconds,
                            completed_at=completed_at,
                            last_note="",
                        )
                    )
    CreditRecord.objects.bulk_create(records, batch_size=2000, ignore_conflicts=True)
    StudyProgress.objects.bulk_create(progress_rows, batch_size=2000, ignore_conflicts=True)
    TestAttempt.objects.bulk_create(attempts, batch_size=2000)
    return len(records)


def seed_learning(home, seed=2026, stdout=None):
    rng = random.Random(seed + 5)
    year = timezone.localdate().year
    courses = seed_pages(home, year)
    micro_lessons = seed_micro_lessons(home, rng)
    seed_credits(courses, micro_lessons, rng, year, stdout)
