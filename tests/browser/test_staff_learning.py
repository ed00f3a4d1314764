"""A 党务干部 builds a course, a lesson with a test and a micro lesson in the Wagtail admin, through the editor's own
screens; a member then studies the lesson on his phone, passes the test and sees the credit."""

import re

import pytest
from playwright.sync_api import expect

from learning.demo import tone_wav
from learning.models import CoursePage, LessonPage, MicroLessonPage
from members import roles
from tests.browser.actions import admin_log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COURSE = "学习新修订的纪律处分条例"
LESSON = "第一讲：六项纪律"
MICRO = "从一张报表看作风建设"


@pytest.fixture
def indexes(home_page):
    from learning.models import CourseIndexPage, MicroLessonIndexPage

    index = CourseIndexPage(title="网上党校", slug="wsdx", show_in_menus=True)
    home_page.add_child(instance=index)
    index.save_revision().publish()
    micro_index = MicroLessonIndexPage(title="微型党课", slug="micro-lessons")
    home_page.add_child(instance=micro_index)
    micro_index.save_revision().publish()
    return index, micro_index


@pytest.fixture
def admin_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def type_rich_text(page, field_name, text):
    """Draftail: click into the field's editor and type, as an editor does."""
    page.locator(f".w-field:has(#id_{field_name}) [contenteditable=true]").click()
    page.keyboard.type(text)


def add_question(page, number, kind, text, options, answer):
    page.get_by_role("button", name="增加 题目").click()
    prefix = f"#id_questions-{number}-"
    page.locator(prefix + "kind").select_option(label=kind)
    page.locator(prefix + "text").fill(text)
    if options:
        page.locator(prefix + "options").fill(options)
    page.locator(prefix + "answer").fill(answer)


def publish(page, title):
    """The action menu's arrow, then 发布 (the editors publish learning pages directly, with no workflow)."""
    page.locator("footer .w-dropdown__toggle").click()
    # Wagtail's leftover "submit to Moderators approval", which nobody could answer, is gone (learning 0003 lifted
    # it, security 0002 deleted it).
    assert "Moderators" not in page.locator("footer").inner_text()
    page.get_by_role("button", name="发布").click()
    page.get_by_text(f"页面'{title}'已创建并发布。").wait_for()
    page.wait_for_load_state("networkidle")


