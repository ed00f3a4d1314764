"""Facts about a request that several sections need."""

import ipaddress

from django.conf import settings


def _is_trusted_proxy(address):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in settings.TRUSTED_PROXIES)


def client_address(request):
    """The visitor's address. Only when the request comes from our own reverse proxy (settings.TRUSTED_PROXIES)
    is it the last X-Forwarded-For entry: the one the proxy itself appended, which a client cannot forge (earlier
    entries can be). A client reaching the server directly cannot choose his address with the header."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return hops[-1] if hops else remote
