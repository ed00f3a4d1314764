"""党务干部 build courses, lessons (with tests) and micro lessons in the Wagtail admin with the permissions the
migrations and signals give the role; members cannot; Wagtail's leftover default workflow is gone from the
course tree while notices keep 党务公开审批."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text
from wagtailmedia.models import Media

from learning.models import CourseIndexPage, CoursePage, LessonPage, MicroLessonIndexPage, MicroLessonPage
from members import roles
from members.models import Member

migration = importlib.import_module("learning.migrations.0003_editor_page_permissions")

pytestmark = pytest.mark.django_db


def question(kind, text, options, answer, explanation=""):
    return {"kind": kind, "text": text, "options": options, "answer": answer, "explanation": explanation}


def page_form(title, slug, publish=True, **fields):
    data = {"title": title, "slug": slug, "summary": "", "seo_title": "", "search_description": "", **fields}
    if publish:
        data["action-publish"] = "action-publish"
    return nested_form_data(data)


def course_form(title="学习党的二十届四中全会精神", slug="sizhong", questions=(), questions_per_attempt="10", **fields):
    return page_form(
        title,
        slug,
        kind="required",
        year="2026",
        audience="all",
        description=rich_text("<p>课程介绍</p>"),
        pass_mark="60",
        questions_per_attempt=questions_per_attempt,
        questions=inline_formset(list(questions)),
        **fields,
    )


def lesson_form(title="第一讲：全会的主要精神", slug="jingshen", questions=(), body="<p>本讲内容</p>", **fields):
    data = {
        "media": "",
        "body": rich_text(body),
        "duration_minutes": "30",
        "credit_override": "",
        "pass_mark": "60",
        "questions_per_attempt": "10",
        "questions": inline_formset(list(questions)),
    }
    return page_form(title, slug, **{**data, **fields})


def micro_form(lecturer, title="一张财政报表里的民生温度", slug="minsheng", **fields):
    data = {
        "lecturer": str(lecturer.pk),
        "lecturer_organization": "",
        "delivered_on": "2026-11-20",
        "media": "",
        "body": rich_text("<p>微型党课正文</p>"),
        "duration_minutes": "12",
        "credit_override": "",
    }
    return page_form(title, slug, **{**data, **fields})


def add_url(model, parent):
    return f"/admin/pages/add/learning/{model._meta.model_name}/{parent.pk}/"


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client


def test_the_editors_hold_the_page_permissions_on_both_indexes(learning):
    for index in (learning["index"], learning["micro_index"]):
        codenames = set(
            GroupPagePermission.objects.filter(group__name=roles.PARTY_CADRE, page=index).values_list(
                "permission__codename", flat=True
            )
        )
        assert codenames == {"add_page", "change_page", "publish_page"}


def test_add_views_answer_200_for_the_editor(editor_client, learning):
    for model, parent in (
        (CoursePage, learning["index"]),
        (LessonPage, learning["course"]),
        (MicroLessonPage, learning["micro_index"]),
    ):
        response = editor_client.get(add_url(model, parent))
        assert response.status_code == 200, model
        content = response.content.decode()
        assert "你没有权限" not in content
        assert 'name="action-publish"' in content
        assert 'name="action-submit"' not in content  # no workflow: nothing waits on an empty group
    # The explorer offers 添加子页面 under each index.
    for index in (learning["index"], learning["micro_index"]):
        response = editor_client.get(f"/admin/pages/{index.pk}/")
        assert f"/admin/pages/{index.pk}/add_subpage/" in response.content.decode()


def test_editor_publishes_a_course_with_its_test(editor_client, learning, editor_user):
    data = course_form(
        questions=[
            question("single", "全会审议通过的是第几个五年规划的建议？", "十四\n十五\n十六", "B", "“十五五”规划。"),
            question("true_false", "全会于 2025 年 10 月举行。", "", "对"),
        ],
        questions_per_attempt="1",  # the bank must be larger than the draw
    )
    response = editor_client.post(add_url(CoursePage, learning["index"]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    course = CoursePage.objects.get(slug="sizhong")
    assert course.live and course.get_parent().pk == learning["index"].pk
    assert [(q.kind, q.answer) for q in course.questions.all()] == [("single", "B"), ("true_false", "对")]
    assert course.get_latest_revision().user == editor_user
    assert not WorkflowState.objects.filter(object_id=str(course.pk)).exists()


def test_editor_publishes_a_lesson_with_a_test_after_training(editor_client, learning):
    data = lesson_form(
        questions=[
            question("multiple", "机关党员应当（　）。", "学原文\n联系实际\n只挂时长", "A、B"),
            question("true_false", "学习要联系本职工作。", "", "对"),
        ],
        questions_per_attempt="1",
        duration_minutes="1",
    )
    response = editor_client.post(add_url(LessonPage, learning["course"]), data)
    assert response.status_code == 302
    lesson = LessonPage.objects.get(slug="jingshen")
    assert lesson.live and lesson.get_parent().pk == learning["course"].pk
    assert lesson.duration_minutes == 1
    assert list(lesson.questions.values_list("answer", flat=True)) == ["AB", "对"]  # letters normalized


def test_editor_publishes_a_micro_lesson_by_a_member(editor_client, learning, member):
    response = editor_client.post(add_url(MicroLessonPage, learning["micro_index"]), micro_form(member))
    assert response.status_code == 302
    page = MicroLessonPage.objects.get(slug="minsheng")
    assert page.live and page.lecturer == member
    assert page.lecturer_organization == member.organization  # taken from the lecturer when left blank


def test_editor_can_edit_and_republish_an_existing_lesson(editor_client, learning):
    lesson = learning["lesson2"]
    response = editor_client.get(f"/admin/pages/{lesson.pk}/edit/")
    assert response.status_code == 200
    data = lesson_form(title="第二讲：三会一课（修订）", slug=lesson.slug, duration_minutes="15")
    response = editor_client.post(f"/admin/pages/{lesson.pk}/edit/", data)
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.title == "第二讲：三会一课（修订）" and lesson.live and not lesson.has_unpublished_changes


@pytest.mark.parametrize(
    "bad_question, message",
    [
        (question("single", "题目", "甲\n乙\n丙", "E"), "正确答案请填写选项字母（A、B、C）。"),
        (question("single", "题目", "甲\n乙", "AB"), "单选题只能有一个正确答案。"),
        (question("multiple", "题目", "甲\n乙\n丙", "A"), "多选题至少有两个正确答案。"),
        (question("single", "题目", "只有一个选项", "A"), "选择题请填写 2 至 8 个选项，每行一个。"),
        (question("true_false", "题目", "", "是"), "判断题的正确答案请填“对”或“错”。"),
    ],
)
def test_a_wrong_question_is_refused_in_chinese_and_keeps_what_was_typed(
    editor_client, learning, bad_question, message
):
    response = editor_client.post(add_url(LessonPage, learning["course"]), lesson_form(questions=[bad_question]))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert "第一讲：全会的主要精神" in content  # the title as typed
    assert not LessonPage.objects.filter(slug="jingshen").exists()


def test_a_lesson_without_media_or_text_is_refused(editor_client, learning):
    # An editor left with blank lines: Draftail posts empty paragraphs, which are no lesson.
    response = editor_client.post(add_url(LessonPage, learning["course"]), lesson_form(body=""))
    assert response.status_code == 200
    assert "请选择视频或音频，或填写文字内容。" in response.content.decode()
    assert not LessonPage.objects.filter(slug="jingshen").exists()


def test_a_micro_lesson_longer_than_15_minutes_is_refused(editor_client, learning, member):
    data = micro_form(member, duration_minutes="16")
    response = editor_client.post(add_url(MicroLessonPage, learning["micro_index"]), data)
    assert response.status_code == 200
    assert "微型党课时长不超过 15 分钟。" in response.content.decode()
    assert not MicroLessonPage.objects.filter(slug="minsheng").exists()


def test_a_member_cannot_build_courses(client, learning, member_user):
    client.force_login(member_user)
    for model, parent, data in (
        (CoursePage, learning["index"], course_form()),
        (LessonPage, learning["course"], lesson_form()),
        (MicroLessonPage, learning["micro_index"], micro_form(Member.objects.get(user=member_user))),
    ):
        assert client.get(add_url(model, parent)).status_code in (302, 403)
        assert client.post(add_url(model, parent), data).status_code in (302, 403)
    assert not CoursePage.objects.filter(slug="sizhong").exists()
    assert not LessonPage.objects.filter(slug="jingshen").exists()
    assert not MicroLessonPage.objects.filter(slug="minsheng").exists()


def test_the_editors_upload_and_choose_video_and_audio(editor_client, learning):
    """wagtailmedia checks its own add/change permissions (no choose_media exists: its chooser lists what the user
    may change); migration learning 0002 grants both on the root collection."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from learning.demo import tone_wav

    assert editor_client.get("/admin/media/chooser/").status_code == 200
    response = editor_client.post(
        "/admin/media/audio/chooser/upload/",
        {
            "media-chooser-upload-title": "党课录音",
            "media-chooser-upload-file": SimpleUploadedFile("dangke.wav", tone_wav(50, 440), "audio/wav"),
            "media-chooser-upload-duration": "1",
            "media-chooser-upload-tags": "",
        },
    )
    assert response.status_code == 200 and '"step": "media_chosen"' in response.content.decode()
    media = Media.objects.get(title="党课录音")
    try:
        assert editor_client.get(f"/admin/media/chooser/{media.pk}/").status_code == 200
        # A 1-minute lesson needs 48 seconds of the 50-second recording, and its transcript (learning.media).
        data = lesson_form(media=str(media.pk), duration_minutes="1", transcript=rich_text("<p>党课文字稿</p>"))
        response = editor_client.post(add_url(LessonPage, learning["course"]), data)
        assert response.status_code == 302
        assert LessonPage.objects.get(slug="jingshen").media == media
    finally:
        media.file.delete(save=False)  # wagtailmedia deletes it on commit, which a test never reaches
        media.delete()


