from django.contrib.auth.views import redirect_to_login
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from home.cache import shared_value
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

from .models import DisclosureIndexPage, NoticeFeedback, NoticeRead
from .reads import branches_led_by
from .visibility import document_visible, visibility_key, visible_notices

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


@hooks.register("before_serve_document")
def check_document_scope(document, request):
    if document_visible(request.user, document):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return TemplateResponse(request, "403.html", status=403)


class FeedbackViewSet(SnippetViewSet):
    model = NoticeFeedback
    icon = "comment"
    menu_label = "意见反馈"
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["notice", "user", "created_at", "answered"]
    list_filter = ["replied_at"]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return NoticeFeedback.objects.select_related("notice", "user")


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
    from .visibility import visibility_filter

    return SearchSection(
        key="disclosures",
        label="党务公开",
        order=10,
        models=(DisclosureIndexPage, DisclosureNoticePage),
        visible={DisclosureNoticePage: visibility_filter(request.user)},
    )
