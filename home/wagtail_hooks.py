"""The admin's help for this office: a local 操作指南 instead of Wagtail's guide on the internet (an intranet has none)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views

EXTERNAL_HELP = ("editor-guide", "whats-new-in-wagtail")


@hooks.register("register_admin_urls")
def guide_urls():
    return [path("guide/", admin_views.staff_guide, name="staff_guide")]


@hooks.register("register_help_menu_item")
def guide_menu_item():
    return MenuItem("操作指南", reverse("staff_guide"), icon_name="help", order=900, name="staff-guide")


@hooks.register("construct_help_menu")
def drop_external_help(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(EXTERNAL_HELP)]
