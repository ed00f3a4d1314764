"""Issue 18: after a lesson, 上一讲 / 下一讲 / 返回课程 among the course's live lessons the member may see."""

import re

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from learning.models import LessonPage
from tests.query_counts import compare

from .conftest import add_lessons, publish

pytestmark = pytest.mark.django_db


def nav_links(html):
    """{label: (href, title)} of the lesson nav block, which must come after the study panel."""
    start = html.index('<nav class="lesson-nav"')
    assert start > html.index('id="study-panel"'), "the nav block comes after the study panel"
    block = html[start : html.index("</nav>", start)]
    links = re.findall(
        r'<a class="[^"]*" href="([^"]+)"[^>]*><span class="lesson-nav__label">([^<]+)</span>'
        r'<span class="lesson-nav__title">([^<]+)</span></a>',
        block,
    )
    return {label.split("（")[0]: (href, title) for href, label, title in links}


@pytest.fixture
def third_lesson(learning):
    lesson = LessonPage(title="第三讲：组织生活", slug="shenghuo", duration_minutes=20, body="<p>组织生活。</p>")
    learning["course"].add_child(instance=lesson)
    publish(lesson)
    return LessonPage.objects.get(pk=lesson.pk)


def test_middle_lesson_links_both_ways_and_back(client, learning, member_user, third_lesson):
    client.force_login(member_user)
    html = client.get(learning["lesson2"].url).content.decode()
    links = nav_links(html)
    assert links["上一讲"] == (learning["lesson"].url, "第一讲：党员的义务")
    assert links["下一讲"] == (third_lesson.url, "第三讲：组织生活")
    assert links["返回课程"] == (learning["course"].url, "党章党规党纪")
    assert "第 2 / 3 讲" in html


def test_first_and_last_lessons_have_one_neighbour(client, learning, member_user, third_lesson):
    client.force_login(member_user)
    first = nav_links(client.get(learning["lesson"].url).content.decode())
    assert "上一讲" not in first
    assert first["下一讲"][0] == learning["lesson2"].url
    last = nav_links(client.get(third_lesson.url).content.decode())
    assert "下一讲" not in last
    assert last["上一讲"][0] == learning["lesson2"].url
    assert last["返回课程"][0] == learning["course"].url


def test_draft_and_unpublished_lessons_are_skipped(client, learning, member_user, third_lesson):
    client.force_login(member_user)
    learning["lesson2"].unpublish()
    links = nav_links(client.get(learning["lesson"].url).content.decode())
    assert links["下一讲"][0] == third_lesson.url


def test_a_lesson_the_member_may_not_see_is_skipped(client, learning, member_user, third_lesson):
    client.force_login(member_user)
    restriction = PageViewRestriction.objects.create(
        page=learning["lesson2"], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="仅限支委"))
    links = nav_links(client.get(learning["lesson"].url).content.decode())
    assert links["下一讲"][0] == third_lesson.url
    # Once he is in the group, the lesson is his neighbour again.
    member_user.groups.add(Group.objects.get(name="仅限支委"))
    links = nav_links(client.get(learning["lesson"].url).content.decode())
    assert links["下一讲"][0] == learning["lesson2"].url


def test_query_count_does_not_grow_with_the_course(client, learning, member_user):
    client.force_login(member_user)
    course = learning["course"]
    add_lessons(course, range(10))
    url = learning["lesson2"].url
    before, after = compare(client, url, lambda: add_lessons(course, range(10, 1000)))
    assert nav_links(before)["下一讲"][1] == "第1讲：党的基本知识"
    assert nav_links(after)["下一讲"][1] == "第1讲：党的基本知识"
    assert "第 2 / 12 讲" in before
    assert "第 2 / 1002 讲" in after
    # The last of the thousand links back to the one before it.
    last = LessonPage.objects.get(slug="qc-lesson-999")
    assert nav_links(client.get(last.url).content.decode())["上一讲"][1] == "第999讲：党的基本知识"
