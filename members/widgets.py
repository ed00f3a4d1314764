"""Multiple-choice widgets for long lists of organizations or accounts in the admin.

Without JavaScript they are plain checkboxes (organizations indented by their depth in the tree). With
members/static/members/filterable-choices.js a filter box above the list hides the entries that do not contain
the words typed (any part of a Chinese name: 财政 keeps 县财政局机关党支部); checked entries and the ancestors of
shown entries stay visible, so that a choice is never hidden and a branch is seen under its unit.

Usage, for a many-to-many field to Organization or to the user model::

    from members.widgets import OrganizationCheckboxSelectMultiple, UserCheckboxSelectMultiple

    FieldPanel("scope_organizations", widget=OrganizationCheckboxSelectMultiple)
    FieldPanel("coordinators", widget=UserCheckboxSelectMultiple)
"""

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.forms.utils import flatatt

MAX_DEPTH_CLASS = 8


class FilterableCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    template_name = "members/widgets/filterable_checkboxes.html"
    filter_label = "筛选"
    filter_placeholder = "输入名称的一部分"

    class Media:
        js = ["members/filterable-choices.js"]
        css = {"all": ["members/filterable-choices.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(filter_label=self.filter_label, filter_placeholder=self.filter_placeholder)
        return context

    def search_text(self, instance, label):
        return str(label)

    def item_attrs(self, instance):
        """Extra attributes of an entry (its <li>): depth, ancestors."""
        return {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        item = {
            "class": "filterable-choices__item",
            "data-value": str(getattr(value, "value", value)),
            "data-filter-text": self.search_text(instance, label).lower(),
        }
        if instance is not None:
            for key, extra in self.item_attrs(instance).items():
                item[key] = f"{item[key]} {extra}" if key == "class" else extra
        option["item_attrs"] = flatatt(item)
        return option


class OrganizationCheckboxSelectMultiple(FilterableCheckboxSelectMultiple):
    """Organizations as a tree of checkboxes (the field's queryset in `path` order, which is Organization's default)."""

    filter_placeholder = "输入党组织名称的一部分，如“财政”"

    def search_text(self, instance, label):
        if instance is None:
            return str(label)
        return " ".join(part for part in (instance.name, instance.short_name, instance.code) if part)

    def item_attrs(self, instance):
        step = instance.STEP
        ancestors = [str(int(instance.path[end - step : end])) for end in range(step, len(instance.path), step)]
        return {
            "class": f"filterable-choices__item--depth-{min(max(instance.depth - 1, 0), MAX_DEPTH_CLASS)}",
            "data-ancestors": " ".join(ancestors),
        }


class UserCheckboxSelectMultiple(FilterableCheckboxSelectMultiple):
    """Login accounts, each shown as 姓名（用户名）· 党组织, found by any of them."""

    filter_placeholder = "输入姓名或用户名的一部分"

    def optgroups(self, name, value, attrs=None):
        # The member record and his branch with each account, in the one query that lists them.
        choices = self.choices
        if hasattr(choices, "queryset"):
            choices.queryset = choices.queryset.select_related("member__organization").order_by("username")
        return super().optgroups(name, value, attrs)

    @staticmethod
    def describe(account):
        try:
            member = account.member
        except ObjectDoesNotExist:
            member = None
        name = member.name if member else account.get_full_name()
        label = f"{name}（{account.username}）" if name else account.username
        if member:
            label += f" · {member.organization.name}"
        return label

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        instance = getattr(value, "instance", None)
        if instance is not None:
            label = self.describe(instance)
        return super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
