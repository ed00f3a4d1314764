"""The lecturer chooser of a micro lesson: members on the roster (在册), found by any part of a name or branch.

Wagtail's snippet chooser for members searches through the search backend, which finds a Chinese name only by
its beginning (a name is one token), and lists transferred members as well. This one filters in the database
(LIKE), as the member list of 党员信息库 does, and shows each member's branch so that two namesakes can be told
apart. It is used by the micro lesson's panel only (`register_widget = False`): other member fields keep theirs.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet


class LecturerFilterForm(BaseFilterForm):
    q = forms.CharField(
        label="姓名或所在党组织",
        widget=forms.TextInput(attrs={"placeholder": "输入姓名或党组织名称的任意部分"}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = objects.filter(Q(name__icontains=query) | Q(organization__name__icontains=query))
        return objects


class MayReadRoster:
    """Names and branches of members are for those who keep the roster (党务干部), not every admin user."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("members.view_member"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class LecturerListing:
    filter_form_class = LecturerFilterForm
    per_page = 20

    def get_object_list(self):
        from members.models import Member

        return Member.objects.active().select_related("organization").order_by("name", "pk")

    @property
    def columns(self):
        name = self.title_column
        name.label = "姓名"
        return [name, Column("organization", label="所在党组织")]


class LecturerChooseView(MayReadRoster, LecturerListing, ChooseView):
    pass


class LecturerChooseResultsView(MayReadRoster, LecturerListing, ChooseResultsView):
    pass


class LecturerChosenView(MayReadRoster, ChosenView):
    pass


class LecturerChooserViewSet(ChooserViewSet):
    model = "members.Member"
    icon = "user"
    choose_one_text = "选择主讲人"
    choose_another_text = "更换主讲人"
    edit_item_text = "查看党员信息"
    page_title = "选择主讲人（在册党员）"
    search_tab_label = "查找党员"
    register_widget = False
    choose_view_class = LecturerChooseView
    choose_results_view_class = LecturerChooseResultsView
    chosen_view_class = LecturerChosenView


lecturer_chooser_viewset = LecturerChooserViewSet("lecturer_chooser", url_prefix="learning/lecturers")
LecturerChooserWidget = lecturer_chooser_viewset.widget_class
