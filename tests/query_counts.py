"""Counting the queries of one request, for the tests that a page's query count does not grow with its list."""

import re
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

# Literal ids, dates and strings differ from row to row: statements are compared by their shape.
_LITERALS = [(re.compile(r"'[^']*'"), "S"), (re.compile(r"\d+"), "N"), (re.compile(r"N(, N)+"), "N, ...")]


def _shape(sql):
    for pattern, replacement in _LITERALS:
        sql = pattern.sub(replacement, sql)
    return sql


def counted_get(client, url, **extra):
    """(response, [SQL of each query]) of one GET."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    return response, [query["sql"] for query in captured.captured_queries]


def assert_same_count(few, many):
    """Equal counts; otherwise name the statements that ran more often with the longer list."""
    if len(few) == len(many):
        return
    grown = Counter(_shape(sql) for sql in many) - Counter(_shape(sql) for sql in few)
    lines = [f"{times} more × {sql[:400]}" for sql, times in grown.most_common(8)]
    summary = f"{len(few)} queries with the short list, {len(many)} with the long one:\n"
    raise AssertionError(summary + "\n".join(lines))


def compare(client, url, grow, **extra):
    """GET `url` once to warm per-process caches (site settings, content types, site root paths), count one GET,
    call `grow()` to lengthen the lists, count one GET again. Asserts both answer 200 with the same number of
    queries; returns the two responses' HTML, for the caller to check that the list really rendered."""
    client.get(url, **extra)
    before, few = counted_get(client, url, **extra)
    grow()
    after, many = counted_get(client, url, **extra)
    assert before.status_code == 200, before.status_code
    assert after.status_code == 200, after.status_code
    assert_same_count(few, many)
    return before.content.decode(), after.content.decode()


def add_members(organization, numbers, **fields):
    """Active members of `organization` (with their user accounts), named 党员0001 and on, inserted in bulk."""
    from members.models import Member

    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"qc-{organization.pk}-{number}") for number in numbers])
    return Member.objects.bulk_create(
        [
            Member(user=user, organization=organization, name=f"党员{number + 1:04d}", **fields)
            for number, user in zip(numbers, users, strict=True)
        ]
    )