def test_editor_builds_a_course_and_a_micro_lesson_and_a_member_studies_it(
    settings, indexes, make_user, member_user, live_server, admin_page, phone_page
):
    settings.LEARNING_HEARTBEAT_SECONDS = 1
    settings.LEARNING_SECONDS_PER_MINUTE = 5  # the lesson's 1 minute is 5 s here: 4 s of study complete it
    make_user("editor", roles.PARTY_CADRE, first_name="晓梅", last_name="周")
    index, micro_index = indexes
    page = admin_page
    external = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url))

    admin_log_in(page, live_server, "editor")
    # The dashboard's own requests finish first: on SQLite the live server's threads share one connection.
    page.wait_for_load_state("networkidle")

    # The course, under 网上党校: a course test of two questions.
    page.goto(live_server.url + f"/admin/pages/{index.pk}/")
    page.get_by_role("link", name="添加子页面").first.click()
    page.wait_for_url(re.compile(r".*/admin/pages/add/learning/coursepage/\d+/$"))
    page.locator("#id_title").fill(COURSE)
    page.get_by_label("课程类别").select_option(label="必修")
    type_rich_text(page, "description", "本课程讲解纪律处分条例的主要内容。")
    add_question(page, 0, "判断题", "党的纪律是党内规矩。", "", "对")
    add_question(page, 1, "单选题", "纪律处分条例规定了几项纪律？", "四项\n五项\n六项", "C")
    page.get_by_label("每次抽题数量").fill("1")  # the bank must be larger than the draw
    page.screenshot(path="/tmp/learn-admin-course.png", full_page=True)
    publish(page, COURSE)
    course = CoursePage.objects.get(title=COURSE)
    assert course.live and course.questions.count() == 2

    # A lesson of the course, 1 minute long, with a test after training.
    page.goto(live_server.url + f"/admin/pages/{course.pk}/")
    page.get_by_role("link", name="添加子页面").first.click()
    page.wait_for_url(re.compile(r".*/admin/pages/add/learning/lessonpage/\d+/$"))
    page.locator("#id_title").fill(LESSON)
    type_rich_text(page, "body", "政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律。")
    page.get_by_label("学习时长（分钟）").fill("1")
    add_question(page, 0, "多选题", "下列属于六项纪律的是（　）。", "政治纪律\n组织纪律\n考勤纪律", "AB")
    add_question(page, 1, "判断题", "生活纪律不属于六项纪律。", "", "错")
    page.get_by_label("每次抽题数量").fill("1")  # the bank must be larger than the draw
    page.screenshot(path="/tmp/learn-admin-lesson.png", full_page=True)
    publish(page, LESSON)
    lesson = LessonPage.objects.get(title=LESSON)
    assert lesson.live and lesson.get_parent().pk == course.pk
    assert sorted(lesson.questions.values_list("answer", flat=True)) == ["AB", "错"]

    # Drawing both questions of the bank: publishing is refused, saying why, with what was typed kept.
    page.goto(live_server.url + f"/admin/pages/{lesson.pk}/edit/")
    expect(page.get_by_text("题库 2 题，每次抽取 1 题")).to_be_visible()
    page.get_by_label("每次抽题数量").fill("2")
    page.wait_for_load_state("networkidle")
    page.locator("footer .w-dropdown__toggle").click()
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("题库只有 2 题，每次抽取 2 题").first).to_be_visible()
    assert page.get_by_label("每次抽题数量").input_value() == "2"
    page.get_by_label("每次抽题数量").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/shots-quiz/admin-bank-refused.png")
    lesson.refresh_from_db()
    assert lesson.questions_per_attempt == 1

    # A micro lesson: the lecturer is a member, found by part of his name.
    page.goto(live_server.url + f"/admin/pages/{micro_index.pk}/")
    page.get_by_role("link", name="添加子页面").first.click()
    page.wait_for_url(re.compile(r".*/admin/pages/add/learning/microlessonpage/\d+/$"))
    page.locator("#id_title").fill(MICRO)
    page.get_by_role("button", name="选择主讲人").click()
    modal = page.locator(".modal-content")
    modal.get_by_label("姓名或所在党组织").fill("丽华")
    modal.get_by_role("link", name="张丽华").click()
    expect(page.locator("[data-chooser-title]").first).to_have_text("张丽华")
    # Its recording, uploaded from the editor (wagtailmedia's own add permission on the collection).
    page.get_by_role("button", name="选择媒体项").click()
    page.get_by_role("tab", name="上传音频").click()
    upload = page.locator(".modal-content").get_by_role("tabpanel", name="上传音频")
    upload.get_by_label("标题").fill("微型党课录音：作风建设")
    upload.get_by_label("文件").set_input_files(
        # 35 s: its real length covers the 8 minutes' study time here (8 × 5 s × 80 % = 32 s).
        {"name": "zuofeng.wav", "mimeType": "audio/wav", "buffer": tone_wav(35, 440)}
    )
    upload.get_by_role("button", name="上传").click()
    expect(page.get_by_text("微型党课录音：作风建设")).to_be_visible()
    expect(page.locator(".modal-content")).to_have_count(0)
    type_rich_text(page, "body", "作风建设永远在路上。")
    page.get_by_label("学习时长（分钟）").fill("8")
    # A recording is published with its transcript (learning.media); first the refusal names what is missing, and
    # the form keeps what was typed. (Draftail copies what was typed into its hidden input a moment later.)
    expect(page.locator("#id_body")).to_have_value(re.compile("作风建设永远在路上"))
    page.locator("footer .w-dropdown__toggle").click()
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("有音频的课程发布前须填写文字稿，供不便收听的党员阅读。")).to_be_visible()
    expect(page.get_by_text("作风建设永远在路上。")).to_be_visible()
    type_rich_text(page, "transcript", "同志们好，今天讲一讲作风建设。")
    expect(page.locator("#id_transcript")).to_have_value(re.compile("今天讲一讲作风建设"))
    page.screenshot(path="/tmp/learn-admin-micro.png", full_page=True)
    # Published from the form that came back with the refusal (autosaved as a draft since): Wagtail says 已经发布.
    page.locator("footer .w-dropdown__toggle").click()
    page.get_by_role("button", name="发布").click()
    page.get_by_text(re.compile(f"页面.{{1,2}}{MICRO}.{{1,2}}已经发布。")).wait_for()
    page.wait_for_load_state("networkidle")
    micro = MicroLessonPage.objects.get(title=MICRO)
    assert micro.live and micro.lecturer.name == "张丽华"
    assert micro.media.title == "微型党课录音：作风建设" and micro.media.type == "audio"
    assert micro.lecturer_organization.name == "县财政局机关党支部"

    # The member, on his phone: finds the lesson from 网上党校, studies it, passes its test.
    member = phone_page
    member.on("request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url))
    member.goto(live_server.url + "/accounts/login/")
    member.get_by_label("用户名").fill("member")
    member.get_by_label("密码").fill(PASSWORD)
    member.get_by_role("button", name="登录").click()
    member.wait_for_url(live_server.url + "/me/")
    member.wait_for_load_state("networkidle")
    member.goto(live_server.url + index.url)
    member.get_by_role("link", name=COURSE).first.click()
    member.get_by_role("link", name=LESSON).first.click()
    assert member.get_by_role("heading", name=LESSON).is_visible()
    member.get_by_text("学习时间已达到要求，通过课后测试后即完成本课。").wait_for(timeout=20_000)
    member.screenshot(path="/tmp/learn-member-lesson.png", full_page=True)

    member.get_by_role("link", name="参加课后测试").click()
    right = re.compile(r"(政治纪律|组织纪律|错误)\s*$")  # the answers the editor keyed in: AB and 错
    for choice in member.locator("label.choice").all():
        if right.search(choice.inner_text()):
            choice.locator("input").check()
    member.get_by_role("button", name="提交答卷").click()
    member.get_by_text("已通过").first.wait_for()
    assert member.get_by_text("本课已完成，学时已计入。").is_visible()
    member.screenshot(path="/tmp/learn-member-result.png", full_page=True)

    member.goto(live_server.url + "/me/")
    assert member.get_by_text(f"课程学习：完成《{LESSON}》").is_visible()
    member.screenshot(path="/tmp/learn-member-me.png", full_page=True)
    assert member.evaluate("document.documentElement.scrollWidth") <= 375

    # The micro lesson is on the site too, with its lecturer.
    member.goto(live_server.url + micro_index.url)
    member.get_by_role("link", name=MICRO).first.click()
    assert member.get_by_text("张丽华").first.is_visible()
    assert member.locator("audio[data-study-media]").count() == 1
    assert external == []
    micro.media.delete()  # and its file from the test media folder
