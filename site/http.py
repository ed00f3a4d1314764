"""Facts about a request that several sections need."""


def client_address(request):
    """The visitor's address. Behind our reverse proxy it is the last X-Forwarded-For entry: the one the proxy
    itself appended, which a client cannot forge (earlier entries can be). Without a proxy, REMOTE_ADDR."""
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return hops[-1] if hops else request.META.get("REMOTE_ADDR", "")
