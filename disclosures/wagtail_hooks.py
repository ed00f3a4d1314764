from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.views.chooser import viewset as document_chooser
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.images.views.chooser import viewset as image_chooser
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from home.cache import shared_value
from home.media import BEFORE_SERVE_PRIVATE_IMAGE_HOOK, update_image_privacy
from home.sections import (
    DEMO_CONTENT_HOOK,
    HOME_SECTIONS_HOOK,
    ME_PANELS_HOOK,
    SEARCH_SECTIONS_HOOK,
    HomeSection,
    MePanel,
    SearchSection,
    cached_home_section,
)
from members.choosers import ContainsSearchMixin

from .models import DisclosureIndexPage, NoticeCategory, NoticeFeedback, NoticeRead
from .reads import branches_led_by
from .visibility import (
    document_visible,
    hidden_notices,
    image_visible,
    private_image_ids,
    sees_everything,
    visibility_filter,
    visibility_key,
    visible_files,
    visible_notices,
)

HOME_ITEMS = 6
ME_ITEMS = 8


@hooks.register(HOME_SECTIONS_HOOK)
def notices_on_home(request, home_page):
    """The newest notices this viewer may see: shared by every viewer with the same visibility."""
    key = ("disclosures", home_page.pk, visibility_key(request.user))
    return cached_home_section(request, key, lambda: _notices_section(request, home_page))


def _notices_section(request, home_page):
    index = DisclosureIndexPage.objects.live().child_of(home_page).first()
    if index is None:
        return None
    notices = list(
        visible_notices(request.user).child_of(index).select_related("category").defer_streamfields()[:HOME_ITEMS]
    )
    if not notices:
        return None
    return HomeSection(
        order=10,
        title=index.title,
        template="disclosures/home_section.html",
        context={"notices": notices},
        more_url=index.get_url(request),
    )


@hooks.register(ME_PANELS_HOOK)
def internal_notices_on_me(request):
    # The newest internal notices are the same for every member who sees the same notices: shared, like the home
    # block (sorting the visible notices was the costliest query of /me/).
    internal = visible_notices(request.user).exclude(scope="public").defer_streamfields()
    notices = shared_value(
        ("me-internal-notices", visibility_key(request.user)), lambda: (list(internal[:ME_ITEMS]), None)
    )
    feedback = list(NoticeFeedback.objects.filter(user=request.user).select_related("notice")[:5])
    if not notices and not feedback:
        return None
    read_ids = set(
        NoticeRead.objects.filter(user=request.user, notice__in=[n.pk for n in notices]).values_list(
            "notice_id", flat=True
        )
    )
    index = shared_value(("first-disclosure-index",), lambda: (DisclosureIndexPage.objects.live().first(), None))
    return MePanel(
        order=10,
        title="党内公开",
        template="disclosures/me_panel.html",
        context={
            "notices": notices,
            "read_ids": read_ids,
            "feedback": feedback,
            "all_url": f"{index.get_url(request)}?scope=internal" if index else "",
            "read_reports_url": reverse("disclosures:read_reports") if branches_led_by(request.user) else "",
        },
    )


