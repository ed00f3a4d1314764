from django import template
from wagtail.models import Site

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The home page's children marked 'show in menus', in one query."""
    request = context["request"]
    site = Site.find_for_request(request)
    items = []
    if site is not None:
        root = site.root_page
        items = list(root.get_children().live().in_menu().only("id", "title", "url_path", "path", "depth"))
        # Build URLs from the site root without another query per item.
        for item in items:
            item.menu_url = "/" + item.url_path[len(root.url_path) :]
    page = context.get("page")
    current = getattr(page, "url_path", "") or ""
    is_home = bool(page) and site is not None and page.pk == site.root_page_id
    return {"items": items, "current_path": current, "is_home": is_home}
