"""Issue 18: numbered course certificates (结业证明), issued once on completion, checkable by anyone by number."""

import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from learning import certificates
from learning.certificates import CHECK_ALPHABET, issue_certificate, mask_name, normalize_number
from learning.models import CourseCertificate, CreditRecord
from learning.services import grant_credit
from members.models import Member
from tests.concurrency import postgres_only, run_together

NUMBER = re.compile(rf"DXKC(\d{{4}})(\d{{5}})-([{CHECK_ALPHABET}]{{5}})")


def finish_lessons(member, learning):
    for lesson in (learning["lesson"], learning["lesson2"]):
        grant_credit(
            member,
            source="lesson",
            points=lesson.credit,
            reason=f"课程学习：完成《{lesson.title}》",
            page=lesson,
            course=learning["course"],
        )


def pass_course_test(member, learning):
    course = learning["course"]
    return grant_credit(
        member, source="course_test", points="0.5", reason="课程测试：通过", page=course, course=course
    )[0]


def finish_course(member, learning):
    finish_lessons(member, learning)
    return pass_course_test(member, learning)


def credit_whole_course(learning, member):
    """Both lessons' and the course test's credits, written straight into the ledger."""
    for page, source in [
        (learning["lesson"], "lesson"),
        (learning["lesson2"], "lesson"),
        (learning["course"], "course_test"),
    ]:
        CreditRecord.objects.create(
            member=member,
            year=learning["year"],
            points="1",
            source=source,
            page=page,
            course=learning["course"],
            reason="完成",
        )


# --- Issuing ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_credit_that_finishes_the_course_issues_one_numbered_certificate(learning, member):
    finish_lessons(member, learning)
    assert not CourseCertificate.objects.exists()  # the course test is still to pass
    record = pass_course_test(member, learning)
    certificate = CourseCertificate.objects.get()
    year, serial, check = NUMBER.fullmatch(certificate.number).groups()
    assert (int(year), int(serial)) == (timezone.localdate().year, 1)
    assert certificate.member == member and certificate.course_id == learning["course"].pk
    assert certificate.holder_name == "张丽华"
    assert certificate.course_title == "党章党规党纪" and certificate.course_year == learning["year"]
    assert certificate.completed_on == timezone.localtime(record.created_at).date()
    # Once: the same grant again, or asking for it, gives the same certificate.
    pass_course_test(member, learning)
    assert issue_certificate(member, learning["course"]) == certificate
    assert CourseCertificate.objects.count() == 1


@pytest.mark.django_db
def test_serials_follow_each_other_and_the_check_is_random(learning, member, make_member, org_tree):
    finish_course(member, learning)
    others = [
        Member.objects.get(user=make_member(f"m{n}", org_tree["finance_branch"], name=f"党员{n}")) for n in range(6)
    ]
    for other in others:
        finish_course(other, learning)
    numbers = list(CourseCertificate.objects.order_by("pk").values_list("number", flat=True))
    parts = [NUMBER.fullmatch(number).groups() for number in numbers]
    assert [int(serial) for _, serial, _ in parts] == list(range(1, 8))
    assert len({check for _, _, check in parts}) > 1  # seven equal random checks: about one chance in 10^18


@pytest.mark.django_db
def test_a_secretaries_course_gives_no_certificate_to_whom_it_does_not_apply(learning, member):
    course = learning["course"]
    course.audience = "secretaries"
    course.save_revision().publish()
    finish_course(member, learning)
    assert not CourseCertificate.objects.exists()


@pytest.mark.django_db
def test_certificate_page_shows_the_number_and_where_to_check_it(client, learning, member_user, member):
    finish_course(member, learning)
    certificate = CourseCertificate.objects.get()
    client.force_login(member_user)
    html = client.get(f"/learning/certificate/{learning['course'].pk}/").content.decode()
    assert f"证明编号：<strong>{certificate.number}</strong>" in html
    assert f"/learning/certificates/verify/?number={certificate.number}" in html
    assert certificate.completed_on.strftime("%Y年%-m月%-d日") in html


@pytest.mark.django_db
def test_a_course_finished_before_numbering_gets_its_number_on_the_first_visit(client, learning, member_user, member):
    # Credits written straight into the ledger, as before certificates were numbered.
    credit_whole_course(learning, member)
    assert not CourseCertificate.objects.exists()
    client.force_login(member_user)
    url = f"/learning/certificate/{learning['course'].pk}/"
    first = client.get(url).content.decode()
    number = CourseCertificate.objects.get().number
    assert number in first
    assert number in client.get(url).content.decode()
    assert CourseCertificate.objects.count() == 1


@pytest.mark.django_db
def test_no_certificate_before_the_course_is_finished(client, learning, member_user, member):
    finish_lessons(member, learning)
    client.force_login(member_user)
    response = client.get(f"/learning/certificate/{learning['course'].pk}/")
    assert response.status_code == 404
    assert "您尚未完成本课程" in response.content.decode()
    assert not CourseCertificate.objects.exists()


