# The large-text mode (适老化) is a cookie, so that it works without JavaScript and without a session; the page cache
# keys on it (home.cache) and the display-mode view sets it (home.views).
LARGE_TEXT_COOKIE = "large_text"


def display_mode(request):
    """Whether the visitor chose the large-text, high-contrast mode (适老化)."""
    return {"large_text": request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"}
