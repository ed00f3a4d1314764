"""The Wagtail admin in Chinese for the staff (issue 15, point 10).

Wagtail 8.0.1's zh_Hans catalogue leaves about a third of its admin in English; the project's catalogues in
locale/ (LOCALE_PATHS, merged on top of the apps' ones) complete it. These tests check that the committed .mo files
are the compiled .po files, that every msgid of the sources the staff meet has Chinese, and that the screens a
党务干部 uses show no English: visible text, the attributes a person reads or hears (title, aria-label,
placeholder, alt, button values), the StreamField block definitions and the wagtailConfig strings, and the
/admin/jsi18n/ catalogue.
"""

import importlib.util
import io
import json
import re
import zoneinfo
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from disclosures.choices import Scope
from disclosures.models import DisclosureNoticePage, NoticeFeedback
from learning.models import CourseIndexPage, CoursePage, LessonPage
from members.models import Member
from members.roster import HEADERS
from tests.disclosures.fixtures import make_document
from tests.disclosures.test_workflow import create, notice_form

LOCALE = Path(settings.BASE_DIR) / "locale"


def load_update():
    """locale/update.py, by path: a folder named `locale` must not become a package (it would hide the standard
    library's `locale` module)."""
    spec = importlib.util.spec_from_file_location("dangjian_locale_update", LOCALE / "update.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- Finding English ---------------------------------------------------------------------------------------------

# Latin words that are right in a Chinese interface, each for a reason:
ALLOWED_WORDS = {
    "Wagtail",  # the product's name, which Wagtail's own zh_Hans catalogue keeps
    "URL",  # Wagtail's zh_Hans catalogue writes URL, as Chinese web staff do
    "ID",
    "API",
    "JavaScript",
    "Excel",  # the roster import and the exports name the program the office uses
    "XLSX",  # export formats on the report buttons
    "CSV",
    "PDF",  # file formats the upload forms accept
    "AVIF",
    "GIF",
    "JPG",
    "JPEG",
    "PNG",
    "WEBP",
    "SVG",
    "WebVTT",  # the captions format a video lesson needs (字幕（WebVTT）), and the word its files start with
    "WEBVTT",
    "WAV",  # audio formats whose length the site reads (learning.media)
    "OGG",
    "KB",  # file sizes
    "MB",
    "GB",
    "ACD",  # answer letters in the lessons' question help text (多选题如 ACD)
}
# Text that is Latin by nature: web addresses and paths, e-mail addresses, file names, codes such as index numbers
# (JGGW-2026-0001) or organization codes (T-CZ-1).
LATIN_BY_NATURE = re.compile(
    r"https?://\S+|(?<![\w/])/[\w\-./?=&%]+|\S+@\S+\.\w+|[\w\-]*\.(?:pdf|docx?|xlsx?|txt|png|jpe?g|gif|mp3|mp4|wav|vtt)\b"
    r"|\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b|\b[A-Z]+[0-9]+[A-Z0-9]*\b|\b[0-9a-f]{16,}\b",  # … and digests (SHA-256)
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")
TIME_ZONES = zoneinfo.available_timezones() | {"localtime"}

# English that Wagtail 8.0.1 writes without any msgid, so that no catalogue can translate it (where, text):
WAGTAIL_HARD_CODED = {
    # wagtailadmin/shared/header.html:61 and wagtailadmin/home.html:31: the search forms' screen-reader-only
    # submit button, <input type="submit" value="Search">.
    ("input[value]", "Search"),
    # wagtailadmin/shared/side_panel_toggle.html:15 prints {{ count }} (None) in a counter that stays hidden until
    # the script writes a number into it.
    ("div[hidden]", "None"),
    # wagtailadmin/shared/headers/_actions.html:3: <nav aria-label="Actions"> around the header's buttons.
    ("nav[aria-label]", "Actions"),
}

# English from the project's own code or data, listed for the owners of those files to fix (text: where it comes
# from). Each must still be found, so that the list shrinks as fixes land: see test_pending_strings_still_exist.
# (Wagtail's default "Moderators approval" task left the workflow report's filter with security/migrations/0002.)
PENDING_PROJECT_STRINGS = {}


PENDING = set(PENDING_PROJECT_STRINGS)


def unexpected(found):
    """What the checker found, less the project's strings awaiting their fix."""
    return [item for item in found if item[1].strip(" *") not in PENDING]  # a label may carry its required mark


class _Texts(HTMLParser):
    """Text nodes and read attributes of an HTML page, each with where it stands (tag, or tag[attribute])."""

    READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description", "data-w-tooltip-content-value")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, hidden)
        self.found = []
        self.json_blobs = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in self.READ_ATTRIBUTES:
            if attrs.get(name):
                self.found.append((f"{tag}[{name}]", attrs[name]))
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.found.append(("input[value]", attrs["value"]))
        # StreamField definitions and Draftail's options travel as JSON in data attributes.
        for name, value in attrs.items():
            if name.startswith("data-") and value and value.lstrip()[:1] in ("{", "["):
                self.json_blobs.append((f"{tag}[{name}]", value))
        if tag == "script":
            self._script = attrs
        if tag not in self.VOID:
            self.stack.append((tag, "hidden" in attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._script is not None:
            if self._script.get("type") == "application/json":
                self.json_blobs.append((f"script#{self._script.get('id')}", data))
            return
        if any(tag in ("style", "noscript") for tag, _ in self.stack) or not data.strip():
            return
        tag, hidden = self.stack[-1] if self.stack else ("", False)
        self.found.append((f"{tag}[hidden]" if hidden else tag, data.strip()))


# The JSON fields that reach the screen: block labels and help texts, the strings of the widgets.
SHOWN_JSON_KEYS = re.compile(r"^(label|description|helpText|help_text|placeholder|title|text)$")


def _shown_json_strings(value, key="", parent=""):
    if isinstance(value, dict):
        for child_key, child in value.items():
            yield from _shown_json_strings(child, child_key, key)
    elif isinstance(value, list):
        for child in value:
            yield from _shown_json_strings(child, key, parent)
    elif isinstance(value, str) and (SHOWN_JSON_KEYS.match(key) or parent in ("strings", "STRINGS")):
        yield value


def english_words(text, allowed=()):
    """The English words in a text, once the Latin-by-nature parts and the allowed words are taken out."""
    text = PLACEHOLDER.sub(" ", LATIN_BY_NATURE.sub(" ", text))
    return [word for word in WORD.findall(text) if word not in ALLOWED_WORDS and word not in allowed]


def english_in_text(where, text, allowed=()):
    if where == "kbd":  # key names on the keyboard (Ctrl + Alt + m) in the keyboard shortcuts dialog
        return None
    if text.strip() in TIME_ZONES or (where, text.strip()) in WAGTAIL_HARD_CODED:
        return None
    if text.strip() in allowed:  # a user name, a file name shown whole
        return None
    if english_words(text, allowed):
        return (where, text[:160])
    return None


def english_in_html(html, allowed=()):
    """(where, text) for each text of the page that has English in it."""
    parser = _Texts()
    parser.feed(html)
    parser.close()
    found = [english_in_text(where, text, allowed) for where, text in parser.found]
    for where, blob in parser.json_blobs:
        try:
            data = json.loads(blob)
        except ValueError:
            continue
        for text in _shown_json_strings(data):
            found.append(english_in_text(f"{where} JSON", text, allowed))
    return [item for item in found if item]


# --- The catalogues ----------------------------------------------------------------------------------------------


def catalogues():
    return sorted((LOCALE / "zh_Hans" / "LC_MESSAGES").glob("*.po"))


def test_the_catalogues_exist():
    assert [path.name for path in catalogues()] == ["django.po", "djangojs.po"]


@pytest.mark.parametrize("po", catalogues(), ids=lambda path: path.name)
def test_each_mo_is_its_po_compiled(po):
    """The .mo files are committed (CI machines may lack gettext): each must say what its .po says."""
    update = load_update()
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo.name} is missing: run .venv/bin/python locale/update.py compile"
    assert update.mo_catalog(mo) == update.po_catalog(update.parse_po(po)), (
        f"{po.name} changed since {mo.name} was compiled: run .venv/bin/python locale/update.py compile"
    )


@pytest.mark.parametrize("po", catalogues(), ids=lambda path: path.name)
def test_every_entry_is_translated_with_its_placeholders(po):
    update = load_update()
    header, *entries = update.parse_po(po)
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstr[0]
    problems = []
    for entry in entries:
        if entry.obsolete:
            continue
        label = f"{entry.msgid!r}"
        if not entry.translated:
            problems.append(f"untranslated or fuzzy: {label}")
            continue
        if entry.msgid_plural is not None and len(entry.msgstr) != 1:
            problems.append(f"Chinese has one plural form, msgstr[0] only: {label}")
        # An entry may leave out a placeholder that Wagtail fills badly, saying so in a "drops" comment.
        dropped = {word for comment in entry.comments for word in PLACEHOLDER.findall(comment) if "drops" in comment}
        placeholders_in = set(PLACEHOLDER.findall(entry.msgid)) - dropped
        available = placeholders_in | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for text in entry.msgstr:
            used = set(PLACEHOLDER.findall(text))
            if not placeholders_in <= used:
                problems.append(f"lost {sorted(placeholders_in - used)}: {label}")
            if not used <= available:
                problems.append(f"unknown {sorted(used - available)}: {label}")
            if re.search(r"%(?!\(\w+\)[sd]|[sd%])", text):
                problems.append(f"a lone % (write %%): {label}")
            if english_words(re.sub(r"<[^>]*>", " ", text)):  # tags and attributes are HTML, not words
                problems.append(f"English left in the translation {text!r}: {label}")
    assert not problems, "\n".join(problems)


def test_no_msgid_of_the_staffs_sources_is_left_in_english():
    """Every msgid of Wagtail's admin, core, documents, images, snippets, users, search, sites, embeds, settings,
    forms, redirects, table block, wagtailmedia, django-filter and taggit has Chinese, from its own catalogue or
    ours. A Wagtail upgrade that brings new strings fails here: run locale/update.py sync, translate, compile."""
    update = load_update()
    left = {
        f"{package} ({domain})": [entry.msgid for entry in entries]
        for domain in ("django", "djangojs")
        for package, entries in update.english_left(domain).items()
        if entries
    }
    assert not left, json.dumps(left, ensure_ascii=False, indent=1)


def test_the_project_catalogue_wins_over_the_apps_ones():
    with translation.override("zh-hans"):
        assert translation.gettext("Search all pages…") == "搜索全部页面…"
        assert translation.gettext("The page could not be created due to validation errors.") == (
            "存在验证错误，页面未能创建。"
        )
        # wagtailmedia ships this one fuzzy and wrong (编辑此页): Django ignores fuzzy entries, ours is used.
        assert translation.gettext("Edit this video") == "编辑此视频"
        assert translation.ngettext("%(num_parent_objects)d page", "%(num_parent_objects)d pages", 3) % {
            "num_parent_objects": 3
        } == ("3 个页面")
        # What Wagtail's own catalogue translates stays as it is.
        assert translation.gettext("Save draft") == "保存草稿"


# --- The screens -------------------------------------------------------------------------------------------------


def roster_file():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(HEADERS)
    workbook.active.append(["李卫东", "男", "县财政局机关党支部", "正式党员", "2001-07-01", "13905751234", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def staff_world(make_notice, disclosure_index, home_page, org_tree, editor_user, make_member, reviewer):
    """What the 党务干部 works on: notices (one in the workflow, with an answer from the reviewer), a course with a
    lesson, a document, an image, members and their feedback."""
    published = make_notice("关于召开县直机关党建工作会议的通知")
    draft = make_notice("关于开展主题党日活动的通知", scope=Scope.ALL_MEMBERS, publish=False)
    draft.get_workflow().start(draft, editor_user)
    draft.current_workflow_state.current_task_state.approve(user=reviewer, comment="保密审查通过")
    member = make_member("m0001", org_tree["finance_branch"], name="张丽华", phone="13857512345")
    NoticeFeedback.objects.create(notice=published, user=member, text="建议附上会议议程。")

    index = CourseIndexPage(title="网上党校", slug="learning")
    home_page.add_child(instance=index)
    index.save_revision().publish()
    course = CoursePage(title="党章党规党纪", slug="dangzhang", year=2026, kind="required")
    index.add_child(instance=course)
    course.save_revision().publish()
    lesson = LessonPage(title="第一讲：党员的义务", slug="yiwu", duration_minutes=30, body="<p>党员的义务。</p>")
    course.add_child(instance=lesson)
    lesson.save_revision().publish()

    document = make_document("会议议程")
    image = get_image_model().objects.create(title="主题党日合影", file=get_test_image_file("hy.png"))
    return {
        "index": disclosure_index,
        "published": published,
        "draft": DisclosureNoticePage.objects.get(pk=draft.pk),
        "course_index": index,
        "course": course,
        "lesson": lesson,
        "document": document,
        "image": image,
        "member": Member.objects.get(user=member),
        "organization": org_tree["finance_branch"],
    }


def screens(world):
    """The admin screens the staff use, by name, with the URL that opens each."""
    index, published, draft = world["index"], world["published"], world["draft"]
    return {
        "控制面板": "/admin/",
        "页面浏览（党务公开）": f"/admin/pages/{index.pk}/",
        "页面浏览（网上党校）": f"/admin/pages/{world['course_index'].pk}/",
        "页面搜索": "/admin/pages/search/?q=" + "通知",
        "新建通知": f"/admin/pages/add/disclosures/disclosurenoticepage/{index.pk}/",
        "编辑通知": f"/admin/pages/{published.pk}/edit/",
        "编辑审核中的通知": f"/admin/pages/{draft.pk}/edit/",
        "通知的历史": f"/admin/pages/{published.pk}/history/",
        "工作流历史": f"/admin/pages/{draft.pk}/workflow_history/",
        "工作流历史详情": f"/admin/pages/{draft.pk}/workflow_history/detail/{draft.workflow_states.get().pk}/",
        "新建课程": f"/admin/pages/add/learning/coursepage/{world['course_index'].pk}/",
        "编辑课程": f"/admin/pages/{world['course'].pk}/edit/",
        "新建课时": f"/admin/pages/add/learning/lessonpage/{world['course'].pk}/",
        "编辑课时": f"/admin/pages/{world['lesson'].pk}/edit/",
        "文档列表": "/admin/documents/",
        "上传文档": "/admin/documents/multiple/add/",
        "编辑文档": f"/admin/documents/edit/{world['document'].pk}/",
        "图片列表": "/admin/images/",
        "上传图片": "/admin/images/multiple/add/",
        "编辑图片": f"/admin/images/{world['image'].pk}/",
        "页面选择器": "/admin/choose-page/",
        "页面选择器（党务公开）": f"/admin/choose-page/{index.pk}/",
        "文档选择器": "/admin/documents/chooser/",
        "图片选择器": "/admin/images/chooser/",
        "党组织选择器": "/admin/snippets/choose/members/organization/",
        "党组织": "/admin/snippets/members/organization/",
        "编辑党组织": f"/admin/snippets/members/organization/edit/{world['organization'].pk}/",
        "党员": "/admin/snippets/members/member/",
        "编辑党员": f"/admin/snippets/members/member/edit/{world['member'].pk}/",
        "意见反馈": "/admin/snippets/disclosures/noticefeedback/",
        "名册导入": "/admin/roster/",
        "工作流报告": "/admin/reports/workflow/",
        "账号设置": "/admin/account/",
    }


def fetch(client, url):
    """A screen's HTML; a chooser answers with JSON that carries it."""
    response = client.get(url, HTTP_X_REQUESTED_WITH="XMLHttpRequest" if "choose" in url else "")
    assert response.status_code == 200, f"{url}: {response.status_code} {response.get('Location', '')}"
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)["html"]
    return response.content.decode()


def allowed_names():
    """User names are written in Latin letters (editor, m0001): the admin shows them as they are."""
    return set(get_user_model().objects.values_list("username", flat=True))


@pytest.fixture
def staff_client(client, editor_user):
    client.force_login(editor_user)
    return client


@pytest.mark.django_db
def test_the_staffs_screens_have_no_english(staff_client, staff_world):
    names = allowed_names()
    found = {}
    for name, url in screens(staff_world).items():
        english = unexpected(english_in_html(fetch(staff_client, url), names))
        if english:
            found[f"{name} {url}"] = sorted(set(english))
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


@pytest.mark.django_db
def test_pending_strings_still_exist(staff_client, staff_world):
    """Each string of PENDING_PROJECT_STRINGS is still on some screen: once fixed, it leaves the list."""
    seen = set()
    for url in screens(staff_world).values():
        seen |= {text for _, text in english_in_html(fetch(staff_client, url), allowed_names())}
    assert seen >= PENDING, f"fixed, remove from PENDING_PROJECT_STRINGS: {sorted(PENDING - seen)}"


@pytest.mark.django_db
def test_roster_preview_has_no_english(staff_client, org_tree):
    upload = SimpleUploadedFile("11月名册.xlsx", roster_file())
    response = staff_client.post("/admin/roster/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[:500]
    html = fetch(staff_client, response["Location"])
    assert "李卫东" in html
    assert unexpected(english_in_html(html, allowed_names() | {"11月名册.xlsx"})) == []


@pytest.mark.django_db
def test_a_refused_notice_says_so_in_chinese(staff_client, disclosure_index, category, org_tree):
    """The message and the field errors of a page form with validation errors; what was typed stays."""
    response = create(
        staff_client, disclosure_index, notice_form(category, org_tree, title="", document_number="县机党")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "存在验证错误，页面未能创建。" in html
    with translation.override("zh-hans"):
        assert translation.gettext("This field is required.") in html  # the title's error
    assert 'value="县机党"' in html
    assert unexpected(english_in_html(html, allowed_names())) == []


@pytest.mark.django_db
def test_the_editors_javascript_strings_are_chinese(staff_client, staff_world):
    """wagtailConfig's STRINGS (bulk actions, months, weekdays) and /admin/jsi18n/, the catalogue Wagtail's scripts
    read their gettext() from: every msgid of Wagtail's djangojs source has a Chinese entry."""
    html = fetch(staff_client, "/admin/documents/")
    config = json.loads(re.search(r'<script id="wagtail-config" type="application/json">(.*?)</script>', html, re.S)[1])
    strings = []

    def walk(value):
        if isinstance(value, dict):
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)
        else:
            strings.append(value)

    walk(config["STRINGS"])
    assert "1 个文档被选中" in strings or any("文档" in text for text in strings)
    assert [text for text in strings if english_words(text)] == []

    script = staff_client.get("/admin/jsi18n/").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S)[1])
    update = load_update()
    missing, english = [], []
    for entry in update.source_entries("wagtail.admin", "djangojs"):
        value = catalog.get(entry.msgid)
        if value is None:
            missing.append(entry.msgid)
            continue
        for text in value if isinstance(value, list) else [value]:
            if english_words(text):
                english.append(text)
    assert missing == [] and english == []
    assert catalog["Insert a block"] == "插入区块"


def test_the_checker_finds_english():
    """The checker itself: English in text, attributes and block definitions is found; Chinese, names and
    Latin-by-nature text are not."""
    html = """
        <h1>页面 <span>Search all pages</span></h1>
        <button aria-label="Toggle sidebar">侧边栏</button>
        <input type="submit" value="Save">
        <p>索引号 JGGW-2026-0001，附件 议程.pdf，见 https://example.org/a/b，上传者 editor</p>
        <div data-w-block-data-value='{"label": "Image", "strings": {"MOVE_UP": "上移"}}'></div>
        <script>var notShown = "some code";</script>
        <option>Asia/Shanghai</option>
    """
    found = english_in_html(html, {"editor"})
    assert found == [
        ("span", "Search all pages"),
        ("button[aria-label]", "Toggle sidebar"),
        ("input[value]", "Save"),
        ("div[data-w-block-data-value] JSON", "Image"),
    ]