# --- Checking ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"), [("张丽华", "张*华"), ("李明", "李*"), ("欧阳明月", "欧**月"), ("王", "*"), ("", "*")]
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_normalize_number_takes_what_people_type():
    number = "DXKC202600012-K7M3Q"
    for typed in [number, " dxkc202600012-k7m3q ", "ＤＸＫＣ２０２６０００１２－Ｋ７Ｍ３Ｑ", "DXKC 2026 00012 – K7M3Q"]:
        assert normalize_number(typed) == number
    for wrong in ["", "DXKC2026012-K7M3Q", "DXKC202600012-K7M3", "DXKC202600012-K7M0Q", "ZYFW2026000012", "x" * 80]:
        assert normalize_number(wrong) is None


@pytest.fixture
def issued(learning, member):
    finish_course(member, learning)
    return CourseCertificate.objects.get()


def after_form(html):
    """What the verify page says below its form (the header has a search form of its own)."""
    return html.split('class="verify-form"', 1)[1].split("</form>", 1)[1]


def verify(client, number, **extra):
    return client.get("/learning/certificates/verify/", {"number": number}, **extra)


@pytest.mark.django_db
def test_the_empty_form(client, learning):
    response = client.get("/learning/certificates/verify/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="get"' in html and 'name="number"' in html
    assert "有效" not in after_form(html) and "未找到" not in html


@pytest.mark.django_db
def test_a_valid_number_shows_course_date_and_masked_name_only(client, issued, member):
    response = verify(client, issued.number.lower())
    assert response.status_code == 200
    html = response.content.decode()
    result = after_form(html)
    assert "该结业证明真实有效" in result
    assert issued.number in result
    assert "《党章党规党纪》" in result
    assert issued.completed_on.strftime("%Y年%-m月%-d日") in result
    assert "张*华" in result
    for private in ["张丽华", member.organization.name, member.phone, "学时"]:
        assert private not in html


@pytest.mark.django_db
def test_a_renamed_course_still_verifies_as_issued(client, issued, learning):
    course = learning["course"]
    course.title = "新的课程名称"
    course.save_revision().publish()
    assert "《党章党规党纪》" in verify(client, issued.number).content.decode()


@pytest.mark.django_db
def test_an_unknown_number_is_not_found(client, issued):
    year, serial, check = NUMBER.fullmatch(issued.number).groups()
    other_check = "".join(CHECK_ALPHABET[(CHECK_ALPHABET.index(c) + 1) % len(CHECK_ALPHABET)] for c in check)
    for number in [f"DXKC{year}{serial}-{other_check}", f"DXKC{year}99999-{check}"]:
        response = verify(client, number)
        assert response.status_code == 404
        html = response.content.decode()
        assert f"未找到编号为 {number} 的结业证明" in html
        assert "张*华" not in html and "党章党规党纪" not in html


@pytest.mark.django_db
def test_a_malformed_number_is_refused_and_kept_in_the_form(client, issued):
    response = verify(client, "DXKC2026-12")
    assert response.status_code == 400
    html = response.content.decode()
    assert "证明编号格式不正确" in html
    assert 'value="DXKC2026-12"' in html
    assert 'aria-invalid="true"' in html
    assert verify(client, "<script>alert(1)</script>").status_code == 400
    assert "<script>alert(1)</script>" not in verify(client, "<script>alert(1)</script>").content.decode()


@pytest.mark.django_db
def test_too_many_unknown_numbers_from_one_address_are_refused(client, issued):
    cache.clear()
    for serial in range(certificates.VERIFY_MISSES_PER_HOUR):
        assert verify(client, f"DXKC2026{serial + 50000:05d}-AAAAA").status_code == 404
    refused = verify(client, "DXKC202699999-AAAAA")
    assert refused.status_code == 429
    assert "查验次数过多" in refused.content.decode()
    assert refused["Retry-After"] == str(certificates.VERIFY_WINDOW)
    # Another address is not held back; nor are malformed numbers counted.
    assert verify(client, issued.number, REMOTE_ADDR="10.9.8.7").status_code == 200
    cache.clear()
    for _ in range(certificates.VERIFY_MISSES_PER_HOUR + 5):
        assert verify(client, "bad").status_code == 400
    assert verify(client, issued.number).status_code == 200


# --- Concurrency ------------------------------------------------------------------------------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_issue_one_certificate(learning, member):
    credit_whole_course(learning, member)
    course = learning["course"]

    results, errors = run_together(8, lambda index: issue_certificate(Member.objects.get(pk=member.pk), course))
    assert errors == []
    assert CourseCertificate.objects.count() == 1
    assert {certificate.number for certificate in results} == {CourseCertificate.objects.get().number}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_members_finishing_at_once_get_distinct_serials(learning, make_member, org_tree):
    members = [
        Member.objects.get(user=make_member(f"r{n}", org_tree["finance_branch"], name=f"党员{n}")) for n in range(6)
    ]
    for member in members:
        finish_lessons(member, learning)

    results, errors = run_together(len(members), lambda index: pass_course_test(members[index], learning))
    assert errors == []
    serials = sorted(
        int(NUMBER.fullmatch(number).group(2)) for number in CourseCertificate.objects.values_list("number", flat=True)
    )
    assert serials == list(range(1, len(members) + 1))