def test_the_lecturer_chooser_finds_members_by_any_part_of_the_name(editor_client, learning, member, make_member):
    gone = Member.objects.get(user=make_member("gone", member.organization, name="张丽丽"))
    gone.status = Member.Status.TRANSFERRED_OUT
    gone.save()
    response = editor_client.get("/admin/learning/lecturers/results/", {"q": "丽华"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "张丽华" in content and "县财政局机关党支部" in content
    response = editor_client.get("/admin/learning/lecturers/results/", {"q": "丽"})
    assert "张丽丽" not in response.content.decode()  # transferred out: not a lecturer any more


def test_the_lecturer_chooser_is_for_those_who_keep_the_roster(client, learning, member, make_user):
    client.force_login(make_user("reviewer", roles.REVIEWER))
    for url in ("/admin/learning/lecturers/", "/admin/learning/lecturers/results/?q=丽华"):
        response = client.get(url)
        assert response.status_code in (302, 403)  # Wagtail's "no permission": a redirect with a message
        assert "张丽华" not in response.content.decode()
    response = client.get("/admin/learning/lecturers/", headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 403


def test_wagtails_leftover_workflow_no_longer_applies_to_learning_pages(learning, micro_lesson):
    root = Page.objects.get(depth=1)
    assert not WorkflowPage.objects.filter(page=root).exists()
    # learning 0003 lifted it from the root; security 0002 deleted it with its task and the empty Moderators group.
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    for page in (learning["index"], learning["course"], learning["lesson"], learning["micro_index"], micro_lesson):
        assert page.get_workflow() is None, page


def test_notices_keep_their_workflow(disclosure_index, make_notice):
    assert disclosure_index.get_workflow().name == "党务公开审批"
    assert make_notice("关于召开党员大会的通知").get_workflow().name == "党务公开审批"


def test_the_migration_grants_indexes_that_already_exist(learning):
    GroupPagePermission.objects.filter(group__name=roles.PARTY_CADRE).delete()
    migration.grant_editors(apps)
    migration.grant_editors(apps)  # twice: nothing doubled
    for index in (learning["index"], learning["micro_index"]):
        assert GroupPagePermission.objects.filter(group__name=roles.PARTY_CADRE, page=index).count() == 3


def _restore_default_workflow():
    """Put Wagtail's leftover back as wagtailcore 0048 left it: on the root, approved by the Moderators group
    (security 0002 deleted all three on this site)."""
    moderators = Group.objects.create(name="Moderators")
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    task.groups.set([moderators])
    workflow = Workflow.objects.create(name="Moderators approval", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(page=Page.objects.get(depth=1), workflow=workflow)
    return workflow


def test_the_migration_lifts_the_leftover_and_cancels_what_waits_on_it(learning, editor_user):
    workflow = _restore_default_workflow()
    lesson = learning["lesson2"]
    assert lesson.get_workflow() == workflow
    lesson.save_revision(user=editor_user)
    state = workflow.start(lesson, editor_user)  # the dead "submit for moderation" nobody could answer
    migration.lift_default_workflow(apps)
    assert lesson.get_workflow() is None
    state.refresh_from_db()
    assert state.status == "cancelled"
    assert not state.task_states.filter(status="in_progress").exists()
    workflow.refresh_from_db()
    assert not workflow.active


def test_the_migration_leaves_a_moderators_workflow_somebody_uses(learning, make_user):
    workflow = _restore_default_workflow()
    make_user("moderator").groups.add(Group.objects.get(name="Moderators"))
    migration.lift_default_workflow(apps)
    assert learning["lesson"].get_workflow() == workflow


def test_a_course_index_created_later_gets_the_permissions(home_page):
    # max_count is 1 for both indexes: a later one replaces a deleted one (a rebuilt site).
    index = CourseIndexPage(title="网上党校", slug="wsdx")
    home_page.add_child(instance=index)
    micro_index = MicroLessonIndexPage(title="微型党课", slug="micro")
    home_page.add_child(instance=micro_index)
    for page in (index, micro_index):
        assert GroupPagePermission.objects.filter(group__name=roles.PARTY_CADRE, page=page).count() == 3
