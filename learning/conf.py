"""The section's settings, with their defaults. Tests shrink them with pytest-django's `settings` fixture."""

from decimal import Decimal

from django.conf import settings


def heartbeat_seconds():
    """How often a studying page reports (seconds)."""
    return getattr(settings, "LEARNING_HEARTBEAT_SECONDS", 30)


def completion_ratio():
    """The share of a lesson's duration that must be verified study time before it is complete."""
    return Decimal(str(getattr(settings, "LEARNING_COMPLETION_RATIO", "0.8")))


def seconds_per_minute():
    """Seconds of study per minute of a lesson's stated duration: 60, except in tests that shrink durations."""
    return Decimal(str(getattr(settings, "LEARNING_SECONDS_PER_MINUTE", 60)))


def test_attempts_per_day():
    """How many attempts at one test a member may submit in a day (local time)."""
    return int(getattr(settings, "LEARNING_TEST_ATTEMPTS_PER_DAY", 3))


def test_retry_minutes():
    """The pause between two attempts at one test (minutes after the last submission)."""
    return int(getattr(settings, "LEARNING_TEST_RETRY_MINUTES", 10))
