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


class MemberAccountPanel(Panel):
    """A member's login account on his admin page: whether he has one, whether he still has to change its initial
    password, and (for 党务干部) the links to open one or to reset its password."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "members/panels/account.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk) and super().is_shown()

        def get_context_data(self, parent_context=None):
            from .account_views import create_url
            from .accounts import can_manage_accounts, skip_reason
            from .models import PendingPasswordChange

            context = super().get_context_data(parent_context)
            member = self.instance
            account = member.user
            context.update(
                member=member,
                account=account,
                pending=PendingPasswordChange.objects.filter(user=account).first() if account else None,
                may_manage=can_manage_accounts(self.request.user),
                create_url=create_url(id=[member.pk]) if skip_reason(member) is None else "",
                reason=skip_reason(member),
            )
            return context
