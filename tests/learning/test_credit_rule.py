from decimal import Decimal

import pytest

from learning.credits import COURSE_TEST_CREDIT, lesson_credit
from learning.models import LessonPage


@pytest.mark.parametrize(
    ("minutes", "credit"),
    [(1, "0.25"), (14, "0.25"), (15, "0.5"), (29, "0.5"), (30, "1"), (45, "1"), (120, "1")],
)
def test_lesson_credit_follows_the_published_rule(minutes, credit):
    assert lesson_credit(minutes) == Decimal(credit)


@pytest.mark.django_db
def test_the_editor_may_set_a_lesson_credit():
    assert lesson_credit(10, Decimal("2")) == Decimal("2")
    assert LessonPage(duration_minutes=10, credit_override=Decimal("1.5")).credit == Decimal("1.5")
    assert LessonPage(duration_minutes=20).credit == Decimal("0.5")


def test_a_passed_course_test_adds_half_a_credit():
    assert Decimal("0.5") == COURSE_TEST_CREDIT


@pytest.mark.django_db
def test_completion_needs_eighty_percent_of_the_duration_by_default(study_settings):
    assert LessonPage(duration_minutes=30).required_seconds == 1440
    study_settings.LEARNING_COMPLETION_RATIO = "0.5"
    assert LessonPage(duration_minutes=30).required_seconds == 900
