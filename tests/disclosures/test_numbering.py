import threading

import pytest
from django.db import connection, connections
from django.db.utils import IntegrityError

from disclosures.models import DisclosureNoticePage, IndexNumberCounter


@pytest.mark.django_db
def test_numbers_run_per_organization_and_year(make_notice, org_tree):
    first = make_notice("第一份通知")
    second = make_notice("第二份通知")
    other = make_notice("财政局支部的公开事项", issuing_organization=org_tree["finance_branch"])
    year = first.published_on.year
    assert first.index_number == f"T-GW-{year}-0001"
    assert second.index_number == f"T-GW-{year}-0002"
    assert other.index_number == f"T-CZ-1-{year}-0001"


@pytest.mark.django_db
def test_a_number_is_never_taken_from_a_draft_or_changed_by_republishing(make_notice):
    notice = make_notice("党费收缴情况公示")
    number = notice.index_number
    notice.title = "党费收缴情况公示（更正）"
    notice.save_revision().publish()
    notice.unpublish()
    notice.refresh_from_db()
    notice.save_revision().publish()
    notice.refresh_from_db()
    assert notice.index_number == number
    assert IndexNumberCounter.objects.get().last_serial == 1


@pytest.mark.django_db
def test_unpublished_notices_have_no_number(make_notice):
    assert make_notice("尚未发布", publish=False).index_number is None


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_number(make_notice):
    first = make_notice("第一份")
    second = make_notice("第二份")
    with pytest.raises(IntegrityError):
        DisclosureNoticePage.objects.filter(pk=second.pk).update(index_number=first.index_number)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL; this runs in make test's PostgreSQL pass"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_publications_never_share_a_number(make_notice):
    drafts = [make_notice(f"同时发布的公开事项{number}", publish=False).pk for number in range(8)]
    barrier = threading.Barrier(len(drafts))
    errors = []

    def publish(pk):
        try:
            notice = DisclosureNoticePage.objects.get(pk=pk)
            revision = notice.get_latest_revision()
            barrier.wait(timeout=10)
            revision.publish()
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(pk,)) for pk in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(DisclosureNoticePage.objects.filter(pk__in=drafts).values_list("index_number", flat=True))
    year = DisclosureNoticePage.objects.get(pk=drafts[0]).published_on.year
    assert numbers == [f"T-GW-{year}-{serial:04d}" for serial in range(1, 9)]
