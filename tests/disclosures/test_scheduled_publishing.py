"""定期公开: a notice approved with a go-live time waits, then the scheduler publishes it without anyone's click."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import WorkflowState

from disclosures.models import DisclosureNoticePage

from .test_workflow import act, create, notice_form


@pytest.mark.django_db
def test_an_approved_notice_with_a_go_live_time_is_published_by_the_scheduler(
    client, editor_user, reviewer, approver, disclosure_index, category, org_tree
):
    go_live = timezone.localtime() + datetime.timedelta(hours=2)
    data = notice_form(category, org_tree, timing="regular", go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    client.force_login(editor_user)
    assert create(client, disclosure_index, {**data, "action-submit": "submit"}).status_code == 302
    notice = DisclosureNoticePage.objects.get(slug="theme-day")
    for user in (reviewer, approver):
        client.force_login(user)
        act(client, notice, "approve")
    assert WorkflowState.objects.get(object_id=str(notice.pk)).status == "approved"
    notice.refresh_from_db()
    assert not notice.live and notice.index_number is None
    assert notice.scheduled_revision is not None  # "已计划"

    call_command("run_scheduler", "--once")
    notice.refresh_from_db()
    assert not notice.live  # not yet due

    # The go-live time comes (moved into the past rather than waiting two hours).
    revision = notice.scheduled_revision
    past = timezone.now() - datetime.timedelta(seconds=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    call_command("run_scheduler", "--once")
    notice.refresh_from_db()
    assert notice.live and notice.index_number


@pytest.mark.django_db
def test_the_timing_field_leads_to_the_schedule(client, editor_user, disclosure_index):
    client.force_login(editor_user)
    html = client.get(f"/admin/pages/add/disclosures/disclosurenoticepage/{disclosure_index.pk}/").content.decode()
    assert "到时自动发布" in html  # the timing field's help text names the schedule button...
    assert 'data-a11y-dialog-show="schedule-publishing-dialog"' in html  # ...which the editor has
    assert "go_live_at" in html
