"""Records written often or in bulk stay out of Wagtail's reference index (dangjian.records.BulkRecord)."""

import pytest
from django.apps import apps
from wagtail.models import ReferenceIndex

from dangjian.records import BulkRecord

BUSY_RECORDS = [
    "awards.Ballot",
    "awards.BallotChoice",
    "awards.ExpertScore",
    "disclosures.IndexNumberCounter",
    "disclosures.NoticeRead",
    "learning.StudyClock",
    "learning.StudyProgress",
    "learning.TestAttempt",
    "messaging.Message",
    "security.SecurityEvent",
    "volunteers.SignUp",
    "volunteers.AttendanceChange",
]


@pytest.mark.parametrize("label", BUSY_RECORDS)
def test_busy_records_are_not_reference_indexed(label):
    model = apps.get_model(label)
    assert issubclass(model, BulkRecord)
    assert not ReferenceIndex.model_is_indexable(model)


def test_content_stays_indexed():
    assert ReferenceIndex.model_is_indexable(apps.get_model("disclosures.NoticeFeedback"))