def _refuse(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return TemplateResponse(request, "403.html", status=403)


@hooks.register("before_serve_document")
def check_document_scope(document, request):
    return None if document_visible(request.user, document) else _refuse(request)


@hooks.register(BEFORE_SERVE_PRIVATE_IMAGE_HOOK)
def check_image_scope(image, request):
    return None if image_visible(request.user, image) else _refuse(request)


# Private images: which images are private is this section's rule (a notice's scope); home keeps their files off the
# public paths. Recomputed whenever what the public may see changes: a page published (a notice's scope changes only
# so), unpublished, moved or deleted. Each refresh is a few queries over the reference index, at publish time.


def refresh_image_privacy():
    update_image_privacy(private_image_ids())


@receiver(page_published)
@receiver(page_unpublished)
def image_privacy_on_publish(sender, instance, **kwargs):
    refresh_image_privacy()


@receiver(post_page_move)
def image_privacy_on_move(sender, instance, **kwargs):
    refresh_image_privacy()


@receiver(post_delete, sender=Page)
def image_privacy_on_delete(sender, instance, **kwargs):
    # The base row goes last: by then Wagtail has dropped the page's references. After the whole delete commits.
    transaction.on_commit(refresh_image_privacy)


# The admin sees only what its user may see (one rule: visibility.py) -------------------------------------------
# The staff roles (党务干部, 审核人, 审批人, superusers) see everything; any other admin user (志愿服务管理员, 评审专家)
# sees in choosers and listings only the notices, documents and images he may see on the site.


def _without_hidden_notices(pages, request):
    hidden = hidden_notices(request.user)
    return pages if hidden is None else pages.exclude(pk__in=hidden.values("pk"))


@hooks.register("construct_page_chooser_queryset")
def page_chooser_by_visibility(pages, request):
    parent_id = (request.resolver_match.kwargs if request.resolver_match else {}).get("parent_page_id")
    hidden = hidden_notices(request.user)
    if parent_id is not None and hidden is not None and hidden.filter(pk=parent_id).exists():
        raise Http404  # a chooser opened at a notice he may not see would show its title
    return _without_hidden_notices(pages, request)


@hooks.register("construct_explorer_page_queryset")
def explorer_by_visibility(parent_page, pages, request):
    return _without_hidden_notices(pages, request)


@hooks.register("construct_document_chooser_queryset")
def document_chooser_by_visibility(documents, request):
    return visible_files(request.user, documents)


@hooks.register("construct_image_chooser_queryset")
def image_chooser_by_visibility(images, request):
    return visible_files(request.user, images)


def _guard_files(model, view, ids_from):
    """Wagtail's chooser views that answer for given ids (title, file name, preview) have no queryset hook: they
    answer 404 for a file this user may not see, as if it did not exist."""

    def guarded(request, *args, **kwargs):
        ids = ids_from(request, kwargs)
        if not all(str(pk).isdigit() for pk in ids):
            raise Http404
        ids = {int(pk) for pk in ids}
        if visible_files(request.user, model.objects.filter(pk__in=ids)).count() != len(ids):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


def _chosen_id(request, kwargs):
    return [kwargs.get("pk", kwargs.get("image_id"))]


def _chosen_ids(request, kwargs):
    return request.GET.getlist("id")


@hooks.register("register_admin_urls", order=-10)  # before Wagtail's own patterns for the same paths
def guarded_file_choosers():
    Document, Image = get_document_model(), get_image_model()
    return [
        path(
            "documents/chooser/chosen/<str:pk>/",
            _guard_files(Document, document_chooser.chosen_view, _chosen_id),
            name="disclosures_guarded_document_chosen",
        ),
        path(
            "documents/chooser/chosen-multiple/",
            _guard_files(Document, document_chooser.chosen_multiple_view, _chosen_ids),
            name="disclosures_guarded_document_chosen_multiple",
        ),
        path(
            "images/chooser/chosen/<str:pk>/",
            _guard_files(Image, image_chooser.chosen_view, _chosen_id),
            name="disclosures_guarded_image_chosen",
        ),
        path(
            "images/chooser/chosen-multiple/",
            _guard_files(Image, image_chooser.chosen_multiple_view, _chosen_ids),
            name="disclosures_guarded_image_chosen_multiple",
        ),
        path(
            "images/chooser/<int:image_id>/select_format/",
            _guard_files(Image, image_chooser.select_format_view, _chosen_id),
            name="disclosures_guarded_image_select_format",
        ),
    ]


class VisibleFilesMixin:
    """The admin's image and document API lists (any admin user may call them) list what the choosers list."""

    def get_queryset(self):
        return visible_files(self.request.user, super().get_queryset())


class VisibleImagesAdminAPIViewSet(VisibleFilesMixin, ImagesAdminAPIViewSet):
    pass


class VisibleDocumentsAdminAPIViewSet(VisibleFilesMixin, DocumentsAdminAPIViewSet):
    pass


@hooks.register("construct_admin_api", order=10)  # after Wagtail's images and documents apps registered theirs
def files_api_by_visibility(router):
    router.register_endpoint("images", VisibleImagesAdminAPIViewSet)
    router.register_endpoint("documents", VisibleDocumentsAdminAPIViewSet)


class CategoryChooseMixin(ContainsSearchMixin):
    search_fields = ("name",)
    search_placeholder = "分类名称的一部分，如“党费”"


class CategoryChooseView(CategoryChooseMixin, snippet_chooser.ChooseView):
    pass


class CategoryChooseResultsView(CategoryChooseMixin, snippet_chooser.ChooseResultsView):
    pass


class CategoryChooserViewSet(SnippetChooserViewSet):
    choose_view_class = CategoryChooseView
    choose_results_view_class = CategoryChooseResultsView


class NoticeCategoryViewSet(SnippetViewSet):
    model = NoticeCategory
    icon = "tag"
    menu_label = "公开分类"
    list_display = ["name", "sort_order"]
    search_fields = ["name"]
    # A database LIKE: any part of a Chinese name, as in the chooser.
    search_backend_name = None
    chooser_viewset_class = CategoryChooserViewSet


register_snippet(NoticeCategoryViewSet)


def visible_feedback(user, queryset):
    """Feedback on notices this admin user may see (its string is the notice's title)."""
    if sees_everything(user):
        return queryset
    return queryset.filter(notice__in=visible_notices(user).order_by().values("pk"))


class FeedbackChooseMixin:
    def get_object_list(self):
        return visible_feedback(self.request.user, super().get_object_list())


class FeedbackChooseView(FeedbackChooseMixin, snippet_chooser.ChooseView):
    pass


class FeedbackChooseResultsView(FeedbackChooseMixin, snippet_chooser.ChooseResultsView):
    pass


class FeedbackChosenView(snippet_chooser.SnippetChosenView):
    def get_object(self, pk):
        if not str(pk).isdigit():
            raise Http404
        feedback = visible_feedback(self.request.user, NoticeFeedback.objects.filter(pk=pk)).first()
        if feedback is None:
            raise Http404
        return feedback


class FeedbackChosenMultipleView(snippet_chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        pks = [pk for pk in pks if str(pk).isdigit()]
        return visible_feedback(self.request.user, NoticeFeedback.objects.filter(pk__in=pks))


class FeedbackChooserViewSet(SnippetChooserViewSet):
    choose_view_class = FeedbackChooseView
    choose_results_view_class = FeedbackChooseResultsView
    chosen_view_class = FeedbackChosenView
    chosen_multiple_view_class = FeedbackChosenMultipleView


class FeedbackViewSet(SnippetViewSet):
    model = NoticeFeedback
    icon = "comment"
    menu_label = "意见反馈"
    add_to_admin_menu = True
    menu_order = 210
    list_display = [
        "notice",
        "user",
        "created_at",
        Column("answered", label="答复", accessor=lambda item: "已答复" if item.answered else "待答复"),
    ]
    list_filter = ["replied_at"]
    search_fields = ["text", "reply", "notice__title"]
    # A database LIKE finds any part of the Chinese text; feedback is not in the full-text index.
    search_backend_name = None
    inspect_view_enabled = True

    chooser_viewset_class = FeedbackChooserViewSet

    def get_queryset(self, request):
        return visible_feedback(request.user, NoticeFeedback.objects.select_related("notice", "user"))


register_snippet(FeedbackViewSet)


@hooks.register("after_edit_snippet")
def record_who_answered(request, instance):
    if isinstance(instance, NoticeFeedback) and instance.reply and not instance.replied_at:
        NoticeFeedback.objects.filter(pk=instance.pk).update(replied_by=request.user, replied_at=timezone.now())


@hooks.register(DEMO_CONTENT_HOOK)
def disclosures_demo(home, seed, stdout):
    from .demo import seed_notices

    seed_notices(home, seed=seed, stdout=stdout)


@hooks.register(SEARCH_SECTIONS_HOOK)
def notices_in_search(request):
    # Internal notices outside the visitor's scope never appear in results, not even by title.
    from .models import DisclosureNoticePage

    return SearchSection(
        key="disclosures",
        label="党务公开",
        order=10,
        models=(DisclosureIndexPage, DisclosureNoticePage),
        visible={DisclosureNoticePage: visibility_filter(request.user)},
    )


# The admin dashboard: what waits for this user ---------------------------------------------------------------


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@hooks.register("construct_homepage_panels")
def disclosures_dashboard_panels(request, panels):
    """Notices sent back to their editor (with the comment), feedback waiting for an answer, scheduled notices.

    Wagtail's own panels already list what waits for this user's 审核/审批. Each panel costs two queries at most.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Revision, WorkflowState

    from dangjian.dashboard import DASHBOARD_ITEMS, WorkItem, WorkListPanel
    from members import roles

    from .models import DisclosureNoticePage

    user = request.user
    notice_type = ContentType.objects.get_for_model(DisclosureNoticePage)
    returned = list(
        WorkflowState.objects.filter(
            requested_by=user, status=WorkflowState.STATUS_NEEDS_CHANGES, content_type=notice_type
        )
        .select_related("current_task_state__task")
        .order_by("-current_task_state__finished_at")[: DASHBOARD_ITEMS + 1]
    )
    if returned:
        titles = dict(
            DisclosureNoticePage.objects.filter(pk__in=[int(state.object_id) for state in returned]).values_list(
                "pk", "title"
            )
        )
        panels.append(
            WorkListPanel(
                "returned-notices",
                "退回修改的公开事项",
                [
                    WorkItem(
                        titles.get(int(state.object_id), "公开事项"),
                        reverse("wagtailadmin_pages:edit", args=(int(state.object_id),)),
                        f"{state.current_task_state.task.name}意见：{state.current_task_state.comment or '（未填写）'}",
                    )
                    for state in returned[:DASHBOARD_ITEMS]
                ],
                total=len(returned),
                order=90,
            )
        )
    if user.has_perm("disclosures.change_noticefeedback"):
        waiting = NoticeFeedback.objects.filter(reply="").select_related("notice").order_by("created_at")
        items = list(waiting[:DASHBOARD_ITEMS])
        if items:
            panels.append(
                WorkListPanel(
                    "feedback-to-answer",
                    "待答复的意见反馈",
                    [
                        WorkItem(
                            item.notice.title,
                            reverse("wagtailsnippets_disclosures_noticefeedback:edit", args=(item.pk,)),
                            f"{_local(item.created_at)} 提出",
                        )
                        for item in items
                    ],
                    total=waiting.count(),
                    more_url=reverse("wagtailsnippets_disclosures_noticefeedback:list"),
                    order=160,
                )
            )
    if user.is_superuser or roles.has_role(user, roles.PARTY_CADRE, roles.REVIEWER, roles.APPROVER):
        # A scheduled revision keeps its approved go-live time until it is published.
        scheduled = Revision.page_revisions.filter(
            content_type=notice_type, approved_go_live_at__isnull=False
        ).order_by("approved_go_live_at")
        items = list(scheduled.only("object_id", "object_str", "approved_go_live_at")[:DASHBOARD_ITEMS])
        if items:
            panels.append(
                WorkListPanel(
                    "scheduled-notices",
                    "已计划发布的公开事项",
                    [
                        WorkItem(
                            revision.object_str,
                            reverse("wagtailadmin_pages:edit", args=(int(revision.object_id),)),
                            f"将于 {_local(revision.approved_go_live_at)} 发布",
                        )
                        for revision in items
                    ],
                    total=scheduled.count(),
                    order=170,
                )
            )
