"""The admin dashboard's work list: each section adds "what waits for you" panels through Wagtail's
`construct_homepage_panels` hook, built from this one component so that they look and behave alike."""

from dataclasses import dataclass

from wagtail.admin.ui.components import Component

# How many of the waiting things a panel lists; it links to the whole list for the rest.
DASHBOARD_ITEMS = 5


@dataclass(frozen=True)
class WorkItem:
    label: str  # e.g. the notice's title
    url: str  # where the job is done
    detail: str = ""  # e.g. "3 天前提交"


class WorkListPanel(Component):
    """A dashboard panel: a heading with the number of things waiting, the first few of them, and a link to all.

    A panel with nothing waiting renders nothing: the dashboard shows only the jobs there are.
    """

    template_name = "dashboard/work_list_panel.html"

    def __init__(self, name, heading, items, total=None, more_url="", order=150):
        self.name = name
        self.heading = heading
        self.items = list(items)
        self.total = len(self.items) if total is None else total
        self.more_url = more_url
        self.order = order

    def render_html(self, parent_context=None):
        if not self.total:
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context=None):
        return {
            "panel_id": f"dashboard-{self.name}",
            "heading": f"{self.heading}（{self.total}）",
            "items": self.items,
            "total": self.total,
            "more_url": self.more_url,
        }
