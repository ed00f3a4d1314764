from django import template
from wagtail import hooks

from home.sections import PAGE_BADGES_HOOK

register = template.Library()


def badges_for(pages):
    """{page id: [PageBadge, ...]} gathered from every section's PAGE_BADGES_HOOK, one call per hook."""
    badges = {}
    for hook in hooks.get_hooks(PAGE_BADGES_HOOK):
        for page_id, page_badges in hook(pages).items():
            badges.setdefault(page_id, []).extend(page_badges)
    return badges


@register.inclusion_tag("includes/page_badges.html")
def page_badges(page):
    """The marks other sections put on this page, such as 十佳微型党课 from the awards section."""
    return {"badges": badges_for([page]).get(page.pk, [])}
