"""The credit ledger: one grant per lesson even under concurrency, manual credits by the right people only,
corrections as new records."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from learning.models import CreditRecord, TestAttempt
from learning.services import AlreadySubmitted, grant_credit, record_manual_credit, submit_attempt
from members.models import Member
from tests.concurrency import postgres_only, run_together


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_completions_grant_one_credit(learning, member):
    lesson = learning["lesson2"]

    def complete(index):
        return grant_credit(
            member,
            source="lesson",
            points=lesson.credit,
            reason="课程学习：完成",
            page=lesson,
            course=learning["course"],
        )

    results, errors = run_together(8, complete)
    assert errors == []
    assert CreditRecord.objects.filter(member=member).count() == 1
    assert sum(created for _, created in results) == 1
    assert len({record.pk for record, _ in results}) == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_attempt_submitted_twice_at_once_counts_once(learning, member):
    course = learning["course"]
    questions = learning["course_questions"]
    attempt = TestAttempt.objects.create(member=member, page=course, question_ids=[q.pk for q in questions[:3]])
    answers = {q.pk: ["C"] for q in questions[:3]}

    def submit(index):
        return submit_attempt(TestAttempt.objects.get(pk=attempt.pk), course, answers)

    results, errors = run_together(4, submit)
    assert len(errors) == 3 and all(isinstance(error, AlreadySubmitted) for error in errors)
    assert CreditRecord.objects.filter(member=member, source="course_test").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_grant_and_impossible_records(learning, member):
    lesson = learning["lesson2"]
    CreditRecord.objects.create(member=member, year=2026, points=1, source="lesson", page=lesson, reason="完成")
    for fields in (
        {"points": 1, "source": "lesson", "page": lesson},  # twice
        {"points": 0, "source": "manual"},  # nothing
        {"points": -1, "source": "micro_lesson", "page": learning["lesson"]},  # negative but not a correction
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            CreditRecord.objects.create(member=member, year=2026, reason="重复", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditRecord.objects.create(member=member, year=2026, points=1, source="manual", reason="")
    # Manual records may repeat: a member attends many meetings.
    for _ in range(2):
        CreditRecord.objects.create(member=member, year=2026, points=2, source="manual", reason="支部党员大会")


def post_credit(client, member, **fields):
    data = {
        "member": member.pk,
        "year": fields.pop("year", 2026),
        "activity": "three_meetings",
        "points": "2",
        "reason": "3月支部党员大会，学习党的二十届四中全会精神",
    }
    data.update(fields)
    return client.post("/learning/credits/new/", data)


@pytest.fixture
def fixed_year(monkeypatch):
    import datetime

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 11, 26))


@pytest.mark.django_db
def test_a_secretary_records_offline_study_for_his_branch(client, member, secretary_user, fixed_year):
    client.force_login(secretary_user)
    assert client.get("/learning/credits/new/").status_code == 200
    response = post_credit(client, member)
    assert response.status_code == 302
    record = CreditRecord.objects.get()
    assert (record.member, record.points, record.source, record.activity) == (
        member,
        Decimal("2"),
        "manual",
        "three_meetings",
    )
    assert record.granted_by == secretary_user and record.year == 2026


@pytest.mark.django_db
def test_a_secretary_cannot_credit_another_branch(client, secretary_user, other_member_user, fixed_year):
    other = Member.objects.get(user=other_member_user)
    client.force_login(secretary_user)
    response = post_credit(client, other)
    assert response.status_code == 400
    assert not CreditRecord.objects.exists()
    # Nor through the service, whatever calls it.
    with pytest.raises(PermissionDenied):
        record_manual_credit(
            secretary_user, other, year=2026, points=2, activity="three_meetings", reason="支部党员大会"
        )
    # The form does not even offer him.
    assert "王建军" not in client.get("/learning/credits/new/").content.decode()


@pytest.mark.django_db
def test_the_committee_credits_anyone_and_members_credit_no_one(
    client, member, member_user, other_member_user, editor_user, fixed_year
):
    other = Member.objects.get(user=other_member_user)
    client.force_login(member_user)
    assert client.get("/learning/credits/new/").status_code == 403
    assert post_credit(client, member).status_code == 403
    client.force_login(editor_user)
    assert post_credit(client, other).status_code == 302
    assert CreditRecord.objects.get().granted_by == editor_user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"points": "-2"}, "负数学时只用于更正"),
        ({"points": "0"}, "0.25 的整数倍"),
        ({"points": "1.1"}, "0.25 的整数倍"),
        ({"points": "500"}, "20"),
        ({"reason": ""}, "请填写事由"),
        ({"year": 2019}, "选择一个有效的选项"),
        ({"attachment": SimpleUploadedFile("virus.exe", b"MZ")}, "附件只能是"),
    ],
)
def test_bad_manual_credits_are_refused_with_a_reason(client, member, secretary_user, fixed_year, fields, error):
    client.force_login(secretary_user)
    response = post_credit(client, member, **fields)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not CreditRecord.objects.exists()


@pytest.mark.django_db
def test_a_correction_is_a_new_negative_record(client, member, secretary_user, fixed_year):
    client.force_login(secretary_user)
    post_credit(client, member, points="3")
    response = post_credit(client, member, points="-1", activity="correction", reason="3月党员大会按2学时认定，更正")
    assert response.status_code == 302
    assert [str(points) for points in CreditRecord.objects.order_by("pk").values_list("points", flat=True)] == [
        "3.00",
        "-1.00",
    ]


@pytest.mark.django_db
def test_attachments_are_served_to_the_member_and_his_secretary_only(
    client, member, member_user, secretary_user, other_member_user, fixed_year, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(secretary_user)
    post_credit(client, member, attachment=SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 sign-in sheet"))
    record = CreditRecord.objects.get()
    assert "签到表" not in record.attachment.name  # an unguessable name
    url = f"/learning/credits/{record.pk}/attachment/"
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 sign-in sheet"
    client.force_login(member_user)
    assert client.get(url).status_code == 200
    client.force_login(other_member_user)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_the_admin_ledger_is_read_only(client, member, editor_user):
    record = CreditRecord.objects.create(member=member, year=2026, points=2, source="manual", reason="支部党员大会")
    client.force_login(editor_user)
    listing = client.get("/admin/credit_records/")
    assert listing.status_code == 200 and "支部党员大会" in listing.content.decode()
    assert client.get(f"/admin/credit_records/inspect/{record.pk}/").status_code == 200
    for url in (f"/admin/credit_records/edit/{record.pk}/", f"/admin/credit_records/delete/{record.pk}/"):
        assert client.get(url).status_code in (302, 403)
        client.post(url, {"reason": "改过的"})
    assert CreditRecord.objects.get(pk=record.pk).reason == "支部党员大会"
    assert client.get("/admin/credit_records/new/").status_code in (302, 403)
