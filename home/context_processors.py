from .views import LARGE_TEXT_COOKIE


def display_mode(request):
    """Whether the visitor chose the large-text, high-contrast mode (适老化)."""
    return {"large_text": request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"}
