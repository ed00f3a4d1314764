from wagtail.admin.panels import Panel


class TransferHistoryPanel(Panel):
    """A member's history from the roster imports (转入, 转出, 县内转接, changes), on his admin page."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "members/panels/transfer_history.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk) and super().is_shown()

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["changes"] = (
                self.instance.roster_changes.select_related("roster_import", "roster_import__applied_by")
                .defer("roster_import__content", "roster_import__preview")
                .order_by("-roster_import__applied_at", "-pk")
            )
            return context
