"""Issue 8: every learning page renders in a number of queries that does not grow with its list (10 vs 1,000)."""

import pytest

from learning.models import StudyProgress
from tests.query_counts import add_members, compare

from .conftest import add_courses, add_credit_records, add_lessons, add_micro_lessons

pytestmark = pytest.mark.django_db

FEW, MANY = 10, 1000


def test_course_index(client, learning):
    index, year = learning["index"], learning["year"]
    add_courses(index, range(FEW), year)
    before, after = compare(client, index.url, lambda: add_courses(index, range(FEW, MANY), year))
    assert "专题课程第10期" in before
    assert "专题课程第1000期" in after
    assert after.count('<li class="card">') == 20


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_course_with_many_lessons(client, learning, member_user, member, viewer):
    if viewer == "member":
        client.force_login(member_user)
    [course] = add_courses(learning["index"], [MANY], learning["year"])

    def lessons(numbers):
        pages = add_lessons(course, numbers)
        # The member completed every third lesson: the page marks each one.
        StudyProgress.objects.bulk_create(
            [
                StudyProgress(member=member, page_id=page.pk, seconds=1200, completed_at=page.first_published_at)
                for number, page in zip(numbers, pages, strict=True)
                if number % 3 == 0
            ]
        )

    lessons(range(FEW))
    before, after = compare(client, course.url, lambda: lessons(range(FEW, MANY)))
    assert "<dd>10 节</dd>" in before
    assert "<dd>1000 节</dd>" in after
    assert "第1000讲：党的基本知识" in after
    if viewer == "member":
        assert after.count("badge--done") == len(range(0, MANY, 3))


def test_micro_lesson_index(client, learning, member):
    index = learning["micro_index"]
    add_micro_lessons(index, range(FEW), member)
    before, after = compare(client, index.url, lambda: add_micro_lessons(index, range(FEW, MANY), member))
    assert "微型党课第10讲" in before
    assert "微型党课第1000讲" in after
    assert after.count("张丽华 · 县财政局机关党支部") == 20


def test_my_credits(client, learning, member_user, member, secretary_user):
    client.force_login(member_user)
    year = learning["year"]
    add_credit_records([member], range(FEW), year, granted_by=secretary_user)
    before, after = compare(
        client, "/learning/my/", lambda: add_credit_records([member], range(FEW, MANY), year, granted_by=secretary_user)
    )
    assert "集中学习第10次" in before
    assert "集中学习第1000次" in after
    assert after.count("<td>集中学习第") == MANY


def test_branch_report(client, learning, secretary_user, org_tree):
    client.force_login(secretary_user)
    branch, year = org_tree["finance_branch"], learning["year"]

    def members(numbers):
        added = add_members(branch, numbers)
        add_credit_records(added, numbers, year)

    members(range(FEW))
    url = f"/learning/report/{branch.pk}/"
    before, after = compare(client, url, lambda: members(range(FEW, MANY)))
    assert "党员0010" in before
    assert "党员1000" in after
    # Every member (and the secretary) has a row, each naming the course he has not finished.
    assert after.count("<td>党章党规党纪</td>") == MANY + 1


def test_overview(client, learning, editor_user, org_tree):
    client.force_login(editor_user)
    year = learning["year"]

    def members(numbers):
        for branch in (org_tree["finance_branch"], org_tree["health_branch"]):
            added = add_members(branch, numbers)
            add_credit_records(added, numbers, year)

    members(range(FEW))
    before, after = compare(client, "/learning/report/all/", lambda: members(range(FEW, MANY)))
    assert "全县 20 名在册党员，累计 20 学时" in before
    assert "全县 2000 名在册党员，累计 2000 学时" in after
