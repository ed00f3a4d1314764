from wagtail.admin.panels import Panel

from .admin_forms import findings_for_revision


class PersonalDataPanel(Panel):
    """Shows the editor and the reviewer every ID or mobile number found in the notice, with its place."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "disclosures/admin/personal_data_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            if page.pk:
                scope, findings, unreadable = findings_for_revision(page)
            else:
                scope, findings, unreadable = page.scope, [], []
            context.update(findings=findings, unreadable=unreadable, is_public=scope == "public")
            return context
