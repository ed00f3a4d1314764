"""Demo notices for `manage.py seed_demo`: public and internal, with attachments, a repealed notice and a scheduled one."""

import datetime
import io
import random
import zipfile
from xml.sax.saxutils import escape

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import Workbook
from wagtail.documents import get_document_model

from dangjian.progress import Progress
from members.demo import COMMITTEE_CODE
from members.models import Organization

from .choices import Scope, Timing, Validity
from .models import DisclosureIndexPage, DisclosureNoticePage, NoticeAttachment, NoticeCategory

COMMITTEE = "committee"
FINANCE = "县财政局"
HEALTH = "县卫生健康局"

# (title, category, issuer, scope, scope unit, document number, body paragraphs, attachment kind)
NOTICES = [
    (
        "县直机关工委2026年党建工作要点",
        "组织建设",
        COMMITTEE,
        Scope.PUBLIC,
        None,
        "县机党〔2026〕1号",
        [
            "2026年，县直机关党建工作以“服务中心、建设队伍”为主线，深化制度化、规范化、信息化建设。",
            "一、强化政治机关建设。二、深化学习型机关建设。三、推进党建目标责任制考核。四、加强作风建设。",
        ],
        "docx",
    ),
    (
        "关于开展2026年度“十佳党日活动”评选的通知",
        "表彰奖励",
        COMMITTEE,
        Scope.PUBLIC,
        None,
        "县机党〔2026〕5号",
        [
            "为进一步激发机关党组织活力，工委决定在县直机关开展2026年度“十佳党日活动”评选。",
            "各片组于6月30日前推荐1至2个候选活动，评选结果将在本网站公示。",
        ],
        None,
    ),
    (
        "县直机关2025年度民主评议党员工作情况通报",
        "民主评议",
        COMMITTEE,
        Scope.PUBLIC,
        None,
        "县机党〔2026〕3号",
        [
            "2025年度民主评议党员工作已全部完成，全县机关96个党支部参加评议。",
            "评议中，各支部坚持个人自评、党员互评、民主测评和组织评定相结合，评定结果已报工委备案。",
        ],
        None,
    ),
    (
        "关于调整党员党费收缴基数的通知",
        "党费收缴",
        COMMITTEE,
        Scope.PUBLIC,
        None,
        "县机党〔2026〕7号",
        [
            "根据《关于中国共产党党费收缴、使用和管理的规定》，每年第一季度核定党员党费收缴基数。",
            "各党支部应于3月31日前完成核定并报工委组织科。",
        ],
        "xlsx",
    ),
    (
        "县直机关作风建设专项整治实施方案",
        "作风建设",
        COMMITTEE,
        Scope.PUBLIC,
        None,
        "县机党〔2026〕9号",
        [
            "聚焦形式主义、官僚主义突出问题，开展为期半年的作风建设专项整治。",
            "整治分动员部署、查摆整改、总结提升三个阶段进行。",
        ],
        None,
    ),
    (
        "县直机关党员教育培训工作规划（2026—2028年）",
        "党员教育",
        COMMITTEE,
        Scope.PUBLIC,
        None,
        "县机党〔2026〕11号",
        [
            "党员每年参加集中学习培训不少于32学时，支部书记和支委委员不少于56学时。",
            "依托网上党校实行在线学习学时管理，每次培训后进行测试。",
        ],
        "docx",
    ),
    (
        "关于做好2026年发展党员工作的通知",
        "发展党员",
        COMMITTEE,
        Scope.PUBLIC,
        None,
        "县机党〔2026〕12号",
        ["坚持“控制总量、优化结构、提高质量、发挥作用”的总要求，做好发展党员工作。"],
        None,
    ),
    (
        "县直机关工委关于表彰2025年度先进基层党组织的决定",
        "表彰奖励",
        COMMITTEE,
        Scope.PUBLIC,
        None,
        "县机党〔2026〕2号",
        ["经各片组推荐、工委审核，决定授予县教育体育局机关党支部等10个党组织“先进基层党组织”称号。"],
        None,
    ),
    (
        "关于县直机关党组织换届选举工作的通知",
        "换届选举",
        COMMITTEE,
        Scope.PUBLIC,
        None,
        "县机党〔2026〕14号",
        ["今年任期届满的党支部应按期换届，换届前须报工委审批。"],
        None,
    ),
    (
        "县直机关纪律教育学习月活动安排",
        "纪律建设",
        COMMITTEE,
        Scope.PUBLIC,
        None,
        "县机党〔2026〕16号",
        ["9月为县直机关纪律教育学习月，以“学条例、守底线”为主题开展系列活动。"],
        None,
    ),
    (
        "县直机关工委党务公开目录（2026年版）",
        "组织建设",
        COMMITTEE,
        Scope.PUBLIC,
        None,
        "",
        ["本目录列明工委向社会公开和党内公开的事项、公开时限和公开方式，按年度更新。"],
        "xlsx",
    ),
    (
        "关于开展“白天走干讲、晚上读写想”主题实践活动的通知",
        "党员教育",
        COMMITTEE,
        Scope.PUBLIC,
        None,
        "县机党〔2026〕18号",
        ["“走”就是深入实际，深入基层调查研究；“干”就是干事，服务基层，服务群众；“讲”就是讲解与宣传。"],
        None,
    ),
    # Internal, all members
    (
        "关于学习贯彻《中国共产党纪律处分条例》的通知（党内）",
        "纪律建设",
        COMMITTEE,
        Scope.ALL_MEMBERS,
        None,
        "县机党〔2026〕4号",
        ["各党支部要组织党员逐章学习条例，结合本单位实际开展警示教育。", "学习情况纳入年度党建目标责任制考核。"],
        "docx",
    ),
    (
        "2026年第一季度县直机关党费收缴情况通报",
        "党费收缴",
        COMMITTEE,
        Scope.ALL_MEMBERS,
        None,
        "",
        ["第一季度县直机关应缴党费党员2960人，已全部按时足额缴纳。"],
        "xlsx",
    ),
    (
        "县直机关党员违纪违法典型案例警示通报",
        "纪律建设",
        COMMITTEE,
        Scope.ALL_MEMBERS,
        None,
        "县机党〔2026〕8号",
        ["现将近期查处的3起典型案例通报如下，各支部要组织党员认真学习，引以为戒。"],
        None,
    ),
    (
        "关于县直机关党员参加网上党校学习情况的通报",
        "党员教育",
        COMMITTEE,
        Scope.ALL_MEMBERS,
        None,
        "",
        ["截至6月底，县直机关党员人均完成学时18.5，请各支部督促进度落后的党员按时完成。"],
        None,
    ),
    (
        "县直机关工委2026年上半年党建工作督查反馈意见",
        "组织建设",
        COMMITTEE,
        Scope.ALL_MEMBERS,
        None,
        "县机党〔2026〕13号",
        ["督查发现部分支部“三会一课”记录不规范、组织生活会会前谈心谈话不充分等问题，请限期整改。"],
        None,
    ),
    (
        "关于党员领导干部讲党课的安排",
        "党员教育",
        COMMITTEE,
        Scope.ALL_MEMBERS,
        None,
        "",
        ["各单位党员领导干部每年至少为所在支部讲一次党课，时间安排见附件。"],
        "xlsx",
    ),
    # Internal, scoped to the 县财政局 branch (the demo accounts `member` and `secretary`)
    (
        "县财政局机关党支部2026年第二季度“三会一课”安排",
        "组织建设",
        FINANCE,
        Scope.ORGANIZATIONS,
        FINANCE,
        "",
        ["4月召开支部党员大会，5月讲专题党课，6月开展主题党日活动。"],
        "docx",
    ),
    (
        "县财政局机关党支部民主评议党员结果",
        "民主评议",
        FINANCE,
        Scope.ORGANIZATIONS,
        FINANCE,
        "",
        ["经支部党员大会评议，评定优秀党员4名、合格党员21名。"],
        None,
    ),
    (
        "县财政局机关党支部组织生活会整改清单",
        "作风建设",
        FINANCE,
        Scope.ORGANIZATIONS,
        FINANCE,
        "",
        ["对照检查中查摆出的5个方面问题，明确整改措施和完成时限。"],
        None,
    ),
    (
        "县财政局机关党支部党费使用情况报告",
        "党费收缴",
        FINANCE,
        Scope.ORGANIZATIONS,
        FINANCE,
        "",
        ["2025年度支部留存党费主要用于订阅党报党刊、开展主题党日活动。"],
        "xlsx",
    ),
    # Internal, scoped to the 县卫生健康局 branch (the demo account `member2`)
    (
        "县卫生健康局机关党支部发展对象政治审查情况",
        "发展党员",
        HEALTH,
        Scope.ORGANIZATIONS,
        HEALTH,
        "",
        ["对2名发展对象的政治审查已完成，结论均为合格。"],
        None,
    ),
    (
        "县卫生健康局机关党支部支委分工调整",
        "组织建设",
        HEALTH,
        Scope.ORGANIZATIONS,
        HEALTH,
        "",
        ["经支委会研究，调整组织委员、宣传委员分工。"],
        None,
    ),
    (
        "县卫生健康局机关党支部2026年学习计划",
        "党员教育",
        HEALTH,
        Scope.ORGANIZATIONS,
        HEALTH,
        "",
        ["全年安排集中学习12次，每月一次，结合医疗卫生工作实际选题。"],
        "docx",
    ),
]

