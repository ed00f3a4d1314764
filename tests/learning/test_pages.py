import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text
from wagtailmedia.models import Media

from home.models import HomePage
from home.sections import PAGE_BADGES_HOOK, PageBadge
from learning.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    MicroLessonIndexPage,
    MicroLessonPage,
)
from tests.learning.conftest import SECRET_LESSON_TEXT, publish


class PageTreeTest(WagtailPageTestCase):
    def test_tree_rules(self):
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertAllowedParentPageTypes(MicroLessonIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(MicroLessonIndexPage, {MicroLessonPage})
        self.assertAllowedSubpageTypes(MicroLessonPage, set())

    def test_editor_form_creates_a_course_with_test_questions(self):
        self.client.force_login(get_user_model().objects.create_superuser("root", password="Root2026pw"))
        home = HomePage.objects.get()
        index = CourseIndexPage(title="网上党校", slug="learning")
        home.add_child(instance=index)
        self.assertCanCreate(
            index,
            CoursePage,
            nested_form_data(
                {
                    "title": "党章党规党纪",
                    "slug": "dangzhang",
                    "kind": "required",
                    "year": 2026,
                    "audience": "all",
                    "description": rich_text("<p>学党章</p>"),
                    "pass_mark": 60,
                    "questions_per_attempt": 1,  # from a bank of two: the bank must be larger than the draw
                    "questions": inline_formset(
                        [
                            {
                                "kind": "multiple",
                                "text": "“三会一课”中的“三会”是指",
                                "options": "支部党员大会\n支部委员会\n党小组会\n党员代表大会",
                                "answer": "a, b, c",
                                "explanation": "",
                                "topic": "“三会一课”制度",
                            },
                            {"kind": "true_false", "text": "预备党员的预备期为一年。", "answer": "对", "options": ""},
                        ]
                    ),
                }
            ),
        )
        question = CoursePage.objects.get(slug="dangzhang").questions.first()
        self.assertEqual((question.answer, question.topic), ("ABC", "“三会一课”制度"))


@pytest.mark.django_db
def test_question_answers_are_checked(learning):
    from learning.models import CourseQuestion

    course = learning["course"]
    for kind, options, answer in [
        ("single", "甲\n乙\n丙", "D"),  # no such option
        ("single", "甲\n乙\n丙", "AB"),  # two answers to a single choice
        ("multiple", "甲\n乙\n丙", "A"),  # one answer to a multiple choice
        ("single", "甲", "A"),  # one option
        ("true_false", "", "也许"),
    ]:
        with pytest.raises(ValidationError):
            CourseQuestion(page=course, kind=kind, text="题目", options=options, answer=answer).full_clean()


@pytest.mark.django_db
def test_anonymous_visitors_read_course_descriptions_but_not_lessons(client, learning):
    course_html = client.get("/learning/dangzhang/").content.decode()
    assert "党章党规党纪" in course_html and "第一讲：党员的义务" in course_html
    response = client.get("/learning/dangzhang/yiwu/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "第一讲：党员的义务" in html and "登录" in html
    assert SECRET_LESSON_TEXT not in html
    assert "learning/media" not in html and "study.js" not in html


@pytest.mark.django_db
def test_a_logged_in_non_member_cannot_read_lessons(client, learning, make_user):
    client.force_login(make_user("volunteer"))
    html = client.get("/learning/dangzhang/yiwu/").content.decode()
    assert SECRET_LESSON_TEXT not in html and "仅供在册党员学习" in html


@pytest.mark.django_db
def test_a_member_reads_the_lesson_with_or_without_javascript(client, learning, member_user):
    client.force_login(member_user)
    html = client.get("/learning/dangzhang/yiwu/").content.decode()
    assert SECRET_LESSON_TEXT in html
    assert "<noscript>" in html and "需要启用 JavaScript 才能计时" in html
    assert 'name="csrfmiddlewaretoken"' in html and "learning/study.js" in html
    assert "参加课后测试" in html


@pytest.mark.django_db
def test_lesson_media_goes_through_a_checked_view(client, learning, member_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    media = Media(title="讲解音频", type="audio", duration=3)
    media.file.save("lecture.wav", ContentFile(b"RIFF" + bytes(range(200))), save=False)
    media.save()
    lesson = learning["lesson2"]
    lesson.media = media
    publish(lesson)
    url = f"/learning/media/{lesson.pk}/"
    assert client.get(url).status_code == 403
    client.force_login(member_user)
    html = client.get("/learning/dangzhang/sanhui/").content.decode()
    assert f'src="{url}"' in html and media.file.url not in html
    assert b"".join(client.get(url).streaming_content).startswith(b"RIFF")
    partial = client.get(url, HTTP_RANGE="bytes=4-9")
    assert partial.status_code == 206 and partial.content == bytes(range(6))
    assert partial["Content-Range"] == "bytes 4-9/204"
    assert client.get(url, HTTP_RANGE="bytes=900-").status_code == 416
    assert client.get(f"/learning/media/{learning['lesson'].pk}/").status_code == 404  # no media


@pytest.mark.django_db
def test_micro_lessons_show_lecturer_branch_and_badges(client, micro_lesson, member_user):
    client.force_login(member_user)

    def ten_best(pages):
        return {page.pk: [PageBadge("十佳微型党课", "/awards/")] for page in pages}

    with hooks.register_temporarily(PAGE_BADGES_HOOK, ten_best):
        html = client.get("/micro-lessons/minsheng/").content.decode()
    assert "张丽华" in html and "县财政局机关党支部" in html
    assert '<a class="badge" href="/awards/">十佳微型党课</a>' in html
    assert "微型党课正文" in html


@pytest.mark.django_db
def test_a_micro_lesson_lasts_fifteen_minutes_at_most(micro_lesson):
    micro_lesson.duration_minutes = 16
    with pytest.raises(ValidationError):
        micro_lesson.full_clean()
    assert micro_lesson.lecturer_organization.name == "县财政局机关党支部"


@pytest.mark.django_db
def test_home_page_lists_newest_courses_and_micro_lessons(client, micro_lesson):
    html = client.get("/").content.decode()
    assert "网上党校" in html and "党章党规党纪" in html and "一张财政报表里的民生温度" in html
    assert "微型党课正文" not in html


@pytest.mark.django_db
def test_home_section_is_absent_without_courses(client, home_page):
    assert "网上党校" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_listings_do_not_grow_in_queries(client, learning, member):
    counts = []
    for start, size in ((0, 5), (5, 45)):
        for number in range(start, start + size):
            learning["index"].add_child(instance=CoursePage(title=f"专题课程{number}", slug=f"c{number}", year=2026))
        client.get("/learning/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/learning/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    counts = []
    for start, size in ((0, 5), (5, 45)):
        for number in range(start, start + size):
            learning["micro_index"].add_child(
                instance=MicroLessonPage(
                    title=f"微型党课{number}",
                    slug=f"m{number}",
                    lecturer=member,
                    duration_minutes=10,
                    body="<p>正文</p>",
                )
            )
        client.get("/micro-lessons/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/micro-lessons/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
