import django_filters
from django.contrib.auth.models import Permission
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from . import separation
from .audit import Kind, record
from .models import SecurityEvent

hooks.register("before_create_user", separation.check_user_form)
hooks.register("before_edit_user", separation.check_user_form)
hooks.register("before_bulk_action", separation.check_user_bulk_action)


class SecurityEventFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label="事件类型", choices=Kind.choices, empty_label="全部")
    username = django_filters.CharFilter(label="用户名", lookup_expr="icontains")
    address = django_filters.CharFilter(label="客户端地址", lookup_expr="startswith")
    time = django_filters.DateFromToRangeFilter(label="时间范围", widget=DateRangePickerWidget)

    class Meta:
        model = SecurityEvent
        fields = ["kind", "username", "address", "time"]


def _local_time(event):
    return timezone.localtime(event.time).strftime("%Y-%m-%d %H:%M:%S")


class SecurityEventIndexView(IndexView):
    def render_to_response(self, context, **response_kwargs):
        if self.is_export:
            # Taking the log away is itself on the record, with what was asked for.
            filters = {key: value for key, value in self.request.GET.items() if key != "export" and value}
            record(
                Kind.EXPORT,
                request=self.request,
                target="安全审计日志",
                count=len(context["object_list"]),
                filters=filters,
            )
        return super().render_to_response(context, **response_kwargs)


class SecurityEventViewSet(ModelViewSet):
    """安全审计日志: read-only (see security.permissions), for the 审计管理员."""

    model = SecurityEvent
    index_view_class = SecurityEventIndexView
    name = "security_events"
    url_prefix = "security-events"
    icon = "history"
    menu_label = "安全审计日志"
    add_to_admin_menu = True
    menu_order = 9000
    copy_view_enabled = False
    form_fields = ["summary"]  # Wagtail requires a form; the policy never lets anyone open it
    inspect_view_enabled = True
    filterset_class = SecurityEventFilterSet
    search_fields = ["username", "summary", "target", "address"]
    search_backend_name = None  # a database LIKE finds any part of a Chinese summary
    list_display = [
        Column("time", label="时间", accessor=_local_time, sort_key="time"),
        Column("kind", label="事件类型", accessor="get_kind_display", sort_key="kind"),
        Column("username", label="用户名", accessor=lambda event: event.username or "（系统）", sort_key="username"),
        Column("address", label="客户端地址"),
        Column("summary", label="摘要"),
        Column("detail_text", label="详情"),
    ]
    list_per_page = 50
    list_export = ["time", "get_kind_display", "username", "address", "summary", "target", "detail_text", "path"]
    export_headings = {
        "time": "时间",
        "get_kind_display": "事件类型",
        "username": "用户名",
        "address": "客户端地址",
        "summary": "摘要",
        "target": "对象",
        "detail_text": "详情",
        "path": "请求地址",
    }
    export_filename = "安全审计日志"
    inspect_view_fields = ["time", "kind", "user", "username", "address", "path", "target", "summary", "detail"]

    def get_permissions_to_register(self):
        # Wagtail's group editor never offers the log's permission: the 审计管理员 group has it from the migration,
        # so a 系统管理员 who edits groups cannot grant it to himself.
        return Permission.objects.none()


@hooks.register("register_admin_viewset")
def register_security_event_viewset():
    return SecurityEventViewSet()