UNIT_PUBLICITY = [
    (
        "{unit}机关党支部2026年发展党员对象公示",
        "发展党员",
        [
            "经支部委员会研究，拟将以下同志列为发展对象，现予公示。公示期为5个工作日。",
            "公示期间如有意见，请向县直机关工委组织科反映，服务热线0575-86012345。",
        ],
    ),
    (
        "{unit}机关党支部换届选举结果公告",
        "换届选举",
        ["经党员大会选举并报县直机关工委批复，新一届支部委员会由3名委员组成。"],
    ),
]
PUBLICITY_UNITS = [
    "县委办公室",
    "县发展和改革局",
    "县教育体育局",
    "县公安局",
    "县住房和城乡建设局",
    "县文化广电旅游局",
    "县市场监督管理局",
    "县人力资源和社会保障局",
]


def _docx(paragraphs):
    """A minimal Word document (what an office attaches), written without extra libraries."""
    body = "".join(f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>" for text in paragraphs)
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _xlsx(title, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _attachment(title, kind, paragraphs):
    Document = get_document_model()
    existing = Document.objects.filter(title=title).first()
    if existing:
        return existing
    if kind == "docx":
        content, name = _docx([title, *paragraphs]), f"{title}.docx"
    else:
        content, name = (
            _xlsx(
                title, [["单位", "人数", "备注"], ["县财政局机关党支部", 27, ""], ["县教育体育局机关党支部", 41, ""]]
            ),
            f"{title}.xlsx",
        )
    document = Document(title=title)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def _body(paragraphs):
    return [("paragraph", "".join(f"<p>{escape(text)}</p>" for text in paragraphs))]


def seed_notices(home, seed=2026, stdout=None):
    rng = random.Random(seed + 3)
    index = DisclosureIndexPage.objects.child_of(home).first()
    if index is None:
        index = DisclosureIndexPage(
            title="党务公开",
            slug="dwgk",
            show_in_menus=True,
            introduction="依据《中国共产党党务公开条例（试行）》，公开县直机关党组织的党务信息。党内公开事项请登录后查阅。",
        )
        home.add_child(instance=index)
        index.save_revision().publish()

    User = get_user_model()
    editor = User.objects.get(username="editor")
    approver = User.objects.get(username="approver")
    committee = Organization.objects.get(code=COMMITTEE_CODE)
    branches = {org.parent.name: org for org in Organization.objects.filter(kind="branch").select_related("parent")}
    categories = {category.name: category for category in NoticeCategory.objects.all()}

    entries = list(NOTICES)
    for unit in PUBLICITY_UNITS:
        template, category, paragraphs = UNIT_PUBLICITY[rng.randrange(len(UNIT_PUBLICITY))]
        entries.append((template.format(unit=unit), category, unit, Scope.PUBLIC, None, "", paragraphs, None))

    start = timezone.make_aware(datetime.datetime(2026, 1, 8, 9, 30))
    existing = set(DisclosureNoticePage.objects.child_of(index).values_list("title", flat=True))
    with Progress("党务公开", len(entries) + 2, stdout) as progress:
        for number, (title, category, issuer, scope, scope_unit, document_number, paragraphs, attachment) in enumerate(
            entries
        ):
            progress.advance()
            if title in existing:
                continue
            published = start + datetime.timedelta(days=number * 7 + rng.randrange(3), hours=rng.randrange(6))
            notice = DisclosureNoticePage(
                title=title,
                slug=f"notice-{number + 1:03d}",
                issuing_organization=committee if issuer == COMMITTEE else branches[issuer],
                document_number=document_number,
                category=categories[category],
                scope=scope,
                timing=Timing.REGULAR if "季度" in title or "年度" in title else Timing.IMMEDIATE,
                written_on=(published - datetime.timedelta(days=2)).date(),
                body=_body(paragraphs),
                first_published_at=published,
                owner=editor,
            )
            if attachment:
                notice.attachments = [
                    NoticeAttachment(document=_attachment(f"{title}（附件）", attachment, paragraphs))
                ]
            if scope_unit:
                notice.scope_organizations = [branches[scope_unit]]
            index.add_child(instance=notice)
            notice.save_revision(user=editor).publish(user=approver, skip_permission_checks=True)

        _seed_repealed_pair(index, committee, categories, editor, approver, existing)
        progress.advance()
        _seed_scheduled(index, committee, categories, editor, existing)
        progress.advance()
    return index


def _seed_repealed_pair(index, committee, categories, editor, approver, existing):
    old_title = "县直机关党员积分管理办法（试行）"
    new_title = "县直机关党员在线学习学时管理办法"
    if old_title in existing:
        return
    new = DisclosureNoticePage(
        title=new_title,
        slug="credit-rules-2026",
        issuing_organization=committee,
        document_number="县机党〔2026〕15号",
        category=categories["党员教育"],
        written_on=datetime.date(2026, 4, 20),
        body=_body(["党员在线学习实行学时管理：完成课程并通过测试即记学时，不设排名，不以在线时长计分。"]),
        first_published_at=timezone.make_aware(datetime.datetime(2026, 4, 22, 10, 0)),
    )
    index.add_child(instance=new)
    new.save_revision(user=editor).publish(user=approver, skip_permission_checks=True)
    old = DisclosureNoticePage(
        title=old_title,
        slug="points-rules-2019",
        issuing_organization=committee,
        document_number="县机党〔2019〕21号",
        category=categories["党员教育"],
        written_on=datetime.date(2019, 5, 6),
        validity=Validity.REPEALED,
        validity_changed_on=datetime.date(2026, 4, 22),
        replaced_by=new,
        body=_body(["本办法自发布之日起施行。（已被《县直机关党员在线学习学时管理办法》废止）"]),
        first_published_at=timezone.make_aware(datetime.datetime(2019, 5, 8, 9, 0)),
    )
    index.add_child(instance=old)
    old.save_revision(user=editor).publish(user=approver, skip_permission_checks=True)


def _seed_scheduled(index, committee, categories, editor, existing):
    """定期公开: approved and waiting for its go-live time."""
    title = "2026年第四季度县直机关党费收缴情况公示"
    if title in existing or DisclosureNoticePage.objects.child_of(index).filter(slug="dues-2026-q4").exists():
        return
    go_live = timezone.now() + datetime.timedelta(days=30)
    notice = DisclosureNoticePage(
        title=title,
        slug="dues-2026-q4",
        issuing_organization=committee,
        category=categories["党费收缴"],
        timing=Timing.REGULAR,
        written_on=timezone.localdate(),
        body=_body(["第四季度党费收缴情况将于季度结束后公示。"]),
        live=False,
        go_live_at=go_live,
    )
    index.add_child(instance=notice)
    notice.save_revision(user=editor, approved_go_live_at=go_live)
