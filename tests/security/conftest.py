"""Fixtures for the security tests: the three separated roles and a reader of the audit log."""

import pytest

from members import roles
from security.models import SecurityEvent


@pytest.fixture
def sysadmin(make_user):
    return make_user("sysadmin", roles.SYSTEM_ADMIN, first_name="国强", last_name="郑")


@pytest.fixture
def secadmin(make_user):
    return make_user("secadmin", roles.SECURITY_ADMIN)


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", roles.AUDIT_ADMIN)


@pytest.fixture
def events():
    """The audit events of one kind (or all), oldest first."""

    def read(kind=None):
        queryset = SecurityEvent.objects.order_by("time", "pk")
        return list(queryset.filter(kind=kind) if kind else queryset)

    return read
