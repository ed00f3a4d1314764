from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Member, Organization


class OrganizationViewSet(SnippetViewSet):
    model = Organization
    icon = "group"
    menu_label = "党组织"
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    # A database LIKE finds any part of a Chinese name, which the full-text backend does not segment.
    search_backend_name = None
    ordering = ["path"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("parent"),
        FieldPanel("sort_order"),
    ]

    def get_queryset(self, request):
        return Organization.objects.select_related("parent")


class MemberViewSet(SnippetViewSet):
    model = Member
    icon = "user"
    menu_label = "党员"
    list_display = ["name", "organization", "category", "status", "masked_phone"]
    list_filter = ["status", "category", "is_branch_secretary", "organization__kind"]
    search_fields = ["name", "organization__name"]
    search_backend_name = None
    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("name"), FieldPanel("gender")]),
                FieldPanel("organization"),
                FieldRowPanel([FieldPanel("category"), FieldPanel("joined_on")]),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("party_post")]),
                FieldRowPanel([FieldPanel("is_branch_secretary"), FieldPanel("is_committee_member")]),
                FieldPanel("status"),
            ],
            heading="基本信息",
        ),
        FieldPanel("user"),
    ]

    def get_queryset(self, request):
        return Member.objects.select_related("organization")


class MembershipGroup(SnippetViewSetGroup):
    items = (OrganizationViewSet, MemberViewSet)
    menu_icon = "group"
    menu_label = "党员信息库"
    menu_name = "membership"


register_snippet(MembershipGroup)
