from django import template
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar
from wagtail.models import Site

from home.cache import shared_value
from members.roles import may_work_in_admin

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The home page's children marked 'show in menus': one query, shared by every page until the next publish."""
    request = context["request"]
    site = Site.find_for_request(request)
    items = []
    if site is not None:
        items = shared_value(("main-menu", site.pk, site.root_page_id), lambda: (_menu_items(site.root_page), None))
    page = context.get("page")
    current = getattr(page, "url_path", "") or ""
    is_home = bool(page) and site is not None and page.pk == site.root_page_id
    return {"items": items, "current_path": current, "is_home": is_home}


def _menu_items(root):
    children = root.get_children().live().in_menu().only("id", "title", "url_path", "path", "depth")
    # URLs from the site root, without another query per item.
    return [
        {"title": child.title, "url_path": child.url_path, "menu_url": "/" + child.url_path[len(root.url_path) :]}
        for child in children
    ]


@register.simple_tag(takes_context=True)
def site_userbar(context, position="bottom-right"):
    """Wagtail's user bar for those who may edit. Members (most logged-in visitors) skip Wagtail's own check, which
    reads their permissions in two queries on every page they open."""
    request = context.get("request")
    if request is None or not may_work_in_admin(request.user):
        return ""
    return wagtailuserbar(context, position)
