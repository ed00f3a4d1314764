"""The page editor's base form, shared by every page type of the site."""

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.auth import LoginForm


class BasePageForm(WagtailAdminPageForm):
    """Wagtail's page form whose untouched fields never look edited.

    Django gives a field with a callable model default (a notice's `written_on = date.today`) a hidden
    `initial-<name>` input and compares the posted value with it. Wagtail's editor does not post that input, so the
    field always "changed": with WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT an approval from the page editor saved
    a new revision and restarted the workflow. Compared with the page's own value instead, an untouched form is
    unchanged.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = False


class AdminLoginForm(LoginForm):
    """Wagtail's admin login, whose password field is labelled by its name ("Password"), which no catalogue
    translates."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "密码"
