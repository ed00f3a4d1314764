import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Site

from home.models import SiteSettings
from learning import reports
from learning.models import CoursePage, CreditRecord, LessonPage, MicroLessonPage, StudyProgress, TestAttempt
from members.models import Member


def counts():
    return tuple(
        model.objects.count()
        for model in (CoursePage, LessonPage, MicroLessonPage, CreditRecord, StudyProgress, TestAttempt)
    )


@pytest.mark.django_db
def test_demo_content_is_realistic_and_idempotent():
    call_command("seed_demo", "--skip-index", stdout=io.StringIO())
    first = counts()
    call_command("seed_demo", "--skip-index", stdout=io.StringIO())
    assert counts() == first
    assert first[:3] == (3, 12, 8)
    # Every test draws from a bank larger than the draw, each question with a topic to review.
    tests = [page for page in [*CoursePage.objects.all(), *LessonPage.objects.all()] if page.has_test]
    assert len(tests) == 6
    for page in tests:
        bank = list(page.questions.all())
        assert len(bank) > page.questions_per_attempt >= 3, page.title
        assert all(question.topic for question in bank), page.title
        assert len({question.topic for question in bank}) >= 3, page.title
        # The editor sees the whole bank: the latest revision carries it.
        assert len(page.get_latest_revision_as_object().questions.all()) == len(bank), page.title
    # No demo attempt uses up today's tries.
    assert not TestAttempt.objects.filter(submitted_at__date__gte=timezone.localdate()).exists()
    assert {
        page.lecturer.user.username
        for page in MicroLessonPage.objects.filter(lecturer__user__username__in=["member", "member2", "secretary"])
    } == {"member", "member2", "secretary"}

    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    year = CoursePage.objects.first().year
    entries = {
        entry.member.user.username: entry
        for entry in reports.member_years(
            Member.objects.filter(user__username__in=["member", "member2", "secretary"]).select_related(
                "organization", "user"
            ),
            year,
            site_settings,
        )
    }
    assert entries["member2"].complete
    assert not entries["member"].complete and entries["member"].missing_required
    assert entries["secretary"].requirement == 56 and not entries["secretary"].complete
    groups, total = reports.overview(year, site_settings)
    assert 0 < total.complete < total.members
    # Every demo lesson with audio can be completed and would pass the editors' publishing check: its recording
    # (whose length is read from the file) covers the study time, and it has a transcript; all small.
    with_media = [
        page
        for model in (LessonPage, MicroLessonPage)
        for page in model.objects.filter(media__isnull=False).select_related("media")
    ]
    assert len(with_media) == 5
    for page in with_media:
        assert page.publish_problems() == {}, page.title
        assert page.media.duration >= page.required_seconds and "<p>" in page.transcript
    assert sum(page.media.file.size for page in with_media) < 5 * 1024 * 1024
    # A completed lesson says it was completed on the day the ledger granted its 学时, with no demo note.
    granted = {
        (record.member_id, record.page_id): timezone.localdate(record.created_at)
        for record in CreditRecord.objects.filter(source__in=["lesson", "micro_lesson"])
    }
    completed = StudyProgress.objects.filter(completed_at__isnull=False)
    assert completed.exists()
    for progress in completed:
        assert timezone.localdate(progress.completed_at) == granted[(progress.member_id, progress.page_id)]
    assert not StudyProgress.objects.filter(last_note="演示数据").exists()
