"""A small 网上党校: one course of two lessons (the first with a test after training), a course test, and a
micro lesson by a member, all for the current year."""

import pytest
from django.utils import timezone

from learning.models import (
    CourseIndexPage,
    CoursePage,
    CourseQuestion,
    LessonPage,
    LessonQuestion,
    MicroLessonIndexPage,
    MicroLessonPage,
)
from members import roles
from members.models import Member

SECRET_LESSON_TEXT = "本讲只讲给党员听的内容：支部学习的具体安排"


def publish(page):
    page.save_revision().publish()
    return page


def add_questions(page, model, count, prefix):
    """`count` single-choice questions whose right answer is always C (选项丙), each with its own topic, plus one
    true/false (answer 对) without a topic."""
    questions = []
    for number in range(count):
        questions.append(
            model.objects.create(
                page=page,
                sort_order=number,
                kind="single",
                text=f"{prefix}第{number + 1}题",
                options="选项甲\n选项乙\n选项丙\n选项丁",
                answer="C",
                explanation=f"{prefix}第{number + 1}题解析：唯一的解析文字",
                topic=f"{prefix}知识点{number + 1}",
            )
        )
    questions.append(
        model.objects.create(
            page=page, sort_order=count, kind="true_false", text=f"{prefix}判断题", answer="对", explanation=""
        )
    )
    return questions


@pytest.fixture
def learning(home_page):
    year = timezone.localdate().year
    index = CourseIndexPage(title="网上党校", slug="learning", show_in_menus=True)
    home_page.add_child(instance=index)
    publish(index)
    course = CoursePage(title="党章党规党纪", slug="dangzhang", year=year, kind="required", questions_per_attempt=3)
    index.add_child(instance=course)
    publish(course)
    lesson = LessonPage(
        title="第一讲：党员的义务",
        slug="yiwu",
        duration_minutes=30,
        body=f"<p>{SECRET_LESSON_TEXT}</p>",
        questions_per_attempt=2,
    )
    course.add_child(instance=lesson)
    publish(lesson)
    lesson2 = LessonPage(title="第二讲：三会一课", slug="sanhui", duration_minutes=12, body="<p>三会一课制度。</p>")
    course.add_child(instance=lesson2)
    publish(lesson2)
    lesson_questions = add_questions(lesson, LessonQuestion, 3, "课后")
    course_questions = add_questions(course, CourseQuestion, 4, "课程")
    micro_index = MicroLessonIndexPage(title="微型党课", slug="micro-lessons")
    home_page.add_child(instance=micro_index)
    publish(micro_index)
    return {
        "index": index,
        "course": CoursePage.objects.get(pk=course.pk),
        "lesson": LessonPage.objects.get(pk=lesson.pk),
        "lesson2": LessonPage.objects.get(pk=lesson2.pk),
        "lesson_questions": lesson_questions,
        "course_questions": course_questions,
        "micro_index": micro_index,
        "year": year,
    }


@pytest.fixture
def micro_lesson(learning, member_user):
    page = MicroLessonPage(
        title="一张财政报表里的民生温度",
        slug="minsheng",
        lecturer=Member.objects.get(user=member_user),
        duration_minutes=10,
        body="<p>微型党课正文</p>",
    )
    learning["micro_index"].add_child(instance=page)
    publish(page)
    return MicroLessonPage.objects.get(pk=page.pk)


@pytest.fixture
def member(member_user):
    return Member.objects.get(user=member_user)


@pytest.fixture
def secretary_user(make_member, org_tree):
    user = make_member("secretary", org_tree["finance_branch"], name="林海涛", is_branch_secretary=True)
    user.groups.add(*user.groups.model.objects.filter(name=roles.BRANCH_SECRETARY))
    return user


@pytest.fixture
def other_member_user(make_member, org_tree):
    return make_member("member2", org_tree["health_branch"], name="王建军")


@pytest.fixture
def study_settings(settings):
    settings.LEARNING_HEARTBEAT_SECONDS = 30
    settings.LEARNING_SECONDS_PER_MINUTE = 60
    settings.LEARNING_COMPLETION_RATIO = "0.8"
    return settings


# Bulk builders for the query-count tests: live pages without revisions, inserted in a second.


def _published(number):
    import datetime

    return timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 0)) + datetime.timedelta(hours=number)


def add_courses(index, numbers, year, kind="required"):
    from dangjian.bulk import add_children

    return add_children(
        index,
        [
            CoursePage(
                title=f"专题课程第{number + 1}期",
                slug=f"qc-course-{number}",
                year=year,
                kind=kind,
                first_published_at=_published(number),
                last_published_at=_published(number),
                live=True,
            )
            for number in numbers
        ],
        index=False,
    )


def add_lessons(course, numbers):
    from dangjian.bulk import add_children

    return add_children(
        course,
        [
            LessonPage(
                title=f"第{number + 1}讲：党的基本知识",
                slug=f"qc-lesson-{number}",
                duration_minutes=20,
                body="<p>课程内容</p>",
                first_published_at=_published(number),
                last_published_at=_published(number),
                live=True,
            )
            for number in numbers
        ],
        index=False,
    )


def add_micro_lessons(index, numbers, lecturer):
    from dangjian.bulk import add_children

    return add_children(
        index,
        [
            MicroLessonPage(
                title=f"微型党课第{number + 1}讲",
                slug=f"qc-micro-{number}",
                lecturer=lecturer,
                lecturer_organization_id=lecturer.organization_id,
                duration_minutes=10,
                body="<p>微型党课正文</p>",
                delivered_on=_published(number).date(),
                first_published_at=_published(number),
                last_published_at=_published(number),
                live=True,
            )
            for number in numbers
        ],
        index=False,
    )


def add_credit_records(members, numbers, year, granted_by=None):
    """Manual credit records (线下学习), one per number, spread over `members` in turn."""
    from learning.models import CreditRecord

    return CreditRecord.objects.bulk_create(
        [
            CreditRecord(
                member=members[number % len(members)],
                year=year,
                points="1.00",
                source=CreditRecord.Source.MANUAL,
                activity=CreditRecord.Activity.GROUP_STUDY,
                reason=f"集中学习第{number + 1}次",
                granted_by=granted_by if number % 2 else None,
                created_at=_published(number),
            )
            for number in numbers
        ]
    )
