"""Issue 8: the home page, /me/ and search render in a number of queries that does not grow with their lists.

Each page is counted with 10 items of every kind, then with 1,000 (built in bulk by the sections' test builders).
"""

import datetime

import pytest
from django.utils import timezone

from awards.models import AwardIndexPage, Ballot, CompetitionPage, Objection
from disclosures.models import NoticeFeedback, NoticeRead
from learning.models import CourseIndexPage, MicroLessonIndexPage, StudyProgress
from members.models import Member
from tests.awards.conftest import add_competitions
from tests.disclosures.conftest import SCOPES, add_notices, notice_title
from tests.learning.conftest import add_courses, add_credit_records, add_lessons, add_micro_lessons
from tests.query_counts import compare
from tests.volunteers.conftest import add_projects, add_slots, signup_for
from volunteers.models import (
    ProjectProposal,
    ServiceCertificate,
    SignUp,
    VolunteerProfile,
    VolunteerProjectIndexPage,
)

pytestmark = pytest.mark.django_db

FEW, MANY = 10, 1000


@pytest.fixture
def site(home_page, disclosure_index, category, org_tree, member_user):
    """Every section's index under the home page, and `grow(numbers)` adding items numbered `numbers` to each."""
    year = timezone.localdate().year
    indexes = {}
    for key, page in [
        ("courses", CourseIndexPage(title="网上党校", slug="learning")),
        ("micro", MicroLessonIndexPage(title="微型党课", slug="micro-lessons")),
        ("volunteers", VolunteerProjectIndexPage(title="党员志愿服务", slug="volunteers")),
        ("awards", AwardIndexPage(title="评选活动", slug="awards")),
    ]:
        home_page.add_child(instance=page)
        indexes[key] = page
    lecturer = Member.objects.get(user=member_user)

    def grow(numbers, search_index=False):
        notices = add_notices(
            disclosure_index,
            numbers,
            category=category,
            issuer=org_tree["committee"],
            branches=[org_tree["finance_branch"], org_tree["health_branch"]],
            search_index=search_index,
        )
        add_courses(indexes["courses"], numbers, year)
        add_micro_lessons(indexes["micro"], numbers, lecturer)
        add_projects(indexes["volunteers"], numbers, slots_each=1)
        add_competitions(indexes["awards"], numbers, phases=("voting",))
        return notices

    return {"grow": grow, "indexes": indexes, "year": year, "member": lecturer}


def newest_notice_for(viewer, count):
    visible = (
        (lambda n: SCOPES[n % len(SCOPES)] == "public")
        if viewer == "anonymous"
        else (lambda n: SCOPES[n % len(SCOPES)] != "organizations" or n % 2 == 0)
    )
    return notice_title(next(n for n in reversed(range(count)) if visible(n)))


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_home_page(client, site, member_user, viewer):
    if viewer == "member":
        client.force_login(member_user)
    site["grow"](range(FEW))
    before, after = compare(client, "/", lambda: site["grow"](range(FEW, MANY)))
    for html, count in [(before, FEW), (after, MANY)]:
        assert newest_notice_for(viewer, count) in html
        assert f"专题课程第{count}期" in html
        assert f"微型党课：微型党课第{count}讲" in html
        assert f"志愿服务项目第{count}号" in html
        assert "第1届“十佳党日活动”评选" in html  # voting closes soonest: listed first
    assert after.count('class="home-section"') == 4


@pytest.fixture
def own_things(site, member_user, org_tree):
    """grow(numbers): the site's items, and for each number the member's own things of every kind."""
    member, year = site["member"], site["year"]
    VolunteerProfile.objects.create(user=member_user, name="张丽华", phone="13857512345")
    [course] = add_courses(site["indexes"]["courses"], [MANY + 1], year)
    [project] = add_projects(site["indexes"]["volunteers"], [MANY + 1], slots_each=0)
    [daily] = add_competitions(site["indexes"]["awards"], [MANY + 1], phases=("voting",))
    CompetitionPage.objects.filter(pk=daily.pk).update(frequency=CompetitionPage.Frequency.DAILY)

    def grow(numbers):
        notices = site["grow"](numbers)
        NoticeRead.objects.bulk_create([NoticeRead(notice=notice, user=member_user) for notice in notices])
        NoticeFeedback.objects.bulk_create(
            [NoticeFeedback(notice=notice, user=member_user, text="建议附上缴纳标准表。") for notice in notices]
        )
        add_credit_records([member], [n for n in numbers if n % 2], year)
        add_credit_records([member], [n for n in numbers if not n % 2], year - 1 - numbers[0] % 3)
        lessons = add_lessons(course, numbers)
        StudyProgress.objects.bulk_create(
            [StudyProgress(member=member, page_id=lesson.pk, seconds=300) for lesson in lessons]
        )
        upcoming = add_slots(project, numbers)
        past = add_slots(project, numbers, start_in_hours=-24 * (MANY + 2))
        SignUp.objects.bulk_create(
            [signup_for(slot, member_user, n, "confirmed") for n, slot in zip(numbers, upcoming, strict=True)]
            + [signup_for(slot, member_user, n, "attended") for n, slot in zip(numbers, past, strict=True)]
        )
        today = timezone.localdate()
        Ballot.objects.bulk_create(
            [
                Ballot(
                    competition_id=daily.pk,
                    voter=member_user,
                    voting_day=today - datetime.timedelta(days=n),
                    code=f"QC-ME-{n}",
                )
                for n in numbers
            ]
        )
        Objection.objects.bulk_create(
            [
                Objection(competition_id=daily.pk, author=member_user, signature="张丽华", content=f"异议{n + 1}")
                for n in numbers
            ]
        )
        ProjectProposal.objects.bulk_create(
            [
                ProjectProposal(
                    proposer=member_user,
                    organization=org_tree["finance_branch"],
                    title=f"项目建议{n + 1}",
                    category="elderly",
                    description="陪伴老人。",
                    place="县社会福利中心",
                )
                for n in numbers
            ]
        )
        ServiceCertificate.objects.bulk_create(
            [
                ServiceCertificate(user=member_user, number=f"QC-{n}", name="张丽华", hours=2, issuer="县直机关工委")
                for n in numbers
            ]
        )

    return grow


def test_me(client, member_user, own_things):
    client.force_login(member_user)
    own_things(range(FEW))
    before, after = compare(client, "/me/", lambda: own_things(range(FEW, MANY)))
    assert before.count('class="feedback-list"') == after.count('class="feedback-list"') == 1
    assert "第10讲：党的基本知识" in before
    # Every upcoming sign-up is listed; the other lists show their newest few.
    assert before.count("取消<span") == FEW
    assert after.count("取消<span") == MANY
    assert "凭证号 <strong>QC-ME-9</strong>" in before
    assert "凭证号 <strong>QC-ME-999</strong>" in after
    assert "集中学习第1000次" in after
    assert "项目建议1000" in after


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_search(client, site, member_user, viewer):
    if viewer == "member":
        client.force_login(member_user)
    site["grow"](range(FEW), search_index=True)
    before, after = compare(client, "/search/?q=党费收缴", lambda: site["grow"](range(FEW, MANY), search_index=True))

    def visible(count):
        if viewer == "anonymous":
            return sum(SCOPES[n % len(SCOPES)] == "public" for n in range(count))
        return sum(SCOPES[n % len(SCOPES)] != "organizations" or n % 2 == 0 for n in range(count))

    assert f"找到 {visible(FEW)} 条" in before
    assert f"找到 {visible(MANY)} 条" in after
    assert after.count('class="search-result"') == 10
