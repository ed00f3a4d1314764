from django import template

from ..choices import Scope
from ..models import DisclosureNoticePage

register = template.Library()

AUDIENCE_HELP = {
    Scope.PUBLIC: "发布后任何人可看，包括未登录的群众。",
    Scope.ALL_MEMBERS: "发布后仅在册党员登录后可看；群众看不到标题和正文。",
    Scope.ORGANIZATIONS: "发布后仅以下党组织（含下级组织）的在册党员登录后可看：{names}。",
}


@register.simple_tag
def notice_audience(page):
    """Who will see a notice, in the editor's status panel: (title, help text), or None for other page types.

    A notice's audience is its 公开范围, not Wagtail's view restrictions, so Wagtail's own line ("一旦发布，任何人可看")
    would be wrong for an internal notice.
    """
    if not isinstance(page, DisclosureNoticePage):
        return None
    scope = Scope(page.scope) if page.scope in Scope.values else Scope.PUBLIC
    help_text = AUDIENCE_HELP[scope]
    if scope == Scope.ORGANIZATIONS:
        names = "、".join(org.name for org in page.scope_organizations.all()) if page.pk else ""
        help_text = help_text.format(names=names or "（尚未选择）")
    return scope.label, help_text + "以已保存的内容为准。"
