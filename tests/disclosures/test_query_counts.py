"""Issue 8: every disclosures page renders in a number of queries that does not grow with its list (10 vs 1,000)."""

import pytest
from wagtail.documents import get_document_model

from disclosures.choices import Scope
from disclosures.models import NoticeAttachment, NoticeRead
from members import roles
from tests.query_counts import add_members, compare

from .conftest import SCOPES, add_notices, notice_title

pytestmark = pytest.mark.django_db

FEW, MANY = 10, 1000


@pytest.fixture
def notices(disclosure_index, category, org_tree):
    """add(numbers): notices of mixed scopes, for the finance branch (the member's) and the health branch in turn."""

    def add(numbers, search_index=False):
        return add_notices(
            disclosure_index,
            numbers,
            category=category,
            issuer=org_tree["committee"],
            branches=[org_tree["finance_branch"], org_tree["health_branch"]],
            search_index=search_index,
        )

    return add


def visible_to(viewer, number):
    """Whether notice `number` (see add_notices) is visible to an anonymous visitor or to the finance member."""
    scope = SCOPES[number % len(SCOPES)]
    if viewer == "anonymous":
        return scope == Scope.PUBLIC
    return scope != Scope.ORGANIZATIONS or number % 2 == 0  # even numbers go to the finance branch


def newest_visible(viewer, count, internal_only=False):
    return next(
        n
        for n in reversed(range(count))
        if visible_to(viewer, n) and not (internal_only and SCOPES[n % len(SCOPES)] == Scope.PUBLIC)
    )


def log_in(client, viewer, member_user):
    if viewer == "member":
        client.force_login(member_user)


@pytest.mark.parametrize(
    ("viewer", "query"),
    [
        ("anonymous", ""),
        ("member", ""),
        ("member", "?scope=internal"),
        ("anonymous", "?scope=public&validity=valid"),
        ("member", "?year=2026&category={category}&organization={committee}"),
        ("member", "?page=2"),
    ],
)
def test_notice_index_and_its_filters(
    client, member_user, disclosure_index, notices, category, org_tree, viewer, query
):
    log_in(client, viewer, member_user)
    notices(range(FEW))
    url = disclosure_index.url + query.format(category=category.pk, committee=org_tree["committee"].pk)
    before, after = compare(client, url, lambda: notices(range(FEW, MANY)))
    internal = "internal" in query
    if "page=2" not in query:
        assert notice_title(newest_visible(viewer, FEW, internal)) in before
        assert notice_title(newest_visible(viewer, MANY, internal)) in after
    assert after.count('class="notice-list__item"') == 20


def test_year_archive(client, member_user, disclosure_index, notices):
    client.force_login(member_user)
    notices(range(FEW))
    before, after = compare(client, f"{disclosure_index.url}archive/2026/", lambda: notices(range(FEW, MANY)))
    assert notice_title(newest_visible("member", MANY)) in after
    assert after.count('class="notice-list__item"') == 20


def test_archive_of_years(client, editor_user, disclosure_index, notices):
    client.force_login(editor_user)  # sees every scope, and the export links
    notices(range(FEW))
    before, after = compare(client, f"{disclosure_index.url}archive/", lambda: notices(range(FEW, MANY)))
    assert "<td>10</td>" in before
    assert "<td>1000</td>" in after


def test_rss_feed(client, disclosure_index, notices):
    notices(range(FEW))
    before, after = compare(client, f"{disclosure_index.url}feed/", lambda: notices(range(FEW, MANY)))
    assert before.count("<item>") == sum(visible_to("anonymous", n) for n in range(FEW))
    assert after.count("<item>") == 50
    assert notice_title(newest_visible("anonymous", MANY)) in after


def test_sitemap(client, disclosure_index, notices):
    notices(range(FEW))
    before, after = compare(client, "/sitemap.xml", lambda: notices(range(FEW, MANY)))
    public = sum(visible_to("anonymous", n) for n in range(MANY))
    assert after.count("<url>") - before.count("<url>") == public - sum(visible_to("anonymous", n) for n in range(FEW))
    assert "qc-notice-995/" in after  # public
    assert "qc-notice-997/" not in after  # for all members: never in the sitemap


def add_attachments(notice, numbers):
    Document = get_document_model()
    documents = Document.objects.bulk_create(
        [Document(title=f"附件{number + 1}", file=f"documents/qc/fujian-{number + 1}.pdf") for number in numbers]
    )
    NoticeAttachment.objects.bulk_create(
        [
            NoticeAttachment(page=notice, document=document, sort_order=number)
            for number, document in zip(numbers, documents, strict=True)
        ]
    )


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_notice_page_with_many_attachments(client, member_user, make_notice, viewer):
    log_in(client, viewer, member_user)
    notice = make_notice("关于公布党费收缴标准的通知")
    add_attachments(notice, range(FEW))
    before, after = compare(client, notice.url, lambda: add_attachments(notice, range(FEW, MANY)))
    assert "附件10<" in before
    assert after.count("（PDF）") == MANY


def add_readers(branch, numbers, notice):
    """Members of `branch`; every other one has read `notice`."""
    members = add_members(branch, numbers)
    NoticeRead.objects.bulk_create(
        [NoticeRead(notice=notice, user=m.user) for number, m in zip(numbers, members, strict=True) if number % 2]
    )


@pytest.fixture
def secretary(make_member, org_tree):
    user = make_member("secretary", org_tree["finance_branch"], name="林海涛", is_branch_secretary=True)
    user.groups.add(*user.groups.model.objects.filter(name=roles.BRANCH_SECRETARY))
    return user


def test_who_read_report(client, secretary, make_notice, org_tree):
    client.force_login(secretary)
    notice = make_notice("关于学习党章的通知", scope=Scope.ALL_MEMBERS)
    branch = org_tree["finance_branch"]
    add_readers(branch, range(FEW), notice)
    url = f"/notices/reads/{notice.pk}/"
    before, after = compare(client, url, lambda: add_readers(branch, range(FEW, MANY), notice))
    assert "应阅 11 人，已阅 5 人" in before  # with the secretary himself
    assert "应阅 1001 人，已阅 500 人" in after
    assert "党员1000" in after


def test_list_of_read_reports(client, secretary, notices):
    client.force_login(secretary)
    notices(range(FEW))
    before, after = compare(client, "/notices/reads/", lambda: notices(range(FEW, MANY)))
    assert notice_title(newest_visible("member", MANY, internal_only=True)) in after
    assert after.count("/notices/reads/") >= 20
