from django.db import models
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page, Site
from wagtail.rich_text import get_text_for_indexing
from wagtail.search import index

from .admin_forms import BasePageForm
from .cache import shared_value
from .routing import shared_route
from .search import SegmentedSearchField
from .sections import HOME_SECTIONS_HOOK


class BasePage(Page):
    """Fields and behaviour every page of the site shares."""

    summary = models.TextField("摘要", blank=True, help_text="列表和搜索结果中显示的简短说明。")

    base_form_class = BasePageForm

    promote_panels = Page.promote_panels + [FieldPanel("summary")]
    # The backends split Chinese only at spaces: title and text are indexed segmented too (see home/search.py).
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        SegmentedSearchField("title", boost=2),
        SegmentedSearchField("search_text"),
    ]

    class Meta:
        abstract = True

    def search_body(self):
        """Plain text of the page's body for site search. Page types override it; text only members may read
        must not be returned, since search results show snippets of it."""
        return ""

    def search_text(self):
        """What site search indexes (segmented) and shows snippets from: the summary and the body's text."""
        return "\n".join(part for part in (self.summary, self.search_body()) if part)

    def preload_for_sharing(self):
        """Load what serving this page reads from other tables, before home.routing shares the page between
        requests. Page types that show related rows (a notice's category and attachments) extend it."""
        restrictions = super().get_view_restrictions()
        list(restrictions)  # evaluated: the queryset travels with its rows and answers without a query
        self._shared_view_restrictions = restrictions

    def get_view_restrictions(self):
        # Wagtail checks these on every request: a routed page carries them (preload_for_sharing).
        if hasattr(self, "_shared_view_restrictions"):
            return self._shared_view_restrictions
        return super().get_view_restrictions()


class HomePage(BasePage):
    """The site's root page: an introduction and, from each section, its newest items."""

    introduction = models.TextField("导语", blank=True)

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "home/home_page.html"

    content_panels = BasePage.content_panels + [FieldPanel("introduction")]

    class Meta:
        verbose_name = "首页"

    def search_body(self):
        return self.introduction

    def route(self, request, path_components):
        # Every page of the site is routed from here: the lookups are shared (home/routing.py).
        return shared_route(self, request, path_components, super().route)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Each section registers a hook that returns its block, or None while it has nothing to show.
        sections = (hook(request, self) for hook in hooks.get_hooks(HOME_SECTIONS_HOOK))
        context["sections"] = sorted((s for s in sections if s), key=lambda section: section.order)
        return context


class StandardPage(BasePage):
    """A plain page of text, such as 关于我们 or 联系方式."""

    body = RichTextField("正文", blank=True)

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]
    template = "home/standard_page.html"

    content_panels = BasePage.content_panels + [FieldPanel("body")]
    search_fields = BasePage.search_fields + [index.SearchField("body")]

    class Meta:
        verbose_name = "普通页面"

    def search_body(self):
        return get_text_for_indexing(self.body)


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    site_name = models.CharField("网站名称", max_length=50, default="机关党建网")
    organization_name = models.CharField("主办单位", max_length=100, default="中共县直属机关工作委员会")
    service_hotline = models.CharField("服务热线", max_length=40, blank=True)
    qq_group = models.CharField("QQ 群", max_length=40, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    footer_text = models.TextField("页脚文字", blank=True)
    site_identifier = models.CharField("网站标识码", max_length=20, blank=True)
    icp_number = models.CharField("ICP 备案号", max_length=50, blank=True, help_text="例如：浙ICP备12345678号-1")
    police_number = models.CharField(
        "公安机关备案号", max_length=50, blank=True, help_text="例如：浙公网安备 33062402000123号"
    )
    member_annual_credits = models.DecimalField(
        "党员年度学时要求",
        max_digits=5,
        decimal_places=1,
        default=32,
        help_text="《党员教育管理工作条例》：每年不少于 32 学时。",
    )
    secretary_annual_credits = models.DecimalField(
        "支部书记、支委委员年度学时要求",
        max_digits=5,
        decimal_places=1,
        default=56,
        help_text="每年不少于 56 学时。",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("site_name"),
                FieldPanel("organization_name"),
                FieldRowPanel([FieldPanel("service_hotline"), FieldPanel("qq_group")]),
                FieldPanel("address"),
                FieldPanel("footer_text"),
            ],
            heading="网站信息",
        ),
        MultiFieldPanel(
            [FieldPanel("site_identifier"), FieldPanel("icp_number"), FieldPanel("police_number")],
            heading="政府网站标识与备案",
        ),
        MultiFieldPanel(
            [FieldPanel("member_annual_credits"), FieldPanel("secretary_annual_credits")],
            heading="学习学时",
        ),
    ]

    class Meta:
        verbose_name = "网站设置"

    @classmethod
    def for_request(cls, request):
        # Every page shows these (its title and footer): shared until they or a page change, like the menu.
        attr_name = cls.get_cache_attr_name()
        if not hasattr(request, attr_name):
            site = Site.find_for_request(request)
            site_pk = site.pk if site else None
            instance = shared_value(
                ("site-settings", cls._meta.label_lower, site_pk), lambda: (cls.for_site(site), None)
            )
            instance._request = request
            setattr(request, attr_name, instance)
        return getattr(request, attr_name)

    @property
    def police_record_code(self):
        """The digits of the 公安备案号, which its record page takes as a parameter."""
        return "".join(ch for ch in self.police_number if ch.isdigit())


from .media import SiteDocument, SiteImage, SiteRendition  # noqa: E402,F401  (models Django must discover here)
