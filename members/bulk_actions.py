"""The member listing's bulk action 开通登录账号: the chosen members go to the same confirmation page as one member
or a roster import (members.account_views), where members who already have an account are left out."""

from django.shortcuts import redirect
from django.utils.functional import classproperty
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from .account_views import create_url
from .models import Member


class CreateAccountsBulkAction(SnippetBulkAction):
    display_name = "开通登录账号"
    action_type = "create_accounts"
    aria_label = "为选中的党员开通登录账号"
    action_priority = 50

    @classproperty
    def models(cls):
        return [Member]

    def dispatch(self, request, *args, **kwargs):
        ids = request.GET.getlist("id")
        if "all" in ids:
            # Every member of the listing: the confirmation page takes all members without an account.
            return redirect(create_url(all=1))
        return redirect(create_url(id=[value for value in ids if value.isdigit()]))
