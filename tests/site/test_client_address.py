"""Whose address a request comes from: X-Forwarded-For is believed from the trusted proxies only."""

import pytest
from django.test import RequestFactory

from dangjian.http import client_address


def request_from(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        (["127.0.0.1"], "127.0.0.1", "1.2.3.4, 10.9.9.9", "10.9.9.9"),  # the proxy's own entry, not the forged one
        (["127.0.0.1"], "127.0.0.1", None, "127.0.0.1"),
        (["127.0.0.1"], "10.1.1.1", "10.9.9.9", "10.1.1.1"),  # straight to the server: the header is ignored
        (["10.0.0.0/8"], "10.20.0.5", "192.168.3.7", "192.168.3.7"),  # a proxy network
        (["127.0.0.1"], "not-an-address", "10.9.9.9", "not-an-address"),
    ],
)
def test_client_address(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    assert client_address(request_from(remote, forwarded)) == expected
